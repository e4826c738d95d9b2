"""Database migrations (Flask-Migrate and Alembic), set up the first time they are used.

Importing Flask-Migrate loads Alembic: about a tenth of a second that every web worker
would pay at start-up, although only `flask db …` and the migration tests ever use it.
So the app gets stand-ins: settings that build the real ones on first use, and a `db`
command group that loads Flask-Migrate's own when it is run or listed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask import Flask

from forum.extensions import db

MIGRATIONS_FOLDER = Path(__file__).resolve().parent / "migrations"


def init_app(app: Flask) -> None:
    app.extensions["migrate"] = _DeferredSettings(app)
    app.cli.add_command(_DeferredCommands(app))


def migration_settings(app: Flask) -> Any:
    """Flask-Migrate's settings for `app` (its `_MigrateConfig`), set up now if need be."""
    settings = app.extensions.get("migrate")
    if isinstance(settings, _DeferredSettings) or settings is None:
        from flask_migrate import Migrate

        # Replaces the stand-ins: app.extensions["migrate"] and the `db` command group.
        Migrate(app, db, directory=str(MIGRATIONS_FOLDER), render_as_batch=True, compare_type=True)
        settings = app.extensions["migrate"]
    return settings


class _DeferredSettings:
    """Stands in app.extensions["migrate"] until Flask-Migrate asks for something."""

    def __init__(self, app: Flask) -> None:
        self._app = app

    def __getattr__(self, name: str) -> Any:
        return getattr(migration_settings(self._app), name)


class _DeferredCommands(click.Group):
    """`flask db …`: Flask-Migrate's command group, loaded when it is run or listed."""

    def __init__(self, app: Flask) -> None:
        super().__init__("db", help="Perform database migrations (Flask-Migrate).")
        self._app = app

    def _commands(self) -> click.Group:
        migration_settings(self._app)
        from flask_migrate.cli import db as commands

        return commands

    # Flask-Migrate's group has options (--directory, -x) and a callback that stores them
    # for its commands; the stand-in takes both from it when it runs.
    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        return self._commands().get_params(ctx)

    def invoke(self, ctx: click.Context) -> Any:
        self.callback = self._commands().callback
        return super().invoke(ctx)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._commands().list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self._commands().get_command(ctx, name)
