"""Registration: signing up, seats and waiting lists, the manage link, approval.

Everything that must not race runs inside one transaction that first locks the row of
each session it gives seats in: `SELECT ... FOR UPDATE` on PostgreSQL; on SQLite the
registration's first write takes the database's write lock, which serializes writers.
A seat's id is its place in the order of arrival, so a waiting list is ordered by id.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from forum.agenda.models import Session
from forum.editions.models import Edition
from forum.extensions import db
from forum.i18n import Translated
from forum.registration import notifications
from forum.registration.models import Category, Registration, RegistrationStatus, Seat
from forum.registration.seats import (
    InvalidChoice,
    SessionFull,
    allocate_seat,
    lock_session,
    promote_waitlist,
    request_seat,
    seat_counts,
    sessions_asked_for,
)

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a reference read out over a phone or at a desk survives.
REFERENCE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
REFERENCE_LENGTH = 8


class WindowState(StrEnum):
    NOT_SCHEDULED = "not_scheduled"
    NOT_YET_OPEN = "not_yet_open"
    OPEN = "open"
    CLOSED = "closed"


class RegistrationError(Exception):
    """Base of what a registration request can run into."""


class RegistrationClosed(RegistrationError):
    """The edition's registration window is not open."""


class AlreadyRegistered(RegistrationError):
    """This e-mail address already has a live registration for the edition."""

    def __init__(self, registration: Registration) -> None:
        super().__init__(registration.reference)
        self.registration = registration


class RegistrationNotFound(LookupError):
    """No registration has that manage token or reference."""


class NotAllowed(RegistrationError):
    """The registration is in a state that does not allow this change."""


@dataclass
class RegistrationData:
    """What an attendee (or an organizer) fills in."""

    given_name: str
    family_name: str
    email: str
    country: str
    category_code: str
    preferred_language: str
    consent: bool
    name_zh: str | None = None
    is_family_name_first: bool = False
    phone: str | None = None
    organization: str = ""
    position: str = ""
    dietary_needs: str = ""
    accessibility_needs: str = ""
    session_ids: list[int] = field(default_factory=list)


@dataclass
class Registered:
    """The outcome of a sign-up: the registration and its manage token (shown once)."""

    registration: Registration
    manage_token: str


# --------------------------------------------------------------------- window and choices


def registration_window_state(edition: Edition, now: datetime | None = None) -> WindowState:
    """Where `now` falls against the edition's registration window."""
    now = now or datetime.now(UTC)
    opens, closes = edition.registration_opens_at, edition.registration_closes_at
    if opens is None or closes is None:
        return WindowState.NOT_SCHEDULED
    if now < opens:
        return WindowState.NOT_YET_OPEN
    if now >= closes:
        return WindowState.CLOSED
    return WindowState.OPEN


def open_registration(
    edition: Edition, duration: timedelta, now: datetime | None = None
) -> tuple[datetime, datetime]:
    """Open the edition's registration window from now for `duration`; commits."""
    now = now or datetime.now(UTC)
    edition.registration_opens_at = now
    edition.registration_closes_at = now + duration
    db.session.commit()
    return edition.registration_opens_at, edition.registration_closes_at


def public_categories() -> list[Category]:
    """Categories offered on the public form, in the organizers' order."""
    return list(
        db.session.scalars(
            select(Category).where(Category.is_public).order_by(Category.position, Category.id)
        )
    )


# --------------------------------------------------------------------------- sign-up


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def normalize_reference(text: str) -> str:
    """What a person typed or a scanner read ("k7q2-m9xp ") as a stored reference."""
    return "".join(character for character in text.upper() if character.isalnum())


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def normalize_email(email: str) -> str:
    """One spelling per mailbox: addresses that differ by case are one person's."""
    return email.strip().lower()


def live_registration_for_email(edition: Edition, email: str) -> Registration | None:
    return db.session.scalars(
        select(Registration).where(
            Registration.edition_id == edition.id,
            Registration.email == normalize_email(email),
            Registration.status != RegistrationStatus.CANCELLED.value,
        )
    ).first()


