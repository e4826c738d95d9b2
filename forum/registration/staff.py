"""What organizers do to registrations, each with the acting user and an audit entry.

Services only: they change, flush and `audit.record` in the caller's transaction; the
view or CLI command commits once. The audit label is the reference code, never a name,
so the log keeps nothing personal once a registration is erased.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, or_, select, update

from forum import audit
from forum.agenda import editing as agenda_editing
from forum.agenda.models import Session
from forum.audit import Actor, AuditEvent
from forum.documents.badges import BadgeRender
from forum.documents.batches import forget_batch_files_of
from forum.editions.models import Edition
from forum.extensions import db
from forum.mail import OutboxMessage, OutboxStatus, retry_message
from forum.registration import notifications, services
from forum.registration.models import (
    Category,
    Registration,
    RegistrationStatus,
    Seat,
    SeatStatus,
)
from forum.registration.seats import InvalidChoice, lock_sessions, seat_counts, slot_of
from forum.registration.services import (
    NotAllowed,
    Registered,
    RegistrationData,
    RegistrationError,
)

# The fields an organizer may correct and the audit compares before and after.
EDITABLE_FIELDS = (
    "given_name",
    "family_name",
    "name_zh",
    "is_family_name_first",
    "email",
    "phone",
    "organization",
    "position",
    "country",
    "preferred_language",
    "dietary_needs",
    "accessibility_needs",
    "category_id",
)


class SessionFull(RegistrationError):
    """The session has no free seat; moving there needs an explicit override."""

    def __init__(self, session: Session) -> None:
        super().__init__(session.code)
        self.session = session


def _record(actor: Actor, verb: str, registration: Registration, changes: Any = None) -> None:
    audit.record(actor, f"registration.{verb}", registration, changes, label=registration.reference)


def _category(code: str) -> Category:
    category = db.session.scalars(select(Category).where(Category.code == code)).first()
    if category is None:
        raise InvalidChoice("unknown category")
    return category


def register_by_organizer(
    edition: Edition,
    data: RegistrationData,
    actor: Actor,
    now: datetime | None = None,
    is_invitation: bool = False,
) -> Registered:
    """Register someone in any category, public or not, whether the window is open or not.

    An organizer's registration needs no approval: it is confirmed at once. An invited
    guest (`is_invitation`) is mailed an invitation rather than a confirmation. Raises
    InvalidChoice and AlreadyRegistered as `register` does.
    """
    now = now or datetime.now(UTC)
    registered = services.create_registration(
        edition,
        _category(data.category_code),
        data,
        now,
        status=RegistrationStatus.CONFIRMED,
        is_invitation=is_invitation,
    )
    _record(actor, "create", registered.registration)
    return registered


def edit_registration(
    registration: Registration,
    data: RegistrationData,
    actor: Actor,
    now: datetime | None = None,
) -> dict[str, list[Any]]:
    """Correct any stored field, e-mail and category included; returns what changed."""
    before = audit.snapshot(registration, EDITABLE_FIELDS)
    fields = services._personal_fields(data)
    email = fields["email"]
    if email != registration.email:
        other = services.live_registration_for_email(registration.edition, str(email))
        if other is not None and other.id != registration.id:
            raise services.AlreadyRegistered(registration.edition, str(email))
    for name, value in fields.items():
        setattr(registration, name, value)
    registration.category = _category(data.category_code)
    db.session.flush()
    changes = audit.differences(before, audit.snapshot(registration, EDITABLE_FIELDS))
    if changes:
        registration.updated_at = now or datetime.now(UTC)
        _record(actor, "update", registration, changes)
    return changes


def approve_registration(registration: Registration, actor: Actor) -> None:
    services.approve(registration)
    _record(actor, "approve", registration, {"status": ["pending", registration.status]})


def reject_registration(registration: Registration, actor: Actor) -> None:
    services.reject(registration)
    _record(actor, "reject", registration, {"status": ["pending", registration.status]})


def cancel_registration(registration: Registration, actor: Actor) -> list[Seat]:
    before = registration.status
    promoted = services.cancel(registration)
    _record(actor, "cancel", registration, {"status": [before, registration.status]})
    return promoted


@dataclass
class Move:
    seat: Seat | None
    over_capacity: bool = False


def move_registration(
    registration: Registration,
    to_session: Session,
    actor: Actor,
    *,
    override_capacity: bool = False,
    now: datetime | None = None,
) -> Move:
    """Move to another session of the same time slot.

    A full session raises SessionFull unless `override_capacity`, which seats the attendee
    beyond the capacity and says so in the audit entry.
    """
    now = now or datetime.now(UTC)
    slot_ids = [session.id for session in slot_of(to_session)]
    lock_sessions([to_session])
    confirmed, waiting = seat_counts(to_session.id)
    is_full = to_session.capacity is not None and (confirmed >= to_session.capacity or waiting > 0)
    already_there = any(
        seat.session_id == to_session.id and seat.status == SeatStatus.CONFIRMED.value
        for seat in registration.seats
    )
    if is_full and not already_there and not override_capacity:
        raise SessionFull(to_session)
    before = sorted(seat.session.code for seat in registration.seats if seat.session_id in slot_ids)
    change = services.change_session(registration, slot_ids, to_session.id, now)
    over_capacity = False
    if change.seat is not None and change.seat.status == SeatStatus.WAITLISTED.value:
        # Only reached with the override: seat them now, and free what they held.
        change.seat.status = SeatStatus.CONFIRMED.value
        change.seat.confirmed_at = now
        over_capacity = True
        if change.kept is not None:
            services._leave(registration, change.kept, now)
        db.session.flush()
    after = sorted(seat.session.code for seat in registration.seats if seat.session_id in slot_ids)
    changes: dict[str, list[Any]] = {"sessions": [before, after]}
    if over_capacity:
        changes["over_capacity"] = [None, to_session.code]
    _record(actor, "move", registration, changes)
    return Move(seat=change.seat, over_capacity=over_capacity)


def resend_confirmation(registration: Registration, actor: Actor) -> None:
    """A new confirmation e-mail, with a new manage link (links already sent keep working)."""
    _require_live(registration)
    token = services.add_manage_link(registration)
    notifications.queue_confirmation(registration, token)
    _record(actor, "resend_confirmation", registration)


def send_new_manage_link(registration: Registration, actor: Actor) -> None:
    """Unlike the public form, an organizer's request is not held to the hourly limit."""
    _require_live(registration)
    token = services.add_manage_link(registration)
    notifications.queue_manage_link(registration, token)
    _record(actor, "send_manage_link", registration)


