"""`flask --app wsgi forum ...` commands for operators."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from forum.demo import seed_demo
from forum.editions.models import Edition
from forum.extensions import db

forum_cli = AppGroup("forum", help="Forum site commands.")


@forum_cli.command("seed-demo")
def seed_demo_command() -> None:
    """Load the demo editions (2024 and 2022); running it again changes nothing."""
    report = seed_demo()
    if report.created_editions:
        years = ", ".join(str(year) for year in report.created_editions)
        click.echo(f"Demo editions created: {years} ({report.created_speakers} speakers).")
    else:
        click.echo("Demo editions already present; nothing changed.")


@forum_cli.command("has-data")
def has_data_command() -> None:
    """Exit 0 when an edition exists, 1 when the database is empty (used by `make run`)."""
    found = db.session.execute(db.select(Edition.id).limit(1)).first()
    raise SystemExit(0 if found else 1)


def init_app(app: Flask) -> None:
    app.cli.add_command(forum_cli)