def register(edition: Edition, data: RegistrationData, now: datetime | None = None) -> Registered:
    """Create a registration with its seats and commit it.

    Raises RegistrationClosed, AlreadyRegistered, InvalidChoice.
    """
    now = now or datetime.now(UTC)
    if registration_window_state(edition, now) is not WindowState.OPEN:
        raise RegistrationClosed(edition.year)
    category = _public_category(data.category_code)
    sessions = sessions_asked_for(edition, data.session_ids)
    existing = live_registration_for_email(edition, data.email)
    if existing is not None:
        raise AlreadyRegistered(existing)
    token, token_hash = _new_token()
    registration = Registration(
        edition=edition,
        reference=new_reference(),
        manage_token_hash=token_hash,
        category=category,
        status=(
            RegistrationStatus.PENDING if category.needs_approval else RegistrationStatus.CONFIRMED
        ).value,
        consent_at=now,
        created_at=now,
        updated_at=now,
        badge_prints=0,
        **_personal_fields(data),
    )
    db.session.add(registration)
    try:
        db.session.flush()
        for session in sessions:
            request_seat(registration, session, now)
        notifications.queue_confirmation(registration, token)
        db.session.commit()
    except IntegrityError:
        # Two requests with one address raced past the check above; the index caught it.
        db.session.rollback()
        existing = live_registration_for_email(edition, data.email)
        if existing is None:
            raise
        raise AlreadyRegistered(existing) from None
    return Registered(registration=registration, manage_token=token)


def _public_category(code: str) -> Category:
    category = db.session.scalars(
        select(Category).where(Category.code == code, Category.is_public)
    ).first()
    if category is None:
        raise InvalidChoice("category not offered")
    return category


def _personal_fields(data: RegistrationData) -> dict[str, object]:
    return {
        "given_name": data.given_name,
        "family_name": data.family_name,
        "name_zh": data.name_zh or None,
        "is_family_name_first": data.is_family_name_first,
        "email": normalize_email(data.email),
        "phone": data.phone or None,
        "organization": data.organization,
        "position": data.position,
        "country": data.country,
        "preferred_language": data.preferred_language,
        "dietary_needs": data.dietary_needs,
        "accessibility_needs": data.accessibility_needs,
    }


# ---------------------------------------------------------------------- the manage link


def registration_for_token(token: str) -> Registration:
    """The registration a manage link belongs to; raises RegistrationNotFound."""
    if not token or len(token) > 100:
        raise RegistrationNotFound(token)
    registration = db.session.scalars(
        select(Registration)
        .where(Registration.manage_token_hash == hash_token(token))
        .options(selectinload(Registration.seats).selectinload(Seat.session))
    ).first()
    if registration is None:
        raise RegistrationNotFound(token)
    return registration


def registration_for_reference(reference: str) -> Registration:
    """The registration with this reference code; raises RegistrationNotFound."""
    registration = db.session.scalars(
        select(Registration).where(Registration.reference == normalize_reference(reference))
    ).first()
    if registration is None:
        raise RegistrationNotFound(reference)
    return registration


def send_manage_link(registration: Registration) -> None:
    """E-mail a fresh manage link (the old one stops working); commits.

    For someone who registers twice or lost the first e-mail: the link goes only to the
    registered address, so nobody learns anything about another person's registration.
    """
    token, registration.manage_token_hash = _new_token()
    notifications.queue_manage_link(registration, token)
    db.session.commit()


def _announce_promotions(promoted: list[Seat]) -> None:
    for seat in promoted:
        notifications.queue_promotion(seat)


def update_details(
    registration: Registration, data: RegistrationData, now: datetime | None = None
) -> None:
    """Correct the attendee's own details (not category, e-mail or sessions); commits."""
    _require_live(registration)
    fields = _personal_fields(data)
    fields.pop("email")
    for name, value in fields.items():
        setattr(registration, name, value)
    registration.updated_at = now or datetime.now(UTC)
    db.session.commit()


