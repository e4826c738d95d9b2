"""Seats in sessions with a capacity, and their waiting lists.

Whatever must not race runs inside the caller's transaction after locking the session's
row: `SELECT ... FOR UPDATE` on PostgreSQL; on SQLite a write to the row, which takes the
database's write lock and so serializes writers. The functions here only lock, add and
flush: the locks are held until the caller (a view, a CLI command) commits or rolls back.

Sessions are locked in the order of their ids, so two changes that need the same two
sessions cannot deadlock. A change that may promote someone locks every session of the
time slot first (`lock_sessions`): a promotion can free the seat its attendee held in
another sub-forum of the slot, which promotes the next person there, and so on, always
within the slot. A seat's id is its place in the order of arrival, so a waiting list is
ordered by id.

Within a time slot a confirmed registration holds at most one seat (confirmed) and waits
for at most one other session (waitlisted): it keeps the first until the second is
confirmed, and `promote_waitlist` then gives up the first in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import selectinload

from forum.agenda.models import Session, SessionKind
from forum.agenda.services import Slot, group_into_days, sessions_of
from forum.editions.models import Edition
from forum.extensions import db
from forum.registration.models import Registration, RegistrationStatus, Seat, SeatStatus


class SeatError(Exception):
    """Base of what asking for a seat can run into."""


class InvalidChoice(SeatError):
    """The chosen sessions or category are not offered."""


@dataclass
class ChoiceSlot:
    """Sessions running at the same time, of which an attendee takes at most one."""

    starts_at: datetime
    ends_at: datetime
    sessions: list[Session]


@dataclass
class SeatAvailability:
    session: Session
    confirmed: int
    waiting: int

    @property
    def seats_left(self) -> int | None:
        if self.session.capacity is None:
            return None
        return max(self.session.capacity - self.confirmed, 0)

    @property
    def is_full(self) -> bool:
        return self.seats_left == 0


SLOTS_MEMO = "registration.slots"


def _slots(edition: Edition) -> list[Slot]:
    """The edition's time slots, worked out once per transaction.

    A sign-up needs them for the form and again to check the choice; the memo lives in
    the database session and is dropped at commit or rollback, so it never outlives the
    transaction whose data it reflects.
    """
    memo = db.session.info.setdefault(SLOTS_MEMO, {})
    if edition.id not in memo:
        sessions = sessions_of(edition, with_programme=False)
        days = group_into_days(sessions, edition.timezone)
        memo[edition.id] = [slot for day in days for slot in day.slots]
    return memo[edition.id]


@event.listens_for(OrmSession, "after_commit")
@event.listens_for(OrmSession, "after_rollback")
def _forget_slots(session: OrmSession) -> None:
    session.info.pop(SLOTS_MEMO, None)


def choice_slots(edition: Edition) -> list[ChoiceSlot]:
    """Parallel sessions an attendee picks one of (the sub-forums), slot by slot."""
    return [
        ChoiceSlot(slot.starts_at, slot.ends_at, slot.sessions)
        for slot in _slots(edition)
        if slot.is_parallel
    ]


def sessions_for_everyone(edition: Edition) -> list[Session]:
    """Published sessions that are not parallel: every attendee takes part in them."""
    return [
        slot.sessions[0]
        for slot in _slots(edition)
        if not slot.is_parallel and slot.sessions[0].kind != SessionKind.BREAK.value
    ]


def seat_availability(sessions: Iterable[Session]) -> dict[int, SeatAvailability]:
    """Confirmed and waiting counts of each session, in one query."""
    sessions = list(sessions)
    counts = db.session.execute(
        select(Seat.session_id, Seat.status, func.count())
        .where(Seat.session_id.in_([session.id for session in sessions]))
        .group_by(Seat.session_id, Seat.status)
    ).all()
    tally = {(session_id, status): count for session_id, status, count in counts}
    return {
        session.id: SeatAvailability(
            session=session,
            confirmed=tally.get((session.id, SeatStatus.CONFIRMED.value), 0),
            waiting=tally.get((session.id, SeatStatus.WAITLISTED.value), 0),
        )
        for session in sessions
    }


def sessions_asked_for(edition: Edition, session_ids: Iterable[int]) -> list[Session]:
    """The sessions a registration takes seats in; raises InvalidChoice for a bad pick."""
    wanted = set(session_ids)
    chosen: list[Session] = []
    for slot in _slots(edition):
        if not slot.is_parallel:
            # Sessions for everyone need a seat only where organizers set a capacity.
            session = slot.sessions[0]
            if session.capacity is not None and session.kind != SessionKind.BREAK.value:
                chosen.append(session)
            continue
        picked = [session for session in slot.sessions if session.id in wanted]
        if len(picked) > 1:
            raise InvalidChoice("one session per time slot")
        chosen.extend(picked)
        wanted -= {session.id for session in slot.sessions}
    if wanted:
        raise InvalidChoice("session not offered")
    return sorted(chosen, key=lambda session: session.id)


def lock_session(session: Session) -> None:
    """Hold the session's row until commit, so seat counts cannot change underneath.

    SQLite has no row locks and ignores FOR UPDATE, and its driver starts a transaction
    only at the first write: a reading caller (change_session) would count seats with no
    lock at all. A write that changes nothing takes the database's write lock instead.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        sessions = Session.__table__
        db.session.execute(
            update(sessions).where(sessions.c.id == session.id).values(id=sessions.c.id)
        )
        return
    db.session.execute(select(Session.id).where(Session.id == session.id).with_for_update())


