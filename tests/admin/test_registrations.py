"""Registrations in the staff area: the list's search and filters, the registration page,
each action with its audit entry, organizer-made registrations, and erasure."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from factories import make_registration, registration_data
from flask import Flask
from sqlalchemy import event, func, select

from forum.agenda.models import Session
from forum.audit import COMMAND_LINE, Actor, AuditEvent
from forum.documents.badges import BadgeLayout, BadgeRender, badge_pdf
from forum.editions.models import Edition
from forum.editions.services import current_edition
from forum.extensions import db
from forum.mail import OutboxMessage, OutboxStatus
from forum.registration import checkin, staff
from forum.registration.models import (
    ManageToken,
    Registration,
    RegistrationStatus,
    Seat,
    SeatStatus,
)
from forum.registration.seats import choice_slots, waitlist_position
from forum.registration.services import (
    RegistrationClosed,
    WindowState,
    register,
    registration_window_state,
)

from .conftest import LoginAs

BASE = "/en/admin/registrations"


@pytest.fixture
def edition(changes_data: Flask) -> Edition:
    """The demo's current edition, whose public window is closed."""
    edition = current_edition()
    assert registration_window_state(edition) is not WindowState.OPEN
    return edition


@pytest.fixture
def sub_forums(edition: Edition) -> list[Session]:
    (slot,) = choice_slots(edition)
    return slot.sessions


def _events(registration: Registration) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.object_type == "registration",
                AuditEvent.object_id == registration.id,
            )
            .order_by(AuditEvent.id)
        )
    )


def _actions(registration: Registration) -> list[str]:
    return [audit_event.action for audit_event in _events(registration)]


@pytest.fixture
def organizer(login_as: LoginAs, edition: Edition):
    return login_as("organizer")


# ------------------------------------------------------------------------- the list


def _listed(client, **arguments: str) -> str:
    response = client.get(BASE + "/", query_string=arguments)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_list_searches_by_name_without_accents_and_by_chinese_name(
    organizer, edition: Edition
) -> None:
    make_registration(edition, "thi@example.org", given_name="Thị", family_name="Nguyễn")
    make_registration(
        edition, "wei@example.cn", given_name="Wei", family_name="Zhang", name_zh="张伟"
    )
    page = _listed(organizer, q="nguyen")
    assert "thi@example.org" in page and "wei@example.cn" not in page
    page = _listed(organizer, q="张")
    assert "wei@example.cn" in page and "thi@example.org" not in page
    assert "No registration matches." in _listed(organizer, q="nobody")


def test_each_filter(organizer, edition: Edition, sub_forums: list[Session]) -> None:
    first, second = sub_forums[0], sub_forums[1]
    first.capacity = 1
    seated = make_registration(edition, "seated@example.org", session_ids=[first.id])
    waiting = make_registration(edition, "waiting@example.org", session_ids=[first.id])
    media = make_registration(edition, "media@example.org", category_code="media")
    other = make_registration(edition, "other@example.org", session_ids=[second.id])
    assert waiting.seats[0].status == SeatStatus.WAITLISTED.value
    staff.cancel_registration(other, COMMAND_LINE)
    seated.checked_in_at = seated.created_at
    media.badge_prints = 2
    db.session.commit()

    def emails(**arguments: str) -> set[str]:
        page = _listed(organizer, **arguments)
        return {
            email
            for email in ("seated", "waiting", "media", "other")
            if f"{email}@example.org" in page
        }

    assert emails(status="cancelled") == {"other"}
    assert emails(category=str(media.category_id)) == {"media"}
    assert emails(session=str(first.id)) == {"seated", "waiting"}
    assert emails(session=str(first.id), session_state="confirmed") == {"seated"}
    assert emails(session=str(first.id), session_state="waiting") == {"waiting"}
    assert emails(checked_in="yes") == {"seated"}
    assert emails(checked_in="no") == {"waiting", "media", "other"}
    assert emails(badge_printed="yes") == {"media"}
    assert emails(badge_printed="no") == {"seated", "waiting", "other"}
    # Nonsense in the query string is ignored, never a 500.
    assert emails(status="bogus", sort="bogus", checked_in="maybe", page="x") == {
        "seated",
        "waiting",
        "media",
        "other",
    }


