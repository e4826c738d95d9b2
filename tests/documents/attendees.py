"""Confirmed (or pending) registrations made as rows, for tests that only print them."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select

from forum.documents.badges import BadgeRender
from forum.editions.models import Edition
from forum.extensions import db
from forum.registration.models import Category, ManageToken, Registration, RegistrationStatus
from forum.registration.services import hash_token, new_reference


@dataclass(frozen=True)
class Person:
    """What someone typed into the sign-up form, as far as a badge shows it."""

    given_name: str
    family_name: str
    country: str
    name_zh: str | None = None
    is_family_name_first: bool = False
    category: str = "delegate"
    position: str = ""
    organization: str = ""


@dataclass(frozen=True)
class Attendee:
    """A registration made for a test, as plain values usable in any app context."""

    id: int
    reference: str
    formatted_reference: str
    token: str
    person: Person


def add_registration(
    edition: Edition,
    person: Person,
    status: RegistrationStatus = RegistrationStatus.CONFIRMED,
) -> Attendee:
    """A registration row for `person` with a known manage token; commits."""
    now = datetime.now(UTC)
    token = secrets.token_urlsafe(32)
    category = db.session.scalars(select(Category).where(Category.code == person.category)).one()
    registration = Registration(
        edition=edition,
        reference=new_reference(),
        manage_tokens=[ManageToken(token_hash=hash_token(token), created_at=now)],
        category=category,
        given_name=person.given_name,
        family_name=person.family_name,
        name_zh=person.name_zh,
        is_family_name_first=person.is_family_name_first,
        email=f"{secrets.token_hex(6)}@example.org",
        organization=person.organization,
        position=person.position,
        country=person.country,
        preferred_language="en",
        status=status.value,
        consent_at=now,
        created_at=now,
        updated_at=now,
        badge_prints=0,
    )
    db.session.add(registration)
    db.session.commit()
    return Attendee(
        id=registration.id,
        reference=registration.reference,
        formatted_reference=registration.formatted_reference,
        token=token,
        person=person,
    )


def remove_registrations(attendees: list[Attendee]) -> None:
    """Delete the registrations (and their stored badges) a test module made; commits."""
    ids = [attendee.id for attendee in attendees]
    db.session.execute(delete(BadgeRender).where(BadgeRender.registration_id.in_(ids)))
    db.session.execute(delete(Registration).where(Registration.id.in_(ids)))
    db.session.commit()
