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
    PAGE_CACHE_ENABLED = True
    # Used for iCalendar UIDs, which must stay stable across deployments.
    ICAL_UID_DOMAIN = os.environ.get("FORUM_ICAL_DOMAIN", "bjforum.example.org")
    WTF_CSRF_ENABLED = True
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