def test_the_list_sorts_and_pages(organizer, edition: Edition) -> None:
    for number, family in enumerate(["Zeta", "Alpha", "Mu"]):
        make_registration(edition, f"p{number}@example.org", family_name=family)
    page = _listed(organizer, sort="name")
    assert page.index("Alpha") < page.index("Mu") < page.index("Zeta")
    page = _listed(organizer, sort="newest")
    assert page.index("Mu") < page.index("Alpha") < page.index("Zeta")
    from forum.registration.listing import RegistrationFilters, list_registrations

    second = list_registrations(edition, RegistrationFilters(), page=2, per_page=2)
    assert second.total == 3 and second.pages == 2
    assert [r.family_name for r in second.registrations] == ["Zeta"]


def test_the_list_costs_the_same_queries_for_few_or_many(
    app: Flask, organizer, edition: Edition, sub_forums: list[Session]
) -> None:
    statements: list[str] = []

    def count(*_args: Any) -> None:
        statements.append("query")

    def queries() -> int:
        statements.clear()
        assert organizer.get(BASE + "/").status_code == 200
        return len(statements)

    make_registration(edition, "one@example.org", session_ids=[sub_forums[0].id])
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        few = queries()
        for number in range(15):
            make_registration(
                edition,
                f"many{number}@example.org",
                category_code=["delegate", "media", "guest"][number % 3],
                session_ids=[sub_forums[number % len(sub_forums)].id],
            )
        many = queries()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert many == few


# ---------------------------------------------------------- organizer-made registrations


def test_organizers_register_in_a_closed_window_and_a_non_public_category(
    organizer, edition: Edition
) -> None:
    with pytest.raises(RegistrationClosed):
        register(edition, registration_data("guest@example.org", category_code="guest"))
    db.session.rollback()
    response = organizer.post(
        BASE + "/new",
        data={
            "given_name": "Li",
            "family_name": "Na",
            "name_zh": "李娜",
            "email": "Guest@Example.org",
            "organization": "Tsinghua University",
            "country": "CN",
            "preferred_language": "zh",
            "category": "guest",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    registration = db.session.scalars(
        select(Registration).where(Registration.email == "guest@example.org")
    ).one()
    assert registration.category.code == "guest"
    assert registration.status == RegistrationStatus.CONFIRMED.value
    assert _actions(registration) == ["registration.create"]
    assert _events(registration)[0].actor_name == "organizer@staff.example.org"
    confirmation = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == "guest@example.org")
    ).one()
    assert confirmation.kind == "registration.confirmation"


def test_a_bad_new_registration_keeps_what_was_typed(organizer, edition: Edition) -> None:
    make_registration(edition, "taken@example.org")
    response = organizer.post(
        BASE + "/new",
        data={
            "family_name": "Okafor",
            "email": "taken@example.org",
            "organization": "Lagos",
            "country": "NG",
            "preferred_language": "en",
            "category": "speaker",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "already registered" in page and 'value="Okafor"' in page


# ------------------------------------------------------------------- the registration page


def test_the_page_shows_fields_seats_waiting_positions_emails_and_history(
    organizer, edition: Edition, sub_forums: list[Session]
) -> None:
    sub_forums[0].capacity = 0
    registration = make_registration(
        edition,
        "page@example.org",
        phone="+8613800138000",
        dietary_needs="Halal",
        session_ids=[sub_forums[0].id],
    )
    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == "page@example.org")
    ).one()
    message.status = OutboxStatus.FAILED.value
    message.last_error = "550 mailbox unavailable"
    db.session.commit()
    page = organizer.get(f"{BASE}/{registration.id}").get_data(as_text=True)
    for text in ("+8613800138000", "Halal", "City of Recife", registration.formatted_reference):
        assert text in page
    assert "waiting list, position 1" in page
    assert "550 mailbox unavailable" in page and "failed" in page
    assert "created" in page  # the audit trail


def _check_in_rows(page: str) -> list[str]:
    """The rows of the check-in table, as text without tags."""
    table = re.search(r'<table class="check-ins">(.*?)</table>', page, re.S).group(1)
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)
    return [
        " | ".join(
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td>(.*?)</td>", row, re.S)
        )
        for row in rows
    ]


