"""Who changed what, when: one AuditEvent per staff change, in the change's transaction.

A service that changes something calls `record(...)` before it returns; the caller's
single commit then stores the change and its audit entry together, or neither.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from forum.accounts.models import User
from forum.columns import UTCDateTime
from forum.extensions import db


@dataclass(frozen=True)
class Actor:
    """Who acts: a staff user (None on the command line) and the address they came from."""

    user: User | None
    address: str | None = None
    # Who acts when no user does: the command line, the demo loader.
    label: str = "command line"

    @property
    def name(self) -> str:
        return self.user.email if self.user else self.label


COMMAND_LINE = Actor(user=None)


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # Kept as text too, so the log still names a person whose account was removed.
    actor_name: Mapped[str] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(String(45), nullable=True)
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The object's name when the change was made, for deleted objects.
    object_label: Mapped[str] = mapped_column(String(300), default="")
    # {"field": [from, to]}, JSON-ready values.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()


def plain(value: Any) -> Any:
    """A value as JSON can store it: Translated as a dict, times as ISO strings."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return str(value)


def snapshot(obj: object, fields: Iterable[str]) -> dict[str, Any]:
    """The named attributes of `obj`, JSON-ready, to compare before and after a change."""
    return {name: plain(getattr(obj, name)) for name in fields}


def differences(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value differs, as {"field": [from, to]}."""
    return {
        name: [before.get(name), after.get(name)]
        for name in dict.fromkeys([*before, *after])
        if before.get(name) != after.get(name)
    }


def record(
    actor: Actor,
    action: str,
    obj: Any,
    changes: Mapping[str, list[Any]] | None = None,
    *,
    label: str = "",
) -> AuditEvent:
    """Add an audit entry for `action` on `obj` to the current transaction (flushed)."""
    if obj.id is None:
        db.session.flush()
    event = AuditEvent(
        at=datetime.now(UTC),
        actor_id=actor.user.id if actor.user else None,
        actor_name=actor.name,
        address=actor.address,
        action=action,
        object_type=object_type_of(obj),
        object_id=obj.id,
        object_label=(label or str(getattr(obj, "audit_label", "")))[:300],
        changes=dict(changes or {}),
    )
    db.session.add(event)
    db.session.flush()
    return event


def object_type_of(obj: Any) -> str:
    """The table's name in the singular: "sessions" -> "session", "categories" -> "category",
    "badge_batches" -> "badge_batch"."""
    table = obj.__tablename__
    if table.endswith("ies"):
        return table.removesuffix("ies") + "y"
    if table.endswith(("ches", "shes", "sses", "xes")):
        return table.removesuffix("es")
    return table.removesuffix("s")


def history_of(object_type: str, object_id: int, limit: int = 50) -> list[AuditEvent]:
    """The newest changes to one object, newest first."""
    return list(
        db.session.scalars(
            db.select(AuditEvent)
            .options(selectinload(AuditEvent.actor))
            .where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )


def audit_log(
    object_type: str | None = None,
    object_id: int | None = None,
    actor_id: int | None = None,
    limit: int = 100,
) -> list[AuditEvent]:
    """Audit entries, newest first, optionally for one kind of object, one object or one person."""
    query = (
        db.select(AuditEvent)
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    if object_id is not None:
        query = query.where(AuditEvent.object_id == object_id)
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    return list(db.session.scalars(query.limit(limit)))
