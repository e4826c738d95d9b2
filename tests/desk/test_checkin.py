"""Admission at the desk: once, idempotent by nonce, undone by organizers, door checks."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forum.audit import Actor, history_of
from forum.editions.models import Edition
from forum.extensions import db
from forum.registration.checkin import (
    CheckIn,
    CheckInKind,
    DoorSeat,
    NotAdmissible,
    NotCheckedIn,
    check_at_door,
    check_in,
    door_counts,
    entrance_counts,
    history,
    undo_check_in,
)
from forum.registration.models import SeatStatus
from forum.registration.seats import choice_slots

from .conftest import MakeRegistration, moment


def _admissions(registration_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(CheckIn)
        .where(CheckIn.registration_id == registration_id, CheckIn.kind == "admit")
    )


def test_check_in_admits_a_confirmed_registration_and_records_who_where_when(
    make_registration: MakeRegistration, desk_actor: Actor
) -> None:
    registration = make_registration()

    admission = check_in(registration, "  East   hall 2 ", desk_actor, "nonce-1", moment())
    db.session.commit()

    assert admission.is_admitted
    assert registration.checked_in_at == moment()
    assert registration.checkin_desk == "East hall 2"
    (row,) = history(registration)
    assert (row.kind, row.desk, row.actor_name, row.at) == (
        "admit",
        "East hall 2",
        "checkin",
        moment(),
    )
    assert history_of("registration", registration.id)[0].action == "registration.check_in"


def test_check_in_a_second_time_answers_already_with_the_first_desk(
    make_registration: MakeRegistration, desk_actor: Actor
) -> None:
    registration = make_registration()
    check_in(registration, "East hall 2", desk_actor, "nonce-1", moment())
    db.session.commit()

    second = check_in(registration, "West hall", desk_actor, "nonce-2", moment(5))
    db.session.commit()

    assert not second.is_admitted
    assert (second.check_in.desk, second.check_in.at) == ("East hall 2", moment())
    assert registration.checkin_desk == "East hall 2"
    assert _admissions(registration.id) == 1


def test_check_in_retried_with_the_same_nonce_returns_the_first_result(
    make_registration: MakeRegistration, desk_actor: Actor
) -> None:
    registration = make_registration()
    first = check_in(registration, "East hall 2", desk_actor, "same-nonce", moment())
    db.session.commit()

    retry = check_in(registration, "East hall 2", desk_actor, "same-nonce", moment(1))
    db.session.commit()

    assert first.is_admitted and retry.is_admitted
    assert retry.check_in.id == first.check_in.id
    assert _admissions(registration.id) == 1


@pytest.mark.parametrize("status", ["pending", "cancelled", "rejected"])
def test_check_in_refuses_a_registration_that_is_not_confirmed(
    make_registration: MakeRegistration, desk_actor: Actor, status: str
) -> None:
    registration = make_registration(status)

    with pytest.raises(NotAdmissible):
        check_in(registration, "East hall 2", desk_actor, "nonce-x", moment())

    assert registration.checked_in_at is None
    assert _admissions(registration.id) == 0


def test_undo_check_in_clears_the_admission_records_it_and_allows_a_new_one(
    make_registration: MakeRegistration, desk_actor: Actor, organizer_actor: Actor
) -> None:
    registration = make_registration()
    check_in(registration, "East hall 2", desk_actor, "nonce-1", moment())
    db.session.commit()

    undo_check_in(registration, organizer_actor, "Office", moment(2))
    db.session.commit()

    assert registration.checked_in_at is None
    kinds = [row.kind for row in history(registration)]
    assert kinds == ["undo", "admit"]
    actions = [event.action for event in history_of("registration", registration.id)]
    assert actions[:2] == ["registration.undo_check_in", "registration.check_in"]
    again = check_in(registration, "West hall", desk_actor, "nonce-2", moment(3))
    db.session.commit()
    assert again.is_admitted
    assert again.check_in.desk == "West hall"


def test_undo_check_in_of_someone_not_checked_in_raises(
    make_registration: MakeRegistration, organizer_actor: Actor
) -> None:
    registration = make_registration()

    with pytest.raises(NotCheckedIn):
        undo_check_in(registration, organizer_actor)

    assert history(registration) == []


def test_door_check_tells_confirmed_waiting_and_no_seat_and_counts_apart_from_entrance(
    edition: Edition, make_registration: MakeRegistration, desk_actor: Actor
) -> None:
    (slot,) = choice_slots(edition)
    door, other = slot.sessions[0], slot.sessions[1]
    seated = make_registration(session_ids=[door.id])
    waiting = make_registration(session_ids=[door.id])
    waiting.seats[0].status = SeatStatus.WAITLISTED.value
    elsewhere = make_registration(session_ids=[other.id])
    db.session.commit()

    results = [
        check_at_door(person, door, "Door A", desk_actor, f"door-{number}", moment())
        for number, person in enumerate([seated, waiting, elsewhere])
    ]
    repeat = check_at_door(seated, door, "Door A", desk_actor, "door-again", moment(1))
    retry = check_at_door(seated, door, "Door A", desk_actor, "door-0", moment(2))
    db.session.commit()

    assert [row.seat_status for row in results] == [
        DoorSeat.CONFIRMED,
        DoorSeat.WAITLISTED,
        DoorSeat.NONE,
    ]
    assert retry.id == results[0].id
    assert repeat.kind == CheckInKind.DOOR
    counts = {count.session.id: count.attended for count in door_counts([door, other])}
    assert counts == {door.id: 3, other.id: 0}
    assert seated.checked_in_at is None  # a door is not the entrance
    delegates = {count.category.code: count for count in entrance_counts(edition.id)}
    assert delegates["delegate"].checked_in == 0


def test_entrance_counts_checked_in_against_confirmed_by_category(
    edition: Edition, make_registration: MakeRegistration, desk_actor: Actor
) -> None:
    before = {count.category.code: count for count in entrance_counts(edition.id)}
    people = [make_registration() for _ in range(3)]
    make_registration("cancelled")
    check_in(people[0], "East", desk_actor, "n-1")
    db.session.commit()

    after = {count.category.code: count for count in entrance_counts(edition.id)}

    expected_before = before["delegate"].expected if "delegate" in before else 0
    assert after["delegate"].expected == expected_before + 3
    assert after["delegate"].checked_in == 1