def test_the_page_lists_check_ins_and_prints_in_time_order(
    organizer, staff, edition: Edition, sub_forums: list[Session]
) -> None:
    registration = make_registration(edition, "desk@example.org", session_ids=[sub_forums[0].id])
    assert "No check-in or badge print yet." in organizer.get(f"{BASE}/{registration.id}").get_data(
        as_text=True
    )
    desk_user = Actor(staff["checkin"])
    morning = datetime(2024, 12, 18, 0, 30, tzinfo=UTC)  # 08:30 in Beijing
    # Recorded out of order: the page sorts by when it happened.
    checkin.record_badge_print(
        registration, "Desk 3", desk_user, now=morning + timedelta(minutes=5)
    )
    checkin.check_in(registration, "Desk 2", desk_user, checkin.new_nonce(), now=morning)
    checkin.undo_check_in(
        registration, Actor(staff["organizer"]), now=morning + timedelta(minutes=7)
    )
    checkin.check_at_door(
        registration,
        sub_forums[0],
        "Door B",
        desk_user,
        checkin.new_nonce(),
        now=morning + timedelta(hours=5),
    )
    db.session.commit()

    page = organizer.get(f"{BASE}/{registration.id}").get_data(as_text=True)
    rows = _check_in_rows(page)
    title = sub_forums[0].title.in_language("en")
    assert [row.split(" | ")[1:] for row in rows] == [
        ["checked in", "Desk 2", staff["checkin"].display_name],
        ["badge printed", "Desk 3", staff["checkin"].display_name],
        ["check-in undone", "—", staff["organizer"].display_name],
        [
            f"scanned at a door: {title} (Confirmed seat in this session)",
            "Door B",
            staff["checkin"].display_name,
        ],
    ]
    assert "08:30" in rows[0] and "13:30" in rows[3]


def test_edit_is_audited_with_what_changed(organizer, edition: Edition) -> None:
    registration = make_registration(edition, "edit@example.org")
    form = {
        "given_name": "Ana",
        "family_name": "Lima",
        "email": "new@example.org",
        "organization": "City of Olinda",
        "country": "BR",
        "preferred_language": "en",
        "category": "speaker",
    }
    response = organizer.post(f"{BASE}/{registration.id}/edit", data=form)
    assert response.status_code == 302
    db.session.refresh(registration)
    assert registration.email == "new@example.org"
    assert registration.category.code == "speaker"
    (update,) = [e for e in _events(registration) if e.action == "registration.update"]
    assert update.changes["organization"] == ["City of Recife", "City of Olinda"]
    assert update.changes["email"] == ["edit@example.org", "new@example.org"]
    assert "category_id" in update.changes


def test_approve_and_reject_pending_media(organizer, edition: Edition) -> None:
    first = make_registration(edition, "m1@example.org", category_code="media")
    second = make_registration(edition, "m2@example.org", category_code="media")
    for registration in (first, second):
        registration.status = RegistrationStatus.PENDING.value
    db.session.commit()
    assert organizer.post(f"{BASE}/{first.id}/approve").status_code == 302
    assert organizer.post(f"{BASE}/{second.id}/reject").status_code == 302
    db.session.refresh(first)
    db.session.refresh(second)
    assert first.status == "confirmed" and second.status == "rejected"
    assert _actions(first)[-1] == "registration.approve"
    assert _actions(second)[-1] == "registration.reject"
    # A second click is refused politely.
    response = organizer.post(f"{BASE}/{first.id}/approve", follow_redirects=True)
    assert "Not possible for a registration in this state." in response.get_data(as_text=True)


def test_cancel_frees_the_seat_for_the_next_in_line(
    organizer, edition: Edition, sub_forums: list[Session]
) -> None:
    sub_forums[0].capacity = 1
    seated = make_registration(edition, "a@example.org", session_ids=[sub_forums[0].id])
    waiting = make_registration(edition, "b@example.org", session_ids=[sub_forums[0].id])
    assert organizer.post(f"{BASE}/{seated.id}/cancel").status_code == 302
    db.session.expire_all()
    assert seated.status == "cancelled"
    assert waiting.seats[0].status == SeatStatus.CONFIRMED.value
    assert _events(seated)[-1].changes == {"status": ["confirmed", "cancelled"]}


