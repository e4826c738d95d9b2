"""Who may open a staff page: login through Flask-Login, then the role, on every request."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_login import current_user

from forum.accounts.models import Role, User
from forum.accounts.services import user_by_login_token
from forum.audit import Actor
from forum.extensions import login_manager

View = TypeVar("View", bound=Callable[..., Any])


@login_manager.user_loader
def _load_user(login_token: str) -> User | None:
    return user_by_login_token(login_token)


@login_manager.unauthorized_handler
def _to_login_page() -> Response:
    return redirect(url_for("accounts.login", next=_local_path(request.full_path)))


def _local_path(path: str) -> str:
    return path.rstrip("?")


def role_required(*roles: Role) -> Callable[[View], View]:
    """Let in users with one of `roles` (admins always); others get 403, strangers the login."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                return render_template("admin/forbidden.html"), 403
            return view(*args, **kwargs)

        guarded.required_roles = roles  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


STAFF = (Role.ORGANIZER, Role.CHECKIN)
PROGRAMME = (Role.ORGANIZER,)
ADMIN_ONLY = (Role.ADMIN,)


def current_actor() -> Actor:
    """The logged-in user and their address, for services that record who acted."""
    user = current_user._get_current_object() if current_user.is_authenticated else None
    return Actor(user=user, address=request.remote_addr)


def never_store(response: Response) -> Response:
    """Staff pages are personal and change under the user: no browser or proxy keeps them."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Vary"] = "Cookie"
    return response


def staff_blueprint(name: str, import_name: str, **options: Any) -> Blueprint:
    """A blueprint whose every response is sent with Cache-Control: no-store."""
    blueprint = Blueprint(name, import_name, **options)
    blueprint.after_request(never_store)
    return blueprint
