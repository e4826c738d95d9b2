"""Staff accounts: the people who run the forum, each with one role."""

from __future__ import annotations

import secrets
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from forum.columns import one_of
from forum.extensions import db


class Role(StrEnum):
    ADMIN = "admin"  # everything, users too
    ORGANIZER = "organizer"  # programme, speakers, registrations, documents
    CHECKIN = "checkin"  # the check-in desk and badge printing only


PASSWORD_METHOD = "scrypt"


def new_login_token() -> str:
    return secrets.token_urlsafe(24)


class User(db.Model):
    """A staff account. Flask-Login keeps `login_token` in the session, not the id, so
    changing the password or deactivating the account ends every open session."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(one_of("role", Role), name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    role: Mapped[str] = mapped_column(String(20))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str] = mapped_column(String(5), default="en")
    login_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_login_token)

    # Flask-Login's interface
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        return self.login_token

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)
        self.login_token = new_login_token()

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def has_role(self, *roles: Role | str) -> bool:
        """Admins may do everything; others only what their own role allows."""
        return self.role == Role.ADMIN or self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
