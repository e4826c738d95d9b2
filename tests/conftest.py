"""Shared fixtures: one app per database backend, seeded with the demo editions.

Every test runs on SQLite; when FORUM_TEST_DATABASE_URL is set (CI sets it), every
test runs on PostgreSQL as well.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from config import TestingConfig, normalize_database_url
from forum import create_app
from forum.demo import seed_demo
from forum.extensions import cache, db
from forum.registration.services import ensure_default_categories


def _backends() -> list[str]:
    backends = ["sqlite"]
    if os.environ.get("FORUM_TEST_DATABASE_URL"):
        backends.append("postgresql")
    return backends


def _database_url(backend: str, folder: Path) -> str:
    if backend == "postgresql":
        return normalize_database_url(os.environ["FORUM_TEST_DATABASE_URL"])
    return f"sqlite:///{folder / 'forum-test.sqlite3'}"


def reset_database() -> None:
    """Empty schema, tables from the models, demo editions: the state every test starts from."""
    db.session.remove()
    db.drop_all()
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    db.create_all()
    ensure_default_categories()
    db.session.commit()
    seed_demo()


@pytest.fixture(scope="session", params=_backends())
def app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    folder = tmp_path_factory.mktemp(f"db-{request.param}")

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = _database_url(request.param, folder)

    application = create_app(Config)
    application.config["DATABASE_BACKEND"] = request.param
    with application.app_context():
        reset_database()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app_context(app: Flask) -> Iterator[Flask]:
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def changes_data(app: Flask) -> Iterator[Flask]:
    """For a test that writes: the demo state is restored afterwards."""
    with app.app_context():
        yield app
        reset_database()


@pytest.fixture
def page_cache(app: Flask) -> Iterator[Flask]:
    """The app with the page cache on (tests run with it off), empty before and after."""
    previous = app.config["PAGE_CACHE_ENABLED"]
    app.config["PAGE_CACHE_ENABLED"] = True
    with app.app_context():
        cache.clear()
    yield app
    app.config["PAGE_CACHE_ENABLED"] = previous
    with app.app_context():
        cache.clear()
