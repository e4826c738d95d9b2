"""Registrations in the staff area: the list, one registration's page and its actions.

Views only: each reads the form, calls a service of registration/staff.py with the
acting user (which writes the audit entry), and commits once.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from werkzeug.wrappers import Response

from forum.accounts.access import PROGRAMME, current_actor, role_required, staff_blueprint
from forum.admin.forms import ActionForm, CapacityForm, ImportForm, MoveForm, StaffRegistrationForm
from forum.agenda.models import Session
from forum.audit import history_of
from forum.documents.badges import BadgeLayout, badge_pdf
from forum.editions.models import Edition
from forum.editions.services import EditionNotFound, all_editions, current_edition
from forum.extensions import db
from forum.i18n import current_language
from forum.ids import id_from
from forum.mail import OutboxMessage, OutboxStatus
from forum.registration import exports, imports, staff
from forum.registration.checkin import history as check_in_history
from forum.registration.listing import (
    STATUSES,
    RegistrationFilters,
    SessionState,
    SortOrder,
    categories_in_order,
    list_registrations,
)
from forum.registration.models import Registration, SeatStatus
from forum.registration.seats import InvalidChoice, choice_slots, waitlist_position
from forum.registration.services import AlreadyRegistered, NotAllowed
from forum.security import accepts_uploads
from forum.speakers.models import Speaker

bp = staff_blueprint("registrations", __name__, url_prefix="/<lang:lang>/admin/registrations")


def _edition() -> Edition:
    """The edition asked for (?edition=ID), or the current one."""
    if "edition" in request.args:
        return db.get_or_404(Edition, id_from(request.args, "edition") or 0)
    try:
        return current_edition()
    except EditionNotFound:
        # No edition is current yet: nothing to list; the editions page makes one current.
        abort(404)


def _yes_no(name: str) -> bool | None:
    return {"yes": True, "no": False}.get(request.args.get(name, ""))


def _choice(name: str, allowed: Any) -> str | None:
    value = request.args.get(name) or None
    return value if value in allowed else None


def filters_from_request() -> RegistrationFilters:
    """The list's filters from the query string; anything unknown is ignored, never a 500."""
    return RegistrationFilters(
        text=(request.args.get("q") or "")[:200],
        status=_choice("status", STATUSES),
        category_id=id_from(request.args, "category"),
        session_id=id_from(request.args, "session"),
        session_state=_choice("session_state", {state.value for state in SessionState}),
        checked_in=_yes_no("checked_in"),
        badge_printed=_yes_no("badge_printed"),
        sort=SortOrder(_choice("sort", {order.value for order in SortOrder}) or SortOrder.NAME),
    )


def _sessions_with_seats(edition: Edition) -> list[Session]:
    return [session for slot in choice_slots(edition) for session in slot.sessions]


@bp.route("/")
@role_required(*PROGRAMME)
def index() -> str:
    edition = _edition()
    filters = filters_from_request()
    page = list_registrations(edition, filters, page=request.args.get("page", 1, type=int))
    arguments = {
        key: value
        for key, value in request.args.items()
        if key not in ("page", "columns") and value
    }
    return render_template(
        "admin/registrations.html",
        edition=edition,
        editions=all_editions(),
        filters=filters,
        page=page,
        arguments=arguments,
        categories=categories_in_order(),
        sessions=_sessions_with_seats(edition),
        statuses=STATUSES,
        sort_orders=list(SortOrder),
        export_columns=list(exports.COLUMNS),
    )


def _registration(registration_id: int) -> Registration:
    return db.get_or_404(Registration, registration_id)


def _emails_of(registration: Registration) -> list[OutboxMessage]:
    """The outbox rows about this registration (their topic ends with its reference)."""
    return list(
        db.session.scalars(
            db.select(OutboxMessage)
            .where(OutboxMessage.topic.endswith(f" {registration.reference}"))
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        )
    )


# ---------------------------------------------------------------------------- import

IMPORT_MAX_BYTES = 5 * 1024 * 1024
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,60}$")


