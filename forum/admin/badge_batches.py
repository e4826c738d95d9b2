"""Badge batches in the staff area: order one from a filter, follow it, download, mark printed.

Views only: documents/batches.py does the work. A small batch renders in the request;
a larger one is queued for `flask forum worker`, and its page follows the progress
(static/js/badge-batch.js polls progress.json; without script the page refreshes itself).
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from werkzeug.wrappers import Response

from forum.accounts.access import PROGRAMME, current_actor, role_required, staff_blueprint
from forum.admin.badge_forms import LAYOUT_LABELS, ORDER_LABELS, BadgeBatchForm
from forum.admin.forms import ActionForm
from forum.agenda.models import Session
from forum.documents import batches
from forum.documents.batches import BadgeBatch, BatchStatus
from forum.editions.models import Edition
from forum.editions.services import EditionNotFound, all_editions, current_edition
from forum.extensions import db
from forum.i18n import current_language
from forum.ids import id_from
from forum.registration.labels import registration_status_label
from forum.registration.listing import categories_in_order
from forum.registration.seats import choice_slots

bp = staff_blueprint("badge_batches", __name__, url_prefix="/<lang:lang>/admin/badges")

# How often the page asks for the progress, and refreshes itself without script.
POLL_SECONDS = 2


def _edition() -> Edition:
    """The edition asked for (?edition=ID), or the current one."""
    if "edition" in request.args:
        return db.get_or_404(Edition, id_from(request.args, "edition") or 0)
    try:
        return current_edition()
    except EditionNotFound:
        abort(404)


def _sessions_with_seats(edition: Edition) -> list[Session]:
    return [session for slot in choice_slots(edition) for session in slot.sessions]


def _form(edition: Edition) -> BadgeBatchForm:
    # On a GET, the registrations list's query string (its filters) fills the form.
    if request.method == "POST":
        form = BadgeBatchForm()
    else:
        form = BadgeBatchForm(formdata=request.args or None)
    form.fill_choices(categories_in_order(), _sessions_with_seats(edition), current_language())
    return form


@bp.route("/", methods=["GET", "POST"])
@role_required(*PROGRAMME)
def index() -> Response | tuple[str, int] | str:
    """The order form and the edition's recent batches; a valid order makes a batch."""
    edition = _edition()
    form = _form(edition)
    refusal = None
    if request.method == "POST":
        if form.validate_on_submit():
            batch, refusal = _create(edition, form)
            if batch is not None:
                return redirect(url_for(".show", batch_id=batch.id))
        else:
            refusal = _("Please correct the marked fields.")
    page = render_template(
        "admin/badge_batches.html",
        edition=edition,
        editions=all_editions(),
        form=form,
        refusal=refusal,
        batches=batches.recent_batches(edition),
        max_size=batches.max_batch_size(),
    )
    return (page, 422) if refusal else page


def _create(edition: Edition, form: BadgeBatchForm) -> tuple[BadgeBatch | None, str | None]:
    """The new batch (rendered already when small), or why there is none."""
    try:
        batch = batches.create_batch(
            edition, form.criteria(), form.chosen_layout(), current_actor()
        )
    except batches.EmptyBatch:
        db.session.rollback()
        return None, _(
            "No confirmed registration matches this filter. Badges are printed for "
            "confirmed registrations only."
        )
    except batches.BatchTooLarge as too_large:
        db.session.rollback()
        return None, _(
            "%(count)d badges match: a batch holds at most %(max)d. Please narrow the "
            "filter (by category or sub-forum, for example).",
            count=too_large.count,
            max=too_large.largest,
        )
    db.session.commit()
    if batches.is_small(batch) and batches.claim_batch(batch.id, "request") is not None:
        # The claim is committed first: no worker takes the batch while it renders here.
        db.session.commit()
        batches.render_batch(batch)
        db.session.commit()
    return batch, None


def _batch(batch_id: int) -> BadgeBatch:
    return db.get_or_404(BadgeBatch, batch_id)


@bp.route("/<int:batch_id>")
@role_required(*PROGRAMME)
def show(batch_id: int) -> str:
    batch = _batch(batch_id)
    edition = db.session.get(Edition, batch.edition_id)
    return render_template(
        "admin/badge_batch.html",
        batch=batch,
        edition=edition,
        has_pdf=_has_pdf(batch),
        criteria=describe_criteria(batch.criteria, edition),
        action_form=ActionForm(),
        poll_seconds=POLL_SECONDS,
    )