def revoke_links(registration: Registration, actor: Actor) -> int:
    revoked = services.revoke_manage_links(registration)
    _record(actor, "revoke_links", registration, {"live_links": [revoked, 0]})
    return revoked


def _require_live(registration: Registration) -> None:
    if registration.status in (
        RegistrationStatus.CANCELLED.value,
        RegistrationStatus.REJECTED.value,
    ):
        raise NotAllowed(registration.status)


# ---------------------------------------------------------------------------- erasure

ERASED_NAME = "—"


def erased_email(registration: Registration) -> str:
    """Unique per row (the live-address index), and no one's address."""
    return f"erased-{registration.id}@erased.invalid"


def erase_personal_data(registration: Registration, actor: Actor) -> None:
    """Forget who this was: names, contacts, notes, stored badges, e-mails, old audit
    values. The row stays (status, category, country, seats) for the counts; the audit
    entry says who erased it and when, not what was erased."""
    old_email, reference = registration.email, registration.reference
    _forget_mail(old_email, reference)
    db.session.execute(delete(BadgeRender).where(BadgeRender.registration_id == registration.id))
    forget_batch_files_of(registration.id)
    # Earlier entries recorded values "from -> to"; keep that they happened, not the values.
    db.session.execute(
        update(AuditEvent)
        .where(AuditEvent.object_type == "registration", AuditEvent.object_id == registration.id)
        .values(changes={})
        .execution_options(synchronize_session=False)
    )
    services.revoke_manage_links(registration)
    registration.manage_tokens.clear()
    registration.given_name = ""
    registration.family_name = ERASED_NAME
    registration.name_zh = None
    registration.email = erased_email(registration)
    registration.phone = None
    registration.organization = ""
    registration.position = ""
    registration.dietary_needs = ""
    registration.accessibility_needs = ""
    registration.checkin_desk = None
    registration.updated_at = datetime.now(UTC)
    db.session.flush()
    _record(actor, "erase", registration)


