"""Failed logins are limited per account and per address; a success is never held back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from config import TestingConfig
from forum import create_app
from forum.extensions import db, limiter

from .conftest import PASSWORD, ensure_staff, log_in, new_client, staff_email


@pytest.fixture
def limited_app(tmp_path: Path) -> Iterator[Flask]:
    """An app of its own with the login limits on: 3 failures per account, 5 per address."""

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'limited.sqlite3'}"
        RATELIMIT_ENABLED = True
        RATELIMIT_STORAGE_URI = "memory://"
        LOGIN_RATE_LIMIT_PER_ACCOUNT = "3 per minute"
        LOGIN_RATE_LIMIT_PER_ADDRESS = "5 per minute"

    was_enabled = limiter.enabled
    app = create_app(Config)
    with app.app_context():
        db.create_all()
        ensure_staff("organizer")
        ensure_staff("admin")
    yield app
    limiter.enabled = was_enabled
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_an_account_is_locked_after_three_failures_even_with_the_right_password(
    limited_app: Flask,
) -> None:
    client = new_client(limited_app)
    email = staff_email("organizer")

    failures = [log_in(client, email, "guess {n}").status_code for n in range(3)]
    right = log_in(client, email, PASSWORD)

    assert failures == [200, 200, 200]
    assert right.status_code == 429
    assert "Please wait a moment" in right.get_data(as_text=True)


def test_the_account_limit_does_not_lock_other_accounts(limited_app: Flask) -> None:
    client = new_client(limited_app)
    for n in range(3):
        log_in(client, staff_email("organizer"), f"guess {n}")

    assert log_in(client, staff_email("admin"), PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_is_stopped(limited_app: Flask) -> None:
    client = new_client(limited_app)

    answers = [log_in(client, f"someone{n}@example.org", "guess").status_code for n in range(6)]

    assert answers == [200, 200, 200, 200, 200, 429]


def test_successful_logins_are_not_counted(limited_app: Flask) -> None:
    client = new_client(limited_app)

    answers = []
    for _ in range(6):
        answers.append(log_in(client, staff_email("admin"), PASSWORD).status_code)
        client.post("/en/admin/logout")

    assert answers == [302] * 6
