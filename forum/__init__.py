"""The forum site: `create_app` builds a configured Flask application."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import BaseConverter, IntegerConverter

import config as config_module
from forum import cli, database, errors, i18n, migrating, names, security
from forum.accounts.views import bp as accounts_bp
from forum.admin.badge_batches import bp as badge_batches_bp
from forum.admin.categories import bp as categories_bp
from forum.admin.outbox import bp as outbox_bp
from forum.admin.programme import bp as programme_bp
from forum.admin.registrations import bp as registrations_bp
from forum.admin.views import bp as admin_bp
from forum.agenda.models import Room, Session, Talk, TalkSpeaker
from forum.agenda.views import bp as agenda_bp
from forum.desk.views import bp as desk_bp
from forum.documents.views import bp as documents_bp
from forum.editions.models import Edition
from forum.editions.views import bp as editions_bp
from forum.extensions import babel, cache, csrf, db, limiter, login_manager
from forum.i18n import LANGUAGES, current_language
from forum.ids import LARGEST_ID
from forum.page_cache import watch_content_models
from forum.registration.views import bp as registration_bp
from forum.speakers.models import Speaker
from forum.speakers.views import bp as speakers_bp

ROOT = Path(__file__).resolve().parent.parent


class LanguageConverter(BaseConverter):
    """Matches only the site's languages, so /fr/agenda is a plain 404."""

    regex = "(?:" + "|".join(LANGUAGES) + ")"


class IdConverter(IntegerConverter):
    """`<int:...>` for every route: at most LARGEST_ID, so an out-of-range id is a 404."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


def create_app(config: str | object = "development") -> Flask:
    """Build the application for a named configuration or a config object."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(_config_object(config))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.url_map.converters["lang"] = LanguageConverter
    app.url_map.converters["int"] = IdConverter
    app.url_map.strict_slashes = False

    _init_extensions(app)
    database.init_app(app)
    for blueprint in (editions_bp, agenda_bp, speakers_bp, registration_bp, documents_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(programme_bp)
    app.register_blueprint(registrations_bp)
    app.register_blueprint(outbox_bp)
    app.register_blueprint(categories_bp)
    app.register_blueprint(badge_batches_bp)
    app.register_blueprint(desk_bp)
    watch_content_models(Edition, Room, Session, Talk, TalkSpeaker, Speaker)
    i18n.init_app(app)
    names.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    _trust_proxies(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind PROXY_HOPS reverse proxies, take the client's address and scheme from the
    X-Forwarded-For/-Proto headers they add (rate limits key on the address). The Host is
    never taken from a header: links come from SITE_URL."""
    hops = app.config.get("PROXY_HOPS", 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def _config_object(config: str | object) -> object:
    if isinstance(config, str):
        config_class = config_module.CONFIGS[config]
        return config_class()
    return config


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrating.init_app(app)
    babel.init_app(app, locale_selector=current_language, timezone_selector=lambda: None)
    csrf.init_app(app)
    cache.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
