"""Staff login, logout and password change, under /<lang>/admin/."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from forum.accounts.access import STAFF, current_actor, role_required, staff_blueprint
from forum.accounts.forms import AcceptInvitationForm, LoginForm, PasswordChangeForm
from forum.accounts.invitations import InvitationInvalid, invited_user
from forum.accounts.invitations import accept_invitation as set_invited_password
from forum.accounts.services import WrongPassword, authenticate, change_own_password
from forum.extensions import db, limiter

bp = staff_blueprint("accounts", __name__, url_prefix="/<lang:lang>/admin")

# Failed logins allowed before the form answers 429; a success costs nothing.
LOGIN_LIMIT_PER_ADDRESS = "20 per minute; 100 per hour"
LOGIN_LIMIT_PER_ACCOUNT = "5 per minute; 20 per hour"


def _limit_per_address() -> str:
    return current_app.config.get("LOGIN_RATE_LIMIT_PER_ADDRESS", LOGIN_LIMIT_PER_ADDRESS)


def _limit_per_account() -> str:
    return current_app.config.get("LOGIN_RATE_LIMIT_PER_ACCOUNT", LOGIN_LIMIT_PER_ACCOUNT)


def _account_key() -> str:
    return "account:" + (request.form.get("email") or "").strip().lower()


def _failed(response: Response) -> bool:
    return response.status_code != 302


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site, so the login page cannot send anyone elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_limit_per_address, methods=["POST"], deduct_when=_failed)
@limiter.limit(_limit_per_account, key_func=_account_key, methods=["POST"], deduct_when=_failed)
def login() -> Response | str | tuple[str, int]:
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            target = _safe_next(request.args.get("next"))
            return redirect(target or url_for("admin.dashboard"))
        # One message whatever went wrong, so nobody learns which accounts exist.
        form.password.errors = [_("The e-mail address or the password is not right.")]
        return render_template("accounts/login.html", form=form), 200
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/password", methods=["GET", "POST"])
@role_required(*STAFF)
def password() -> Response | str:
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            change_own_password(current_user, form.current.data, form.new.data, current_actor())
        except WrongPassword:
            form.current.errors = [_("The current password is not right.")]
        else:
            db.session.commit()
            # The new password gave the account a new login token; keep this session.
            login_user(current_user._get_current_object())
            flash(_("Your password is changed."), "success")
            return redirect(url_for("admin.dashboard"))
    return render_template("accounts/password.html", form=form)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit(_limit_per_address, methods=["POST"])
def accept_invitation(token: str) -> Response | str | tuple[str, int]:
    """Where an invited person chooses their password; the link then stops working."""
    try:
        user = invited_user(token)
    except InvitationInvalid:
        return render_template("accounts/invitation_invalid.html"), 410
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        set_invited_password(token, form.new.data)
        db.session.commit()
        login_user(user)
        flash(_("Your password is set. Welcome!"), "success")
        return redirect(url_for("admin.dashboard"))
    return render_template("accounts/invitation.html", form=form, user=user)
