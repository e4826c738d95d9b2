"""Two desks printing the same badge at once: every print is counted.

Each thread pushes its own app context (its own session and connection) and counts
prints as the CLI and the desk do, committing after each. A barrier starts them together,
so their reads and writes interleave; a read-modify-write (`badge_prints += 1`) loses
counts on PostgreSQL here, the atomic UPDATE does not.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask import Flask

from forum.documents.badges import record_prints
from forum.editions.services import current_edition
from forum.extensions import db
from forum.registration.models import Registration

from documents.attendees import Attendee, Person, add_registration, remove_registrations

THREADS = 8
PRINTS_EACH = 10
THREAD_TIMEOUT = 120


@pytest.fixture
def attendee(app: Flask) -> Iterator[Attendee]:
    with app.app_context():
        made = add_registration(current_edition(), Person("Desk", "Race", "GB"))
        db.session.remove()
    yield made
    with app.app_context():
        remove_registrations([made])


def test_badge_prints_from_many_desks_at_once_are_all_counted(
    app: Flask, attendee: Attendee
) -> None:
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def desk() -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=THREAD_TIMEOUT)
                for _ in range(PRINTS_EACH):
                    record_prints([db.session.get(Registration, attendee.id)])
                    db.session.commit()
            except BaseException as error:
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=desk, name=f"desk-{i}") for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=THREAD_TIMEOUT)

    assert not any(thread.is_alive() for thread in threads), "a desk is stuck"
    assert errors == []
    with app.app_context():
        assert db.session.get(Registration, attendee.id).badge_prints == THREADS * PRINTS_EACH
