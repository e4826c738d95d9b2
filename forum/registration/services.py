"""Registration: signing up, seats and waiting lists, the manage link, approval.

Services add, lock and flush; they never commit. The view or CLI command that calls one
commits once when it returns (or rolls back when it raises), so a staff operation can
write its audit entry in the same transaction, and seat locks are held until that commit.

Everything that must not race runs inside that transaction after locking the row of
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

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from forum.agenda.models import Session
from forum.editions.models import Edition
from forum.extensions import db
from forum.i18n import Translated, country_name_in_languages
from forum.mail import OutboxMessage
from forum.registration import notifications
from forum.registration.models import (
    Category,
    ManageToken,
    Registration,
    RegistrationStatus,
    Seat,
    SeatStatus,
)
from forum.registration.seats import (
    InvalidChoice,
    allocate_seat,
    lock_sessions,
    promote_waitlist,
    request_seat,
    sessions_asked_for,
)

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a reference read out over a phone or at a desk survives.
REFERENCE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
REFERENCE_LENGTH = 8

# Links kept per registration: a few lost e-mails or devices, not an archive of every one.
LIVE_MANAGE_LINKS = 5
# Link e-mails per address and hour: the forms must not become a way to flood an inbox.
LINK_EMAILS_PER_HOUR = 3


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
    """This e-mail address already has a live registration for the edition.

    When two sign-ups raced, the database refused the second one's row and its
    transaction must be rolled back before anything else: so this carries the address,
    and the caller looks the registration up (`live_registration_for_email`) afterwards.
    """

    def __init__(self, edition: Edition, email: str) -> None:
        super().__init__(email)
        self.edition = edition
        self.email = normalize_email(email)


class RegistrationNotFound(LookupError):
    """No registration has that manage token or reference."""


class DeadLink(RegistrationNotFound):
    """The manage link existed but no longer works: cancelled, or revoked by organizers."""

    def __init__(self, token: ManageToken) -> None:
        super().__init__(token.registration.reference)
        self.registration = token.registration
        self.revoked_at = token.revoked_at

    @property
    def was_cancelled(self) -> bool:
        return self.registration.status == RegistrationStatus.CANCELLED.value


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


@dataclass
class SessionChange:
    """What choosing a session of a time slot did.

    `seat` is the seat in the chosen session (confirmed, waitlisted or requested; None when
    the attendee chose none); `kept` is the seat they keep meanwhile while they wait;
    `promoted` are the seats given to people waiting for the session they left.
    """

    seat: Seat | None
    kept: Seat | None = None
    promoted: list[Seat] = field(default_factory=list)


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
    """Open the edition's registration window from now for `duration` (caller commits)."""
    now = now or datetime.now(UTC)
    edition.registration_opens_at = now
    edition.registration_closes_at = now + duration
    db.session.flush()
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


def _new_token() -> str:
    return secrets.token_urlsafe(32)


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


def register(
    edition: Edition,
    data: RegistrationData,
    now: datetime | None = None,
    *,
    is_walk_in: bool = False,
) -> Registered:
    """Create a registration with its seats, its manage link and its confirmation e-mail.

    A walk-in is registered by desk staff on the day: the window need not be open, any
    category may be chosen, and it is confirmed at once (the staff member approves it).
    The caller commits, which releases the seat locks taken here. Raises
    RegistrationClosed, InvalidChoice, and AlreadyRegistered (roll back, then look up).
    """
    now = now or datetime.now(UTC)
    if not is_walk_in and registration_window_state(edition, now) is not WindowState.OPEN:
        raise RegistrationClosed(edition.year)
    category = _category(data.category_code, is_public_only=not is_walk_in)
    # The staff member at the desk approves a walk-in by registering them.
    status = RegistrationStatus.CONFIRMED if is_walk_in else None
    return create_registration(edition, category, data, now, status)


