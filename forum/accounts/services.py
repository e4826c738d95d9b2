"""Staff accounts: creating them, passwords, deactivation and checking a login."""

from __future__ import annotations

from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash

from forum.accounts.models import PASSWORD_METHOD, Role, User, new_login_token
from forum.audit import Actor, record
from forum.extensions import db

MIN_PASSWORD_LENGTH = 10


# Checked against when the e-mail is unknown, so a login takes as long either way and
# its timing tells nobody which accounts exist.
@cache
def _dummy_hash() -> str:
    # Made on the first failed login, not at import: scrypt takes a tenth of a second,
    # which every process start would pay.
    return generate_password_hash("not a password of anyone", method=PASSWORD_METHOD)


class AccountError(ValueError):
    """A staff account operation that cannot be done; the message says why."""


class UserExists(AccountError):
    """Another account already has this e-mail address."""


class WeakPassword(AccountError):
    """The password is shorter than MIN_PASSWORD_LENGTH."""


class WrongPassword(AccountError):
    """The current password given for a change is not the account's password."""


def normalized_email(email: str) -> str:
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalars(db.select(User).where(User.email == normalized_email(email))).first()


def user_by_login_token(token: str) -> User | None:
    """The active account a session's login token belongs to (Flask-Login's user loader)."""
    user = db.session.scalars(db.select(User).where(User.login_token == token)).first()
    return user if user is not None and user.is_active else None


def all_users() -> list[User]:
    return list(db.session.scalars(db.select(User).order_by(User.email)))


def has_users() -> bool:
    return db.session.execute(db.select(User.id).limit(1)).first() is not None


def check_password_strength(password: str) -> None:
    """Raises WeakPassword for a password too short to keep an account safe."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"The password needs at least {MIN_PASSWORD_LENGTH} characters.")


def create_user(
    email: str,
    role: Role | str,
    password: str,
    actor: Actor,
    display_name: str = "",
    language: str = "en",
) -> User:
    """Add a staff account; raises UserExists, WeakPassword or ValueError for a bad role."""
    role = Role(role)
    email = normalized_email(email)
    if user_by_email(email) is not None:
        raise UserExists(f"An account for {email} exists already.")
    check_password_strength(password)
    user = User(
        email=email,
        display_name=display_name.strip() or email.split("@")[0],
        role=role.value,
        language=language,
        is_active=True,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record(
        actor,
        "user.create",
        user,
        {"email": [None, email], "role": [None, role.value]},
        label=email,
    )
    return user


def set_password(user: User, password: str, actor: Actor) -> None:
    """Give `user` a new password, ending their open sessions; raises WeakPassword."""
    check_password_strength(password)
    user.set_password(password)
    db.session.flush()
    record(actor, "user.set_password", user, label=user.email)


def change_own_password(user: User, current: str, new: str, actor: Actor) -> None:
    """A user changes their own password; raises WrongPassword or WeakPassword."""
    if not user.check_password(current):
        raise WrongPassword("The current password is not right.")
    set_password(user, new, actor)


def deactivate(user: User, actor: Actor) -> None:
    """Close an account: it can no longer log in and its sessions end."""
    if not user.is_active:
        return
    user.is_active = False
    user.login_token = new_login_token()
    db.session.flush()
    record(actor, "user.deactivate", user, {"is_active": [True, False]}, label=user.email)


def authenticate(email: str, password: str) -> User | None:
    """The active account with this e-mail and password, else None (never says which failed)."""
    user = user_by_email(email)
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    return user