def _has_pdf(batch: BadgeBatch) -> bool:
    return bool(
        db.session.scalar(
            db.select(BadgeBatch.id).where(BadgeBatch.id == batch.id, BadgeBatch.pdf.is_not(None))
        )
    )


@bp.route("/<int:batch_id>/progress.json")
@role_required(*PROGRAMME)
def progress(batch_id: int) -> Response:
    """How far the batch has got, for the page's progress bar."""
    batch = _batch(batch_id)
    return jsonify(
        status=batch.status,
        done=batch.done,
        total=batch.total,
        percent=batch.percent,
        is_finished=batch.is_finished,
        text=progress_text(batch),
    )


@bp.route("/<int:batch_id>/badges.pdf")
@role_required(*PROGRAMME)
def download(batch_id: int) -> Response:
    """The finished PDF. Downloading counts nothing: marking printed is its own step."""
    batch = _batch(batch_id)
    if batch.status != BatchStatus.DONE.value or batch.pdf is None:
        abort(404)
    edition = db.session.get(Edition, batch.edition_id)
    response = Response(batch.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="badges-{edition.year}-batch-{batch.id}.pdf"'
    )
    return response


@bp.route("/<int:batch_id>/mark-printed", methods=["POST"])
@role_required(*PROGRAMME)
def mark_printed(batch_id: int) -> Response:
    batch = _batch(batch_id)
    if not ActionForm().validate_on_submit():
        flash(_("The form expired. Please try again."), "error")
        return redirect(url_for(".show", batch_id=batch.id))
    try:
        counted = batches.mark_batch_printed(batch, current_actor())
    except batches.NotPrintable:
        db.session.rollback()
        flash(_("This batch is already marked printed, or not finished."), "error")
    else:
        db.session.commit()
        flash(
            ngettext(
                "%(num)d badge is counted as printed.",
                "%(num)d badges are counted as printed.",
                counted,
            ),
            "success",
        )
    return redirect(url_for(".show", batch_id=batch.id))


# ------------------------------------------------------------------------------- words

STATUS_LABELS = {
    BatchStatus.QUEUED.value: _l("waiting for the worker"),
    BatchStatus.RUNNING.value: _l("being rendered"),
    BatchStatus.DONE.value: _l("ready"),
    BatchStatus.FAILED.value: _l("rendering failed"),
}


def batch_status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def layout_label(layout: str) -> str:
    return str(LAYOUT_LABELS.get(layout, layout))


def order_label(order: str) -> str:
    return str(ORDER_LABELS.get(order, order))


def progress_text(batch: BadgeBatch) -> str:
    """ "120 of 480 badges rendered (25 %)", or what the batch is waiting for."""
    if batch.status == BatchStatus.QUEUED.value:
        return _("Waiting for the worker to start this batch (flask forum worker must be running).")
    if batch.status == BatchStatus.FAILED.value:
        return _("The batch failed.")
    return _(
        "%(done)d of %(total)d badges rendered (%(percent)d %%).",
        done=batch.done,
        total=batch.total,
        percent=batch.percent,
    )


def describe_criteria(criteria: dict[str, Any], edition: Edition) -> list[tuple[str, str]]:
    """The filter of a batch as (label, value) lines, in the page's language."""
    lang = current_language()
    categories = {category.id: category for category in categories_in_order()}
    sessions = {session.id: session for session in _sessions_with_seats(edition)}
    lines: list[tuple[str, str]] = []
    if criteria.get("text"):
        lines.append((_("Search"), criteria["text"]))
    if criteria.get("status"):
        lines.append((_("Status"), registration_status_label(criteria["status"])))
    category = categories.get(criteria.get("category_id") or 0)
    if category is not None:
        lines.append((_("Category"), category.name.in_language(lang)))
    session = sessions.get(criteria.get("session_id") or 0)
    if session is not None:
        lines.append((_("Sub-forum"), session.title.in_language(lang)))
    state = criteria.get("session_state")
    if state:
        seat = _("Seat confirmed") if state == "confirmed" else _("On the waiting list")
        lines.append((_("Seat"), seat))
    for key, label in (("checked_in", _("Checked in")), ("badge_printed", _("Badge printed"))):
        if criteria.get(key) is not None:
            lines.append((label, _("yes") if criteria[key] else _("no")))
    return lines


for _helper in (batch_status_label, layout_label, order_label, progress_text):
    bp.add_app_template_global(_helper)
