"""Ids as the database holds them, and as they come in from URLs, query strings and forms.

Ids and years are 32-bit integer columns. A larger number names nothing, and PostgreSQL
answers it with an error rather than no row (SQLite overflows), so such a number is
treated as naming nothing before it reaches a query.
"""

from __future__ import annotations

from collections.abc import Mapping

LARGEST_ID = 2**31 - 1


def as_id(value: str | None) -> int | None:
    """The id a text gives (decimal digits, 1 to LARGEST_ID), else None."""
    if value is None:
        return None
    value = value.strip()
    if not value.isascii() or not value.isdigit() or len(value) > len(str(LARGEST_ID)):
        return None
    number = int(value)
    return number if 0 < number <= LARGEST_ID else None


def id_from(values: Mapping[str, str], name: str) -> int | None:
    """`values[name]` (request.args or request.form) as an id, or None."""
    return as_id(values.get(name))
