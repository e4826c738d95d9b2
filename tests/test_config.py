"""Configuration: production refuses to start half-configured; database URLs are normalized."""

from __future__ import annotations

import pytest

from config import DEVELOPMENT_SECRET_KEY, normalize_database_url
from forum import create_app

PRODUCTION_SECRET = "Qm9vdHN0cmFwcGVkIGZvciB0aGUgdGVzdHMgb25seQ"
PRODUCTION_DATABASE = "postgresql://forum@127.0.0.1:5432/forum"


@pytest.fixture
def production_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Everything production needs; a test takes one piece away."""
    monkeypatch.setenv("SECRET_KEY", PRODUCTION_SECRET)
    monkeypatch.setenv("DATABASE_URL", PRODUCTION_DATABASE)
    monkeypatch.setenv("SITE_URL", "https://bjforum.example.org")
    for name in ("FORUM_TRUSTED_HOSTS", "FORUM_HSTS_SECONDS", "FORUM_PROXY_HOPS"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


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
    production_environment: pytest.MonkeyPatch,
) -> None:
    production_environment.delenv("DATABASE_URL")

    with pytest.raises(RuntimeError, match="DATABASE_URL must be set in production"):
        create_app("production")


def test_production_starts_with_secret_key_database_url_and_site_url(
    production_environment: pytest.MonkeyPatch,
) -> None:
    production_environment.setenv("DATABASE_URL", "postgres://forum:pw@db.internal:5432/forum")

    app = create_app("production")

    assert app.config["SECRET_KEY"] == PRODUCTION_SECRET
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://forum:pw@db.internal:5432/forum"
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SITE_URL"] == "https://bjforum.example.org"
    assert app.config["TRUSTED_HOSTS"] == ["bjforum.example.org"]
    assert not app.debug
    assert not app.testing


@pytest.mark.parametrize(
    "secret",
    [DEVELOPMENT_SECRET_KEY, "short-but-not-empty", "x" * 31],
    ids=["development-key", "short", "31-bytes"],
)
def test_production_refuses_a_weak_secret_key(
    production_environment: pytest.MonkeyPatch, secret: str
) -> None:
    production_environment.setenv("SECRET_KEY", secret)

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_production_refuses_to_start_without_site_url(
    production_environment: pytest.MonkeyPatch,
) -> None:
    production_environment.delenv("SITE_URL")

    with pytest.raises(RuntimeError, match="SITE_URL must be set in production"):
        create_app("production")


def test_production_sends_hsts_by_default(production_environment: pytest.MonkeyPatch) -> None:
    app = create_app("production")

    response = app.test_client().get("/static/css/site.css", base_url="https://bjforum.example.org")

    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_production_hsts_can_be_turned_off(production_environment: pytest.MonkeyPatch) -> None:
    production_environment.setenv("FORUM_HSTS_SECONDS", "0")
    app = create_app("production")

    response = app.test_client().get("/static/css/site.css", base_url="https://bjforum.example.org")

    assert "Strict-Transport-Security" not in response.headers


def test_production_refuses_requests_for_another_host(
    production_environment: pytest.MonkeyPatch,
) -> None:
    app = create_app("production")

    response = app.test_client().get("/static/css/site.css", base_url="https://evil.example")

    assert response.status_code == 400


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
