"""Organizers' changes to editions: each takes the actor and writes the audit entry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import update

from forum.audit import Actor, record
from forum.editing import create_audited, delete_audited, update_fields
from forum.editions.models import Edition
from forum.extensions import db

EDITION_FIELDS = (
    "year",
    "name",
    "starts_on",
    "ends_on",
    "timezone",
    "venue",
    "city",
    "permanent_theme",
    "special_theme",
    "introduction",
    "registration_opens_at",
    "registration_closes_at",
    "are_attendee_badges_open",
    "staff_notes",
)


class EditionError(ValueError):
    """An edition change that cannot be made; the message says why."""


class YearTaken(EditionError):
    """Another edition already has this year."""


class EndsBeforeStart(EditionError):
    """The edition's last day, or the registration window's end, comes before its start."""


def _check(values: Mapping[str, Any], edition: Edition | None = None) -> None:
    year = values.get("year")
    if year is not None:
        other = db.session.scalars(db.select(Edition).where(Edition.year == year)).first()
        if other is not None and other is not edition:
            raise YearTaken(str(year))
    for first, last in (
        ("starts_on", "ends_on"),
        ("registration_opens_at", "registration_closes_at"),
    ):
        start = values.get(first, getattr(edition, first, None))
        end = values.get(last, getattr(edition, last, None))
        if start is not None and end is not None and end < start:
            raise EndsBeforeStart(last)


def create_edition(values: Mapping[str, Any], actor: Actor) -> Edition:
    """Add an edition; raises YearTaken or EndsBeforeStart."""
    _check(values)
    edition = Edition(**{name: values[name] for name in EDITION_FIELDS if name in values})
    return create_audited(edition, EDITION_FIELDS, actor)


def update_edition(
    edition: Edition, values: Mapping[str, Any], actor: Actor, expected_version: int | None
) -> dict[str, list[Any]]:
    """Change an edition; raises YearTaken, EndsBeforeStart or StaleEdit."""
    _check(values, edition)
    return update_fields(edition, values, EDITION_FIELDS, actor, expected_version)


def make_current(edition: Edition, actor: Actor) -> None:
    """Make `edition` the one the site leads with (at most one is current)."""
    if edition.is_current:
        return
    previous = db.session.scalars(db.select(Edition).where(Edition.is_current)).first()
    # Cleared first, in its own statement: the partial unique index allows one current.
    db.session.execute(
        update(Edition)
        .where(Edition.is_current)
        .values(is_current=False, version=Edition.version + 1)
    )
    db.session.expire_all()
    edition.is_current = True
    db.session.flush()
    record(
        actor,
        "edition.make_current",
        edition,
        {"current_edition": [previous.year if previous else None, edition.year]},
    )


def delete_edition(edition: Edition, actor: Actor) -> None:
    """Delete an edition with its rooms, sessions and registrations."""
    delete_audited(edition, EDITION_FIELDS, actor)
