"""Configuration classes, chosen by name in `forum.create_app`.

Everything an operator may change comes from an environment variable, so one image
serves development, CI and production alike.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "development-only-not-secret")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'forum.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = ("en", "zh")
    LANGUAGE_COOKIE = "forum_lang"
    # Redis makes the page cache shared between app processes; without it each process
    # keeps its own copy, still invalidated through the content revision in the database.
    REDIS_URL = os.environ.get("REDIS_URL")
    CACHE_TYPE = "RedisCache" if os.environ.get("REDIS_URL") else "SimpleCache"
    CACHE_REDIS_URL = os.environ.get("REDIS_URL")
    CACHE_DEFAULT_TIMEOUT = 3600
    CACHE_THRESHOLD = 2000
    # FORUM_PAGE_CACHE=0 renders every page afresh (bench/run.py measures both ways).
    PAGE_CACHE_ENABLED = os.environ.get("FORUM_PAGE_CACHE", "1") != "0"
    # Used for iCalendar UIDs, which must stay stable across deployments.
    ICAL_UID_DOMAIN = os.environ.get("FORUM_ICAL_DOMAIN", "bjforum.example.org")
    WTF_CSRF_ENABLED = True
    # Mail: without MAIL_SERVER, messages are written as .eml files to MAIL_OUTBOX_DIR.
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "1") == "1"
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "0") == "1"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER", "Beijing Forum <noreply@bjforum.example.org>"
    )
    MAIL_MESSAGE_ID_DOMAIN = os.environ.get("MAIL_MESSAGE_ID_DOMAIN", "bjforum.example.org")
    MAIL_OUTBOX_DIR = os.environ.get("MAIL_OUTBOX_DIR", str(INSTANCE_DIR / "outbox"))
    # The address manage links and e-mails point to, e.g. https://bjforum.example.org
    SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:5000")
    # Rate limits on public form posts, per client address.
    RATELIMIT_ENABLED = os.environ.get("RATELIMIT_ENABLED", "1") == "1"
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    REGISTRATION_RATE_LIMIT = os.environ.get(
        "REGISTRATION_RATE_LIMIT", "10 per minute; 60 per hour"
    )
    SESSION_COOKIE_SAMESITE = "Lax"
    SEND_FILE_MAX_AGE_DEFAULT = 3600


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("FORUM_TEST_SQLITE_URL", "sqlite://")
    CACHE_TYPE = "SimpleCache"
    PAGE_CACHE_ENABLED = False
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    MAIL_SERVER = None


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True

    def __init__(self) -> None:
        secret = os.environ.get("SECRET_KEY")
        if not secret:
            raise RuntimeError("SECRET_KEY must be set in production (see README).")
        database_url = os.environ.get("DATABASE_URL")
        if not database_url:
            raise RuntimeError("DATABASE_URL must be set in production (see README).")
        self.SECRET_KEY = secret
        # Heroku-style URLs name the dialect "postgres"; SQLAlchemy wants psycopg 3.
        self.SQLALCHEMY_DATABASE_URI = normalize_database_url(database_url)


def normalize_database_url(url: str) -> str:
    """Point postgres URLs at the psycopg 3 driver, which is the one we install."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
