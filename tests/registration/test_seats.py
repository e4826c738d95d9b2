"""Seats in a small sub-forum: the waiting list, promotion, moving between sub-forums."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from forum.agenda.models import Session
from forum.editions.models import Edition
from forum.extensions import db
from forum.mail import OutboxMessage
from forum.registration.models import Registration, Seat, SeatStatus
from forum.registration.seats import (
    InvalidChoice,
    seat_availability,
    waitlist_position,
)

from .committing import cancel, change_session, register, set_capacity


def _seat_in(registration: Registration, session: Session) -> Seat | None:
    db.session.refresh(registration)
    return next((seat for seat in registration.seats if seat.session_id == session.id), None)


def _places(registration: Registration) -> list[tuple[int, str]]:
    db.session.refresh(registration)
    return [(seat.session_id, seat.status) for seat in registration.seats]


def _topics_to(address: str) -> list[str]:
    return list(
        db.session.scalars(
            select(OutboxMessage.topic)
            .where(OutboxMessage.recipient == address)
            .order_by(OutboxMessage.id)
        )
    )


@pytest.fixture
def small(sub_forums: list[Session]) -> Session:
    """Sub-forum 1 with two seats."""
    session = sub_forums[0]
    set_capacity(session, 2)
    return session


@pytest.fixture
def fill(edition: Edition, person: Callable) -> Callable[[Session, int], list[Registration]]:
    """Registers `count` delegates for `session`, in order: a001@, a002@, ..."""
    made = 0

    def register_people(session: Session, count: int) -> list[Registration]:
        nonlocal made
        registrations = []
        for _ in range(count):
            made += 1
            data = person(f"a{made:03d}@example.org", [session.id])
            registrations.append(register(edition, data).registration)
        return registrations

    return register_people


def test_register_beyond_capacity_goes_on_the_waiting_list_in_order(
    small: Session, fill: Callable
) -> None:
    first, second, third, fourth = fill(small, 4)

    assert [_seat_in(r, small).status for r in (first, second)] == ["confirmed", "confirmed"]
    assert _seat_in(third, small).status == SeatStatus.WAITLISTED.value
    assert waitlist_position(_seat_in(third, small)) == 1
    assert waitlist_position(_seat_in(fourth, small)) == 2
    assert waitlist_position(_seat_in(first, small)) is None
    availability = seat_availability([small])[small.id]
    assert (availability.confirmed, availability.waiting, availability.seats_left) == (2, 2, 0)
    assert availability.is_full


def test_cancel_of_a_confirmed_registration_promotes_the_first_in_line(
    small: Session, fill: Callable
) -> None:
    first, _, third, fourth = fill(small, 4)

    promoted = cancel(first)

    assert [seat.registration_id for seat in promoted] == [third.id]
    assert _seat_in(first, small) is None
    assert _seat_in(third, small).status == SeatStatus.CONFIRMED.value
    assert _seat_in(third, small).confirmed_at is not None
    assert waitlist_position(_seat_in(fourth, small)) == 1
    assert _topics_to(third.email) == [
        f"confirmation {third.reference}",
        f"promoted {third.reference}",
    ]
    assert _topics_to(first.email)[-1] == f"cancelled {first.reference}"
    assert _topics_to(fourth.email) == [f"confirmation {fourth.reference}"]


def test_cancel_of_a_waiting_registration_promotes_nobody(small: Session, fill: Callable) -> None:
    _, _, third, fourth = fill(small, 4)

    promoted = cancel(third)

    assert promoted == []
    assert waitlist_position(_seat_in(fourth, small)) == 1


def test_set_capacity_raised_promotes_the_waiting_in_order(small: Session, fill: Callable) -> None:
    registrations = fill(small, 6)

    promoted = set_capacity(small, 4)

    assert [seat.registration_id for seat in promoted] == [r.id for r in registrations[2:4]]
    statuses = [_seat_in(r, small).status for r in registrations]
    assert statuses == ["confirmed"] * 4 + ["waitlisted"] * 2
    assert [waitlist_position(_seat_in(r, small)) for r in registrations[4:]] == [1, 2]
    for registration in registrations[2:4]:
        assert _topics_to(registration.email)[-1] == f"promoted {registration.reference}"


def test_set_capacity_to_none_promotes_everyone_waiting(small: Session, fill: Callable) -> None:
    registrations = fill(small, 4)

    promoted = set_capacity(small, None)

    assert len(promoted) == 2
    assert {_seat_in(r, small).status for r in registrations} == {"confirmed"}


def test_set_capacity_negative_raises_invalid_choice(small: Session) -> None:
    with pytest.raises(InvalidChoice):
        set_capacity(small, -1)


def test_change_session_to_a_full_session_joins_its_waiting_list_and_keeps_the_old_seat(
    small: Session, sub_forums: list[Session], fill: Callable
) -> None:
    fill(small, 2)
    (mover,) = fill(sub_forums[1], 1)
    slot_ids = [session.id for session in sub_forums]

    change = change_session(mover, slot_ids, small.id)

    assert (change.seat.session_id, change.seat.status) == (small.id, "waitlisted")
    assert change.kept.session_id == sub_forums[1].id
    assert waitlist_position(change.seat) == 1
    # Both states at once: a seat held in one sub-forum, a place in line for the other.
    assert _places(mover) == [(sub_forums[1].id, "confirmed"), (small.id, "waitlisted")]
    assert seat_availability([small])[small.id].confirmed == 2


def test_change_session_to_a_full_session_without_a_seat_joins_its_waiting_list(
    small: Session, edition: Edition, person: Callable, fill: Callable
) -> None:
    fill(small, 2)
    seatless = register(edition, person("seatless@example.org")).registration

    change = change_session(seatless, [small.id], small.id)

    assert change.kept is None
    assert _places(seatless) == [(small.id, "waitlisted")]
    assert waitlist_position(change.seat) == 1


def test_promotion_from_the_waiting_list_swaps_the_old_seat_for_the_new_one(
    small: Session, sub_forums: list[Session], fill: Callable
) -> None:
    holder, _ = fill(small, 2)
    other = sub_forums[1]
    set_capacity(other, 1)
    (mover,) = fill(other, 1)
    (next_in_line_for_other,) = fill(other, 1)
    slot_ids = [session.id for session in sub_forums]
    change_session(mover, slot_ids, small.id)

    promoted = cancel(holder)

    # The mover got the freed seat and gave up theirs in the same transaction, which went
    # to the next person waiting for it.
    assert [seat.registration_id for seat in promoted] == [mover.id, next_in_line_for_other.id]
    assert _places(mover) == [(small.id, "confirmed")]
    assert _places(next_in_line_for_other) == [(other.id, "confirmed")]
    assert seat_availability([small])[small.id].confirmed == 2
    assert seat_availability([other])[other.id].confirmed == 1
    assert _topics_to(mover.email)[-1] == f"promoted {mover.reference}"
    assert _topics_to(next_in_line_for_other.email)[-1] == (
        f"promoted {next_in_line_for_other.reference}"
    )


def test_change_session_back_to_the_held_seat_leaves_the_waiting_list(
    small: Session, sub_forums: list[Session], fill: Callable
) -> None:
    fill(small, 2)
    (mover,) = fill(sub_forums[1], 1)
    slot_ids = [session.id for session in sub_forums]
    change_session(mover, slot_ids, small.id)

    change = change_session(mover, slot_ids, sub_forums[1].id)

    assert change.seat.status == "confirmed"
    assert _places(mover) == [(sub_forums[1].id, "confirmed")]
    assert seat_availability([small])[small.id].waiting == 0


def test_change_session_from_one_waiting_list_to_another_keeps_the_held_seat(
    small: Session, sub_forums: list[Session], fill: Callable
) -> None:
    other_small = sub_forums[2]
    set_capacity(other_small, 1)
    fill(small, 2)
    fill(other_small, 1)
    (mover,) = fill(sub_forums[1], 1)
    slot_ids = [session.id for session in sub_forums]
    change_session(mover, slot_ids, small.id)

    change_session(mover, slot_ids, other_small.id)

    assert _places(mover) == [(sub_forums[1].id, "confirmed"), (other_small.id, "waitlisted")]
    assert seat_availability([small])[small.id].waiting == 0


def test_change_session_to_a_free_session_moves_the_seat_and_promotes_the_waiting(
    small: Session, sub_forums: list[Session], fill: Callable
) -> None:
    mover, _, waiting = fill(small, 3)
    slot_ids = [session.id for session in sub_forums]

    change = change_session(mover, slot_ids, sub_forums[3].id)

    assert [seat.registration_id for seat in change.promoted] == [waiting.id]
    assert [(seat.session_id, seat.status) for seat in mover.seats] == [
        (sub_forums[3].id, SeatStatus.CONFIRMED.value)
    ]
    assert _seat_in(waiting, small).status == SeatStatus.CONFIRMED.value
    assert _topics_to(waiting.email)[-1] == f"promoted {waiting.reference}"


def test_change_session_to_none_frees_the_seat(
    small: Session, sub_forums: list[Session], fill: Callable
) -> None:
    leaver, _, waiting = fill(small, 3)

    change_session(leaver, [session.id for session in sub_forums], None)

    assert _seat_in(leaver, small) is None
    assert _seat_in(waiting, small).status == SeatStatus.CONFIRMED.value


def test_change_session_outside_the_slot_raises_invalid_choice(
    small: Session, sub_forums: list[Session], fill: Callable
) -> None:
    (mover,) = fill(small, 1)
    opening = db.session.scalars(select(Session).where(Session.code == "opening")).first()

    with pytest.raises(InvalidChoice):
        change_session(mover, [session.id for session in sub_forums], opening.id)

    assert [seat.session_id for seat in mover.seats] == [small.id]


def test_register_newcomer_does_not_jump_the_queue_when_someone_waits(
    small: Session, fill: Callable
) -> None:
    _, _, waiting = fill(small, 3)
    # Capacity raised without promoting (as a direct edit would): a seat is free, yet
    # someone is already waiting for it.
    small.capacity = 3
    db.session.commit()

    (newcomer,) = fill(small, 1)

    assert _seat_in(newcomer, small).status == SeatStatus.WAITLISTED.value
    assert waitlist_position(_seat_in(newcomer, small)) == 2
    assert waitlist_position(_seat_in(waiting, small)) == 1


def test_change_session_does_not_jump_the_queue_when_someone_waits(
    small: Session, sub_forums: list[Session], fill: Callable
) -> None:
    fill(small, 3)
    small.capacity = 3
    db.session.commit()
    (mover,) = fill(sub_forums[1], 1)

    change = change_session(mover, [session.id for session in sub_forums], small.id)

    assert change.seat.status == SeatStatus.WAITLISTED.value
    assert waitlist_position(change.seat) == 2
    assert _places(mover) == [(sub_forums[1].id, "confirmed"), (small.id, "waitlisted")]