def test_move_refuses_a_full_session_unless_overridden_and_the_audit_says_so(
    organizer, edition: Edition, sub_forums: list[Session]
) -> None:
    full, free = sub_forums[0], sub_forums[1]
    full.capacity = 1
    make_registration(edition, "inside@example.org", session_ids=[full.id])
    mover = make_registration(edition, "mover@example.org", session_ids=[free.id])

    response = organizer.post(f"{BASE}/{mover.id}/move", data={"session": str(full.id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert [seat.session_id for seat in mover.seats] == [free.id]
    assert "registration.move" not in _actions(mover)

    response = organizer.post(
        f"{BASE}/{mover.id}/move", data={"session": str(full.id), "override_capacity": "y"}
    )
    db.session.expire_all()
    assert [(seat.session_id, seat.status) for seat in mover.seats] == [(full.id, "confirmed")]
    confirmed = db.session.scalar(
        select(func.count()).where(Seat.session_id == full.id, Seat.status == "confirmed")
    )
    assert confirmed == 2
    move = _events(mover)[-1]
    assert move.action == "registration.move"
    assert move.changes["over_capacity"] == [None, full.code]
    assert move.changes["sessions"] == [[free.code], [full.code]]


def test_move_to_a_session_with_room_is_not_an_override(
    organizer, edition: Edition, sub_forums: list[Session]
) -> None:
    mover = make_registration(edition, "mover@example.org", session_ids=[sub_forums[0].id])
    organizer.post(f"{BASE}/{mover.id}/move", data={"session": str(sub_forums[1].id)})
    db.session.expire_all()
    assert [seat.session_id for seat in mover.seats] == [sub_forums[1].id]
    assert "over_capacity" not in _events(mover)[-1].changes


def test_resend_new_link_and_revoke(organizer, edition: Edition) -> None:
    registration = make_registration(edition, "links@example.org")

    def kinds() -> list[str]:
        return list(
            db.session.scalars(
                select(OutboxMessage.kind)
                .where(OutboxMessage.recipient == "links@example.org")
                .order_by(OutboxMessage.id)
            )
        )

    organizer.post(f"{BASE}/{registration.id}/resend")
    organizer.post(f"{BASE}/{registration.id}/manage-link")
    assert kinds() == [
        "registration.confirmation",
        "registration.confirmation",
        "registration.manage_link",
    ]
    organizer.post(f"{BASE}/{registration.id}/revoke-links")
    live = db.session.scalar(
        select(func.count()).where(
            ManageToken.registration_id == registration.id, ManageToken.revoked_at.is_(None)
        )
    )
    assert live == 0
    assert _actions(registration)[-3:] == [
        "registration.resend_confirmation",
        "registration.send_manage_link",
        "registration.revoke_links",
    ]


def test_badge_download(organizer, edition: Edition) -> None:
    registration = make_registration(edition, "badge@example.org")
    response = organizer.get(f"{BASE}/{registration.id}/badge.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")


# ---------------------------------------------------------------------------- erasure


def test_erasure_leaves_nothing_personal_anywhere(organizer, edition: Edition) -> None:
    registration = make_registration(
        edition,
        "zorb.person@example.org",
        given_name="Zorbgiven",
        family_name="Zorbfamily",
        name_zh="秘密",
        phone="+8613800138000",
        organization="Zorb Org",
        position="Zorb post",
        dietary_needs="Zorb diet",
        accessibility_needs="Zorb access",
    )
    badge_pdf(registration, BadgeLayout.A6)
    staff.edit_registration(
        registration,
        registration_data("zorb.person@example.org", organization="Zorb Org 2"),
        COMMAND_LINE,
    )
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(BadgeRender)) >= 1

    # Without the box ticked nothing happens.
    organizer.post(f"{BASE}/{registration.id}/erase")
    db.session.expire_all()
    assert registration.email == "zorb.person@example.org"
    response = organizer.post(f"{BASE}/{registration.id}/erase", data={"confirm": "yes"})
    assert response.status_code == 302
    db.session.expire_all()
    secrets = ("zorb", "Zorb", "秘密", "+8613800138000")
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).all():
            text = repr(tuple(row))
            assert not any(secret in text for secret in secrets), (table.name, text)
    assert db.session.get(Registration, registration.id) is not None
    badges = select(func.count()).where(BadgeRender.registration_id == registration.id)
    assert db.session.scalar(badges) == 0
    erase = _events(registration)[-1]
    assert erase.action == "registration.erase"
    assert erase.actor_name == "organizer@staff.example.org"
    assert erase.changes == {}
    page = organizer.get(f"{BASE}/{registration.id}").get_data(as_text=True)
    assert "personal data erased" in page


def test_a_speaker_is_registered_from_their_record(organizer, edition: Edition) -> None:
    from forum.speakers.models import Speaker

    speaker = db.session.scalars(
        select(Speaker).where(Speaker.name_zh.is_not(None), Speaker.affiliation.is_not(None))
    ).first()
    assert speaker is not None
    page = organizer.get(f"{BASE}/new?speaker={speaker.id}").get_data(as_text=True)
    assert f'value="{speaker.family_name}"' in page
    assert f'value="{speaker.name_zh}"' in page
    assert '<option selected value="speaker">' in page
    assert organizer.get(f"{BASE}/new?speaker=999999").status_code == 404


def test_the_outbox_page_lists_failures_and_retries_them(organizer, edition: Edition) -> None:
    make_registration(edition, "bounce@example.org")
    make_registration(edition, "fine@example.org")
    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == "bounce@example.org")
    ).one()
    message.status = OutboxStatus.FAILED.value
    message.attempts = 6
    message.last_error = "SMTPRecipientsRefused: 550 no such user"
    db.session.commit()
    page = organizer.get("/en/admin/outbox/").get_data(as_text=True)
    assert "bounce@example.org" in page and "550 no such user" in page
    assert "fine@example.org" not in page
    assert organizer.post(f"/en/admin/outbox/{message.id}/retry").status_code == 302
    db.session.expire_all()
    assert message.status == OutboxStatus.PENDING.value and message.attempts == 0
    (retry,) = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "outbox_message.retry")
    ).all()
    assert retry.object_id == message.id and retry.changes == {"status": ["failed", "pending"]}