def _forget_mail(email: str, reference: str) -> None:
    db.session.execute(
        delete(OutboxMessage).where(
            or_(OutboxMessage.recipient == email, OutboxMessage.topic.endswith(f" {reference}"))
        )
    )


def is_erased(registration: Registration) -> bool:
    return registration.email == erased_email(registration)


# Personal data of an edition is kept this long after its last day, then erased.
DEFAULT_RETENTION_DAYS = 365


class StillRetained(RegistrationError):
    """The edition is current, or its retention period has not ended yet."""

    def __init__(self, edition: Edition, until: date) -> None:
        super().__init__(f"{edition.year} until {until.isoformat()}")
        self.until = until


def retention_ends_on(edition: Edition) -> date:
    days = current_app.config.get("PERSONAL_DATA_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)
    return edition.ends_on + timedelta(days=days)


def registrations_to_erase(edition: Edition) -> list[Registration]:
    """The edition's registrations whose personal data is still there."""
    rows = db.session.scalars(
        select(Registration).where(Registration.edition_id == edition.id).order_by(Registration.id)
    )
    return [registration for registration in rows if not is_erased(registration)]


def erase_edition_data(edition: Edition, actor: Actor, today: date | None = None) -> int:
    """Erase every registration of a past edition whose retention period is over.

    Raises StillRetained for the current edition or one still within its period.
    Returns how many registrations were erased.
    """
    today = today or datetime.now(UTC).date()
    until = retention_ends_on(edition)
    if edition.is_current or today < until:
        raise StillRetained(edition, until)
    erased = 0
    for registration in registrations_to_erase(edition):
        erase_personal_data(registration, actor)
        erased += 1
    return erased


# ------------------------------------------------------------------------ the outbox


def outbox_problems(limit: int = 200) -> list[OutboxMessage]:
    """Failed messages, and pending ones that already failed once (retrying), oldest first."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(
                or_(
                    OutboxMessage.status == OutboxStatus.FAILED.value,
                    (OutboxMessage.status == OutboxStatus.PENDING.value)
                    & (OutboxMessage.last_error != ""),
                )
            )
            .order_by(OutboxMessage.created_at, OutboxMessage.id)
            .limit(limit)
        )
    )


def pending_count() -> int:
    return db.session.scalar(
        select(func.count()).where(OutboxMessage.status == OutboxStatus.PENDING.value)
    )


def retry_outbox_message(message: OutboxMessage, actor: Actor) -> None:
    """Send a failed or waiting message again now; the audit names the topic, not the body."""
    before = message.status
    retry_message(message)
    db.session.flush()
    audit.record(
        actor,
        "outbox_message.retry",
        message,
        {"status": [before, message.status]},
        label=message.topic,
    )


# ------------------------------------------------------------------------ capacities


@dataclass(frozen=True)
class SessionUpdate:
    changes: dict[str, list[Any]]
    promoted: list[Seat]


def update_session(
    session: Session, values: Mapping[str, Any], actor: Actor, expected_version: int | None
) -> SessionUpdate:
    """The programme editor's change of a session, with what it means for seats: a new
    capacity seats those waiting and mails them, as `change_capacity` does.

    Raises what `agenda.editing.update_session` raises (EndsBeforeStart, StaleEdit). The
    audit entry is the session's update, capacity included, in the same transaction.
    """
    is_new_capacity = "capacity" in values and values["capacity"] != session.capacity
    if is_new_capacity:
        # Lock the time slot before the change, as set_capacity does, so the seats
        # counted for the promotion cannot change underneath.
        lock_sessions([session])
    changes = agenda_editing.update_session(session, values, actor, expected_version)
    promoted = services.seat_those_waiting(session) if "capacity" in changes else []
    return SessionUpdate(changes=changes, promoted=promoted)


def change_capacity(session: Session, capacity: int | None, actor: Actor) -> list[Seat]:
    """Set a session's capacity; raising it promotes (and mails) those waiting."""
    before = session.capacity
    promoted = services.set_capacity(session, capacity)
    if before != capacity:
        audit.record(
            actor,
            "session.update",
            session,
            {"capacity": [before, capacity]},
        )
    return promoted