def _import_folder() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# A preview not confirmed within a day is dropped: the file holds personal data.
PREVIEW_LIFETIME_SECONDS = 24 * 3600


def _forget_old_previews() -> None:
    too_old = time.time() - PREVIEW_LIFETIME_SECONDS
    for path in _import_folder().glob("*.json"):
        if path.stat().st_mtime < too_old:
            path.unlink(missing_ok=True)


def _stored_import(token: str) -> dict[str, Any]:
    """The rows of a previewed file, kept on the server until the organizer confirms."""
    if not _TOKEN.match(token):
        abort(404)
    path = _import_folder() / f"{token}.json"
    if not path.exists():
        abort(404)
    return json.loads(path.read_text(encoding="utf-8"))


@bp.route("/import", methods=["GET", "POST"])
@role_required(*PROGRAMME)
@accepts_uploads(IMPORT_MAX_BYTES)
def import_guests() -> Response | str:
    """Upload a CSV or XLSX of guests, then see the preview; nothing is written yet."""
    edition = _edition()
    form = ImportForm()
    if not form.validate_on_submit():
        return render_template("admin/import.html", form=form, edition=edition, preview=None)
    upload = form.file.data
    try:
        rows = imports.read_table(upload.read(), upload.filename or "")
    except imports.ImportFileError as error:
        form.file.errors.append(str(error.message))
        return render_template("admin/import.html", form=form, edition=edition, preview=None)
    return redirect(url_for(".import_preview", token=_keep_rows(edition, rows)))


def _keep_rows(edition: Edition, rows: list[dict[str, str]]) -> str:
    """Keep the rows on the server until confirmed (a day at most); returns their token."""
    _forget_old_previews()
    token = secrets.token_urlsafe(24)
    stored = {"edition_id": edition.id, "rows": rows}
    (_import_folder() / f"{token}.json").write_text(json.dumps(stored), encoding="utf-8")
    return token


@bp.route("/import/<token>")
@role_required(*PROGRAMME)
def import_preview(token: str) -> str:
    """The preview of the kept rows: errors per row and field, the rejected rows to correct."""
    stored = _stored_import(token)
    edition = db.get_or_404(Edition, stored["edition_id"])
    preview = imports.preview_import(edition, stored["rows"])
    return render_template(
        "admin/import.html",
        form=ImportForm(formdata=None),
        edition=edition,
        preview=preview,
        fixable=preview.rejected[:MAX_FIXABLE_ROWS],
        token=token,
        action_form=ActionForm(),
        fields=imports.FIELDS,
    )


# Rejected rows the preview lets the organizer correct on the page (13 inputs each, so
# one form stays well under Werkzeug's 1,000 form parts); beyond that, fix the file.
MAX_FIXABLE_ROWS = 50
FIXABLE_BODY_BYTES = 1024 * 1024
_CORRECTED_FIELD = re.compile(r"^row-(\d{1,5})-([a-z_]{1,30})$")


@bp.route("/import/<token>/recheck", methods=["POST"])
@role_required(*PROGRAMME)
@accepts_uploads(FIXABLE_BODY_BYTES)
def recheck_import(token: str) -> Response:
    """Keep the rows as corrected on the preview page and show them checked again."""
    stored = _stored_import(token)
    edition = db.get_or_404(Edition, stored["edition_id"])
    if not ActionForm().validate_on_submit():
        flash(_("The form expired. Please try again."), "error")
        return redirect(url_for(".import_preview", token=token))
    corrections: dict[int, dict[str, str]] = {}
    for name, value in request.form.items():
        found = _CORRECTED_FIELD.match(name)
        if found:
            corrections.setdefault(int(found.group(1)), {})[found.group(2)] = value
    rows = imports.correct_rows(stored["rows"], corrections)
    # The old preview goes: its confirm button would import rows no longer shown.
    (_import_folder() / f"{token}.json").unlink(missing_ok=True)
    return redirect(url_for(".import_preview", token=_keep_rows(edition, rows)))


