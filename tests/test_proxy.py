"""Behind a reverse proxy: each visitor has their own rate-limit bucket, and nobody can
choose theirs by sending X-Forwarded-For when no proxy is configured."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask, request
from werkzeug.test import TestResponse

from config import TestingConfig
from forum import create_app
from forum.extensions import db, limiter

AppFactory = Callable[[int], Flask]


@pytest.fixture
def app_behind(tmp_path: Path) -> Iterator[AppFactory]:
    """Makes an app with PROXY_HOPS set and sign-up limited to two posts a minute."""
    made: list[Flask] = []
    was_enabled = limiter.enabled

    def make(hops: int) -> Flask:
        class Config(TestingConfig):
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / f'proxy-{hops}.sqlite3'}"
            RATELIMIT_ENABLED = True
            RATELIMIT_STORAGE_URI = "memory://"
            REGISTRATION_RATE_LIMIT = "2 per minute"
            PROXY_HOPS = hops

        app = create_app(Config)
        with app.app_context():
            db.create_all()
        made.append(app)
        return app

    yield make
    # The limiter is one object for every app in a process; the suite's app has it off.
    limiter.enabled = was_enabled
    for app in made:
        with app.app_context():
            db.engine.dispose()


def _post_from(app: Flask, client_address: str, proxy_address: str = "10.0.0.2") -> TestResponse:
    # The limit is checked before the view runs, so an empty form counts like any other.
    return app.test_client().post(
        "/en/register",
        headers={"X-Forwarded-For": client_address},
        environ_base={"REMOTE_ADDR": proxy_address},
    )


def test_behind_one_proxy_each_visitor_has_their_own_bucket(app_behind: AppFactory) -> None:
    app = app_behind(1)

    first_visitor = [_post_from(app, "203.0.113.7").status_code for _ in range(3)]
    second_visitor = _post_from(app, "198.51.100.23").status_code

    assert first_visitor[:2] != [429, 429]
    assert first_visitor[2] == 429
    assert second_visitor != 429


def test_without_a_proxy_x_forwarded_for_cannot_choose_a_bucket(app_behind: AppFactory) -> None:
    app = app_behind(0)

    statuses = [
        _post_from(app, forged, proxy_address="192.0.2.50").status_code
        for forged in ("203.0.113.1", "203.0.113.2", "203.0.113.3")
    ]

    assert statuses[2] == 429


def test_behind_two_proxies_the_address_two_hops_back_is_the_visitor(
    app_behind: AppFactory,
) -> None:
    app = app_behind(2)

    # The visitor forged the first entry, the outer proxy appended the visitor's address,
    # the inner proxy the outer one's.
    answers = [
        _post_from(app, f"6.6.6.{n}, 203.0.113.7, 10.0.0.1", proxy_address="10.0.0.2").status_code
        for n in range(3)
    ]

    assert answers[2] == 429


def test_limited_answer_says_when_to_come_back(app_behind: AppFactory) -> None:
    app = app_behind(1)

    limited = [_post_from(app, "203.0.113.9") for _ in range(3)][-1]

    assert limited.status_code == 429
    assert 0 < int(limited.headers["Retry-After"]) <= 60


def test_behind_a_proxy_the_forwarded_scheme_is_the_requests(app_behind: AppFactory) -> None:
    app = app_behind(1)
    seen: list[str] = []

    @app.get("/scheme-probe")
    def probe() -> str:
        seen.append(request.scheme)
        return "ok"

    app.test_client().get("/scheme-probe", headers={"X-Forwarded-Proto": "https"})

    assert seen == ["https"]
