"""Every staff URL checks its role on the server, as one matrix says.

The test walks the URL map: a staff URL without an entry in MATRIX fails it, so a new
page cannot ship without someone deciding who may open it.
"""

from __future__ import annotations

import pytest
from flask import Flask
from werkzeug.routing import Rule

from forum.accounts.models import User
from forum.agenda.models import Room, Session, Talk
from forum.audit import COMMAND_LINE
from forum.documents.badges import BadgeLayout
from forum.documents.batches import (
    BadgeBatch,
    BatchCriteria,
    claim_batch,
    create_batch,
    render_batch,
)
from forum.editions.services import current_edition
from forum.extensions import db
from forum.mail import OutboxMessage
from forum.registration.models import Category, Registration
from forum.registration.services import RegistrationData
from forum.registration.staff import register_by_organizer
from forum.speakers.models import Speaker

from .conftest import LoginAs, new_client

ANYONE = "anyone"
ALL_STAFF = frozenset({"admin", "organizer", "checkin"})
PROGRAMME = frozenset({"admin", "organizer"})
ADMIN = frozenset({"admin"})

# endpoint -> the roles that may open it (ANYONE: no login needed)
MATRIX: dict[str, str | frozenset[str]] = {
    "accounts.login": ANYONE,
    "accounts.logout": ANYONE,
    "accounts.password": ALL_STAFF,
    "accounts.accept_invitation": ANYONE,
    "admin.dashboard": ALL_STAFF,
    "admin.audit_log": ADMIN,
    "admin.users": ADMIN,
    "admin.resend_invitation": ADMIN,
    "admin.deactivate_user": ADMIN,
    "programme.editions": PROGRAMME,
    "programme.new_edition": PROGRAMME,
    "programme.edit_edition": PROGRAMME,
    "programme.make_edition_current": PROGRAMME,
    "programme.delete_edition": PROGRAMME,
    "programme.rooms": PROGRAMME,
    "programme.edit_room": PROGRAMME,
    "programme.delete_room": PROGRAMME,
    "programme.current_programme": PROGRAMME,
    "programme.sessions": PROGRAMME,
    "programme.new_session": PROGRAMME,
    "programme.edit_session": PROGRAMME,
    "programme.publish_session": PROGRAMME,
    "programme.move_session": PROGRAMME,
    "programme.delete_session": PROGRAMME,
    "programme.preview_session": PROGRAMME,
    "programme.conflicts": PROGRAMME,
    "programme.current_conflicts": PROGRAMME,
    "programme.new_talk": PROGRAMME,
    "programme.edit_talk": PROGRAMME,
    "programme.move_talk": PROGRAMME,
    "programme.delete_talk": PROGRAMME,
    "programme.speakers": PROGRAMME,
    "programme.new_speaker": PROGRAMME,
    "programme.edit_speaker": PROGRAMME,
    "programme.publish_speaker": PROGRAMME,
    "programme.delete_speaker": PROGRAMME,
    "programme.preview_speaker": PROGRAMME,
    "registrations.index": PROGRAMME,
    "registrations.show": PROGRAMME,
    "registrations.new": PROGRAMME,
    "registrations.edit": PROGRAMME,
    "registrations.approve": PROGRAMME,
    "registrations.reject": PROGRAMME,
    "registrations.cancel": PROGRAMME,
    "registrations.resend_confirmation": PROGRAMME,
    "registrations.send_manage_link": PROGRAMME,
    "registrations.revoke_links": PROGRAMME,
    "registrations.erase": PROGRAMME,
    "registrations.move": PROGRAMME,
    "registrations.badge": PROGRAMME,
    "registrations.export_csv": PROGRAMME,
    "registrations.export_xlsx": PROGRAMME,
    "registrations.import_guests": PROGRAMME,
    "registrations.confirm_import": PROGRAMME,
    "registrations.recheck_import": PROGRAMME,
    "registrations.import_preview": PROGRAMME,
    "registrations.set_capacity": PROGRAMME,
    "outbox.index": PROGRAMME,
    "outbox.retry": PROGRAMME,
    "categories.index": PROGRAMME,
    "categories.new": PROGRAMME,
    "categories.edit": PROGRAMME,
    "badge_batches.index": PROGRAMME,
    "badge_batches.show": PROGRAMME,
    "badge_batches.progress": PROGRAMME,
    "badge_batches.download": PROGRAMME,
    "badge_batches.mark_printed": PROGRAMME,
    "desk.desk": ALL_STAFF,
    "desk.card": ALL_STAFF,
    "desk.admit": ALL_STAFF,
    "desk.undo": PROGRAMME,
    "desk.print_badge": ALL_STAFF,
    "desk.settings": ALL_STAFF,
    "desk.counts": ALL_STAFF,
    "desk.walk_in": ALL_STAFF,
}

