"""`flask --app wsgi forum ...` commands for operators."""

from __future__ import annotations

import os
import secrets
import socket
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from forum.accounts.models import Role, User
from forum.accounts.services import (
    AccountError,
    create_user,
    deactivate,
    has_users,
    set_password,
    user_by_email,
)
from forum.agenda.services import session_by_code
from forum.audit import COMMAND_LINE
from forum.demo import seed_demo
from forum.documents.badges import (
    BadgeFilter,
    BadgeLayout,
    BatchOrder,
    badge_for,
    record_prints,
    registrations_for_batch,
    render_badges,
)
from forum.documents.fonts import FAMILIES, MissingFont, font_file, unprintable_scripts
from forum.editions.models import Edition
from forum.editions.services import EditionNotFound, edition_for_year
from forum.extensions import db
from forum.registration.services import (
    RegistrationNotFound,
    ensure_default_categories,
    open_registration,
    registration_for_reference,
    revoke_manage_links,
)
from forum.registration.staff import (
    erase_edition_data,
    registrations_to_erase,
    retention_ends_on,
)
from forum.worker import catch_up, run_worker, work_once

forum_cli = AppGroup("forum", help="Forum site commands.")


@forum_cli.command("erase-edition-data")
@click.argument("year", type=int)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase_edition_data_command(year: int, yes: bool) -> None:
    """Erase the personal data of a past edition's registrations (after its retention
    period); anonymous rows stay for the counts."""
    try:
        edition = edition_for_year(year)
    except EditionNotFound:
        raise click.ClickException(f"There is no edition {year}.") from None
    until = retention_ends_on(edition)
    if edition.is_current or datetime.now(UTC).date() < until:
        raise click.ClickException(
            f"The personal data of {year} is kept until {until.isoformat()}"
            + (" (and it is the current edition)." if edition.is_current else ".")
        )
    count = len(registrations_to_erase(edition))
    if count == 0:
        click.echo(f"Nothing to erase in {year}.")
        return
    if not yes:
        click.confirm(
            f"Erase the personal data of {count} registration(s) of {year}? This cannot be undone.",
            abort=True,
        )
    erased = erase_edition_data(edition, COMMAND_LINE)
    db.session.commit()
    click.echo(f"Erased the personal data of {erased} registration(s) of {year}.")


@forum_cli.command("seed-demo")
def seed_demo_command() -> None:
    """Load the demo editions (2024 and 2022); running it again changes nothing."""
    ensure_default_categories()
    db.session.commit()
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
        catch_up()
        sent, rendered = work_once(name)
        click.echo(f"Sent {sent} message(s), rendered {rendered} badge(s).")
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
    db.session.commit()
    click.echo(
        f"Registration for {edition.year} open from {opens:%Y-%m-%d %H:%M} "
        f"to {closes:%Y-%m-%d %H:%M} UTC."
    )


