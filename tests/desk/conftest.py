"""Fixtures of the check-in desk tests: registrations in every state, staff actors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from admin.conftest import ensure_staff, login_as, staff  # noqa: F401 - fixtures
from flask import Flask

from forum.audit import Actor
from forum.editions.models import Edition
from forum.editions.services import current_edition
from forum.extensions import db
from forum.registration.models import Registration
from forum.registration.services import RegistrationData, open_registration, register

_numbers = count(1)

MakeRegistration = Callable[..., Registration]


@pytest.fixture
def edition(changes_data: Flask) -> Edition:
    edition = current_edition()
    open_registration(edition, timedelta(days=30))
    db.session.commit()
    return edition


@pytest.fixture
def make_registration(edition: Edition) -> MakeRegistration:
    """A committed registration of the current edition; `status` sets it directly."""

    def make(status: str = "confirmed", **fields: object) -> Registration:
        number = next(_numbers)
        data = RegistrationData(
            given_name=str(fields.pop("given_name", "José")),
            family_name=str(fields.pop("family_name", f"Núñez{number}")),
            email=str(fields.pop("email", f"desk{number}@example.org")),
            country="ES",
            category_code="delegate",
            preferred_language="en",
            consent=True,
            organization=str(fields.pop("organization", "City Hotline Lab")),
            session_ids=list(fields.pop("session_ids", [])),  # type: ignore[call-overload]
        )
        registration = register(edition, data).registration
        registration.status = status
        for name, value in fields.items():
            setattr(registration, name, value)
        db.session.commit()
        return registration

    return make


@pytest.fixture
def desk_actor(changes_data: Flask) -> Actor:
    return Actor(user=ensure_staff("checkin"), address="127.0.0.1")


@pytest.fixture
def organizer_actor(changes_data: Flask) -> Actor:
    return Actor(user=ensure_staff("organizer"), address="127.0.0.1")


def moment(minutes: int = 0) -> datetime:
    return datetime(2030, 12, 18, 1, 0, tzinfo=UTC) + timedelta(minutes=minutes)
