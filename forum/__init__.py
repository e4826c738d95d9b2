"""The forum site: `create_app` builds a configured Flask application."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.routing import BaseConverter

import config as config_module
from forum import cli, database, errors, i18n, names, security
from forum.accounts.views import bp as accounts_bp
from forum.admin.programme import bp as programme_bp
from forum.admin.views import bp as admin_bp
from forum.agenda.models import Room, Session, Talk, TalkSpeaker
from forum.agenda.views import bp as agenda_bp
from forum.documents.views import bp as documents_bp
from forum.editions.models import Edition
from forum.editions.views import bp as editions_bp
from forum.extensions import babel, cache, csrf, db, limiter, login_manager, migrate
from forum.i18n import LANGUAGES, current_language
from forum.page_cache import watch_content_models
from forum.registration.views import bp as registration_bp
from forum.speakers.models import Speaker
from forum.speakers.views import bp as speakers_bp

ROOT = Path(__file__).resolve().parent.parent


class LanguageConverter(BaseConverter):
    """Matches only the site's languages, so /fr/agenda is a plain 404."""

    regex = "(?:" + "|".join(LANGUAGES) + ")"


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
    app.url_map.strict_slashes = False

    _init_extensions(app)
    database.init_app(app)
    for blueprint in (editions_bp, agenda_bp, speakers_bp, registration_bp, documents_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(programme_bp)
    watch_content_models(Edition, Room, Session, Talk, TalkSpeaker, Speaker)
    i18n.init_app(app)
    names.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    return app


def _config_object(config: str | object) -> object:
    if isinstance(config, str):
        config_class = config_module.CONFIGS[config]
        return config_class()
    return config


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(ROOT / "forum" / "migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    babel.init_app(app, locale_selector=current_language, timezone_selector=lambda: None)
    csrf.init_app(app)
    cache.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