# Pages that answer anyone, but not with 200 for a made-up link.
GONE_FOR_A_BAD_LINK = {"accounts.accept_invitation"}

# Pages of something kept under a random token: the sample token finds nothing.
NOT_FOUND_FOR_A_BAD_TOKEN = {"registrations.import_preview"}

# Pages that, for those allowed, only send them on (to the current edition's page).
FORWARDING = {"programme.current_programme", "programme.current_conflicts"}

STAFF_PREFIXES = ("/<lang:lang>/admin", "/<lang:lang>/desk")


def staff_rules(app: Flask) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith(STAFF_PREFIXES)]


def sample_values() -> dict[str, int | str]:
    """A real object for each kind of id a staff URL may take."""
    edition = current_edition()
    session = db.session.scalars(
        db.select(Session).where(Session.edition_id == edition.id).order_by(Session.id)
    ).first()
    return {
        "lang": "en",
        "edition_id": edition.id,
        "session_id": session.id,
        "room_id": db.session.scalars(db.select(Room.id).order_by(Room.id)).first(),
        "talk_id": db.session.scalars(db.select(Talk.id).order_by(Talk.id)).first(),
        "speaker_id": db.session.scalars(db.select(Speaker.id).order_by(Speaker.id)).first(),
        "user_id": db.session.scalars(db.select(User.id).order_by(User.id)).first(),
        "registration_id": _a_registration_id(edition),
        "token": "not-a-real-invitation",
        "category_id": db.session.scalars(db.select(Category.id)).first(),
        "message_id": db.session.scalars(db.select(OutboxMessage.id)).first() or 1,
        "batch_id": _a_finished_batch_id(edition),
    }


def _a_registration_id(edition) -> int:
    """The demo has no registrations: make one (the matrix test may write)."""
    existing = db.session.scalars(db.select(Registration.id).order_by(Registration.id)).first()
    if existing is not None:
        return existing
    data = RegistrationData(
        given_name="Ana",
        family_name="Lima",
        email="matrix@example.org",
        country="BR",
        category_code="delegate",
        preferred_language="en",
        consent=True,
    )
    registration = register_by_organizer(edition, data, COMMAND_LINE).registration
    db.session.commit()
    return registration.id


def _a_finished_batch_id(edition) -> int:
    """A rendered badge batch, so that its PDF can be downloaded by those allowed."""
    existing = db.session.scalars(db.select(BadgeBatch.id).order_by(BadgeBatch.id)).first()
    if existing is not None:
        return existing
    _a_registration_id(edition)
    batch = create_batch(edition, BatchCriteria(), BadgeLayout.A6, COMMAND_LINE)
    render_batch(claim_batch(batch.id, "matrix"))
    db.session.commit()
    return batch.id


def test_every_staff_url_has_an_entry_in_the_matrix(app: Flask) -> None:
    missing = sorted({rule.endpoint for rule in staff_rules(app)} - set(MATRIX))

    assert missing == [], f"staff URLs without a role in the matrix: {missing}"


def test_the_matrix_names_no_url_that_is_gone(app: Flask) -> None:
    assert set(MATRIX) - {rule.endpoint for rule in staff_rules(app)} == set()


@pytest.mark.parametrize("role", [None, "checkin", "organizer", "admin"])
def test_each_role_gets_what_the_matrix_says(
    app: Flask, login_as: LoginAs, role: str | None
) -> None:
    client = login_as(role) if role else new_client(app)
    values = sample_values()
    seen = []
    for rule in staff_rules(app):
        allowed = MATRIX[rule.endpoint]
        may_open = allowed == ANYONE or (role is not None and role in allowed)
        url = rule.build({name: values[name] for name in rule.arguments})[1]
        if "GET" in rule.methods:
            response = client.get(url)
            if may_open:
                expected = {302} if rule.endpoint in FORWARDING else {200}
                if rule.endpoint in GONE_FOR_A_BAD_LINK:
                    expected = {410}
                if rule.endpoint in NOT_FOUND_FOR_A_BAD_TOKEN:
                    expected = {404}
            elif role is None:
                expected = {302}
            else:
                expected = {403}
        else:
            # Forms that change things are only posted where the answer must be a refusal.
            if may_open:
                continue
            response = client.post(url, data={})
            expected = {302} if role is None else {403}
        seen.append((rule.endpoint, response.status_code))
        assert response.status_code in expected, (rule.endpoint, url, response.status_code)
        if response.status_code == 302 and not may_open:
            assert response.headers["Location"].startswith("/en/admin/login"), url
        assert response.headers["Cache-Control"] == "no-store", url
    assert seen
