"""What a desk request costs in SQL: a scan and a check-in stay a fixed handful of
statements however many seats, door checks and prints the registration has.

The bench (`bench/desk.py`) measures the time; these bounds keep the work from creeping
back (an N+1 on the card's sessions or history, a read-back after the commit).
"""

from __future__ import annotations

from dataclasses import dataclass

from admin.conftest import LoginAs
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from recording import recorded_statements

from forum.audit import Actor
from forum.documents.qr import make_payload
from forum.editions.models import Edition
from forum.extensions import db
from forum.registration.checkin import check_at_door, record_badge_print
from forum.registration.seats import choice_slots

from .conftest import MakeRegistration

# The staff member, the edition, the registration with its category and seats (one
# query), its history with the doors' sessions, the doors for the settings panel.
SCAN_STATEMENTS = 5
# The staff member, the edition, the registration with its category and seats, the
# nonce, the conditional UPDATE, the check-in row, the audit entry, the history.
CHECK_IN_STATEMENTS = 8


@dataclass(frozen=True)
class Busy:
    id: int
    reference: str
    door_titles: list[str]


def _busy_registration(
    make_registration: MakeRegistration, edition: Edition, desk_actor: Actor
) -> Busy:
    """A registration with a seat, scanned at every parallel session's door and printed
    twice: the card lists all of it."""
    doors = [session for slot in choice_slots(edition) for session in slot.sessions]
    registration = make_registration(session_ids=[doors[0].id])
    for number, door in enumerate(doors):
        check_at_door(registration, door, f"Door {number}", desk_actor, f"door-{number}")
    for _print in range(2):
        record_badge_print(registration, "East hall 2", desk_actor)
    db.session.commit()
    busy = Busy(registration.id, registration.reference, [str(door.title) for door in doors])
    # A request starts with nothing loaded, as in a server process.
    db.session.remove()
    return busy


def _desk(login_as: LoginAs) -> FlaskClient:
    client = login_as("checkin")
    client.post("/en/desk/settings", data={"desk": "East hall 2", "point": "entrance"})
    return client


def test_desk_scan_costs_a_fixed_number_of_statements(
    changes_data: Flask,
    login_as: LoginAs,
    make_registration: MakeRegistration,
    edition: Edition,
    desk_actor: Actor,
) -> None:
    client = _desk(login_as)
    registration = _busy_registration(make_registration, edition, desk_actor)
    payload = make_payload(registration.reference)

    with recorded_statements(changes_data) as statements:
        response = client.get("/en/desk/", query_string={"q": payload})

    page = response.get_data(as_text=True)
    assert "OK to enter" in page
    assert page.count("scanned at a door") == len(registration.door_titles)
    assert all(f"· {escape(title)}</li>" in page for title in registration.door_titles)
    assert len(statements) <= SCAN_STATEMENTS, "\n".join(statements)


def test_desk_check_in_costs_a_fixed_number_of_statements(
    changes_data: Flask,
    login_as: LoginAs,
    make_registration: MakeRegistration,
    edition: Edition,
    desk_actor: Actor,
) -> None:
    client = _desk(login_as)
    registration = _busy_registration(make_registration, edition, desk_actor)

    with recorded_statements(changes_data) as statements:
        answer = client.post(
            f"/en/desk/registrations/{registration.id}/check-in",
            data={"nonce": "cost-1"},
            headers={"Accept": "application/json"},
        ).get_json()

    assert answer["is_admitted"] is True
    assert answer["html"].count("badge printed") == 2
    assert len(statements) <= CHECK_IN_STATEMENTS, "\n".join(statements)
