"""What every editing service shares: optimistic locking and audited field updates.

Edited models carry a `version` column, their mapper's `version_id_col`, which SQLAlchemy
bumps on every UPDATE (`UPDATE ... WHERE id = ? AND version = ?`). A form sends back the version it
was loaded at; a save over a newer version is refused with `StaleEdit`, which tells the
organizer what is stored now, so their typed values are kept and nothing is lost silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy.orm.exc import StaleDataError

from forum.audit import Actor, differences, object_type_of, record, snapshot
from forum.extensions import db


class StaleEdit(Exception):
    """Someone saved the object after the form was loaded; carries what is stored now."""

    def __init__(self, obj: Any, stored: Mapping[str, Any]) -> None:
        super().__init__(f"{object_type_of(obj)} {obj.id} changed meanwhile")
        self.obj = obj
        self.stored = dict(stored)


def check_version(obj: Any, expected: int | None, fields: Iterable[str]) -> None:
    """Raise StaleEdit when the object is no longer at the version the form was loaded at."""
    if expected is not None and obj.version != expected:
        raise StaleEdit(obj, snapshot(obj, fields))


def update_fields(
    obj: Any,
    values: Mapping[str, Any],
    fields: Iterable[str],
    actor: Actor,
    expected_version: int | None,
) -> dict[str, list[Any]]:
    """Set the allowed `fields` found in `values`, flush, audit; returns the changes.

    Raises StaleEdit when the object changed since `expected_version`, also when the
    change races another save between our read and our UPDATE.
    """
    fields = tuple(fields)
    check_version(obj, expected_version, fields)
    before = snapshot(obj, fields)
    for name in fields:
        if name in values:
            setattr(obj, name, values[name])
    changes = differences(before, snapshot(obj, fields))
    if not changes:
        return {}
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        fresh = db.session.get(type(obj), obj.id)
        raise StaleEdit(fresh, snapshot(fresh, fields) if fresh else {}) from None
    record(actor, f"{object_type_of(obj)}.update", obj, changes)
    return changes


def create_audited(obj: Any, fields: Iterable[str], actor: Actor) -> Any:
    """Add a new object, flush, and audit its initial values."""
    db.session.add(obj)
    db.session.flush()
    values = snapshot(obj, fields)
    record(
        actor,
        f"{object_type_of(obj)}.create",
        obj,
        {name: [None, value] for name, value in values.items() if value not in (None, "", {})},
    )
    return obj


def delete_audited(obj: Any, fields: Iterable[str], actor: Actor) -> None:
    """Audit an object's last values, then delete it (flushed)."""
    values = snapshot(obj, fields)
    record(
        actor,
        f"{object_type_of(obj)}.delete",
        obj,
        {name: [value, None] for name, value in values.items() if value not in (None, "", {})},
    )
    db.session.delete(obj)
    db.session.flush()
