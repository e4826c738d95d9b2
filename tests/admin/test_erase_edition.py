"""`flask forum erase-edition-data YEAR`: asks first, refuses the current or a retained
edition, and leaves anonymous rows with an audit entry saying who erased them."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from forum.audit import COMMAND_LINE, AuditEvent
from forum.editions.models import Edition
from forum.editions.services import current_edition
from forum.extensions import db
from forum.registration import staff
from forum.registration.models import Registration
from forum.registration.services import RegistrationData


def _register(edition: Edition, email: str) -> Registration:
    data = RegistrationData(
        given_name="Quillon",
        family_name="Vasquez",
        email=email,
        country="MX",
        category_code="delegate",
        preferred_language="en",
        consent=True,
        phone="+5215512345678",
    )
    registration = staff.register_by_organizer(edition, data, COMMAND_LINE).registration
    db.session.commit()
    return registration


def _edition(year: int) -> Edition:
    return db.session.scalars(select(Edition).where(Edition.year == year)).one()


def test_it_asks_then_erases_a_past_edition(changes_data: Flask) -> None:
    past = _edition(2022)
    ids = [_register(past, f"p{number}@example.org").id for number in range(3)]
    runner = changes_data.test_cli_runner()

    declined = runner.invoke(args=["forum", "erase-edition-data", "2022"], input="n\n")
    assert declined.exit_code != 0
    assert "Erase the personal data of 3 registration(s) of 2022?" in declined.output
    db.session.expire_all()
    assert db.session.get(Registration, ids[0]).family_name == "Vasquez"

    done = runner.invoke(args=["forum", "erase-edition-data", "2022"], input="y\n")
    assert done.exit_code == 0, done.output
    db.session.expire_all()
    for registration_id in ids:
        registration = db.session.get(Registration, registration_id)
        assert registration.family_name == staff.ERASED_NAME
        assert registration.phone is None and "example.org" not in registration.email
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "registration.erase")
    ).all()
    assert sorted(event.object_id for event in events) == sorted(ids)
    assert {event.actor_name for event in events} == {"command line"}
    assert all(event.changes == {} for event in events)

    again = runner.invoke(args=["forum", "erase-edition-data", "2022", "--yes"])
    assert "Nothing to erase in 2022." in again.output


def test_it_refuses_the_current_edition_and_a_retained_one(changes_data: Flask) -> None:
    current = current_edition()
    _register(current, "keep@example.org")
    runner = changes_data.test_cli_runner()
    result = runner.invoke(args=["forum", "erase-edition-data", str(current.year), "--yes"])
    assert result.exit_code != 0 and "is kept until" in result.output

    changes_data.config["PERSONAL_DATA_RETENTION_DAYS"] = 365 * 100
    try:
        result = runner.invoke(args=["forum", "erase-edition-data", "2022", "--yes"])
    finally:
        del changes_data.config["PERSONAL_DATA_RETENTION_DAYS"]
    assert result.exit_code != 0 and "is kept until" in result.output
    unknown = runner.invoke(args=["forum", "erase-edition-data", "1990", "--yes"])
    assert unknown.exit_code != 0 and "There is no edition 1990." in unknown.output
    db.session.expire_all()
    assert db.session.scalars(
        select(Registration).where(Registration.email == "keep@example.org")
    ).one()
