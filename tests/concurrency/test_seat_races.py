"""Seats and sign-ups under real concurrency: many threads, one small sub-forum.

Every thread pushes its own app context, so it has its own database session and
connection, and calls the services as a request would: one service, then one commit
(a service that raises is rolled back). A barrier starts them together.
On SQLite the test app uses a file database (WAL), on PostgreSQL the real server.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from email import message_from_string, policy
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from forum.agenda.models import Session
from forum.editions.models import Edition
from forum.editions.services import current_edition
from forum.extensions import db
from forum.mail import OutboxMessage, compose_queued
from forum.registration.models import Registration, RegistrationStatus, Seat, SeatStatus
from forum.registration.seats import choice_slots, waitlist_position
from forum.registration.services import (
    AlreadyRegistered,
    NotAllowed,
    RegistrationData,
    cancel,
    change_session,
    open_registration,
    register,
    set_capacity,
)

THREAD_TIMEOUT = 120


@pytest.fixture
def ids(changes_data: Flask) -> Iterator[dict[str, Any]]:
    """An edition open for sign-up; ids only, since each thread loads its own rows."""
    edition = current_edition()
    _committed(open_registration(edition, timedelta(days=30)))
    (slot,) = choice_slots(edition)
    values = {
        "edition": edition.id,
        "sub_forums": [session.id for session in slot.sessions],
    }
    db.session.remove()
    yield values
    db.session.remove()


def _data(email: str, session_id: int | None) -> RegistrationData:
    return RegistrationData(
        given_name="Test",
        family_name="Person",
        email=email,
        country="CN",
        category_code="delegate",
        preferred_language="en",
        consent=True,
        organization="Test",
        session_ids=[session_id] if session_id else [],
    )


def _at_once(app: Flask, jobs: list[Callable[[], Any]]) -> list[Any]:
    """Runs every job in its own thread and app context, all released together.

    Returns each job's result, or the exception it raised, in the order of `jobs`.
    """
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(index: int, job: Callable[[], Any]) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=THREAD_TIMEOUT)
                results[index] = job()
            except BaseException as error:
                results[index] = error
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=run, args=(index, job), name=f"job-{index}")
        for index, job in enumerate(jobs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=THREAD_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return results


def _committed(result: Any) -> Any:
    """What a service returned, once the caller has committed it, as a view does."""
    db.session.commit()
    return result


def _registering(ids: dict[str, Any], email: str, session_id: int | None) -> Callable[[], int]:
    def job() -> int:
        edition = db.session.get(Edition, ids["edition"])
        return _committed(register(edition, _data(email, session_id))).registration.id

    return job


def _seats_in(session_id: int) -> list[Seat]:
    return list(
        db.session.scalars(select(Seat).where(Seat.session_id == session_id).order_by(Seat.id))
    )


def _unexpected(results: list[Any], *expected: type[BaseException]) -> list[BaseException]:
    return [
        result
        for result in results
        if isinstance(result, BaseException) and not isinstance(result, expected)
    ]


def _assert_queue_in_order_of_arrival(seats: list[Seat], capacity: int) -> None:
    """The first `capacity` seats by arrival are confirmed; the rest wait in that order."""
    statuses = [seat.status for seat in seats]
    confirmed = statuses.count(SeatStatus.CONFIRMED.value)
    assert confirmed == min(capacity, len(seats))
    waiting = len(seats) - confirmed
    assert statuses == ["confirmed"] * confirmed + ["waitlisted"] * waiting
    positions = [waitlist_position(seat) for seat in seats[confirmed:]]
    assert positions == list(range(1, waiting + 1))


def _assert_mail_agrees_with_the_queue(seats: list[Seat]) -> None:
    """Each confirmation was queued while its sign-up held the lock: its id records the
    order in which the lock was granted, and its text (composed by the worker) the place
    the person holds."""
    confirmations = {
        message.topic.split()[1]: message
        for message in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.topic.startswith("confirmation "))
        )
    }
    granted = [confirmations[seat.registration.reference].id for seat in seats]
    assert granted == sorted(granted), "the queue is not in the order the lock was granted"
    for seat in seats:
        message = confirmations[seat.registration.reference]
        compose_queued(message)
        text = message_from_string(message.raw, policy=policy.default).get_body(("plain",))
        told = re.search(r"on the waiting list, position (\d+)", text.get_content())
        if seat.status == SeatStatus.CONFIRMED.value:
            assert told is None
            assert "seat confirmed" in text.get_content()
        else:
            assert int(told.group(1)) == waitlist_position(seat)


# ------------------------------------------------------------------------------ races


def test_register_forty_at_once_for_five_seats_confirms_five_and_queues_the_rest_in_order(
    app: Flask, ids: dict[str, Any]
) -> None:
    session_id = ids["sub_forums"][0]
    _committed(set_capacity(db.session.get(Session, session_id), 5))
    db.session.remove()
    emails = [f"person{number:02d}@example.org" for number in range(40)]

    results = _at_once(app, [_registering(ids, email, session_id) for email in emails])

    assert _unexpected(results) == []
    seats = _seats_in(session_id)
    assert len(seats) == 40
    statuses = Counter(seat.status for seat in seats)
    assert statuses == {SeatStatus.CONFIRMED.value: 5, SeatStatus.WAITLISTED.value: 35}
    _assert_queue_in_order_of_arrival(seats, capacity=5)
    _assert_mail_agrees_with_the_queue(seats)
    stored = Counter(db.session.scalars(select(Registration.email)))
    assert stored == Counter(emails)
    assert sorted(results) == sorted(seat.registration_id for seat in seats)
    mail = Counter(db.session.scalars(select(OutboxMessage.recipient)))
    assert mail == Counter(emails)


def test_register_twenty_at_once_with_one_email_stores_one_registration(
    app: Flask, ids: dict[str, Any]
) -> None:
    session_id = ids["sub_forums"][1]
    spellings = ["same@example.org", "Same@Example.org", "SAME@EXAMPLE.ORG", "same@EXAMPLE.org"]
    jobs = [_registering(ids, spellings[number % 4], session_id) for number in range(20)]

    results = _at_once(app, jobs)

    assert _unexpected(results, AlreadyRegistered) == []
    winners = [result for result in results if isinstance(result, int)]
    assert len(winners) == 1
    assert sum(isinstance(result, AlreadyRegistered) for result in results) == 19
    assert {result.email for result in results if isinstance(result, AlreadyRegistered)} == {
        "same@example.org"
    }
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
    assert len(_seats_in(session_id)) == 1
    assert list(db.session.scalars(select(OutboxMessage.recipient))) == ["same@example.org"]


def test_cancel_and_register_at_once_never_oversubscribes_and_keeps_the_queue_in_order(
    app: Flask, ids: dict[str, Any]
) -> None:
    session_id = ids["sub_forums"][2]
    _committed(set_capacity(db.session.get(Session, session_id), 10))
    edition = db.session.get(Edition, ids["edition"])
    early = [
        _committed(
            register(edition, _data(f"early{number:02d}@example.org", session_id))
        ).registration.id
        for number in range(20)
    ]
    db.session.remove()

    def cancelling(registration_id: int) -> Callable[[], int]:
        def job() -> int:
            return len(_committed(cancel(db.session.get(Registration, registration_id))))

        return job

    # Ten of the confirmed cancel while twenty newcomers arrive.
    jobs = [cancelling(registration_id) for registration_id in early[:10]] + [
        _registering(ids, f"late{number:02d}@example.org", session_id) for number in range(20)
    ]
    results = _at_once(app, jobs)

    assert _unexpected(results) == []
    assert sum(results[:10]) == 10  # each freed seat went to someone waiting
    seats = _seats_in(session_id)
    assert len(seats) == 30
    # The ten who waited from the start got the freed seats, ahead of every newcomer.
    confirmed = {seat.registration_id for seat in seats if seat.status == "confirmed"}
    assert confirmed == set(early[10:])
    waiting = [seat for seat in seats if seat.status == SeatStatus.WAITLISTED.value]
    assert [waitlist_position(seat) for seat in waiting] == list(range(1, 21))
    cancelled = db.session.scalars(
        select(Registration.id).where(Registration.status == RegistrationStatus.CANCELLED.value)
    )
    assert set(cancelled) == set(early[:10])


def test_change_session_crosswise_at_once_completes_without_deadlock(
    app: Flask, ids: dict[str, Any]
) -> None:
    first, second = ids["sub_forums"][3], ids["sub_forums"][4]
    edition = db.session.get(Edition, ids["edition"])
    movers = {
        first: [
            _committed(register(edition, _data(f"a{number}@example.org", first))).registration.id
            for number in range(8)
        ],
        second: [
            _committed(register(edition, _data(f"b{number}@example.org", second))).registration.id
            for number in range(8)
        ],
    }
    db.session.remove()

    def moving(registration_id: int, to: int) -> Callable[[], int]:
        def job() -> int:
            registration = db.session.get(Registration, registration_id)
            _committed(change_session(registration, ids["sub_forums"], to))
            return registration_id

        return job

    # People in each sub-forum move to the other one at the same moment.
    jobs = [moving(registration_id, second) for registration_id in movers[first]] + [
        moving(registration_id, first) for registration_id in movers[second]
    ]
    results = _at_once(app, jobs)

    assert _unexpected(results) == []
    assert {seat.registration_id for seat in _seats_in(second)} == set(movers[first])
    assert {seat.registration_id for seat in _seats_in(first)} == set(movers[second])


def test_change_session_by_many_into_few_free_seats_seats_as_many_as_fit_and_queues_the_rest(
    app: Flask, ids: dict[str, Any]
) -> None:
    target, *others = ids["sub_forums"]
    _committed(set_capacity(db.session.get(Session, target), 3))
    edition = db.session.get(Edition, ids["edition"])
    movers = [
        _committed(
            register(edition, _data(f"mover{number:02d}@example.org", others[number % len(others)]))
        ).registration.id
        for number in range(15)
    ]
    db.session.remove()

    def moving(registration_id: int) -> Callable[[], str]:
        def job() -> str:
            registration = db.session.get(Registration, registration_id)
            return _committed(change_session(registration, ids["sub_forums"], target)).seat.status

        return job

    results = _at_once(app, [moving(registration_id) for registration_id in movers])

    assert _unexpected(results) == []
    assert Counter(results) == {"confirmed": 3, "waitlisted": 12}
    seats = _seats_in(target)
    _assert_queue_in_order_of_arrival(seats, capacity=3)
    seated = {seat.registration_id for seat in seats if seat.status == "confirmed"}
    # Nobody lost a seat: those who wait for the target keep the one they had meanwhile.
    for registration_id in movers:
        query = select(Seat).where(Seat.registration_id == registration_id).order_by(Seat.id)
        places = [(seat.session_id, seat.status) for seat in db.session.scalars(query)]
        if registration_id in seated:
            assert places == [(target, "confirmed")]
        else:
            old = others[movers.index(registration_id) % len(others)]
            assert places == [(old, "confirmed"), (target, "waitlisted")]


def test_cancel_at_once_promotes_the_waiting_who_give_up_their_old_seats_to_the_next_in_line(
    app: Flask, ids: dict[str, Any]
) -> None:
    target, *others = ids["sub_forums"]
    edition = db.session.get(Edition, ids["edition"])
    _committed(set_capacity(db.session.get(Session, target), 4))
    for other in others:
        _committed(set_capacity(db.session.get(Session, other), 2))

    def registered(email: str, session_id: int) -> int:
        return _committed(register(edition, _data(email, session_id))).registration.id

    holders = [registered(f"holder{number}@example.org", target) for number in range(4)]
    # Two seated in each other sub-forum (all of its seats) and one waiting for it.
    movers = [registered(f"mover{number}@example.org", others[number % 5]) for number in range(10)]
    queued = [registered(f"queued{number}@example.org", others[number]) for number in range(5)]
    # Every mover asks for the full target: each waits for it, keeping their seat.
    for registration_id in movers:
        registration = db.session.get(Registration, registration_id)
        change = _committed(change_session(registration, ids["sub_forums"], target))
        assert change.seat.status == "waitlisted"
    db.session.remove()

    def cancelling(registration_id: int) -> Callable[[], str]:
        def job() -> str:
            _committed(cancel(db.session.get(Registration, registration_id)))
            return "cancelled"

        return job

    # The four in the target leave just as two of those waiting for it give up.
    leaving = holders + movers[:2]
    results = _at_once(app, [cancelling(registration_id) for registration_id in leaving])

    assert results == ["cancelled"] * len(leaving)
    # The next four movers in line got the target and gave up their seats, in one step
    # each, to the first waiting for those sub-forums.
    promoted = movers[2:6]
    assert {seat.registration_id for seat in _seats_in(target) if seat.status == "confirmed"} == (
        set(promoted)
    )
    _assert_queue_in_order_of_arrival(_seats_in(target), capacity=4)
    for session_id in others:
        _assert_queue_in_order_of_arrival(_seats_in(session_id), capacity=2)
    live = set(movers[2:]) | set(queued)
    for registration_id in live:
        query = select(Seat).where(Seat.registration_id == registration_id)
        statuses = [seat.status for seat in db.session.scalars(query)]
        # Never two seats, never none: one confirmed seat each, at most one place in line.
        assert statuses.count("confirmed") == 1, registration_id
    seats_of_the_queued = db.session.scalars(
        select(Seat).where(Seat.registration_id.in_(queued))
    ).all()
    freed = {others[number % 5] for number in [*range(0, 2), *range(2, 6)]}
    assert {seat.session_id for seat in seats_of_the_queued if seat.status == "confirmed"} == freed


def test_cancel_by_the_waiting_while_the_seated_move_away_gives_seats_to_the_next_in_line(
    app: Flask, ids: dict[str, Any]
) -> None:
    full, free = ids["sub_forums"][0], ids["sub_forums"][5]
    _committed(set_capacity(db.session.get(Session, full), 6))
    edition = db.session.get(Edition, ids["edition"])
    seated, waiting = [], []
    for number in range(18):
        registration = _committed(
            register(edition, _data(f"p{number:02d}@example.org", full))
        ).registration
        (seated if number < 6 else waiting).append(registration.id)
    db.session.remove()

    def moving(registration_id: int) -> Callable[[], str]:
        def job() -> str:
            registration = db.session.get(Registration, registration_id)
            _committed(change_session(registration, ids["sub_forums"], free))
            return "moved"

        return job

    def cancelling(registration_id: int) -> Callable[[], str]:
        def job() -> str:
            _committed(cancel(db.session.get(Registration, registration_id)))
            return "cancelled"

        return job

    # The first six in line give up just as the six seated leave for another sub-forum.
    jobs = [moving(registration_id) for registration_id in seated] + [
        cancelling(registration_id) for registration_id in waiting[:6]
    ]
    results = _at_once(app, jobs)

    assert _unexpected(results) == []
    seats = _seats_in(full)
    assert {seat.registration_id for seat in seats} == set(waiting[6:])
    assert {seat.status for seat in seats} == {SeatStatus.CONFIRMED.value}
    assert {seat.registration_id for seat in _seats_in(free)} == set(seated)


def test_cancel_twice_at_once_cancels_once(app: Flask, ids: dict[str, Any]) -> None:
    session_id = ids["sub_forums"][1]
    edition = db.session.get(Edition, ids["edition"])
    registration = _committed(
        register(edition, _data("twice@example.org", session_id))
    ).registration
    registration_id, reference = registration.id, registration.reference
    db.session.remove()

    def cancelling() -> str:
        _committed(cancel(db.session.get(Registration, registration_id)))
        return "cancelled"

    # A double click, or the page open in two tabs.
    results = _at_once(app, [cancelling for _ in range(4)])

    assert _unexpected(results, NotAllowed) == []
    assert results.count("cancelled") == 1
    topics = list(db.session.scalars(select(OutboxMessage.topic)))
    assert topics.count(f"cancelled {reference}") == 1
    assert _seats_in(session_id) == []


def test_cancel_and_change_session_at_once_leave_no_seat_behind(
    app: Flask, ids: dict[str, Any]
) -> None:
    first, second = ids["sub_forums"][0], ids["sub_forums"][1]
    edition = db.session.get(Edition, ids["edition"])
    registrations = [
        _committed(register(edition, _data(f"tabs{number}@example.org", first))).registration.id
        for number in range(6)
    ]
    db.session.remove()

    def cancelling(registration_id: int) -> Callable[[], str]:
        def job() -> str:
            _committed(cancel(db.session.get(Registration, registration_id)))
            return "cancelled"

        return job

    def moving(registration_id: int) -> Callable[[], str]:
        def job() -> str:
            registration = db.session.get(Registration, registration_id)
            _committed(change_session(registration, ids["sub_forums"], second))
            return "moved"

        return job

    # Each person has the page open in two tabs: one moves, the other cancels.
    jobs = [moving(registration_id) for registration_id in registrations] + [
        cancelling(registration_id) for registration_id in registrations
    ]
    results = _at_once(app, jobs)

    assert _unexpected(results, NotAllowed) == []
    assert results[len(registrations) :] == ["cancelled"] * len(registrations)
    assert _seats_in(first) == []
    assert _seats_in(second) == []


def test_register_pages_at_once_with_duplicates_redirect_every_newcomer_to_a_working_page(
    app: Flask, ids: dict[str, Any]
) -> None:
    def posting(email: str) -> Callable[[], tuple[int, str]]:
        def job() -> tuple[int, str]:
            response = app.test_client().post(
                "/en/register",
                data={
                    "given_name": "Test",
                    "family_name": "Person",
                    "email": email,
                    "organization": "Test",
                    "country": "CN",
                    "category": "delegate",
                    "preferred_language": "en",
                    "consent": "y",
                },
            )
            return response.status_code, response.headers.get("Location", "")

        return job

    # Ten people sign up while someone posts each of their addresses three more times.
    emails = [f"racer{number}@example.org" for number in range(10)]
    results = _at_once(app, [posting(email) for email in emails * 4])

    assert _unexpected(results) == []
    redirects = [location for status, location in results if status == 302]
    assert len(redirects) == len(emails)
    assert sorted(status for status, _ in results) == [200] * 30 + [302] * 10
    client = app.test_client()
    for location in redirects:
        assert client.get(location).status_code == 200, location


def test_register_holds_the_session_lock_until_its_caller_commits(
    app: Flask, ids: dict[str, Any]
) -> None:
    if app.config["DATABASE_BACKEND"] != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serializes every writer")
    session_id = ids["sub_forums"][0]
    registered = threading.Event()
    checked = threading.Event()

    def signing_up() -> None:
        with app.app_context():
            edition = db.session.get(Edition, ids["edition"])
            register(edition, _data("slow@example.org", session_id))
            registered.set()
            checked.wait(timeout=THREAD_TIMEOUT)
            db.session.commit()
            db.session.remove()

    thread = threading.Thread(target=signing_up)
    thread.start()
    assert registered.wait(timeout=THREAD_TIMEOUT)
    try:
        # The service has returned, the caller has not committed yet: the session's row
        # is still locked, so nobody else can count its seats in the meantime.
        locked = select(Session.id).where(Session.id == session_id).with_for_update(nowait=True)
        with pytest.raises(OperationalError, match="could not obtain lock"):
            db.session.execute(locked)
        db.session.rollback()
    finally:
        checked.set()
        thread.join(timeout=THREAD_TIMEOUT)
    assert db.session.execute(locked).scalar_one() == session_id
    db.session.rollback()
