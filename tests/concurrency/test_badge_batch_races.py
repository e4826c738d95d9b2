"""Badge batches under real concurrency: several workers reaching for one queued batch,
several organizers marking one batch printed at the same moment.

Each thread pushes its own app context (its own session and connection) and calls the
service as the worker or the view does, then commits (or rolls back what raised). A
barrier starts them together.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from forum.audit import COMMAND_LINE, AuditEvent
from forum.documents import batches
from forum.documents.badges import BadgeLayout
from forum.documents.batches import BadgeBatch, BatchCriteria, BatchStatus
from forum.editions.services import current_edition
from forum.extensions import db
from forum.registration import staff
from forum.registration.models import Registration
from forum.registration.services import RegistrationData

THREADS = 6
THREAD_TIMEOUT = 120


def _at_once(app: Flask, job: Callable[[int], Any]) -> list[Any]:
    """Runs `job(number)` in THREADS threads, each in its own app context, released
    together; returns each result or the exception it raised."""
    barrier = threading.Barrier(THREADS)
    results: list[Any] = [None] * THREADS

    def run(number: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=THREAD_TIMEOUT)
                results[number] = job(number)
                db.session.commit()
            except Exception as error:
                db.session.rollback()
                results[number] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(number,)) for number in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=THREAD_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return results


@pytest.fixture
def batch_id(changes_data: Flask) -> Iterator[int]:
    """A queued batch of three confirmed registrations; its id only."""
    edition = current_edition()
    for number in range(3):
        data = RegistrationData(
            given_name="Race",
            family_name=f"Runner{number}",
            email=f"runner{number}@example.org",
            country="GB",
            category_code="delegate",
            preferred_language="en",
            consent=True,
        )
        staff.register_by_organizer(edition, data, COMMAND_LINE)
    batch = batches.create_batch(edition, BatchCriteria(), BadgeLayout.A6, COMMAND_LINE)
    db.session.commit()
    made = batch.id
    db.session.remove()
    yield made
    db.session.remove()


def test_one_worker_of_many_claims_a_queued_batch(app: Flask, batch_id: int) -> None:
    def claim(number: int) -> int | None:
        claimed = batches.claim_next_batch(f"worker-{number}")
        return claimed.id if claimed else None

    results = _at_once(app, claim)

    assert [result for result in results if isinstance(result, Exception)] == []
    assert sorted(results, key=str) == [batch_id] + [None] * (THREADS - 1)
    batch = db.session.get(BadgeBatch, batch_id)
    assert batch.status == BatchStatus.RUNNING.value


def test_many_clicks_on_mark_printed_at_once_count_each_badge_once(
    app: Flask, batch_id: int
) -> None:
    batch = db.session.get(BadgeBatch, batch_id)
    batches.render_batch(batches.claim_batch(batch.id, "test"))
    db.session.commit()
    db.session.remove()

    def mark(_number: int) -> int:
        return batches.mark_batch_printed(db.session.get(BadgeBatch, batch_id), COMMAND_LINE)

    results = _at_once(app, mark)

    assert [result for result in results if isinstance(result, int)] == [3]
    refused = [result for result in results if not isinstance(result, int)]
    assert len(refused) == THREADS - 1
    assert all(isinstance(result, batches.NotPrintable) for result in refused)
    counts = db.session.scalars(select(Registration.badge_prints))
    assert sorted(counts) == [1, 1, 1]
    marked = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "badge_batch.mark_printed")
    ).all()
    assert len(marked) == 1
