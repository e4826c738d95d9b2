"""The manage page keeps the waiting list's promise, and choices name sessions, not places."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select

from forum.agenda.models import Session, SessionKind
from forum.editions.models import Edition
from forum.extensions import db
from forum.i18n import Translated
from forum.registration.models import Registration
from forum.registration.seats import waitlist_position

from .committing import cancel, register, set_capacity
from .conftest import slot_field_of, slot_key_of
from .html_forms import read_form

SHOWN = {
    "en": {
        "waiting": "You are on the waiting list, position {n}",
        "your_seat": "Your seat",
        "would_join": "Full: you would join the waiting list",
        "kept": "You keep your seat in {kept} until a seat in {wanted} is yours.",
        "seat_confirmed": "Seat confirmed",
        "listed_waiting": "On the waiting list, position {n}",
    },
    "zh": {
        "waiting": "您在候补名单中，排第{n}位",
        "your_seat": "您的席位",
        "would_join": "名额已满，选择后将进入候补名单",
        "kept": "在获得“{wanted}”的席位之前，您仍保留“{kept}”的席位。",
        "seat_confirmed": "席位已确认",
        "listed_waiting": "候补中，排第{n}位",
    },
}


def _places(email: str) -> list[tuple[int, str]]:
    registration = db.session.scalars(select(Registration).where(Registration.email == email)).one()
    db.session.refresh(registration)
    return [(seat.session_id, seat.status) for seat in registration.seats]


def _sign_up(client: FlaskClient, lang: str, email: str, field: str, session_id: int | None) -> str:
    response = client.post(
        f"/{lang}/register",
        data={
            "given_name": "Ana",
            "family_name": "Lima",
            "email": email,
            "organization": "City of Recife",
            "country": "BR",
            "category": "delegate",
            "preferred_language": lang,
            field: str(session_id) if session_id else "",
            "consent": "y",
        },
    )
    assert response.status_code == 302, response.status_code
    return response.headers["Location"].split("?", 1)[0]


@pytest.fixture
def full(sub_forums: list[Session], edition: Edition, person: Callable) -> Session:
    """Sub-forum 1 with its two seats taken and one person already waiting."""
    session = sub_forums[0]
    set_capacity(session, 2)
    for number in range(3):
        register(edition, person(f"taken{number}@example.org", [session.id]))
    return session


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_manage_page_choosing_a_full_sub_forum_joins_its_waiting_list_and_shows_both_states(
    full: Session, sub_forums: list[Session], client: FlaskClient, lang: str
) -> None:
    held = sub_forums[1]
    path = _sign_up(client, lang, "ana@example.org", slot_field_of(sub_forums), held.id)
    key = slot_key_of(sub_forums)
    before = client.get(path).get_data(as_text=True)
    assert SHOWN[lang]["would_join"] in before

    response = client.post(
        f"{path}/sessions/{key}", data={f"slot_{key}-session": str(full.id)}, follow_redirects=True
    )

    assert response.status_code == 200
    assert _places("ana@example.org") == [(held.id, "confirmed"), (full.id, "waitlisted")]
    page = response.get_data(as_text=True)
    titles = {"kept": held.title.in_language(lang), "wanted": full.title.in_language(lang)}
    assert escape(SHOWN[lang]["kept"].format(**titles)) in page
    # The list of sessions shows the seat held and the place in line...
    assert SHOWN[lang]["seat_confirmed"] in page
    assert SHOWN[lang]["listed_waiting"].format(n=2) in page
    # ...and the choice beside each sub-forum says the same, instead of "you would join".
    assert SHOWN[lang]["waiting"].format(n=2) in page
    assert SHOWN[lang]["your_seat"] in page
    assert SHOWN[lang]["would_join"] not in page
    assert read_form(page).checked[f"slot_{key}-session"] == [str(full.id)]


def test_manage_page_without_a_seat_choosing_a_full_sub_forum_joins_its_waiting_list(
    full: Session, sub_forums: list[Session], client: FlaskClient
) -> None:
    path = _sign_up(client, "en", "ana@example.org", slot_field_of(sub_forums), None)
    key = slot_key_of(sub_forums)

    client.post(f"{path}/sessions/{key}", data={f"slot_{key}-session": str(full.id)})

    assert _places("ana@example.org") == [(full.id, "waitlisted")]


def test_manage_page_waiting_attendee_is_promoted_with_the_old_seat_freed_for_the_next(
    full: Session,
    sub_forums: list[Session],
    edition: Edition,
    person: Callable,
    client: FlaskClient,
) -> None:
    held = sub_forums[1]
    set_capacity(held, 1)
    path = _sign_up(client, "en", "ana@example.org", slot_field_of(sub_forums), held.id)
    waiting_for_held = register(edition, person("next@example.org", [held.id])).registration
    key = slot_key_of(sub_forums)
    client.post(
        f"{path}/sessions/{key}", data={f"slot_{key}-session": str(full.id)}, follow_redirects=True
    )
    taken = db.session.scalars(
        select(Registration).where(Registration.email.startswith("taken"))
    ).all()

    # Two seat holders and the first in line leave: Ana is next, and gets the seat.
    for registration in taken:
        cancel(registration)

    assert _places("ana@example.org") == [(full.id, "confirmed")]
    db.session.refresh(waiting_for_held)
    assert [seat.status for seat in waiting_for_held.seats] == ["confirmed"]
    assert waitlist_position(waiting_for_held.seats[0]) is None
    page = client.get(path).get_data(as_text=True)
    assert SHOWN["en"]["your_seat"] in page
    assert "waiting list, position" not in page


# ------------------------------------------------------------- choices named by session id


def _add_earlier_sub_forums(edition: Edition, sub_forums: list[Session]) -> list[Session]:
    """An organizer adds two parallel sub-forums the day before the existing ones."""
    starts = sub_forums[0].starts_at - timedelta(days=1)
    added = [
        Session(
            edition=edition,
            code=f"early-{number}",
            kind=SessionKind.SUB_FORUM.value,
            title=Translated(en=f"Early sub-forum {number}", zh=f"早场分论坛{number}"),
            summary=Translated(),
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            position=number,
            is_published=True,
        )
        for number in range(2)
    ]
    db.session.add_all(added)
    db.session.commit()
    return added


def test_register_form_opened_before_sub_forums_were_added_still_books_the_chosen_one(
    edition: Edition, sub_forums: list[Session], client: FlaskClient
) -> None:
    shown = read_form(client.get("/en/register").get_data(as_text=True))
    (field,) = [name for name in shown.radios if name.startswith("slot_")]
    chosen = sub_forums[3]

    # While the page is open, the organizers add an earlier slot of sub-forums.
    _add_earlier_sub_forums(edition, sub_forums)
    _sign_up(client, "en", "ana@example.org", field, chosen.id)

    assert _places("ana@example.org") == [(chosen.id, "confirmed")]


def test_manage_page_opened_before_sub_forums_were_added_still_changes_the_right_slot(
    edition: Edition, sub_forums: list[Session], client: FlaskClient
) -> None:
    path = _sign_up(client, "en", "ana@example.org", slot_field_of(sub_forums), sub_forums[0].id)
    shown = client.get(path).get_data(as_text=True)
    key = slot_key_of(sub_forums)
    assert f'action="{path}/sessions/{key}"' in shown

    added = _add_earlier_sub_forums(edition, sub_forums)
    moved = client.post(
        f"{path}/sessions/{key}",
        data={f"slot_{key}-session": str(sub_forums[4].id)},
        follow_redirects=True,
    )

    assert moved.status_code == 200
    assert _places("ana@example.org") == [(sub_forums[4].id, "confirmed")]
    # The new slot's form is named by its own sessions.
    assert f'action="{path}/sessions/{min(session.id for session in added)}"' in (
        moved.get_data(as_text=True)
    )
