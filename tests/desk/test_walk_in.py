"""Walk-ins: registered on the spot at the desk, admitted at once, badge printed."""

from __future__ import annotations

from admin.conftest import LoginAs
from sqlalchemy import func, select

from forum.audit import history_of
from forum.editions.models import Edition
from forum.extensions import db
from forum.registration.checkin import CheckIn
from forum.registration.models import Registration

from .conftest import MakeRegistration


def _walk_in(client, **fields: str):
    form = {
        "family_name": "Okafor",
        "given_name": "Chidi",
        "email": "chidi@example.org",
        "organization": "Lagos Hotline",
        "country": "NG",
        "category": "media",
        "nonce": "walk-in-1",
    }
    form.update(fields)
    return client.post("/en/desk/walk-in", data=form)


def _registered(email: str) -> Registration | None:
    return db.session.scalars(select(Registration).where(Registration.email == email)).first()


def test_walk_in_registers_confirmed_in_a_staff_category_and_checks_in(
    login_as: LoginAs, edition: Edition
) -> None:
    client = login_as("checkin")
    client.post("/en/desk/settings", data={"desk": "Front", "point": "entrance"})
    assert "Walk-in registration" in client.get("/en/desk/walk-in").get_data(as_text=True)

    response = _walk_in(client)

    assert response.status_code == 200
    assert "Checked in now: let them in" in response.get_data(as_text=True)
    registration = _registered("chidi@example.org")
    assert (registration.status, registration.category.code) == ("confirmed", "media")
    assert registration.checkin_desk == "Front"
    actions = {event.action for event in history_of("registration", registration.id)}
    assert {"registration.walk_in", "registration.check_in"} <= actions
    badge = client.post(f"/en/desk/registrations/{registration.id}/badge.pdf")
    assert badge.mimetype == "application/pdf"


def test_walk_in_form_sent_twice_registers_and_admits_once(
    login_as: LoginAs, edition: Edition
) -> None:
    client = login_as("checkin")

    first, second = _walk_in(client), _walk_in(client)

    assert first.status_code == second.status_code == 200
    count = db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(Registration.email == "chidi@example.org")
    )
    assert count == 1
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 1


def test_walk_in_with_an_address_registered_already_says_so_and_keeps_the_form(
    login_as: LoginAs, make_registration: MakeRegistration
) -> None:
    make_registration(email="taken@example.org")
    client = login_as("checkin")

    response = _walk_in(client, email="taken@example.org", nonce="walk-in-2")

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "registered already" in page
    assert 'value="Okafor"' in page


def test_walk_in_without_a_family_name_asks_for_it_in_chinese(
    login_as: LoginAs, edition: Edition
) -> None:
    client = login_as("checkin")

    response = client.post(
        "/zh/desk/walk-in",
        data={"family_name": "", "email": "x@example.org", "country": "CN", "category": "delegate"},
    )

    assert response.status_code == 422
    assert "请输入姓（或唯一的名字）" in response.get_data(as_text=True)
    assert _registered("x@example.org") is None
