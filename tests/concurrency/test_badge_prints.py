"""Two desks printing the same badge at once: every print is counted.

Each thread pushes its own app context (its own session and connection) and counts
prints as the CLI and the desk do, committing after each. A barrier starts them together,
so their reads and writes interleave; a read-modify-write (`badge_prints += 1`) loses
counts on PostgreSQL here, the atomic UPDATE does not.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import delete, select

from forum.documents.badges import record_prints
from forum.editions.services import current_edition
from forum.extensions import db
from forum.registration.models import Category, ManageToken, Registration
from forum.registration.services import hash_token, new_reference

THREADS = 8
PRINTS_EACH = 10
THREAD_TIMEOUT = 120


@pytest.fixture
def registration_id(app: Flask) -> Iterator[int]:
    """A confirmed registration that has never been printed; ids only, threads load their own."""
    with app.app_context():
        now = datetime.now(UTC)
        category = db.session.scalars(select(Category).where(Category.code == "delegate")).one()
        registration = Registration(
            edition=current_edition(),
            reference=new_reference(),
            manage_tokens=[
                ManageToken(token_hash=hash_token(secrets.token_urlsafe(32)), created_at=now)
            ],
            category=category,
            given_name="Desk",
            family_name="Race",
            email=f"{secrets.token_hex(6)}@example.org",
            country="GB",
            consent_at=now,
            created_at=now,
            updated_at=now,
            badge_prints=0,
        )
        db.session.add(registration)
        db.session.commit()
        made = registration.id
        db.session.remove()
    yield made
    with app.app_context():
        db.session.execute(delete(Registration).where(Registration.id == made))
        db.session.commit()


def test_badge_prints_from_many_desks_at_once_are_all_counted(
    app: Flask, registration_id: int
) -> None:
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def desk() -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=THREAD_TIMEOUT)
                for _ in range(PRINTS_EACH):
                    record_prints([db.session.get(Registration, registration_id)])
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
        assert db.session.get(Registration, registration_id).badge_prints == THREADS * PRINTS_EACH
