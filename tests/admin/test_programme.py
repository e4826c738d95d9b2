"""The programme editor through its forms: create, edit, delete, conflicts, locking, audit."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from factories import at, make_edition, make_room, make_session, make_speaker, make_talk
from flask import Flask

from forum.agenda.models import Room, Session, Talk
from forum.audit import AuditEvent
from forum.editions.models import Edition
from forum.extensions import db
from forum.page_cache import current_revision
from forum.speakers.models import Speaker

from .conftest import LoginAs


def _events(object_type: str, object_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            db.select(AuditEvent)
            .where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
            .order_by(AuditEvent.id)
        )
    )


def _session_form(session: Session, **changes: str) -> dict[str, str]:
    """What the session page posts, as loaded, with some fields changed."""
    data = {
        "version": str(session.version),
        "kind": session.kind,
        "title-en": session.title.get("en", ""),
        "title-zh": session.title.get("zh", ""),
        "summary-en": "",
        "summary-zh": "",
        "starts_at": "2030-12-18T14:00",
        "ends_at": "2030-12-18T16:00",
        "room_id": str(session.room_id or ""),
        "capacity": str(session.capacity or ""),
        "is_published": "y",
        "staff_notes": session.staff_notes or "",
    }
    data.update(changes)
    return data


@pytest.fixture
def edition(changes_data: Flask) -> Edition:
    return make_edition()


@pytest.fixture
def organizer(login_as: LoginAs, edition: Edition):
    return login_as("organizer")


# ------------------------------------------------------------------------------ sessions


def test_a_session_is_created_with_times_typed_in_beijing_time_stored_in_utc(
    organizer, edition: Edition
) -> None:
    room = make_room(edition)
    db.session.commit()

    response = organizer.post(
        f"/en/admin/editions/{edition.id}/sessions/new",
        data={
            "kind": "sub_forum",
            "title-en": "Hotlines and trust",
            "title-zh": "热线与信任",
            "starts_at": "2030-12-18T14:00",
            "ends_at": "2030-12-18T16:30",
            "room_id": str(room.id),
            "capacity": "80",
        },
    )

    assert response.status_code == 302, response.get_data(as_text=True)
    session = db.session.scalars(db.select(Session).where(Session.edition_id == edition.id)).one()
    assert session.title == {"en": "Hotlines and trust", "zh": "热线与信任"}
    assert session.starts_at == datetime(2030, 12, 18, 6, 0, tzinfo=UTC)
    assert session.ends_at == datetime(2030, 12, 18, 8, 30, tzinfo=UTC)
    assert (session.room_id, session.capacity, session.is_published) == (room.id, 80, False)
    (created,) = _events("session", session.id)
    assert created.action == "session.create"
    assert created.actor.email == "organizer@staff.example.org"
    assert created.changes["title"] == [None, {"en": "Hotlines and trust", "zh": "热线与信任"}]


def test_the_session_form_shows_the_stored_utc_time_in_beijing_time(organizer, edition) -> None:
    session = make_session(edition, starts_at=at(18, "01:30"), ends_at=at(18, "03:00"))
    db.session.commit()

    page = organizer.get(f"/en/admin/sessions/{session.id}").get_data(as_text=True)

    assert 'value="2030-12-18T09:30"' in page
    assert "Times are in Beijing time (UTC+8)." in page


def test_editing_a_session_records_what_changed_from_and_to(organizer, edition) -> None:
    session = make_session(edition, title={"en": "Old", "zh": "旧"})
    db.session.commit()

    response = organizer.post(
        f"/en/admin/sessions/{session.id}", data=_session_form(session, **{"title-en": "New"})
    )

    assert response.status_code == 302
    db.session.refresh(session)
    assert session.title == {"en": "New", "zh": "旧"}
    update = _events("session", session.id)[-1]
    assert update.action == "session.update"
    assert update.changes["title"] == [{"en": "Old", "zh": "旧"}, {"en": "New", "zh": "旧"}]
    assert update.address == "127.0.0.1"
    history = organizer.get(f"/en/admin/sessions/{session.id}").get_data(as_text=True)
    assert "Session changed" in history


def test_a_half_translated_title_is_saved_with_a_warning(organizer, edition) -> None:
    session = make_session(edition)
    db.session.commit()

    response = organizer.post(
        f"/en/admin/sessions/{session.id}",
        data=_session_form(session, **{"title-en": "Only English", "title-zh": ""}),
        follow_redirects=True,
    )

    assert response.status_code == 200
    assert "Title is filled in one language only" in response.get_data(as_text=True)
    db.session.refresh(session)
    assert session.title == {"en": "Only English"}


def test_an_empty_title_is_refused_in_the_readers_language(organizer, edition) -> None:
    session = make_session(edition)
    db.session.commit()

    response = organizer.post(
        f"/zh/admin/sessions/{session.id}",
        data=_session_form(session, **{"title-en": "", "title-zh": "", "staff_notes": "kept"}),
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "请用英文或中文（或两种语言）填写此项。" in page
    assert "kept</textarea>" in page


def test_a_session_ending_before_it_starts_is_refused(organizer, edition) -> None:
    session = make_session(edition)
    db.session.commit()

    response = organizer.post(
        f"/en/admin/sessions/{session.id}",
        data=_session_form(session, ends_at="2030-12-18T13:00"),
    )

    assert "The end comes before the start." in response.get_data(as_text=True)


def test_deleting_a_session_is_audited(organizer, edition) -> None:
    session = make_session(edition)
    db.session.commit()
    session_id = session.id

    response = organizer.post(f"/en/admin/sessions/{session_id}/delete")

    assert response.status_code == 302
    assert db.session.get(Session, session_id) is None
    assert _events("session", session_id)[-1].action == "session.delete"


def test_parallel_sessions_are_reordered(organizer, edition) -> None:
    first = make_session(edition, position=1)
    second = make_session(edition, position=2)
    db.session.commit()

    organizer.post(f"/en/admin/sessions/{second.id}/move", data={"direction": "up"})

    db.session.refresh(first)
    db.session.refresh(second)
    assert (second.position, first.position) == (1, 2)
    assert _events("session", second.id)[-1].action == "session.reorder"


# ----------------------------------------------------------------------- publishing


def test_an_unpublished_session_is_previewed_by_staff_only(organizer, client, edition) -> None:
    session = make_session(edition, is_published=False, title={"en": "Secret plan"})
    db.session.commit()

    assert client.get(f"/en/sessions/{session.id}").status_code == 404
    preview = organizer.get(f"/en/admin/sessions/{session.id}/preview")
    assert preview.status_code == 200
    assert "Secret plan" in preview.get_data(as_text=True)
    assert "Preview for staff" in preview.get_data(as_text=True)

    organizer.post(f"/en/admin/sessions/{session.id}/publish", data={"publish": "1"})

    assert client.get(f"/en/sessions/{session.id}").status_code == 200
    assert _events("session", session.id)[-1].action == "session.publish"


def test_public_changes_bump_the_content_revision_and_staff_notes_do_not(
    organizer, edition
) -> None:
    session = make_session(edition)
    db.session.commit()
    before = current_revision()

    organizer.post(
        f"/en/admin/sessions/{session.id}", data=_session_form(session, staff_notes="call them")
    )
    after_notes = current_revision()
    db.session.refresh(session)
    organizer.post(
        f"/en/admin/sessions/{session.id}", data=_session_form(session, **{"title-en": "Renamed"})
    )

    assert after_notes == before
    assert current_revision() == before + 1


# --------------------------------------------------------------------------- locking


def test_the_second_of_two_saves_is_refused_and_keeps_what_was_typed(
    login_as: LoginAs, edition
) -> None:
    session = make_session(edition, title={"en": "Start", "zh": "开始"})
    db.session.commit()
    first, second = login_as("organizer"), login_as("admin")
    loaded_version = str(session.version)

    saved = first.post(
        f"/en/admin/sessions/{session.id}",
        data=_session_form(session, version=loaded_version, **{"title-en": "First wins"}),
    )
    refused = second.post(
        f"/en/admin/sessions/{session.id}",
        data=_session_form(session, version=loaded_version, **{"title-en": "Second typed"}),
    )

    page = refused.get_data(as_text=True)
    assert saved.status_code == 302
    assert refused.status_code == 409
    assert "Someone else saved this while you were editing." in page
    assert "First wins" in page  # what is stored now
    assert 'value="Second typed"' in page  # what they typed, still in the form
    db.session.refresh(session)
    assert session.title["en"] == "First wins"

    again = second.post(
        f"/en/admin/sessions/{session.id}",
        data=_session_form(session, version=str(session.version), **{"title-en": "Second typed"}),
    )
    assert again.status_code == 302
    db.session.refresh(session)
    assert session.title["en"] == "Second typed"


# ------------------------------------------------------------------------- conflicts


def test_a_double_booked_room_is_shown_and_saved_only_when_confirmed(organizer, edition) -> None:
    room = make_room(edition, name={"en": "Hall A"})
    make_session(edition, room_id=room.id, title={"en": "Already there"})
    moving = make_session(edition, starts_at=at(19, "06:00"), ends_at=at(19, "07:00"))
    db.session.commit()
    form = _session_form(moving, room_id=str(room.id))

    warned = organizer.post(f"/en/admin/sessions/{moving.id}", data=form)
    db.session.refresh(moving)
    room_before_confirming = moving.room_id
    confirmed = organizer.post(
        f"/en/admin/sessions/{moving.id}", data=dict(form, confirm_conflicts="1")
    )

    page = warned.get_data(as_text=True)
    assert warned.status_code == 409
    assert "Room Hall A is booked twice" in page
    assert "Save anyway" in page
    assert room_before_confirming is None
    assert confirmed.status_code == 302
    db.session.refresh(moving)
    assert moving.room_id == room.id


def test_the_conflicts_page_lists_every_kind(organizer, edition) -> None:
    room = make_room(edition, capacity=50, name={"en": "Small room"})
    speaker = make_speaker(given_name="Wei", family_name="Zhang")
    one = make_session(edition, room_id=room.id, title={"en": "One"})
    two = make_session(edition, room_id=room.id, title={"en": "Two"}, capacity=80)
    make_talk(one, speaker)
    make_talk(two, speaker)
    make_talk(one, title={"en": "Too late"}, starts_at=at(18, "07:30"), ends_at=at(18, "09:00"))
    db.session.commit()

    page = organizer.get(f"/en/admin/editions/{edition.id}/conflicts").get_data(as_text=True)

    assert "Room Small room is booked twice" in page
    assert "Wei Zhang is in two places at once" in page
    assert "The item “Too late” lies outside the time of its session “One”." in page
    assert "“Two” takes 80 people but its room Small room seats 50." in page


# ------------------------------------------------------------------------- items


def test_an_item_is_created_with_its_people_in_order(organizer, edition) -> None:
    session = make_session(edition)
    host, guest = make_speaker(family_name="Host"), make_speaker(family_name="Guest")
    db.session.commit()

    response = organizer.post(
        f"/en/admin/sessions/{session.id}/talks/new",
        data={
            "kind": "panel",
            "title-en": "Panel on hotlines",
            "title-zh": "热线圆桌",
            "participant-0-speaker": str(guest.id),
            "participant-0-role": "moderator",
            "participant-1-speaker": str(host.id),
            "participant-1-role": "panelist",
        },
    )

    assert response.status_code == 302, response.get_data(as_text=True)
    talk = db.session.scalars(db.select(Talk).where(Talk.session_id == session.id)).one()
    assert [(p.speaker_id, p.role) for p in talk.participants] == [
        (guest.id, "moderator"),
        (host.id, "panelist"),
    ]
    assert [event.action for event in _events("talk", talk.id)] == ["talk.create", "talk.update"]


def test_an_item_is_edited_and_deleted(organizer, edition) -> None:
    session = make_session(edition)
    talk = make_talk(session, title={"en": "Before"})
    db.session.commit()
    talk_id = talk.id

    edited = organizer.post(
        f"/en/admin/talks/{talk_id}",
        data={"version": str(talk.version), "kind": "keynote", "title-en": "After"},
    )
    db.session.refresh(talk)
    title_after_edit = talk.title["en"]
    deleted = organizer.post(f"/en/admin/talks/{talk_id}/delete")

    assert edited.status_code == deleted.status_code == 302
    assert title_after_edit == "After"
    assert db.session.get(Talk, talk_id) is None
    assert [e.action for e in _events("talk", talk_id)] == ["talk.update", "talk.delete"]


# ------------------------------------------------------------------------- rooms, editions


def test_a_room_is_created_edited_and_deleted(organizer, edition) -> None:
    created = organizer.post(
        f"/en/admin/editions/{edition.id}/rooms",
        data={"code": "hall-b", "name-en": "Hall B", "name-zh": "B厅", "capacity": "120"},
    )
    room = db.session.scalars(db.select(Room).where(Room.code == "hall-b")).one()
    edited = organizer.post(
        f"/en/admin/rooms/{room.id}",
        data={"version": str(room.version), "code": "hall-b", "name-en": "B2", "name-zh": "B厅"},
    )
    room_id = room.id
    deleted = organizer.post(f"/en/admin/rooms/{room_id}/delete")

    assert (created.status_code, edited.status_code, deleted.status_code) == (302, 302, 302)
    assert db.session.get(Room, room_id) is None
    assert [e.action for e in _events("room", room_id)] == [
        "room.create",
        "room.update",
        "room.delete",
    ]


def test_a_room_in_use_is_not_deleted(organizer, edition) -> None:
    room = make_room(edition)
    make_session(edition, room_id=room.id)
    db.session.commit()

    response = organizer.post(f"/en/admin/rooms/{room.id}/delete", follow_redirects=True)

    assert "Sessions still take place in this room." in response.get_data(as_text=True)
    assert db.session.get(Room, room.id) is not None


def _edition_form(**changes: str) -> dict[str, str]:
    data = {
        "year": "2077",
        "name-en": "Forum 2077",
        "name-zh": "2077论坛",
        "starts_on": "2077-12-18",
        "ends_on": "2077-12-19",
        "timezone": "Asia/Shanghai",
        "venue-en": "Hall",
        "venue-zh": "会堂",
        "city-en": "Beijing",
        "city-zh": "北京",
        "permanent_theme-en": "People's City",
        "permanent_theme-zh": "人民城市",
        "registration_opens_at": "2077-11-01T09:00",
        "registration_closes_at": "2077-12-10T18:00",
        "are_attendee_badges_open": "y",
    }
    data.update(changes)
    return data


def test_an_edition_is_created_made_current_and_deleted(organizer, edition) -> None:
    created = organizer.post("/en/admin/editions/new", data=_edition_form())
    new = db.session.scalars(db.select(Edition).where(Edition.year == 2077)).one()
    made_current = organizer.post(f"/en/admin/editions/{new.id}/current")
    db.session.expire_all()
    previous_current = db.session.scalars(
        db.select(Edition).where(Edition.is_current, Edition.id != new.id)
    ).all()
    deleted = organizer.post(f"/en/admin/editions/{edition.id}/delete")

    assert (created.status_code, made_current.status_code, deleted.status_code) == (302,) * 3
    assert new.is_current and previous_current == []
    assert new.registration_opens_at == datetime(2077, 11, 1, 1, 0, tzinfo=UTC)
    assert new.are_attendee_badges_open is True
    assert new.starts_on == date(2077, 12, 18)
    assert db.session.get(Edition, edition.id) is None
    assert [e.action for e in _events("edition", new.id)] == [
        "edition.create",
        "edition.make_current",
    ]
    assert _events("edition", edition.id)[-1].action == "edition.delete"


def test_an_edition_with_a_taken_year_or_a_bad_time_zone_is_refused(organizer, edition) -> None:
    taken = organizer.post("/en/admin/editions/new", data=_edition_form(year=str(edition.year)))
    zone = organizer.post("/en/admin/editions/new", data=_edition_form(timezone="Mars/Olympus"))

    assert "There is an edition of that year already." in taken.get_data(as_text=True)
    assert "Please give a time zone such as Asia/Shanghai." in zone.get_data(as_text=True)


def test_editing_an_edition_turns_badge_downloads_off(organizer, edition) -> None:
    edition.are_attendee_badges_open = True
    db.session.commit()

    form = _edition_form(year=str(edition.year), starts_on="2030-12-18", ends_on="2030-12-19")
    del form["are_attendee_badges_open"]
    response = organizer.post(
        f"/en/admin/editions/{edition.id}", data=dict(form, version=str(edition.version))
    )

    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(edition)
    assert edition.are_attendee_badges_open is False
    assert _events("edition", edition.id)[-1].changes["are_attendee_badges_open"] == [True, False]


# --------------------------------------------------------------------------- speakers


def test_a_speaker_is_created_edited_published_and_deleted(organizer, edition) -> None:
    created = organizer.post(
        "/en/admin/speakers/new",
        data={
            "given_name": "Wei",
            "family_name": "Zhang",
            "name_zh": "试嘉宾",
            "is_family_name_first": "y",
            "position-en": "Director",
            "position-zh": "主任",
            "affiliation-en": "Hotline Centre",
            "bio-en": "Runs the hotline.",
            "bio-zh": "负责热线。",
            "country": "CN",
        },
    )
    speaker = db.session.scalars(db.select(Speaker).where(Speaker.name_zh == "试嘉宾")).one()
    edited = organizer.post(
        f"/en/admin/speakers/{speaker.id}",
        data={
            "version": str(speaker.version),
            "family_name": "Zhang",
            "given_name": "Wei",
            "country": "CN",
            "honorific-en": "Prof.",
            "honorific-zh": "教授",
        },
    )
    published = organizer.post(f"/en/admin/speakers/{speaker.id}/publish", data={"publish": "1"})
    speaker_id = speaker.id
    deleted = organizer.post(f"/en/admin/speakers/{speaker_id}/delete")

    assert [r.status_code for r in (created, edited, published, deleted)] == [302] * 4
    assert [e.action for e in _events("speaker", speaker_id)] == [
        "speaker.create",
        "speaker.update",
        "speaker.publish",
        "speaker.delete",
    ]