def change_session(
    registration: Registration,
    slot_session_ids: list[int],
    new_session_id: int | None,
    now: datetime | None = None,
) -> list[Seat]:
    """Move the attendee within one time slot to another session, or to none; commits.

    Raises SessionFull when the new session has no free seat (the old seat is kept),
    InvalidChoice for a session outside the slot. Returns seats promoted in the old session.
    """
    _require_live(registration)
    now = now or datetime.now(UTC)
    current = _seat_in_slot(registration, slot_session_ids)
    if new_session_id is not None and new_session_id not in slot_session_ids:
        raise InvalidChoice("session not in this time slot")
    if current is not None and current.session_id == new_session_id:
        return []
    new_session = db.session.get(Session, new_session_id) if new_session_id else None
    # Both sessions, in the order of their ids: two people swapping sub-forums at the same
    # moment would otherwise each hold one lock and wait for the other's.
    involved = [session for session in (current and current.session, new_session) if session]
    for session in sorted(involved, key=lambda session: session.id):
        lock_session(session)
    # Look again now that these seats cannot change: another tab may have cancelled.
    db.session.refresh(registration, ["status", "seats"])
    if registration.status in _FINAL_STATUSES:
        db.session.rollback()
        raise NotAllowed(registration.status)
    current = _seat_in_slot(registration, slot_session_ids)
    if current is not None and current.session_id == new_session_id:
        db.session.rollback()
        return []
    if new_session is not None and registration.status == RegistrationStatus.CONFIRMED.value:
        confirmed, waiting = seat_counts(new_session.id)
        if new_session.capacity is not None and (confirmed >= new_session.capacity or waiting > 0):
            db.session.rollback()
            raise SessionFull(new_session)
    promoted: list[Seat] = []
    if current is not None:
        old_session = current.session
        registration.seats.remove(current)
        db.session.flush()
        promoted = promote_waitlist(old_session, now)
    if new_session is not None:
        request_seat(registration, new_session, now)
    registration.updated_at = now
    _announce_promotions(promoted)
    db.session.commit()
    return promoted


def _seat_in_slot(registration: Registration, slot_session_ids: list[int]) -> Seat | None:
    return next((seat for seat in registration.seats if seat.session_id in slot_session_ids), None)


