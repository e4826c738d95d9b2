"""Finding registrations by what a person says at a desk or types into the staff list.

One box takes a reference code (K7Q2-M9XP or K7Q2M9XP), a Latin name in either order
and without accents (`nguyen van` finds Văn Nguyễn), a Chinese name or part of it, an
e-mail address or an organization. Every word typed must match; words are looked up in
`Registration.search_text`, which holds those fields folded (see folding.py).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, case, false, or_, select

from forum.editions.models import Edition
from forum.extensions import db
from forum.registration.folding import fold
from forum.registration.models import Registration
from forum.registration.services import REFERENCE_LENGTH, normalize_reference

DEFAULT_LIMIT = 50
# Longer input is not a search anyone means; cut it rather than build a huge query.
MAX_QUERY_LENGTH = 200


def _escape_like(text: str) -> str:
    """A word as a literal inside LIKE: % and _ in an e-mail address are not wildcards."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _reference_of(text: str) -> str | None:
    """The reference code `text` can be (dash and case ignored), or None."""
    reference = normalize_reference(text)
    # At most the code and a dash or two: a longer text is words, not a reference.
    is_reference = len(reference) == REFERENCE_LENGTH and len(text.strip()) <= REFERENCE_LENGTH + 2
    return reference if is_reference else None


def registration_matches(text: str) -> ColumnElement[bool]:
    """A WHERE condition on Registration for what someone typed; reusable in any query.

    Matches the reference code exactly, or every word of `text` anywhere in the folded
    names, e-mail and organization. Empty input matches nothing.
    """
    text = text[:MAX_QUERY_LENGTH]
    words = fold(text).split()
    if not words:
        return false()
    every_word = and_(
        *(Registration.search_text.like(f"%{_escape_like(word)}%", escape="\\") for word in words)
    )
    reference = _reference_of(text)
    if reference is None:
        return every_word
    return or_(Registration.reference == reference, every_word)


def search_registrations(
    edition: Edition, text: str, *, limit: int = DEFAULT_LIMIT
) -> list[Registration]:
    """Registrations of `edition` matching `text`: an exact reference first, then by name."""
    reference = _reference_of(text) or ""
    query = (
        select(Registration)
        .where(Registration.edition_id == edition.id, registration_matches(text))
        .order_by(
            case((Registration.reference == reference, 0), else_=1),
            Registration.family_name,
            Registration.given_name,
            Registration.id,
        )
        .limit(limit)
    )
    return list(db.session.scalars(query))
