"""Admission at the check-in desks and the sub-forum doors.

Admission is one idempotent action. The desk sends a nonce with each attempt and
retries with the same nonce after a network failure: a nonce seen before returns the
first answer. Two desks scanning one badge at once race on one conditional
`UPDATE registrations SET checked_in_at = ... WHERE checked_in_at IS NULL`: on
PostgreSQL the second waits for the first's row lock and then finds the row taken; on
SQLite the write lock serializes them the same way. Exactly one admits, the other is
told "already checked in" with the winner's desk and time.

Every admission, undo, door check and badge print is an append-only `CheckIn` row (who, which desk
or door, when) and an audit entry on the registration, in the caller's transaction.
The functions here add and flush; the caller commits once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, func, select, update
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship
from sqlalchemy.orm.attributes import set_committed_value

from forum.accounts.models import User
from forum.agenda.models import Session
from forum.audit import Actor, record
from forum.columns import UTCDateTime, one_of
from forum.documents.badges import record_prints
from forum.documents.qr import PREFIX as PAYLOAD_PREFIX
from forum.documents.qr import verify_payload
from forum.editions.models import Edition
from forum.extensions import db
from forum.registration.models import Category, Registration, RegistrationStatus, Seat
from forum.registration.services import RegistrationData, normalize_reference, register

DESK_NAME_LENGTH = 40
NONCE_LENGTH = 64


class CheckInKind(StrEnum):
    ADMIT = "admit"  # at the main entrance
    UNDO = "undo"  # an organizer takes an admission back
    DOOR = "door"  # at a sub-forum's door
    PRINT = "print"  # a badge printed at a desk (not an admission)


class DoorSeat(StrEnum):
    """What a door scan found: the attendee's seat in that session."""

    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    NONE = "none"