def create_registration(
    edition: Edition,
    category: Category,
    data: RegistrationData,
    now: datetime,
    status: RegistrationStatus | None = None,
    is_invitation: bool = False,
) -> Registered:
    """The part of `register` that checks neither the window nor whether the category is
    public: organizers register anyone, at any time (see registration/staff.py).

    An invited guest (`is_invitation`) gets the invitation e-mail instead of the
    confirmation of a sign-up they never made."""
    sessions = sessions_asked_for(edition, data.session_ids)
    if live_registration_for_email(edition, data.email) is not None:
        raise AlreadyRegistered(edition, data.email)
    registration = Registration(
        edition=edition,
        reference=new_reference(),
        category=category,
        status=(
            status
            or (
                RegistrationStatus.PENDING
                if category.needs_approval
                else RegistrationStatus.CONFIRMED
            )
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
    except IntegrityError as error:
        # Two requests with one address raced past the check above; the index caught it.
        if "email" not in str(error.orig):
            raise
        raise AlreadyRegistered(edition, data.email) from None
    for session in sessions:
        request_seat(registration, session, now)
    token = add_manage_link(registration, now)
    if is_invitation:
        notifications.queue_invitation(registration, token)
    else:
        notifications.queue_confirmation(registration, token)
    return Registered(registration=registration, manage_token=token)


def _category(code: str, *, is_public_only: bool) -> Category:
    query = select(Category).where(Category.code == code)
    if is_public_only:
        query = query.where(Category.is_public)
    category = db.session.scalars(query).first()
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
    """The registration a live manage link belongs to.

    Raises DeadLink for a link that was cancelled or revoked, RegistrationNotFound for
    one never issued or dropped as one of the oldest.
    """
    if not token or len(token) > 100:
        raise RegistrationNotFound(token)
    manage_token = db.session.scalars(
        select(ManageToken)
        .where(ManageToken.token_hash == hash_token(token))
        .options(
            selectinload(ManageToken.registration)
            .selectinload(Registration.seats)
            .selectinload(Seat.session)
        )
    ).first()
    if manage_token is None:
        raise RegistrationNotFound(token)
    if not manage_token.is_live:
        raise DeadLink(manage_token)
    return manage_token.registration


def registration_for_reference(reference: str) -> Registration:
    """The registration with this reference code; raises RegistrationNotFound."""
    registration = db.session.scalars(
        select(Registration).where(Registration.reference == normalize_reference(reference))
    ).first()
    if registration is None:
        raise RegistrationNotFound(reference)
    return registration


def add_manage_link(registration: Registration, now: datetime | None = None) -> str:
    """A new manage token for the registration; links sent before keep working.

    Only the newest LIVE_MANAGE_LINKS stay: the oldest beyond them are dropped. Returns
    the token, which is stored only as its hash.
    """
    now = now or datetime.now(UTC)
    token = _new_token()
    registration.manage_tokens.append(
        ManageToken(token_hash=hash_token(token), created_at=now, revoked_at=None)
    )
    db.session.flush()
    live = [link for link in registration.manage_tokens if link.is_live]
    for oldest in live[:-LIVE_MANAGE_LINKS]:
        registration.manage_tokens.remove(oldest)
    db.session.flush()
    return token


def send_manage_link(registration: Registration, now: datetime | None = None) -> bool:
    """E-mail a new manage link to the registered address; False when over the hourly limit.

    For someone who registers twice or lost the first e-mail. The link goes only to the
    registered address, so nobody learns anything about another person's registration,
    and links already sent keep working, so nobody can break someone else's link.
    """
    now = now or datetime.now(UTC)
    if link_emails_in_last_hour(registration.email, now) >= LINK_EMAILS_PER_HOUR:
        return False
    token = add_manage_link(registration, now)
    notifications.queue_manage_link(registration, token)
    return True


def link_emails_in_last_hour(email: str, now: datetime | None = None) -> int:
    """How many e-mails with a manage link were queued for this address in the past hour."""
    now = now or datetime.now(UTC)
    return db.session.scalar(
        select(func.count()).where(
            OutboxMessage.recipient == normalize_email(email),
            OutboxMessage.kind.in_(notifications.WITH_MANAGE_LINK),
            OutboxMessage.created_at > now - timedelta(hours=1),
        )
    )


def revoke_manage_links(registration: Registration, now: datetime | None = None) -> int:
    """End every manage link of the registration (an organizer's decision, or a
    cancellation); returns how many were live. The attendee can ask for a new one."""
    now = now or datetime.now(UTC)
    revoked = db.session.execute(
        update(ManageToken)
        .where(ManageToken.registration_id == registration.id, ManageToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.expire(registration, ["manage_tokens"])
    return revoked


def _announce_promotions(promoted: list[Seat]) -> None:
    for seat in promoted:
        notifications.queue_promotion(seat)


def update_details(
    registration: Registration, data: RegistrationData, now: datetime | None = None
) -> None:
    """Correct the attendee's own details (not category, e-mail or sessions)."""
    _require_live(registration)
    fields = _personal_fields(data)
    fields.pop("email")
    for name, value in fields.items():
        setattr(registration, name, value)
    registration.updated_at = now or datetime.now(UTC)
    db.session.flush()


def change_session(
    registration: Registration,
    slot_session_ids: list[int],
    new_session_id: int | None,
    now: datetime | None = None,
) -> SessionChange:
    """Choose another session of one time slot, or none.

    A full session puts the attendee on its waiting list; they keep the seat they hold in
    the slot until the new one is confirmed (see `promote_waitlist`). Raises InvalidChoice
    for a session outside the slot, NotAllowed once the registration is cancelled.
    """
    _require_live(registration)
    now = now or datetime.now(UTC)
    if new_session_id is not None and new_session_id not in slot_session_ids:
        raise InvalidChoice("session not in this time slot")
    slot = list(db.session.scalars(select(Session).where(Session.id.in_(slot_session_ids))))
    # The whole slot, in the order of ids: leaving a seat may promote someone who then
    # gives up their seat in another session of the slot.
    lock_sessions(slot)
    # Look again now that these seats cannot change: another tab may have cancelled.
    db.session.refresh(registration, ["status", "seats"])
    _require_live(registration)
    held = _seat_in_slot(registration, slot_session_ids, waiting=False)
    waiting = _seat_in_slot(registration, slot_session_ids, waiting=True)
    if new_session_id is not None and waiting is not None and waiting.session_id == new_session_id:
        return SessionChange(seat=waiting, kept=held)
    if waiting is not None:
        registration.seats.remove(waiting)
    if new_session_id is not None and held is not None and held.session_id == new_session_id:
        registration.updated_at = now
        db.session.flush()
        return SessionChange(seat=held)
    seat = None
    if new_session_id is not None:
        seat = request_seat(registration, db.session.get(Session, new_session_id), now)
    change = SessionChange(seat=seat)
    if held is not None and (seat is None or seat.status != SeatStatus.WAITLISTED.value):
        change.promoted = _leave(registration, held, now)
    elif held is not None:
        change.kept = held
    registration.updated_at = now
    db.session.flush()
    return change


def _leave(registration: Registration, seat: Seat, now: datetime) -> list[Seat]:
    """Give up a seat and promote those waiting for it (and whoever that frees in turn)."""
    session = seat.session
    registration.seats.remove(seat)
    db.session.flush()
    if seat.status != SeatStatus.CONFIRMED.value:
        return []
    promoted = promote_waitlist(session, now)
    _announce_promotions(promoted)
    return promoted


def _seat_in_slot(
    registration: Registration, slot_session_ids: list[int], waiting: bool
) -> Seat | None:
    """The seat held (confirmed or requested) or waited for in a slot."""
    return next(
        (
            seat
            for seat in registration.seats
            if seat.session_id in slot_session_ids
            and (seat.status == SeatStatus.WAITLISTED.value) == waiting
        ),
        None,
    )


def cancel(registration: Registration, now: datetime | None = None) -> list[Seat]:
    """Cancel a registration, free its seats, end its manage links, promote those waiting.

    Returns the seats given to people from the waiting lists. Raises NotAllowed when it
    is already cancelled (a double click, a second tab).
    """
    _require_live(registration)
    now = now or datetime.now(UTC)
    # Sessions first, in the order of their ids, as every seat change takes them: someone
    # leaving the same session would otherwise wait for this one's seat rows while this
    # one waits for the session. Whole slots, since the promotions may reach them.
    lock_sessions(_sessions_of(registration))
    # Of two cancellations at once (a double click, a second tab) only one goes through.
    cancelled = db.session.execute(
        update(Registration)
        .where(Registration.id == registration.id, Registration.status.not_in(_FINAL_STATUSES))
        .values(status=RegistrationStatus.CANCELLED.value, cancelled_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if cancelled.rowcount != 1:
        raise NotAllowed(RegistrationStatus.CANCELLED.value)
    # Seats as they are now that the registration is ours (another tab may have moved one).
    db.session.refresh(registration, ["status", "cancelled_at", "updated_at", "seats"])
    freed = [
        seat.session for seat in registration.seats if seat.status == SeatStatus.CONFIRMED.value
    ]
    lock_sessions(_sessions_of(registration))
    registration.seats.clear()
    db.session.flush()
    promoted = [seat for session in freed for seat in promote_waitlist(session, now)]
    revoke_manage_links(registration, now)
    notifications.queue_cancellation(registration)
    _announce_promotions(promoted)
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
    """Confirm a pending registration and give it its requested seats (or queue it).

    Raises NotAllowed unless the registration is pending.
    """
    if registration.status != RegistrationStatus.PENDING.value:
        raise NotAllowed(registration.status)
    now = now or datetime.now(UTC)
    lock_sessions(_sessions_of(registration))
    registration.status = RegistrationStatus.CONFIRMED.value
    registration.updated_at = now
    for seat in sorted(registration.seats, key=lambda seat: seat.session_id):
        allocate_seat(registration, seat.session, now, seat=seat)
    notifications.queue_approval(registration)


def reject(registration: Registration, now: datetime | None = None) -> None:
    """Turn down a pending registration; its requested seats go. Raises NotAllowed."""
    if registration.status != RegistrationStatus.PENDING.value:
        raise NotAllowed(registration.status)
    registration.status = RegistrationStatus.REJECTED.value
    registration.updated_at = now or datetime.now(UTC)
    registration.seats.clear()
    db.session.flush()


def set_capacity(session: Session, capacity: int | None, now: datetime | None = None) -> list[Seat]:
    """Change a session's capacity and promote from its waiting list (and whoever that
    frees in its time slot). Raises InvalidChoice for a negative capacity."""
    if capacity is not None and capacity < 0:
        raise InvalidChoice("capacity must not be negative")
    lock_sessions([session])
    session.capacity = capacity
    db.session.flush()
    return seat_those_waiting(session, now)


def seat_those_waiting(session: Session, now: datetime | None = None) -> list[Seat]:
    """Promote from the session's waiting list as far as its capacity now allows, and queue
    an e-mail to each person promoted; returns their seats.

    The caller locked the session's time slot (`lock_sessions`) before changing the
    capacity, and flushed the change.
    """
    promoted = promote_waitlist(session, now)
    _announce_promotions(promoted)
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
    db.session.flush()
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
        "country_name": country_name_in_languages(registration.country),
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
