"""Inviting staff: an e-mail with a set-password link that works once and expires.

The link carries a signed token naming the account, the account's current login token
and an expiry time. Setting the password gives the account a new login token, so the
link stops working once used; nothing about invitations is stored besides the account.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

from flask import current_app, render_template
from itsdangerous import BadSignature, URLSafeSerializer

from forum.accounts.models import Role, User
from forum.accounts.services import UserExists, normalized_email, set_password, user_by_email
from forum.audit import Actor, record
from forum.extensions import db
from forum.i18n import speaking
from forum.links import absolute_url
from forum.mail import compose, enqueue_later, register_composer

INVITATION_VALID_FOR = timedelta(days=3)
_SALT = "staff-invitation"


class InvitationInvalid(ValueError):
    """The link is broken, expired, already used, or its account was closed."""


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def invitation_token(user: User, now: datetime | None = None) -> str:
    """A set-password token for `user`, valid for INVITATION_VALID_FOR from `now`."""
    expires = (now or datetime.now(UTC)) + INVITATION_VALID_FOR
    return _serializer().dumps(
        {"user": user.id, "login": user.login_token, "until": expires.timestamp()}
    )


def invited_user(token: str, now: datetime | None = None) -> User:
    """The account a token invites; raises InvitationInvalid when it cannot be used."""
    try:
        data: dict[str, Any] = _serializer().loads(token)
    except BadSignature:
        raise InvitationInvalid("broken") from None
    if (now or datetime.now(UTC)).timestamp() > float(data.get("until", 0)):
        raise InvitationInvalid("expired")
    user = db.session.get(User, data.get("user"))
    if user is None or not user.is_active or user.login_token != data.get("login"):
        raise InvitationInvalid("used")
    return user


def invite_user(
    email: str,
    role: Role | str,
    actor: Actor,
    display_name: str = "",
    language: str = "en",
    now: datetime | None = None,
) -> User:
    """Create an account without a password and queue its invitation; raises UserExists."""
    email = normalized_email(email)
    if user_by_email(email) is not None:
        raise UserExists(f"An account for {email} exists already.")
    role = Role(role)
    user = User(
        email=email,
        display_name=display_name.strip() or email.split("@")[0],
        role=role.value,
        language=language,
        password_hash="",
        is_active=True,
    )
    db.session.add(user)
    db.session.flush()
    record(actor, "user.invite", user, {"email": [None, email], "role": [None, role.value]})
    queue_invitation(user, now)
    return user


def queue_invitation(user: User, now: datetime | None = None) -> None:
    """Queue (again) the invitation e-mail with a fresh link; the caller commits."""
    enqueue_later(
        "accounts.invitation",
        user.email,
        {"user_id": user.id, "token": invitation_token(user, now)},
        topic=f"invitation {user.email}",
    )


def accept_invitation(token: str, password: str, now: datetime | None = None) -> User:
    """Set the invited account's password, which also spends the link.

    Raises InvitationInvalid or WeakPassword.
    """
    user = invited_user(token, now)
    set_password(user, password, Actor(user=user))
    return user


def _compose_invitation(payload: dict[str, Any]) -> EmailMessage:
    user = db.session.get(User, payload["user_id"])
    if user is None:
        raise LookupError("the invited account no longer exists")
    with speaking(user.language):
        values = {
            "user": user,
            "link": absolute_url(
                "accounts.accept_invitation", lang=user.language, token=payload["token"]
            ),
            "days": INVITATION_VALID_FOR.days,
        }
        subject = render_template("mail/staff_invitation.subject.txt", **values).strip()
        text_body = render_template("mail/staff_invitation.txt", **values)
    return compose(user.email, subject, text_body)


register_composer("accounts.invitation", _compose_invitation)