class CheckIn(db.Model):
    """One admission, undo or door check; rows are only ever added."""

    __tablename__ = "check_ins"
    __table_args__ = (
        CheckConstraint(one_of("kind", CheckInKind), name="kind"),
        Index("ix_check_ins_session_kind", "session_id", "kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    # None: the main entrance; else the session whose door this was.
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), nullable=True
    )
    # At a door: the seat the attendee held there (DoorSeat).
    seat_status: Mapped[str | None] = mapped_column(String(12), nullable=True)
    desk: Mapped[str] = mapped_column(String(DESK_NAME_LENGTH), default="")
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    # Kept as text too, so the record still names a person whose account was removed.
    actor_name: Mapped[str] = mapped_column(String(254), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Sent by the desk with each attempt; a retry with the same nonce is the same attempt.
    nonce: Mapped[str] = mapped_column(String(NONCE_LENGTH), unique=True)

    registration: Mapped[Registration] = relationship()
    session: Mapped[Session | None] = relationship()
    actor: Mapped[User | None] = relationship()


class CheckInError(Exception):
    """Base of what can stop an admission."""


class NotAdmissible(CheckInError):
    """The registration is not confirmed (pending, cancelled, rejected)."""

    def __init__(self, registration: Registration) -> None:
        super().__init__(registration.reference, registration.status)
        self.registration = registration


class NotCheckedIn(CheckInError):
    """An undo of a registration that is not checked in."""


@dataclass(frozen=True)
class Admission:
    """The answer to a check-in attempt: admitted now, or already by someone else."""

    is_admitted: bool
    check_in: CheckIn  # this admission, or the one that came first


def clean_desk_name(desk: str) -> str:
    """A desk's name as stored: trimmed, single-spaced, at most DESK_NAME_LENGTH characters."""
    return " ".join(desk.split())[:DESK_NAME_LENGTH]


def check_in(
    registration: Registration, desk: str, actor: Actor, nonce: str, now: datetime | None = None
) -> Admission:
    """Admit a confirmed registration at the main entrance, once; raises NotAdmissible.

    A nonce seen before returns that attempt's answer again; a registration admitted
    before returns is_admitted=False with the first admission.
    """
    now = now or datetime.now(UTC)
    earlier = _check_in_with_nonce(nonce)
    if earlier is not None:
        return Admission(is_admitted=earlier.registration_id == registration.id, check_in=earlier)
    if registration.status != RegistrationStatus.CONFIRMED.value:
        raise NotAdmissible(registration)
    desk = clean_desk_name(desk)
    claimed = db.session.execute(
        update(Registration)
        .where(Registration.id == registration.id, Registration.checked_in_at.is_(None))
        .values(checked_in_at=now, checkin_desk=desk)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        # Someone else's values: read them back when the card needs them.
        db.session.expire(registration, ["checked_in_at", "checkin_desk"])
        # A retry that arrived while its first attempt was still running waited for it
        # on the row; it is the same attempt, and the first one's answer is its answer.
        earlier = _check_in_with_nonce(nonce)
        if earlier is not None:
            return Admission(is_admitted=True, check_in=earlier)
        return Admission(is_admitted=False, check_in=_last_admission(registration))
    # The values this UPDATE wrote, as the loaded registration's own: no read back.
    set_committed_value(registration, "checked_in_at", now)
    set_committed_value(registration, "checkin_desk", desk)
    admission = _add(registration, CheckInKind.ADMIT, desk, actor, nonce, now)
    record(
        actor,
        "registration.check_in",
        registration,
        {"checked_in_at": [None, now.isoformat()]},
        label=registration.reference,
    )
    return Admission(is_admitted=True, check_in=admission)


def undo_check_in(
    registration: Registration, actor: Actor, desk: str = "", now: datetime | None = None
) -> CheckIn:
    """Take back a registration's admission (organizers); raises NotCheckedIn."""
    now = now or datetime.now(UTC)
    before = registration.checked_in_at
    cleared = db.session.execute(
        update(Registration)
        .where(Registration.id == registration.id, Registration.checked_in_at.is_not(None))
        .values(checked_in_at=None, checkin_desk=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if cleared != 1:
        db.session.expire(registration, ["checked_in_at", "checkin_desk"])
        raise NotCheckedIn(registration.reference)
    set_committed_value(registration, "checked_in_at", None)
    set_committed_value(registration, "checkin_desk", None)
    undo = _add(registration, CheckInKind.UNDO, clean_desk_name(desk), actor, new_nonce(), now)
    record(
        actor,
        "registration.undo_check_in",
        registration,
        {"checked_in_at": [before.isoformat() if before else None, None]},
        label=registration.reference,
    )
    return undo


def check_at_door(
    registration: Registration,
    session: Session,
    desk: str,
    actor: Actor,
    nonce: str,
    now: datetime | None = None,
) -> CheckIn:
    """Record a scan at a session's door with the seat the attendee holds there.

    A nonce seen before returns that scan. Counted per session, apart from the entrance.
    """
    earlier = _check_in_with_nonce(nonce)
    if earlier is not None:
        return earlier
    seat_status = door_seat(registration, session)
    door = _add(
        registration,
        CheckInKind.DOOR,
        clean_desk_name(desk),
        actor,
        nonce,
        now or datetime.now(UTC),
        session_id=session.id,
        seat_status=seat_status.value,
    )
    record(
        actor,
        "registration.door_check",
        registration,
        {"session": [None, session.id], "seat": [None, seat_status.value]},
        label=registration.reference,
    )
    return door


def record_badge_print(
    registration: Registration, desk: str, actor: Actor, now: datetime | None = None
) -> CheckIn:
    """Count one print of the registration's badge (atomically) and record who printed it
    where. A reprint is not a second entry: admission is untouched."""
    record_prints([registration])
    row = _add(
        registration,
        CheckInKind.PRINT,
        clean_desk_name(desk),
        actor,
        new_nonce(),
        now or datetime.now(UTC),
    )
    record(actor, "registration.print_badge", registration, label=registration.reference)
    return row


def door_seat(registration: Registration, session: Session) -> DoorSeat:
    """Whether the registration holds a confirmed seat in the session, waits, or has none."""
    status = db.session.scalar(
        select(Seat.status).where(
            Seat.registration_id == registration.id, Seat.session_id == session.id
        )
    )
    if registration.status != RegistrationStatus.CONFIRMED.value:
        return DoorSeat.NONE
    if status == DoorSeat.CONFIRMED.value:
        return DoorSeat.CONFIRMED
    if status == DoorSeat.WAITLISTED.value:
        return DoorSeat.WAITLISTED
    return DoorSeat.NONE


def new_nonce() -> str:
    return secrets.token_hex(16)


def history(registration: Registration, oldest_first: bool = False) -> list[CheckIn]:
    """Every admission, undo, door check and badge print of a registration, newest first
    (the desk) or oldest first (the registration page), with the door's session (the card
    names it) in the same query."""
    order = (CheckIn.at, CheckIn.id) if oldest_first else (CheckIn.at.desc(), CheckIn.id.desc())
    return list(
        db.session.scalars(
            select(CheckIn)
            .options(joinedload(CheckIn.session))
            .where(CheckIn.registration_id == registration.id)
            .order_by(*order)
        )
    )


@dataclass(frozen=True)
class CategoryCount:
    category: Category
    checked_in: int
    expected: int


@dataclass(frozen=True)
class DoorCount:
    session: Session
    attended: int
    seats: int | None


def entrance_counts(edition_id: int) -> list[CategoryCount]:
    """Checked in against expected (confirmed registrations), by category."""
    rows = db.session.execute(
        select(
            Registration.category_id,
            func.count(),
            func.count(Registration.checked_in_at),
        )
        .where(
            Registration.edition_id == edition_id,
            Registration.status == RegistrationStatus.CONFIRMED.value,
        )
        .group_by(Registration.category_id)
    ).all()
    by_category = {category_id: (expected, checked) for category_id, expected, checked in rows}
    categories = db.session.scalars(select(Category).order_by(Category.position, Category.id))
    return [
        CategoryCount(category, by_category[category.id][1], by_category[category.id][0])
        for category in categories
        if category.id in by_category
    ]


def door_counts(sessions: list[Session]) -> list[DoorCount]:
    """People scanned in at each session's door (each counted once) against its seats."""
    ids = [session.id for session in sessions]
    attended = dict(
        db.session.execute(
            select(CheckIn.session_id, func.count(func.distinct(CheckIn.registration_id)))
            .where(CheckIn.session_id.in_(ids), CheckIn.kind == CheckInKind.DOOR.value)
            .group_by(CheckIn.session_id)
        ).all()
    )
    return [
        DoorCount(session, attended.get(session.id, 0), session.capacity) for session in sessions
    ]


def _check_in_with_nonce(nonce: str) -> CheckIn | None:
    return db.session.scalars(select(CheckIn).where(CheckIn.nonce == nonce)).first()


def _last_admission(registration: Registration) -> CheckIn:
    """The admission that holds now: the newest ADMIT row of the registration."""
    return db.session.scalars(
        select(CheckIn)
        .where(CheckIn.registration_id == registration.id, CheckIn.kind == CheckInKind.ADMIT.value)
        .order_by(CheckIn.id.desc())
    ).first()


def _add(
    registration: Registration,
    kind: CheckInKind,
    desk: str,
    actor: Actor,
    nonce: str,
    now: datetime,
    **fields: object,
) -> CheckIn:
    row = CheckIn(
        registration_id=registration.id,
        kind=kind.value,
        desk=desk,
        actor_id=actor.user.id if actor.user else None,
        actor_name=_actor_name(actor),
        at=now,
        nonce=nonce[:NONCE_LENGTH],
        **fields,
    )
    db.session.add(row)
    db.session.flush()
    return row


def _actor_name(actor: Actor) -> str:
    if actor.user is not None and actor.user.display_name:
        return actor.user.display_name
    return actor.name


# ------------------------------------------------------------------------------ the card


class CardState(StrEnum):
    """What the desk tells the person at the desk about a scanned or typed code."""

    OK = "ok"
    ALREADY_CHECKED_IN = "already_checked_in"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    PENDING = "pending"
    OTHER_EDITION = "other_edition"
    UNKNOWN = "unknown"
    FORGED = "forged"


@dataclass(frozen=True)
class Card:
    """A scan's answer: the state, and the registration when one was found."""

    state: CardState
    registration: Registration | None = None
    admission: CheckIn | None = None  # the admission that holds, when already checked in


# What the card shows besides the registration's own columns, loaded with it in one
# query (a registration has a handful of seats at most). Results need `.unique()`.
CARD_DETAILS = (
    joinedload(Registration.category),
    joinedload(Registration.seats).joinedload(Seat.session),
)


def looks_like_payload(text: str) -> bool:
    """Whether the text is meant as a badge code (as a scanner types it), not search text.

    No reference contains "B" or "1", so anything that starts with the prefix is a code,
    and a damaged one (a lost separator) is told apart as forged, not looked up.
    """
    return text.strip().upper().startswith(PAYLOAD_PREFIX)


def card_for_code(edition: Edition, text: str) -> Card:
    """The card for a scanned payload or a typed reference, in one of the CardStates."""
    if looks_like_payload(text):
        reference = verify_payload(text)
        if reference is None:
            return Card(CardState.FORGED)
    else:
        reference = normalize_reference(text)
    registration = (
        db.session.scalars(
            select(Registration).options(*CARD_DETAILS).where(Registration.reference == reference)
        )
        .unique()
        .first()
    )
    if registration is None:
        return Card(CardState.UNKNOWN)
    return card_for(edition, registration)


def card_state(edition: Edition, registration: Registration) -> CardState:
    """What the desk says about a registration, from its own columns (no query)."""
    if registration.edition_id != edition.id:
        return CardState.OTHER_EDITION
    state = {
        RegistrationStatus.CANCELLED.value: CardState.CANCELLED,
        RegistrationStatus.REJECTED.value: CardState.REJECTED,
        RegistrationStatus.PENDING.value: CardState.PENDING,
    }.get(registration.status)
    if state is not None:
        return state
    if registration.checked_in_at is not None:
        return CardState.ALREADY_CHECKED_IN
    return CardState.OK


def card_for(
    edition: Edition, registration: Registration, admission: Admission | None = None
) -> Card:
    """The card of a registration found by scan or search; after a check-in attempt, pass
    its `admission`, which names the admission that holds (no need to look it up)."""
    state = card_state(edition, registration)
    if state != CardState.ALREADY_CHECKED_IN:
        return Card(state, registration)
    if admission is not None and _is_admission_of(admission.check_in, registration):
        return Card(state, registration, admission.check_in)
    return Card(state, registration, _last_admission(registration))


def _is_admission_of(row: CheckIn, registration: Registration) -> bool:
    # A nonce reused elsewhere (another registration, a door) names some other row.
    return row.registration_id == registration.id and row.kind == CheckInKind.ADMIT.value


# ------------------------------------------------------------------------------ walk-ins


def admit_walk_in(
    edition: Edition, data: RegistrationData, desk: str, actor: Actor, nonce: str
) -> Admission:
    """Register someone on the spot (confirmed, any category) and admit them at once.

    A nonce seen before returns that admission, so a resubmitted form registers no one
    twice. Raises what `register` raises (AlreadyRegistered, InvalidChoice).
    """
    earlier = _check_in_with_nonce(nonce)
    if earlier is not None:
        return Admission(is_admitted=True, check_in=earlier)
    registration = register(edition, data, is_walk_in=True).registration
    record(actor, "registration.walk_in", registration, label=registration.reference)
    return check_in(registration, desk, actor, nonce)