def slot_of(session: Session) -> list[Session]:
    """The sessions of the time slot `session` runs in (itself alone if none is parallel)."""
    for slot in _slots(session.edition):
        if any(candidate.id == session.id for candidate in slot.sessions):
            return list(slot.sessions)
    return [session]


def lock_sessions(sessions: Iterable[Session]) -> list[Session]:
    """Lock the sessions and every session sharing a time slot with them, in id order.

    Returns the locked sessions. Whoever may promote from a waiting list calls this
    before taking any other lock, since a promotion can reach any session of its slot.
    """
    wanted: dict[int, Session] = {}
    for session in sessions:
        wanted.update((member.id, member) for member in slot_of(session))
    ordered = [wanted[session_id] for session_id in sorted(wanted)]
    for session in ordered:
        lock_session(session)
    return ordered


def request_seat(registration: Registration, session: Session, now: datetime) -> Seat:
    """A seat for a pending registration is only requested; others get one or wait."""
    if registration.status == RegistrationStatus.PENDING.value:
        seat = Seat(
            registration=registration,
            session=session,
            status=SeatStatus.REQUESTED.value,
            created_at=now,
        )
        db.session.add(seat)
        return seat
    return allocate_seat(registration, session, now)


def allocate_seat(
    registration: Registration, session: Session, now: datetime, seat: Seat | None = None
) -> Seat:
    lock_session(session)
    confirmed, waiting = seat_counts(session.id)
    has_room = session.capacity is None or confirmed < session.capacity
    status = SeatStatus.CONFIRMED if has_room and waiting == 0 else SeatStatus.WAITLISTED
    if seat is None:
        seat = Seat(registration=registration, session=session, created_at=now)
        db.session.add(seat)
    seat.status = status.value
    seat.confirmed_at = now if status is SeatStatus.CONFIRMED else None
    db.session.flush()
    return seat


def seat_counts(session_id: int) -> tuple[int, int]:
    rows = db.session.execute(
        select(Seat.status, func.count()).where(Seat.session_id == session_id).group_by(Seat.status)
    ).all()
    counts = dict(rows)
    return counts.get(SeatStatus.CONFIRMED.value, 0), counts.get(SeatStatus.WAITLISTED.value, 0)


def waitlist_position(seat: Seat) -> int | None:
    """1 for the first in line; None when the seat is not on a waiting list."""
    if seat.status != SeatStatus.WAITLISTED.value:
        return None
    ahead = db.session.scalar(
        select(func.count()).where(
            Seat.session_id == seat.session_id,
            Seat.status == SeatStatus.WAITLISTED.value,
            Seat.id < seat.id,
        )
    )
    return (ahead or 0) + 1


def promote_waitlist(session: Session, now: datetime | None = None) -> list[Seat]:
    """Give free seats to the first in line; returns every seat promoted (the caller commits).

    Someone promoted who held a seat in another session of the same time slot gives it
    up in the same transaction, and the next in line there is promoted in turn.
    """
    now = now or datetime.now(UTC)
    slot = lock_sessions([session])
    slot_ids = {member.id for member in slot}
    promoted: list[Seat] = []
    to_promote = [session]
    while to_promote:
        for seat in _promote_in(to_promote.pop(0), now):
            promoted.append(seat)
            to_promote.extend(_give_up_other_seats(seat, slot_ids))
    return promoted


def _promote_in(session: Session, now: datetime) -> list[Seat]:
    confirmed, _ = seat_counts(session.id)
    free = None if session.capacity is None else session.capacity - confirmed
    if free is not None and free <= 0:
        return []
    query = (
        select(Seat)
        .where(Seat.session_id == session.id, Seat.status == SeatStatus.WAITLISTED.value)
        .order_by(Seat.id)
        .options(selectinload(Seat.registration).selectinload(Registration.seats))
    )
    if free is not None:
        query = query.limit(free)
    promoted = list(db.session.scalars(query))
    for seat in promoted:
        seat.status = SeatStatus.CONFIRMED.value
        seat.confirmed_at = now
    db.session.flush()
    return promoted


def _give_up_other_seats(seat: Seat, slot_ids: set[int]) -> list[Session]:
    """Drop the seat the promoted attendee kept in the slot; returns the sessions freed."""
    others = [
        other
        for other in seat.registration.seats
        if other.id != seat.id and other.session_id in slot_ids
    ]
    freed = [other.session for other in others if other.status == SeatStatus.CONFIRMED.value]
    for other in others:
        seat.registration.seats.remove(other)
    db.session.flush()
    return freed