def cancel(registration: Registration, now: datetime | None = None) -> list[Seat]:
    """Cancel a registration, free its seats and promote those waiting; commits.

    Returns the seats given to people from the waiting lists.
    """
    _require_live(registration)
    now = now or datetime.now(UTC)
    # Sessions first, in the order of their ids, as every seat change takes them: someone
    # leaving the same session would otherwise wait for this one's seat rows while this
    # one waits for the session.
    for session in _sessions_of(registration):
        lock_session(session)
    # Of two cancellations at once (a double click, a second tab) only one goes through.
    cancelled = db.session.execute(
        update(Registration)
        .where(Registration.id == registration.id, Registration.status.not_in(_FINAL_STATUSES))
        .values(status=RegistrationStatus.CANCELLED.value, cancelled_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if cancelled.rowcount != 1:
        db.session.rollback()
        raise NotAllowed(RegistrationStatus.CANCELLED.value)
    # Seats as they are now that the registration is ours (another tab may have moved one).
    db.session.refresh(registration, ["status", "cancelled_at", "updated_at", "seats"])
    freed = _sessions_of(registration)
    for session in freed:
        lock_session(session)
    registration.seats.clear()
    db.session.flush()
    promoted = [seat for session in freed for seat in promote_waitlist(session, now)]
    notifications.queue_cancellation(registration)
    _announce_promotions(promoted)
    db.session.commit()
    return promoted


_FINAL_STATUSES = (RegistrationStatus.CANCELLED.value, RegistrationStatus.REJECTED.value)


def _sessions_of(registration: Registration) -> list[Session]:
    """The sessions a registration has seats in, in the order their locks are taken."""
    return sorted((seat.session for seat in registration.seats), key=lambda s: s.id)


def _require_live(registration: Registration) -> None:
    if registration.status in _FINAL_STATUSES:
        raise NotAllowed(registration.status)


# --------------------------------------------------------------------------- organizers


def approve(registration: Registration, now: datetime | None = None) -> None:
    """Confirm a pending registration and give it its requested seats; commits."""
    if registration.status != RegistrationStatus.PENDING.value:
        raise NotAllowed(registration.status)
    now = now or datetime.now(UTC)
    registration.status = RegistrationStatus.CONFIRMED.value
    registration.updated_at = now
    for seat in sorted(registration.seats, key=lambda seat: seat.session_id):
        allocate_seat(registration, seat.session, now, seat=seat)
    notifications.queue_approval(registration)
    db.session.commit()


def reject(registration: Registration, now: datetime | None = None) -> None:
    """Turn down a pending registration; its requested seats go; commits."""
    if registration.status != RegistrationStatus.PENDING.value:
        raise NotAllowed(registration.status)
    registration.status = RegistrationStatus.REJECTED.value
    registration.updated_at = now or datetime.now(UTC)
    registration.seats.clear()
    db.session.commit()


def set_capacity(session: Session, capacity: int | None, now: datetime | None = None) -> list[Seat]:
    """Change a session's capacity and promote from its waiting list; commits."""
    if capacity is not None and capacity < 0:
        raise InvalidChoice("capacity must not be negative")
    session.capacity = capacity
    db.session.flush()
    promoted = promote_waitlist(session, now)
    _announce_promotions(promoted)
    db.session.commit()
    return promoted


# --------------------------------------------------------------------------- categories

DEFAULT_CATEGORIES = (
    # code, English, Chinese, public, needs approval, badge colour (each of a different
    # lightness, so a mono printer's greys still tell them apart)
    ("delegate", "Delegate", "代表", True, False, "#2563eb"),
    ("media", "Media", "媒体", True, True, "#fde047"),
    (
        "resident",
        "Resident or international friend living in China",
        "市民及在华国际友人",
        True,
        False,
        "#4ade80",
    ),
    ("speaker", "Speaker", "嘉宾", False, False, "#991b1b"),
    ("guest", "Guest", "特邀来宾", False, False, "#c084fc"),
    ("staff", "Staff", "工作人员", False, False, "#1f1f1f"),
)


def ensure_default_categories() -> int:
    """Create the standard categories that are missing; returns how many were added."""
    existing = set(db.session.scalars(select(Category.code)))
    added = 0
    for position, (code, english, chinese, is_public, needs_approval, colour) in enumerate(
        DEFAULT_CATEGORIES
    ):
        if code in existing:
            continue
        db.session.add(
            Category(
                code=code,
                name=Translated(en=english, zh=chinese),
                is_public=is_public,
                needs_approval=needs_approval,
                colour=colour,
                position=position,
            )
        )
        added += 1
    db.session.commit()
    return added


def export_registration(registration: Registration) -> dict[str, object]:
    """Everything stored about an attendee, for them to download."""
    return {
        "reference": registration.formatted_reference,
        "edition": registration.edition.year,
        "status": registration.status,
        "category": registration.category.code,
        "given_name": registration.given_name,
        "family_name": registration.family_name,
        "name_zh": registration.name_zh,
        "is_family_name_first": registration.is_family_name_first,
        "email": registration.email,
        "phone": registration.phone,
        "organization": registration.organization,
        "position": registration.position,
        "country": registration.country,
        "preferred_language": registration.preferred_language,
        "dietary_needs": registration.dietary_needs,
        "accessibility_needs": registration.accessibility_needs,
        "consent_at": registration.consent_at.isoformat(),
        "created_at": registration.created_at.isoformat(),
        "updated_at": registration.updated_at.isoformat(),
        "cancelled_at": registration.cancelled_at.isoformat()
        if registration.cancelled_at
        else None,
        "checked_in_at": (
            registration.checked_in_at.isoformat() if registration.checked_in_at else None
        ),
        "seats": [
            {
                "session": seat.session.title.as_dict(),
                "status": seat.status,
                "starts_at": seat.session.starts_at.isoformat(),
            }
            for seat in registration.seats
        ],
    }


def _isoformat(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
