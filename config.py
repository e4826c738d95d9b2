"""Configuration classes, chosen by name in `forum.create_app`.

Everything an operator may change comes from an environment variable, so one image
serves development, CI and production alike.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"
DEVELOPMENT_SECRET_KEY = "development-only-not-secret"
# Signed cookies and badge QR codes are only as strong as this key.
MINIMUM_SECRET_KEY_BYTES = 32


def _host_list(value: str | None) -> list[str] | None:
    """'a.example, b.example' as a list; None (every host) when unset."""
    if not value:
        return None
    return [host.strip() for host in value.split(",") if host.strip()]


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
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
    # Retry-After (and X-RateLimit-*) on limited answers, so clients know when to come back.
    RATELIMIT_HEADERS_ENABLED = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SEND_FILE_MAX_AGE_DEFAULT = 3600
    # Hosts the site answers to (FORUM_TRUSTED_HOSTS, comma-separated); any other Host
    # header is refused with 400. Unset: any host (development); production defaults to
    # SITE_URL's host. Links never use the Host header either way (see forum/links.py).
    TRUSTED_HOSTS = _host_list(os.environ.get("FORUM_TRUSTED_HOSTS"))
    # Reverse proxies in front of the app that set X-Forwarded-For/-Proto (0: none).
    # The client address (for rate limits) is taken that many hops back; trusting a hop
    # that is not there would let any client choose its own address.
    PROXY_HOPS = int(os.environ.get("FORUM_PROXY_HOPS", "0"))
    # The largest request body: forms are a few kilobytes. A view that takes uploads sets
    # request.max_content_length for itself.
    MAX_CONTENT_LENGTH = int(os.environ.get("FORUM_MAX_CONTENT_LENGTH", str(64 * 1024)))
    MAX_FORM_MEMORY_SIZE = MAX_CONTENT_LENGTH
    # Strict-Transport-Security max-age in seconds; 0 sends none (development has no TLS).
    HSTS_SECONDS = int(os.environ.get("FORUM_HSTS_SECONDS", "0"))


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("FORUM_TEST_SQLITE_URL", "sqlite://")
    # The test client's default host, so links and requests agree.
    SITE_URL = "http://localhost"
    CACHE_TYPE = "SimpleCache"
    PAGE_CACHE_ENABLED = False
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    MAIL_SERVER = None


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True

    def __init__(self) -> None:
        self.SECRET_KEY = _production_secret_key()
        database_url = os.environ.get("DATABASE_URL")
        if not database_url:
            raise RuntimeError("DATABASE_URL must be set in production (see README).")
        # Heroku-style URLs name the dialect "postgres"; SQLAlchemy wants psycopg 3.
        self.SQLALCHEMY_DATABASE_URI = normalize_database_url(database_url)
        site_url = os.environ.get("SITE_URL")
        if not site_url:
            raise RuntimeError(
                "SITE_URL must be set in production, e.g. https://bjforum.example.org: "
                "links in e-mails and calendars are built from it (see README)."
            )
        self.SITE_URL = site_url.rstrip("/")
        self.TRUSTED_HOSTS = Config.TRUSTED_HOSTS or [urlsplit(site_url).hostname or ""]
        self.HSTS_SECONDS = int(os.environ.get("FORUM_HSTS_SECONDS", str(365 * 24 * 3600)))


def _production_secret_key() -> str:
    secret = os.environ.get("SECRET_KEY")
    if not secret:
        raise RuntimeError("SECRET_KEY must be set in production (see README).")
    if secret == DEVELOPMENT_SECRET_KEY:
        raise RuntimeError("SECRET_KEY is the development key; set a random one in production.")
    if len(secret.encode("utf-8")) < MINIMUM_SECRET_KEY_BYTES:
        raise RuntimeError(
            f"SECRET_KEY must be at least {MINIMUM_SECRET_KEY_BYTES} bytes in production; "
            'generate one with: python3 -c "import secrets; print(secrets.token_urlsafe(48))"'
        )
    return secret


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
