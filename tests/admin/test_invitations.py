"""Admins invite staff by e-mail; the set-password link works once and expires."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email import message_from_string, policy

import pytest
from flask import Flask

from forum.accounts.invitations import (
    INVITATION_VALID_FOR,
    InvitationInvalid,
    invitation_token,
    invited_user,
)
from forum.accounts.services import authenticate, user_by_email
from forum.audit import AuditEvent
from forum.extensions import db
from forum.mail import OutboxMessage, compose_queued

from .conftest import LoginAs, new_client

NEW_PASSWORD = "my own new password"


def _invitation_mail(address: str):
    queued = db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.recipient == address)
    ).one()
    compose_queued(queued)
    return message_from_string(queued.raw, policy=policy.default)


def _link_path(mail) -> str:
    body = mail.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"http://[^/]+(/\S+/admin/invitation/\S+)", body).group(1)


def _invite(admin, email: str, lang: str = "en", role: str = "organizer"):
    return admin.post(
        "/en/admin/users",
        data={"email": email, "display_name": "Chen Jing", "role": role, "language": lang},
    )


def test_an_invited_person_sets_a_password_once_and_is_logged_in(
    changes_data: Flask, login_as: LoginAs
) -> None:
    response = _invite(login_as("admin"), "Chen.Jing@Example.org")

    assert response.status_code == 302
    user = user_by_email("chen.jing@example.org")
    assert (user.role, user.password_hash) == ("organizer", "")
    assert authenticate("chen.jing@example.org", "") is None
    mail = _invitation_mail("chen.jing@example.org")
    assert mail["Subject"] == "Your staff account for the Beijing Forum website"
    link = _link_path(mail)

    person = new_client(changes_data)
    form = person.get(link)
    accepted = person.post(link, data={"new": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    again = new_client(changes_data).get(link)

    assert form.status_code == 200 and "chen.jing@example.org" in form.get_data(as_text=True)
    assert accepted.status_code == 302
    assert person.get("/en/admin/").status_code == 200
    assert again.status_code == 410
    assert "This link no longer works" in again.get_data(as_text=True)
    assert authenticate("chen.jing@example.org", NEW_PASSWORD) is not None
    actions = db.session.scalars(
        db.select(AuditEvent.action)
        .where(AuditEvent.object_type == "user", AuditEvent.object_id == user.id)
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["user.invite", "user.set_password"]


def test_an_invitation_expires(changes_data: Flask, login_as: LoginAs) -> None:
    _invite(login_as("admin"), "late@example.org")
    user = user_by_email("late@example.org")
    issued = datetime.now(UTC) - INVITATION_VALID_FOR - timedelta(minutes=1)
    expired = invitation_token(user, now=issued)
    fresh = invitation_token(user, now=issued + timedelta(minutes=2))

    page = new_client(changes_data).get(f"/en/admin/invitation/{expired}")

    assert page.status_code == 410
    with pytest.raises(InvitationInvalid):
        invited_user(expired)
    assert invited_user(fresh) == user


def test_a_tampered_link_or_a_closed_account_does_not_work(
    changes_data: Flask, login_as: LoginAs, staff
) -> None:
    admin = login_as("admin")
    _invite(admin, "closed@example.org")
    user = user_by_email("closed@example.org")
    token = invitation_token(user)
    admin.post(f"/en/admin/users/{user.id}/deactivate")

    assert new_client(changes_data).get(f"/en/admin/invitation/{token}").status_code == 410
    assert new_client(changes_data).get(f"/en/admin/invitation/{token}x").status_code == 410


def test_the_invitation_speaks_the_language_chosen_for_it(
    changes_data: Flask, login_as: LoginAs
) -> None:
    _invite(login_as("admin"), "wang@example.org", lang="zh")

    mail = _invitation_mail("wang@example.org")

    assert mail["Subject"] == "北京接诉即办论坛网站工作人员账户"
    assert "/zh/admin/invitation/" in _link_path(mail)


def test_inviting_an_existing_address_is_refused(login_as: LoginAs, staff) -> None:
    response = _invite(login_as("admin"), "organizer@staff.example.org")

    assert "There is an account for this address already." in response.get_data(as_text=True)
