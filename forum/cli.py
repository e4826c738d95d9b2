"""`flask --app wsgi forum ...` commands for operators."""

from __future__ import annotations

import os
import socket
from datetime import timedelta

import click
from flask import Flask
from flask.cli import AppGroup

from forum.demo import seed_demo
from forum.editions.models import Edition
from forum.editions.services import edition_for_year
from forum.extensions import db
from forum.mail import run_worker, send_due_messages
from forum.registration.services import ensure_default_categories, open_registration

forum_cli = AppGroup("forum", help="Forum site commands.")


@forum_cli.command("seed-demo")
def seed_demo_command() -> None:
    """Load the demo editions (2024 and 2022); running it again changes nothing."""
    ensure_default_categories()
    report = seed_demo()
    if report.created_editions:
        years = ", ".join(str(year) for year in report.created_editions)
        click.echo(f"Demo editions created: {years} ({report.created_speakers} speakers).")
    else:
        click.echo("Demo editions already present; nothing changed.")


@forum_cli.command("worker")
@click.option("--poll", default=2.0, show_default=True, help="Seconds between looks at the outbox.")
@click.option("--once", is_flag=True, help="Send what is due now, then stop.")
def worker_command(poll: float, once: bool) -> None:
    """Send queued e-mails, retrying failures with back-off. Several may run at once."""
    name = f"{socket.gethostname()}:{os.getpid()}"
    if once:
        click.echo(f"Sent {send_due_messages(name)} message(s).")
        return
    click.echo(f"Mail worker {name} running; Ctrl+C stops it.")
    try:
        run_worker(name, poll_seconds=poll, log=click.echo)
    except KeyboardInterrupt:
        click.echo("Mail worker stopped.")


@forum_cli.command("open-registration")
@click.option("--year", type=int, help="Edition year; the current edition by default.")
@click.option("--days", default=30, show_default=True, help="How many days it stays open.")
def open_registration_command(year: int | None, days: int) -> None:
    """Open an edition's registration from now for some days (handy for the demo)."""
    edition = edition_for_year(year)
    opens, closes = open_registration(edition, timedelta(days=days))
    click.echo(
        f"Registration for {edition.year} open from {opens:%Y-%m-%d %H:%M} "
        f"to {closes:%Y-%m-%d %H:%M} UTC."
    )


@forum_cli.command("has-data")
def has_data_command() -> None:
    """Exit 0 when an edition exists, 1 when the database is empty (used by `make run`)."""
    found = db.session.execute(db.select(Edition.id).limit(1)).first()
    raise SystemExit(0 if found else 1)


def init_app(app: Flask) -> None:
    app.cli.add_command(forum_cli)
