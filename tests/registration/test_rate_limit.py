"""The rate limit on the public forms: a friendly page in the visitor's language."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

from config import TestingConfig
from forum import create_app
from forum.demo import seed_demo
from forum.editions.services import current_edition
from forum.extensions import db, limiter
from forum.registration.models import Registration
from forum.registration.services import ensure_default_categories, open_registration


@pytest.fixture
def limited_app(tmp_path: Path) -> Iterator[Flask]:
    """An app of its own with the limit on: two posts a minute per address."""

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'limited.sqlite3'}"
        RATELIMIT_ENABLED = True
        RATELIMIT_STORAGE_URI = "memory://"
        REGISTRATION_RATE_LIMIT = "2 per minute"

    # The limiter is one object for every app in a process; the suite's app has it off.
    was_enabled = limiter.enabled
    app = create_app(Config)
    with app.app_context():
        db.create_all()
        ensure_default_categories()
        db.session.commit()
        seed_demo()
        open_registration(current_edition(), timedelta(days=1))
        db.session.commit()
    yield app
    limiter.enabled = was_enabled
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _form(number: int) -> dict[str, str]:
    return {
        "given_name": "Ana",
        "family_name": f"Lima {number}",
        "email": f"ana{number}@example.org",
        "organization": "City of Recife",
        "country": "BR",
        "category": "delegate",
        "preferred_language": "en",
        "consent": "y",
    }


@pytest.mark.parametrize(("lang", "shown"), [("en", "Please wait a moment"), ("zh", "请稍候")])
def test_register_posts_over_the_limit_get_a_friendly_page_and_store_nothing(
    limited_app: Flask, lang: str, shown: str
) -> None:
    client = limited_app.test_client()

    answers = [client.post(f"/{lang}/register", data=_form(number)) for number in range(3)]

    assert [answer.status_code for answer in answers] == [302, 302, 429]
    page = answers[2].get_data(as_text=True)
    assert shown in page
    assert f'<html lang="{"zh-Hans" if lang == "zh" else "en"}">' in page
    with limited_app.app_context():
        stored = db.session.scalars(db.select(Registration.email)).all()
    assert sorted(stored) == ["ana0@example.org", "ana1@example.org"]


def test_register_page_views_are_not_limited(limited_app: Flask) -> None:
    client = limited_app.test_client()

    statuses = {client.get("/en/register").status_code for _ in range(5)}

    assert statuses == {200}
