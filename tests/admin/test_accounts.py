"""Staff accounts: login with one generic error, logout by POST, passwords, the CLI."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from forum.accounts.models import Role, User
from forum.accounts.services import authenticate, user_by_email
from forum.audit import AuditEvent
from forum.extensions import cache, db

from .conftest import PASSWORD, LoginAs, log_in, new_client, staff_email

GENERIC_ERROR = "The e-mail address or the password is not right."


def test_login_with_the_right_password_opens_the_staff_area(
    client: FlaskClient, staff: dict[str, User]
) -> None:
    response = log_in(client, staff_email("organizer"))

    assert response.status_code == 302
    assert response.headers["Location"] == "/en/admin/"
    assert "Welcome, organizer" in client.get("/en/admin/").get_data(as_text=True)


def test_login_goes_to_the_page_asked_for_but_never_off_site(
    client: FlaskClient, staff: dict[str, User]
) -> None:
    email = staff_email("admin")
    asked = client.post(
        "/en/admin/login?next=/en/admin/audit", data={"email": email, "password": PASSWORD}
    )
    client.post("/en/admin/logout")
    off_site = client.post(
        "/en/admin/login?next=//evil.example/x", data={"email": email, "password": PASSWORD}
    )

    assert asked.headers["Location"] == "/en/admin/audit"
    assert off_site.headers["Location"] == "/en/admin/"


def test_a_wrong_password_and_an_unknown_account_get_the_same_answer(
    client: FlaskClient, staff: dict[str, User]
) -> None:
    wrong_password = log_in(client, staff_email("admin"), "not the password")
    unknown_account = log_in(client, "nobody@staff.example.org", "not the password")

    assert wrong_password.status_code == unknown_account.status_code == 200
    assert GENERIC_ERROR in wrong_password.get_data(as_text=True)
    assert GENERIC_ERROR in unknown_account.get_data(as_text=True)
    assert client.get("/en/admin/").status_code == 302


def test_login_error_is_in_chinese_on_the_chinese_page(
    client: FlaskClient, staff: dict[str, User]
) -> None:
    response = log_in(client, staff_email("admin"), "not the password", lang="zh")

    assert "电子邮箱或密码不正确。" in response.get_data(as_text=True)


def test_a_deactivated_account_cannot_log_in_and_loses_its_session(
    app: Flask, login_as: LoginAs, changes_data: Flask
) -> None:
    client = login_as("checkin")

    result = app.test_cli_runner().invoke(args=["forum", "deactivate", staff_email("checkin")])

    assert result.exit_code == 0, result.output
    assert client.get("/en/admin/").status_code == 302
    assert log_in(new_client(app), staff_email("checkin")).status_code == 200


def test_logout_is_a_post_and_ends_the_session(login_as: LoginAs) -> None:
    client = login_as("organizer")

    assert client.get("/en/admin/logout").status_code == 405
    assert client.get("/en/admin/").status_code == 200
    assert client.post("/en/admin/logout").status_code == 302
    assert client.get("/en/admin/").status_code == 302


def test_password_change_needs_the_current_password_and_ends_other_sessions(
    app: Flask, login_as: LoginAs, changes_data: Flask
) -> None:
    here = login_as("organizer")
    elsewhere = login_as("organizer")

    refused = here.post(
        "/en/admin/password",
        data={"current": "wrong one", "new": "a brand new secret", "repeat": "a brand new secret"},
    )
    changed = here.post(
        "/en/admin/password",
        data={"current": PASSWORD, "new": "a brand new secret", "repeat": "a brand new secret"},
    )

    assert "The current password is not right." in refused.get_data(as_text=True)
    assert changed.status_code == 302
    assert here.get("/en/admin/").status_code == 200
    assert elsewhere.get("/en/admin/").status_code == 302
    assert authenticate(staff_email("organizer"), "a brand new secret") is not None


def test_passwords_are_stored_as_scrypt_hashes(staff: dict[str, User]) -> None:
    assert staff["admin"].password_hash.startswith("scrypt:")
    assert PASSWORD not in staff["admin"].password_hash


def test_staff_pages_are_never_stored(login_as: LoginAs, client: FlaskClient) -> None:
    assert client.get("/en/admin/login").headers["Cache-Control"] == "no-store"
    assert login_as("admin").get("/en/admin/").headers["Cache-Control"] == "no-store"


def test_create_user_reads_the_password_from_stdin(app: Flask, changes_data: Flask) -> None:
    runner = app.test_cli_runner()

    result = runner.invoke(
        args=["forum", "create-user", "Lin@Example.org", "--role", "organizer", "--name", "Lin"],
        input="a long enough secret\na long enough secret\n",
    )
    script = runner.invoke(
        args=["forum", "create-user", "desk@example.org", "--role", "checkin", "--password-stdin"],
        input="another long secret\n",
    )

    assert result.exit_code == 0, result.output
    assert script.exit_code == 0, script.output
    user = user_by_email("lin@example.org")
    assert (user.display_name, user.role) == ("Lin", Role.ORGANIZER)
    assert authenticate("desk@example.org", "another long secret") is not None
    actions = db.session.scalars(
        db.select(AuditEvent.action).where(
            AuditEvent.object_type == "user", AuditEvent.object_id == user.id
        )
    ).all()
    assert actions == ["user.create"]


def test_create_user_refuses_a_short_password_and_a_taken_address(
    app: Flask, staff: dict[str, User]
) -> None:
    runner = app.test_cli_runner()

    short = runner.invoke(
        args=["forum", "create-user", "x@example.org", "--role", "admin", "--password-stdin"],
        input="short\n",
    )
    taken = runner.invoke(
        args=["forum", "create-user", staff_email("admin"), "--role", "admin", "--password-stdin"],
        input="long enough password\n",
    )

    assert short.exit_code == 1 and "at least 10 characters" in short.output
    assert taken.exit_code == 1 and "exists already" in taken.output


def test_set_password_from_the_command_line(app: Flask, login_as: LoginAs, changes_data) -> None:
    client = login_as("admin")

    result = app.test_cli_runner().invoke(
        args=["forum", "set-password", staff_email("admin"), "--password-stdin"],
        input="reset by the operator\n",
    )

    assert result.exit_code == 0, result.output
    assert authenticate(staff_email("admin"), "reset by the operator") is not None
    assert client.get("/en/admin/").status_code == 302


def test_first_admin_is_created_once_on_an_empty_database(app: Flask, changes_data) -> None:
    db.session.execute(db.delete(AuditEvent))
    db.session.execute(db.delete(User))
    db.session.commit()
    runner = app.test_cli_runner()

    first = runner.invoke(args=["forum", "first-admin"])
    second = runner.invoke(args=["forum", "first-admin"])

    assert "admin@example.org" in first.output
    password = first.output.split("password  ")[1].split()[0]
    assert authenticate("admin@example.org", password).role == Role.ADMIN
    assert second.output == ""


def test_a_public_page_cached_while_staff_browse_holds_nothing_of_the_account(
    app: Flask, login_as: LoginAs
) -> None:
    organizer = login_as("organizer")
    app.config["PAGE_CACHE_ENABLED"] = True
    try:
        with app.app_context():
            cache.clear()
        seen_by_staff = organizer.get("/en/agenda")
        seen_by_visitor = new_client(app).get("/en/agenda")
    finally:
        app.config["PAGE_CACHE_ENABLED"] = False
        with app.app_context():
            cache.clear()

    assert seen_by_visitor.get_data() == seen_by_staff.get_data()
    page = seen_by_visitor.get_data(as_text=True)
    assert "organizer@staff.example.org" not in page and "Log out" not in page
    # Only the visitor's own language cookie, never a session: nothing of the staff member.
    assert not any(
        cookie.startswith("session=") for cookie in seen_by_visitor.headers.getlist("Set-Cookie")
    )
