"""The staff area's pages: overview and audit log (the programme editor is in programme.py)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from forum.accounts.access import (
    ADMIN_ONLY,
    PROGRAMME,
    STAFF,
    current_actor,
    role_required,
    staff_blueprint,
)
from forum.accounts.forms import InviteForm
from forum.accounts.invitations import invite_user, queue_invitation
from forum.accounts.models import User
from forum.accounts.services import UserExists, all_users, deactivate
from forum.admin.forms import ActionForm
from forum.admin.labels import STAFF_ROLE_LABELS, TEMPLATE_HELPERS
from forum.audit import audit_log as read_audit_log
from forum.editions.services import EditionNotFound, current_edition
from forum.extensions import db
from forum.i18n import current_language
from forum.ids import id_from
from forum.registration.dashboard import chart_data, overview

bp = staff_blueprint("admin", __name__, url_prefix="/<lang:lang>/admin")


@bp.route("/")
@role_required(*STAFF)
def dashboard() -> str:
    """Where registration stands, for organizers; a greeting for the check-in desk."""
    numbers = None
    if current_user.has_role(*PROGRAMME):
        try:
            numbers = overview(current_edition())
        except EditionNotFound:
            numbers = None
    charts = chart_data(numbers, current_language()) if numbers else None
    return render_template(
        "admin/dashboard.html", overview=numbers, charts=charts, action_form=ActionForm()
    )


@bp.route("/audit")
@role_required(*ADMIN_ONLY)
def audit_log() -> str:
    object_type = request.args.get("object_type") or None
    object_id = id_from(request.args, "object_id")
    actor_id = id_from(request.args, "actor_id")
    events = read_audit_log(object_type=object_type, object_id=object_id, actor_id=actor_id)
    return render_template(
        "admin/audit_log.html",
        events=events,
        users=all_users(),
        object_types=AUDITED_OBJECT_TYPES,
        chosen={"object_type": object_type, "object_id": object_id, "actor_id": actor_id},
    )


AUDITED_OBJECT_TYPES = (
    "edition",
    "room",
    "session",
    "talk",
    "speaker",
    "user",
    "registration",
    "outbox_message",
    "category",
    "badge_batch",
)


@bp.route("/users", methods=["GET", "POST"])
@role_required(*ADMIN_ONLY)
def users() -> Response | str:
    """Staff accounts, and the form that invites a new one by e-mail."""
    form = InviteForm()
    form.fill_choices({role.value: str(label) for role, label in STAFF_ROLE_LABELS.items()})
    if form.validate_on_submit():
        try:
            invite_user(
                form.email.data,
                form.role.data,
                current_actor(),
                display_name=form.display_name.data or "",
                language=form.language.data,
            )
        except UserExists:
            form.email.errors.append(_("There is an account for this address already."))
        else:
            db.session.commit()
            flash(_("Invitation sent to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/users.html", form=form, users=all_users())


@bp.route("/users/<int:user_id>/invite", methods=["POST"])
@role_required(*ADMIN_ONLY)
def resend_invitation(user_id: int) -> Response:
    user = db.get_or_404(User, user_id)
    queue_invitation(user)
    db.session.commit()
    flash(_("Invitation sent to %(email)s.", email=user.email), "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@role_required(*ADMIN_ONLY)
def deactivate_user(user_id: int) -> Response:
    user = db.get_or_404(User, user_id)
    if user.id == current_actor().user.id:
        flash(_("You cannot close your own account."), "error")
        return redirect(url_for("admin.users"))
    deactivate(user, current_actor())
    db.session.commit()
    flash(_("The account of %(email)s is closed.", email=user.email), "success")
    return redirect(url_for("admin.users"))


for _helper in TEMPLATE_HELPERS:
    bp.add_app_template_global(_helper)
