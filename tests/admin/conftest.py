"""Fixtures of the staff-area tests: one account per role and clients logged in as them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask, g, has_app_context
from flask.testing import FlaskClient

from forum.accounts.models import Role, User
from forum.accounts.services import create_user, user_by_email
from forum.audit import COMMAND_LINE
from forum.extensions import db

PASSWORD = "correct horse battery"

LoginAs = Callable[[str], FlaskClient]


class StaffClient(FlaskClient):
    """A test client whose requests forget the user Flask-Login kept on `g`.

    Tests hold one app context around several requests, so `g` outlives a request
    here as it never does in production; without this a logged-out or deactivated
    user would still be the current user of the next request.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        if has_app_context():
            g.pop("_login_user", None)
        return super().open(*args, **kwargs)


def new_client(app: Flask) -> StaffClient:
    return StaffClient(app, app.response_class, use_cookies=True)


def staff_email(role: str) -> str:
    return f"{role}@staff.example.org"


def ensure_staff(role: str, active: bool = True) -> User:
    """The test account of `role`, created once per database."""
    user = user_by_email(staff_email(role))
    if user is None:
        user = create_user(staff_email(role), role, PASSWORD, COMMAND_LINE, display_name=role)
        db.session.commit()
    return user


def log_in(client: FlaskClient, email: str, password: str = PASSWORD, lang: str = "en"):
    return client.post(f"/{lang}/admin/login", data={"email": email, "password": password})


@pytest.fixture
def staff(changes_data: Flask) -> dict[str, User]:
    """An admin, an organizer and a check-in account, in the test's one app context.

    The database is reset afterwards; a second app context would hold its own
    transaction open, which on PostgreSQL blocks the reset's DROP TABLE.
    """
    return {role.value: ensure_staff(role.value) for role in Role}


@pytest.fixture
def login_as(app: Flask, staff: dict[str, User]) -> LoginAs:
    """A fresh client logged in with the account of a role."""

    def make(role: str) -> FlaskClient:
        client = new_client(app)
        response = log_in(client, staff_email(role))
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return make


@pytest.fixture
def client(app: Flask) -> StaffClient:
    """In the staff tests, every client forgets the previous request's user."""
    return new_client(app)
