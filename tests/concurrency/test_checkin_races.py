"""Two desks scan the same badge at the same moment: one admission, one "already".

Each thread has its own app context (session and connection) and calls `check_in` as
the desk's view does, then commits. A barrier releases them together. On SQLite the
test app uses a file database (WAL), on PostgreSQL the real server.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from forum.audit import Actor
from forum.editions.services import current_edition
from forum.extensions import db
from forum.registration.checkin import CheckIn, check_in
from forum.registration.models import Registration
from forum.registration.services import RegistrationData, open_registration, register

THREAD_TIMEOUT = 120


@pytest.fixture
def registration_id(changes_data: Flask) -> Iterator[int]:
    edition = current_edition()
    open_registration(edition, timedelta(days=30))
    data = RegistrationData(
        given_name="Race",
        family_name="Desk",
        email="race@example.org",
        country="CN",
        category_code="delegate",
        preferred_language="en",
        consent=True,
    )
    made = register(edition, data).registration.id
    db.session.commit()
    db.session.remove()
    yield made
    db.session.remove()


def _at_once(app: Flask, desks: list[tuple[str, str]], registration_id: int) -> list[Any]:
    barrier = threading.Barrier(len(desks))
    results: list[Any] = [None] * len(desks)

    def run(index: int, desk: str, nonce: str) -> None:
        with app.app_context():
            try:
                registration = db.session.get(Registration, registration_id)
                barrier.wait(timeout=THREAD_TIMEOUT)
                admission = check_in(registration, desk, Actor(user=None), nonce)
                db.session.commit()
                results[index] = (admission.is_admitted, admission.check_in.desk)
            except BaseException as error:
                results[index] = error
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=run, args=(index, desk, nonce))
        for index, (desk, nonce) in enumerate(desks)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=THREAD_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return results


def _admissions(registration_id: int) -> list[CheckIn]:
    return list(
        db.session.scalars(select(CheckIn).where(CheckIn.registration_id == registration_id))
    )


def test_two_desks_scanning_one_badge_at_once_admit_exactly_once(
    app: Flask, registration_id: int
) -> None:
    results = _at_once(app, [("East hall", "east-1"), ("West hall", "west-1")], registration_id)

    assert not [result for result in results if isinstance(result, BaseException)], results
    admitted = [result for result in results if result[0]]
    refused = [result for result in results if not result[0]]
    assert len(admitted) == 1 and len(refused) == 1
    # The desk told "already checked in" is told which desk admitted first.
    assert refused[0][1] == admitted[0][1]
    rows = _admissions(registration_id)
    assert [row.desk for row in rows] == [admitted[0][1]]
    assert db.session.get(Registration, registration_id).checkin_desk == admitted[0][1]


def test_ten_desks_at_once_make_one_admission(app: Flask, registration_id: int) -> None:
    desks = [(f"Desk {number}", f"nonce-{number}") for number in range(10)]

    results = _at_once(app, desks, registration_id)

    assert not [result for result in results if isinstance(result, BaseException)], results
    assert sum(1 for result in results if result[0]) == 1
    assert len({result[1] for result in results}) == 1
    assert len(_admissions(registration_id)) == 1


def test_a_retry_arriving_while_its_first_attempt_runs_gets_the_same_admission(
    app: Flask, registration_id: int
) -> None:
    results = _at_once(
        app, [("East hall", "same-nonce"), ("East hall", "same-nonce")], registration_id
    )

    assert not [result for result in results if isinstance(result, BaseException)], results
    # Both are the one attempt: the retry either saw it done or waited for it on the row.
    assert [result[0] for result in results] == [True, True]
    assert len(_admissions(registration_id)) == 1