def test_categories_are_created_and_edited_with_audit(organizer, edition: Edition) -> None:
    from forum.registration.models import Category

    form = {
        "code": "volunteer",
        "name-en": "Volunteer",
        "name-zh": "志愿者",
        "badge_label-en": "VOLUNTEER",
        "badge_label-zh": "志愿者",
        "colour": "#0EA5E9",
        "position": "7",
    }
    assert organizer.post("/en/admin/categories/new", data=form).status_code == 302
    category = db.session.scalars(select(Category).where(Category.code == "volunteer")).one()
    assert category.name.in_language("zh") == "志愿者" and category.colour == "#0ea5e9"
    assert not category.is_public and not category.needs_approval
    again = organizer.post("/en/admin/categories/new", data=form)
    assert "Another category has this code." in again.get_data(as_text=True)
    bad = organizer.post("/en/admin/categories/new", data={**form, "code": "x", "colour": "blue"})
    assert "A colour as #rrggbb" in bad.get_data(as_text=True)

    edited = {**form, "is_public": "y", "needs_approval": "y"}
    assert organizer.post(f"/en/admin/categories/{category.id}", data=edited).status_code == 302
    db.session.expire_all()
    assert category.is_public and category.needs_approval
    actions = db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.object_type == "category", AuditEvent.object_id == category.id)
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["category.create", "category.update"]


def test_the_overview_shows_the_figures_and_raising_a_capacity_seats_those_waiting(
    organizer, login_as, edition: Edition, sub_forums: list[Session]
) -> None:
    full = sub_forums[0]
    full.capacity = 1
    make_registration(edition, "in@example.org", session_ids=[full.id], country="DE")
    waiting = make_registration(edition, "wait@example.org", session_ids=[full.id], country="DE")
    pending = make_registration(edition, "pend@example.org", category_code="media", country="GH")
    pending.status = RegistrationStatus.PENDING.value
    db.session.commit()
    page = organizer.get("/en/admin/").get_data(as_text=True)
    assert "Pending approvals</a></dt><dd>1</dd>" in page
    assert "Registered (pending or confirmed)</dt><dd>3</dd>" in page
    assert "Germany</th><td>2</td>" in page
    # The check-in desk sees the greeting, not the figures.
    assert "Pending approvals" not in login_as("checkin").get("/en/admin/").get_data(as_text=True)

    response = organizer.post(f"{BASE}/sessions/{full.id}/capacity", data={"capacity": "2"})
    assert response.status_code == 302
    db.session.expire_all()
    assert waiting.seats[0].status == SeatStatus.CONFIRMED.value
    assert db.session.scalars(
        select(OutboxMessage.kind)
        .where(OutboxMessage.recipient == "wait@example.org")
        .order_by(OutboxMessage.id)
    ).all() == ["registration.confirmation", "registration.promoted"]
    change = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == "session", AuditEvent.object_id == full.id)
        .order_by(AuditEvent.id)
    ).all()[-1]
    assert change.changes == {"capacity": [1, 2]}
    bad = organizer.post(f"{BASE}/sessions/{full.id}/capacity", data={"capacity": "-3"})
    assert bad.status_code == 302
    db.session.expire_all()
    assert full.capacity == 2


