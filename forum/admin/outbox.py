"""The outbox page: e-mails that failed or are being retried, with their last error."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from forum.accounts.access import PROGRAMME, current_actor, role_required, staff_blueprint
from forum.admin.forms import ActionForm
from forum.extensions import db
from forum.mail import OutboxMessage
from forum.registration import staff

bp = staff_blueprint("outbox", __name__, url_prefix="/<lang:lang>/admin/outbox")


@bp.route("/")
@role_required(*PROGRAMME)
def index() -> str:
    return render_template(
        "admin/outbox.html",
        messages=staff.outbox_problems(),
        pending=staff.pending_count(),
        action_form=ActionForm(),
    )


@bp.route("/<int:message_id>/retry", methods=["POST"])
@role_required(*PROGRAMME)
def retry(message_id: int) -> Response:
    message = db.get_or_404(OutboxMessage, message_id)
    if ActionForm().validate_on_submit():
        staff.retry_outbox_message(message, current_actor())
        db.session.commit()
        flash(
            _("The e-mail to %(recipient)s is queued again.", recipient=message.recipient),
            "success",
        )
    else:
        flash(_("The form expired. Please try again."), "error")
    return redirect(url_for(".index"))