@bp.route("/import/<token>/confirm", methods=["POST"])
@role_required(*PROGRAMME)
def confirm_import(token: str) -> Response:
    stored = _stored_import(token)
    edition = db.get_or_404(Edition, stored["edition_id"])
    if not ActionForm().validate_on_submit():
        flash(_("The form expired. Please try again."), "error")
        return redirect(url_for(".import_guests", edition=edition.id))
    try:
        count = imports.import_guests(edition, stored["rows"], current_actor())
    except (imports.NothingToImport, AlreadyRegistered, InvalidChoice):
        db.session.rollback()
        flash(_("Nothing was imported: some rows are rejected. Please fix the file."), "error")
        return redirect(url_for(".import_guests", edition=edition.id))
    db.session.commit()
    (_import_folder() / f"{token}.json").unlink(missing_ok=True)
    flash(
        ngettext(
            "%(num)d guest registered and invited.",
            "%(num)d guests registered and invited.",
            count,
        ),
        "success",
    )
    return redirect(url_for(".index", edition=edition.id, sort="newest"))


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/export.csv")
@role_required(*PROGRAMME)
def export_csv() -> Response:
    """The filtered list, with the columns ticked, as CSV for Excel."""
    edition = _edition()
    columns = exports.chosen_columns(request.args.getlist("columns"))
    data = exports.export_csv(edition, filters_from_request(), columns)
    return _download(data, "text/csv", f"registrations-{edition.year}.csv")


@bp.route("/export.xlsx")
@role_required(*PROGRAMME)
def export_xlsx() -> Response:
    edition = _edition()
    columns = exports.chosen_columns(request.args.getlist("columns"))
    data = exports.export_xlsx(edition, filters_from_request(), columns)
    return _download(data, XLSX_MIMETYPE, f"registrations-{edition.year}.xlsx")


XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/<int:registration_id>")
@role_required(*PROGRAMME)
def show(registration_id: int) -> str:
    registration = _registration(registration_id)
    move_form = MoveForm()
    move_form.session.choices = [
        (session.id, session.title.in_language(current_language()))
        for session in _sessions_with_seats(registration.edition)
    ]
    seats = [(seat, waitlist_position(seat)) for seat in registration.seats]
    return render_template(
        "admin/registration.html",
        registration=registration,
        seats=seats,
        emails=_emails_of(registration),
        history=history_of("registration", registration.id),
        check_ins=check_in_history(registration, oldest_first=True),
        move_form=move_form,
        action_form=ActionForm(),
        is_erased=staff.is_erased(registration),
        waitlisted=SeatStatus.WAITLISTED.value,
    )


def _form_for(registration: Registration | None) -> StaffRegistrationForm:
    form = StaffRegistrationForm(obj=registration)
    form.fill_staff_choices(current_language(), categories_in_order())
    if registration is not None and request.method == "GET":
        form.category.data = registration.category.code
    return form


@bp.route("/new", methods=["GET", "POST"])
@role_required(*PROGRAMME)
def new() -> Response | str:
    """Register anyone, in any category, whether the public window is open or not."""
    edition = _edition()
    form = _form_for(None)
    if request.method == "GET":
        form.preferred_language.data = current_language()
        if "speaker" in request.args:
            speaker = db.get_or_404(Speaker, id_from(request.args, "speaker") or 0)
            _fill_from_speaker(form, speaker)
    if form.validate_on_submit():
        try:
            registered = staff.register_by_organizer(edition, form.to_data(), current_actor())
        except AlreadyRegistered:
            db.session.rollback()
            form.email.errors.append(_("This address is already registered for this edition."))
        except InvalidChoice:
            db.session.rollback()
            form.category.errors.append(_("Please choose a category."))
        else:
            db.session.commit()
            flash(_("Registered."), "success")
            return redirect(url_for(".show", registration_id=registered.registration.id))
    return render_template(
        "admin/registration_form.html", form=form, registration=None, edition=edition
    )


