"""Finding editions: the current one and the archive of past ones."""

from __future__ import annotations

from forum.editions.models import Edition
from forum.extensions import db


class EditionNotFound(LookupError):
    """No edition matches (none is current, or the year is unknown)."""


def current_edition() -> Edition:
    """The edition the site leads with; raises EditionNotFound when none is marked current."""
    edition = db.session.scalars(db.select(Edition).where(Edition.is_current)).first()
    if edition is None:
        # Before an organizer marks one, the latest edition is the sensible front page.
        edition = db.session.scalars(db.select(Edition).order_by(Edition.year.desc())).first()
    if edition is None:
        raise EditionNotFound("no edition yet")
    return edition


def edition_for_year(year: int | None) -> Edition:
    """The edition of `year`, or the current one for None; raises EditionNotFound."""
    if year is None:
        return current_edition()
    edition = db.session.scalars(db.select(Edition).where(Edition.year == year)).first()
    if edition is None:
        raise EditionNotFound(f"no edition in {year}")
    return edition


def all_editions() -> list[Edition]:
    """Every edition, newest first."""
    return list(db.session.scalars(db.select(Edition).order_by(Edition.year.desc())))
