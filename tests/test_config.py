"""Configuration: production refuses to start half-configured; database URLs are normalized."""

from __future__ import annotations

import pytest

from config import normalize_database_url
from forum import create_app


def test_production_refuses_to_start_without_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://forum@127.0.0.1:5432/forum")

    with pytest.raises(RuntimeError, match="SECRET_KEY must be set in production"):
        create_app("production")


def test_production_refuses_an_empty_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "")
    monkeypatch.setenv("DATABASE_URL", "postgresql://forum@127.0.0.1:5432/forum")

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_production_refuses_to_start_without_database_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-secret")
    monkeypatch.delenv("DATABASE_URL", raising=False)

    with pytest.raises(RuntimeError, match="DATABASE_URL must be set in production"):
        create_app("production")


def test_production_starts_with_secret_key_and_database_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-secret")
    monkeypatch.setenv("DATABASE_URL", "postgres://forum:pw@db.internal:5432/forum")

    app = create_app("production")

    assert app.config["SECRET_KEY"] == "a-long-random-production-secret"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://forum:pw@db.internal:5432/forum"
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert not app.debug
    assert not app.testing


def test_development_starts_without_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)

    app = create_app("development")

    assert app.config["SECRET_KEY"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u:p@h:5432/forum", "postgresql+psycopg://u:p@h:5432/forum"),
        ("postgresql://u:p@h:5432/forum", "postgresql+psycopg://u:p@h:5432/forum"),
        ("postgresql+psycopg://u@h/forum", "postgresql+psycopg://u@h/forum"),
        ("sqlite:///instance/forum.sqlite3", "sqlite:///instance/forum.sqlite3"),
        ("sqlite://", "sqlite://"),
    ],
)
def test_normalize_database_url(url: str, expected: str) -> None:
    assert normalize_database_url(url) == expected
