"""The staff area's pages: overview and audit log (the programme editor is in programme.py)."""

from __future__ import annotations

from flask import render_template, request

from forum.accounts.access import ADMIN_ONLY, STAFF, role_required, staff_blueprint
from forum.accounts.services import all_users
from forum.admin.labels import TEMPLATE_HELPERS
from forum.audit import audit_log as read_audit_log

bp = staff_blueprint("admin", __name__, url_prefix="/<lang:lang>/admin")


@bp.route("/")
@role_required(*STAFF)
def dashboard() -> str:
    return render_template("admin/dashboard.html")


@bp.route("/audit")
@role_required(*ADMIN_ONLY)
def audit_log() -> str:
    object_type = request.args.get("object_type") or None
    object_id = request.args.get("object_id", type=int)
    actor_id = request.args.get("actor_id", type=int)
    events = read_audit_log(object_type=object_type, object_id=object_id, actor_id=actor_id)
    return render_template(
        "admin/audit_log.html",
        events=events,
        users=all_users(),
        object_types=AUDITED_OBJECT_TYPES,
        chosen={"object_type": object_type, "object_id": object_id, "actor_id": actor_id},
    )


AUDITED_OBJECT_TYPES = ("edition", "room", "session", "talk", "speaker", "user")


for _helper in TEMPLATE_HELPERS:
    bp.add_app_template_global(_helper)