def _session_form(session: Session, **changes: str) -> dict[str, str]:
    """What the programme editor's session page posts, as loaded, with some fields changed."""
    zone = ZoneInfo(session.edition.timezone)
    summary = session.summary or {}
    data = {
        "version": str(session.version),
        "kind": session.kind,
        "title-en": session.title.get("en", ""),
        "title-zh": session.title.get("zh", ""),
        "summary-en": summary.get("en", ""),
        "summary-zh": summary.get("zh", ""),
        "starts_at": session.starts_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": session.ends_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
        "room_id": str(session.room_id or ""),
        "capacity": "" if session.capacity is None else str(session.capacity),
        "is_published": "y" if session.is_published else "",
        "staff_notes": session.staff_notes or "",
    }
    data.update(changes)
    return data


def test_raising_a_capacity_in_the_programme_editor_seats_and_mails_those_waiting(
    organizer, edition: Edition, sub_forums: list[Session]
) -> None:
    full = sub_forums[0]
    full.capacity = 1
    make_registration(edition, "seated@example.org", session_ids=[full.id])
    first = make_registration(edition, "first@example.org", session_ids=[full.id])
    second = make_registration(edition, "second@example.org", session_ids=[full.id])
    assert [seat.status for seat in first.seats + second.seats] == ["waitlisted"] * 2

    response = organizer.post(
        f"/en/admin/sessions/{full.id}",
        data=_session_form(full, capacity="2", staff_notes="one more chair"),
        follow_redirects=True,
    )

    assert "1 person on the waiting list got a seat and is told by e-mail." in (
        response.get_data(as_text=True)
    )
    db.session.expire_all()
    assert full.capacity == 2 and full.staff_notes == "one more chair"
    assert first.seats[0].status == SeatStatus.CONFIRMED.value
    assert second.seats[0].status == SeatStatus.WAITLISTED.value
    assert waitlist_position(second.seats[0]) == 1
    kinds = db.session.scalars(
        select(OutboxMessage.kind)
        .where(OutboxMessage.recipient == "first@example.org")
        .order_by(OutboxMessage.id)
    ).all()
    assert kinds == ["registration.confirmation", "registration.promoted"]
    assert (
        db.session.scalar(
            select(func.count()).where(
                OutboxMessage.recipient == "second@example.org",
                OutboxMessage.kind == "registration.promoted",
            )
        )
        == 0
    )
    update = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == "session", AuditEvent.object_id == full.id)
        .order_by(AuditEvent.id)
    ).all()[-1]
    assert update.action == "session.update"
    assert update.changes["capacity"] == [1, 2]
    assert update.changes["staff_notes"][1] == "one more chair"


def test_an_unchanged_capacity_in_the_programme_editor_promotes_no_one(
    organizer, edition: Edition, sub_forums: list[Session]
) -> None:
    full = sub_forums[0]
    full.capacity = 0
    waiting = make_registration(edition, "waiting@example.org", session_ids=[full.id])

    response = organizer.post(
        f"/en/admin/sessions/{full.id}",
        data=_session_form(full, staff_notes="no change of seats"),
        follow_redirects=True,
    )

    page = response.get_data(as_text=True)
    assert "Saved." in page and "got a seat" not in page
    db.session.expire_all()
    assert waiting.seats[0].status == SeatStatus.WAITLISTED.value


def test_the_list_shows_another_edition_when_asked(organizer, edition: Edition) -> None:
    past = db.session.scalars(select(Edition).where(Edition.year == 2022)).one()
    make_registration(past, "past@example.org")
    make_registration(edition, "now@example.org")
    assert "now@example.org" in _listed(organizer)
    page = _listed(organizer, edition=str(past.id))
    assert "past@example.org" in page and "now@example.org" not in page
    assert organizer.get(BASE + "/?edition=999999").status_code == 404