@forum_cli.command("badges")
@click.option("--year", type=int, help="Edition year; the current edition by default.")
@click.option("--category", help="Only this category (code, e.g. media).")
@click.option("--session", "session_code", help="Only people with a seat in this session (code).")
@click.option("--unprinted", is_flag=True, help="Only badges not printed yet.")
@click.option(
    "--layout",
    type=click.Choice([layout.value for layout in BadgeLayout]),
    default=BadgeLayout.A6.value,
    show_default=True,
    help="a6: one per page; 4x3: 4x3 inch cards; a4: four A6 badges per A4 sheet.",
)
@click.option(
    "--order",
    type=click.Choice([order.value for order in BatchOrder]),
    default=BatchOrder.NAME.value,
    show_default=True,
    help="name: family name as the speaker index files it (pinyin for Chinese names).",
)
@click.option("--mark-printed", is_flag=True, help="Count these badges as printed.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True)
def badges_command(
    year: int | None,
    category: str | None,
    session_code: str | None,
    unprinted: bool,
    layout: str,
    order: str,
    mark_printed: bool,
    output: str,
) -> None:
    """Render a batch of badges into one PDF, in filing order (family name) by default."""
    edition = edition_for_year(year)
    session = session_by_code(edition, session_code) if session_code else None
    criteria = BadgeFilter(
        edition_id=edition.id,
        category_code=category,
        session_id=session.id if session else None,
        only_unprinted=unprinted,
        order=BatchOrder(order),
    )
    registrations = registrations_for_batch(criteria)
    if not registrations:
        raise click.ClickException("No confirmed registration matches.")
    chosen = BadgeLayout(layout)
    try:
        pdf = render_badges([badge_for(r, chosen) for r in registrations], chosen)
    except MissingFont as missing:
        raise click.ClickException(str(missing)) from None
    Path(output).write_bytes(pdf)
    if mark_printed:
        record_prints(registrations)
        db.session.commit()
    click.echo(f"{len(registrations)} badge(s) written to {output}.")


@forum_cli.command("revoke-links")
@click.argument("reference")
def revoke_links_command(reference: str) -> None:
    """End every manage link of a registration (e.g. one forwarded by mistake).

    The attendee can ask for a new link, which goes to their registered address.
    """
    try:
        registration = registration_for_reference(reference)
    except RegistrationNotFound:
        raise click.ClickException(f"No registration has the reference {reference}.") from None
    revoked = revoke_manage_links(registration)
    db.session.commit()
    click.echo(f"{revoked} link(s) of {registration.formatted_reference} revoked.")


@forum_cli.command("doctor")
def doctor_command() -> None:
    """Check what documents need: a font for every script attendees write in."""
    for family in FAMILIES:
        click.echo(f"{family}: {font_file(family) or 'MISSING'}")
    missing = unprintable_scripts()
    for script, package in missing.items():
        click.echo(f"Cannot print {script}: install the Debian package {package}.")
    if missing:
        raise SystemExit(1)
    click.echo("Fonts are in place: badges and programmes print every script attendees use.")


@forum_cli.command("has-data")
def has_data_command() -> None:
    """Exit 0 when an edition exists, 1 when the database is empty (used by `make run`)."""
    found = db.session.execute(db.select(Edition.id).limit(1)).first()
    raise SystemExit(0 if found else 1)


def _read_password(from_stdin: bool) -> str:
    """One line from standard input for scripts, else asked twice without echo."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _user_or_fail(email: str) -> User:
    user = user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    return user


@forum_cli.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--name", default="", help="Display name; the part before @ by default.")
@click.option("--language", type=click.Choice(["en", "zh"]), default="en", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from one line of stdin.")
def create_user_command(
    email: str, role: str, name: str, language: str, password_stdin: bool
) -> None:
    """Create a staff account (admin, organizer or checkin)."""
    password = _read_password(password_stdin)
    try:
        user = create_user(
            email, role, password, COMMAND_LINE, display_name=name, language=language
        )
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Account {user.email} created with the role {user.role}.")


@forum_cli.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from one line of stdin.")
def set_password_command(email: str, password_stdin: bool) -> None:
    """Give a staff account a new password; its open sessions end."""
    user = _user_or_fail(email)
    try:
        set_password(user, _read_password(password_stdin), COMMAND_LINE)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Password of {user.email} changed.")


@forum_cli.command("deactivate")
@click.argument("email")
def deactivate_command(email: str) -> None:
    """Close a staff account: it can no longer log in."""
    user = _user_or_fail(email)
    deactivate(user, COMMAND_LINE)
    db.session.commit()
    click.echo(f"Account {user.email} deactivated.")


@forum_cli.command("first-admin")
@click.option("--email", default="admin@example.org", show_default=True)
@click.option("--login-url", default="http://127.0.0.1:5000/en/admin/login", show_default=True)
def first_admin_command(email: str, login_url: str) -> None:
    """On a database with no staff account, create an admin and print how to log in."""
    if has_users():
        return
    password = secrets.token_urlsafe(12)
    create_user(email, Role.ADMIN, password, COMMAND_LINE, display_name="Administrator")
    db.session.commit()
    click.echo("A first administrator account was created:")
    click.echo(f"    log in at {login_url}")
    click.echo(f"    e-mail    {email}")
    click.echo(f"    password  {password}")
    click.echo("Change the password after logging in (or: flask --app wsgi forum set-password).")


def init_app(app: Flask) -> None:
    app.cli.add_command(forum_cli)