def _fill_from_speaker(form: StaffRegistrationForm, speaker: Speaker) -> None:
    """A speaker's record typed in for the organizer: only the e-mail is left to add."""
    lang = "zh" if speaker.name_zh or speaker.country == "CN" else "en"
    form.given_name.data = speaker.given_name
    form.family_name.data = speaker.family_name
    form.name_zh.data = speaker.name_zh
    form.is_family_name_first.data = speaker.is_family_name_first
    form.organization.data = speaker.affiliation.in_language(lang) if speaker.affiliation else ""
    form.position.data = speaker.position.in_language(lang) if speaker.position else ""
    form.country.data = speaker.country or ""
    form.preferred_language.data = lang
    form.category.data = "speaker"


@bp.route("/<int:registration_id>/edit", methods=["GET", "POST"])
@role_required(*PROGRAMME)
def edit(registration_id: int) -> Response | str:
    registration = _registration(registration_id)
    form = _form_for(registration)
    if form.validate_on_submit():
        try:
            staff.edit_registration(registration, form.to_data(), current_actor())
        except AlreadyRegistered:
            db.session.rollback()
            form.email.errors.append(_("This address is already registered for this edition."))
        except InvalidChoice:
            db.session.rollback()
            form.category.errors.append(_("Please choose a category."))
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for(".show", registration_id=registration.id))
    return render_template(
        "admin/registration_form.html",
        form=form,
        registration=registration,
        edition=registration.edition,
    )


def _act(
    registration_id: int, action: Callable[[Registration], Any], done: Callable[[], str]
) -> Response:
    """Run one button's service, commit, and say what happened (or why it could not)."""
    registration = _registration(registration_id)
    if not ActionForm().validate_on_submit():
        flash(_("The form expired. Please try again."), "error")
    else:
        try:
            action(registration)
        except NotAllowed:
            db.session.rollback()
            flash(_("Not possible for a registration in this state."), "error")
        else:
            db.session.commit()
            flash(done(), "success")
    return redirect(url_for(".show", registration_id=registration_id))


@bp.route("/<int:registration_id>/approve", methods=["POST"])
@role_required(*PROGRAMME)
def approve(registration_id: int) -> Response:
    return _act(
        registration_id,
        lambda r: staff.approve_registration(r, current_actor()),
        lambda: _("Approved. The attendee is told by e-mail."),
    )


@bp.route("/<int:registration_id>/reject", methods=["POST"])
@role_required(*PROGRAMME)
def reject(registration_id: int) -> Response:
    return _act(
        registration_id,
        lambda r: staff.reject_registration(r, current_actor()),
        lambda: _("Rejected."),
    )


@bp.route("/<int:registration_id>/cancel", methods=["POST"])
@role_required(*PROGRAMME)
def cancel(registration_id: int) -> Response:
    return _act(
        registration_id,
        lambda r: staff.cancel_registration(r, current_actor()),
        lambda: _("Cancelled. Their seats went to those waiting."),
    )


@bp.route("/<int:registration_id>/resend", methods=["POST"])
@role_required(*PROGRAMME)
def resend_confirmation(registration_id: int) -> Response:
    return _act(
        registration_id,
        lambda r: staff.resend_confirmation(r, current_actor()),
        lambda: _("The confirmation is sent again."),
    )


@bp.route("/<int:registration_id>/manage-link", methods=["POST"])
@role_required(*PROGRAMME)
def send_manage_link(registration_id: int) -> Response:
    return _act(
        registration_id,
        lambda r: staff.send_new_manage_link(r, current_actor()),
        lambda: _("A new manage link is sent."),
    )


@bp.route("/<int:registration_id>/revoke-links", methods=["POST"])
@role_required(*PROGRAMME)
def revoke_links(registration_id: int) -> Response:
    return _act(
        registration_id,
        lambda r: staff.revoke_links(r, current_actor()),
        lambda: _("Every manage link of this registration is ended."),
    )


@bp.route("/<int:registration_id>/erase", methods=["POST"])
@role_required(*PROGRAMME)
def erase(registration_id: int) -> Response:
    if request.form.get("confirm") != "yes":
        flash(_("Please tick the box to confirm the erasure."), "error")
        return redirect(url_for(".show", registration_id=registration_id))
    return _act(
        registration_id,
        lambda r: staff.erase_personal_data(r, current_actor()),
        lambda: _("The personal data of this registration is erased."),
    )


@bp.route("/<int:registration_id>/move", methods=["POST"])
@role_required(*PROGRAMME)
def move(registration_id: int) -> Response:
    registration = _registration(registration_id)
    form = MoveForm()
    sessions = {session.id: session for session in _sessions_with_seats(registration.edition)}
    form.session.choices = [(session_id, str(session_id)) for session_id in sessions]
    if not form.validate_on_submit():
        flash(_("Please choose a sub-forum."), "error")
        return redirect(url_for(".show", registration_id=registration_id))
    try:
        outcome = staff.move_registration(
            registration,
            sessions[form.session.data],
            current_actor(),
            override_capacity=bool(form.override_capacity.data),
        )
    except staff.SessionFull:
        db.session.rollback()
        flash(
            _(
                "This sub-forum is full. Tick “Seat them even if the session is full” "
                "to move anyway."
            ),
            "error",
        )
    except (NotAllowed, InvalidChoice):
        db.session.rollback()
        flash(_("Not possible for a registration in this state."), "error")
    else:
        db.session.commit()
        if outcome.over_capacity:
            flash(_("Moved, over the session's capacity."), "success")
        else:
            flash(_("Moved."), "success")
    return redirect(url_for(".show", registration_id=registration_id))


@bp.route("/sessions/<int:session_id>/capacity", methods=["POST"])
@role_required(*PROGRAMME)
def set_capacity(session_id: int) -> Response:
    """A sub-forum's capacity, from the overview; raising it seats those waiting."""
    session = db.get_or_404(Session, session_id)
    form = CapacityForm()
    if not form.validate_on_submit():
        flash(_("Please enter 0 or more."), "error")
        return redirect(url_for("admin.dashboard"))
    promoted = staff.change_capacity(session, form.capacity.data, current_actor())
    db.session.commit()
    flash(
        ngettext(
            "Capacity saved; %(num)d person on the waiting list got a seat.",
            "Capacity saved; %(num)d people on the waiting list got a seat.",
            len(promoted),
        ),
        "success",
    )
    return redirect(url_for("admin.dashboard"))


@bp.route("/<int:registration_id>/badge.pdf")
@role_required(*PROGRAMME)
def badge(registration_id: int) -> Response:
    registration = _registration(registration_id)
    if staff.is_erased(registration):
        abort(404)
    pdf = badge_pdf(registration, BadgeLayout.A6)
    db.session.commit()  # keeps a fresh render for the next download
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="badge-{registration.reference}.pdf"'
    )
    return response


# ------------------------------------------------------------------------------- words

SEAT_STATUS_LABELS = {
    SeatStatus.REQUESTED.value: _l("requested, waiting for approval"),
    SeatStatus.CONFIRMED.value: _l("seat confirmed"),
    SeatStatus.WAITLISTED.value: _l("on the waiting list"),
}

OUTBOX_STATUS_LABELS = {
    OutboxStatus.PENDING.value: _l("waiting to be sent"),
    OutboxStatus.SENDING.value: _l("being sent"),
    OutboxStatus.SENT.value: _l("sent"),
    OutboxStatus.FAILED.value: _l("failed"),
}

SORT_ORDER_LABELS = {
    SortOrder.NAME.value: _l("Family name"),
    SortOrder.NEWEST.value: _l("Newest first"),
    SortOrder.OLDEST.value: _l("Oldest first"),
    SortOrder.ORGANIZATION.value: _l("Organization"),
    SortOrder.REFERENCE.value: _l("Reference"),
}


def seat_status_label(status: str) -> str:
    return str(SEAT_STATUS_LABELS.get(status, status))


def outbox_status_label(status: str) -> str:
    return str(OUTBOX_STATUS_LABELS.get(status, status))


def sort_order_label(order: str) -> str:
    return str(SORT_ORDER_LABELS.get(order, order))


for _helper in (seat_status_label, outbox_status_label, sort_order_label):
    bp.add_app_template_global(_helper)
