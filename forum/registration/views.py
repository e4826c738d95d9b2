"""Sign-up, the page behind the manage link, the privacy notice."""

from __future__ import annotations

from contextlib import suppress

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from forum.editions.models import Edition
from forum.editions.services import EditionNotFound, current_edition
from forum.extensions import limiter
from forum.i18n import current_language
from forum.registration.forms import (
    ConfirmForm,
    DetailsForm,
    LostLinkForm,
    SessionChoiceForm,
    registration_data,
    registration_form_class,
)
from forum.registration.labels import registration_status_label
from forum.registration.models import Registration
from forum.registration.seats import (
    ChoiceSlot,
    InvalidChoice,
    SessionFull,
    choice_slots,
    seat_availability,
    waitlist_position,
)
from forum.registration.services import (
    AlreadyRegistered,
    NotAllowed,
    RegistrationClosed,
    RegistrationNotFound,
    WindowState,
    cancel,
    change_session,
    export_registration,
    live_registration_for_email,
    public_categories,
    register,
    registration_for_token,
    registration_window_state,
    send_manage_link,
    update_details,
)

bp = Blueprint("registration", __name__)
bp.add_app_template_global(registration_status_label)


def _registration_rate_limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]


def _current_edition_or_404() -> Edition:
    try:
        return current_edition()
    except EditionNotFound:
        abort(404)


def _private(response: Response) -> Response:
    """Pages behind a manage link are personal: never stored by browsers or proxies."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/<lang:lang>/register", methods=["GET", "POST"])
@limiter.limit(_registration_rate_limit, methods=["POST"])
def register_page() -> Response | str | tuple[str, int]:
    edition = _current_edition_or_404()
    state = registration_window_state(edition)
    if state is not WindowState.OPEN:
        return render_template("registration/window.html", edition=edition, state=state)
    lang = current_language()
    slots = choice_slots(edition)
    form = registration_form_class(len(slots))()
    form.fill_registration_choices(lang, public_categories(), slots)
    if request.method == "GET":
        form.preferred_language.data = lang
    if form.validate_on_submit():
        try:
            outcome = register(edition, form.to_data())
        except AlreadyRegistered as already:
            send_manage_link(already.registration)
            return render_template("registration/already.html", email=form.email.data)
        except RegistrationClosed:
            return render_template(
                "registration/window.html", edition=edition, state=WindowState.CLOSED
            )
        except InvalidChoice:
            flash(_("That choice of sessions is not offered. Please choose again."), "error")
        else:
            return redirect(url_for("registration.manage", token=outcome.manage_token, welcome=1))
    status = 400 if request.method == "POST" else 200
    page = render_template(
        "registration/form.html",
        edition=edition,
        form=form,
        availability=_availability_of(slots),
    )
    return page, status


def _availability_of(slots: list[ChoiceSlot]) -> dict:
    return seat_availability(session for slot in slots for session in slot.sessions)


def _registration_or_404(token: str) -> Registration:
    try:
        return registration_for_token(token)
    except RegistrationNotFound:
        abort(404)


def _manage_page(
    registration: Registration,
    token: str,
    details_form: DetailsForm | None = None,
    status: int = 200,
) -> Response:
    lang = current_language()
    slots = choice_slots(registration.edition)
    if details_form is None:
        details_form = DetailsForm(obj=registration, formdata=None)
        details_form.fill_choices(lang)
    slot_forms = []
    for index, slot in enumerate(slots):
        slot_forms.append((slot, _slot_form(registration, slot, index, lang)))
    page = render_template(
        "registration/manage.html",
        registration=registration,
        edition=registration.edition,
        token=token,
        details_form=details_form,
        slot_forms=slot_forms,
        availability=_availability_of(slots),
        waitlist_positions={seat.id: waitlist_position(seat) for seat in registration.seats},
        cancel_form=ConfirmForm(),
        is_welcome=request.args.get("welcome") == "1",
        may_download_badge=registration.may_download_badge,
    )
    return _private(make_response(page, status))


def _slot_form(
    registration: Registration, slot: ChoiceSlot, index: int, lang: str
) -> SessionChoiceForm:
    current = next(
        (
            seat.session_id
            for seat in registration.seats
            if seat.session_id in {session.id for session in slot.sessions}
        ),
        None,
    )
    form = SessionChoiceForm(
        prefix=f"slot{index}", formdata=None, session=str(current) if current else ""
    )
    form.session.choices = [("", _("None of them"))] + [
        (str(session.id), session.title.in_language(lang)) for session in slot.sessions
    ]
    return form


@bp.route("/<lang:lang>/registration/<token>")
def manage(token: str) -> Response:
    registration = _registration_or_404(token)
    return _manage_page(registration, token)


@bp.route("/<lang:lang>/registration/<token>/details", methods=["POST"])
def save_details(token: str) -> Response:
    registration = _registration_or_404(token)
    form = DetailsForm()
    form.fill_choices(current_language())
    if not form.validate():
        return _manage_page(registration, token, details_form=form, status=400)
    try:
        update_details(registration, registration_data(form, email=registration.email))
    except NotAllowed:
        flash(_("This registration has been cancelled and can no longer be changed."), "error")
    else:
        flash(_("Your details have been saved."), "success")
    return redirect(url_for("registration.manage", token=token))


@bp.route("/<lang:lang>/registration/<token>/sessions/<int:index>", methods=["POST"])
def change_sessions(token: str, index: int) -> Response:
    registration = _registration_or_404(token)
    slots = choice_slots(registration.edition)
    if index >= len(slots):
        abort(404)
    slot = slots[index]
    form = _slot_form(registration, slot, index, current_language())
    form.process(request.form)
    if not form.validate():
        flash(_("Please choose one of the sessions listed."), "error")
        return redirect(url_for("registration.manage", token=token))
    new_session_id = int(form.session.data) if form.session.data else None
    try:
        change_session(registration, [session.id for session in slot.sessions], new_session_id)
    except SessionFull as full:
        flash(
            _("%(session)s is full. You keep your current place.", session=full.session.title),
            "error",
        )
    except (InvalidChoice, NotAllowed):
        flash(_("That change is not possible for this registration."), "error")
    else:
        flash(_("Your choice of sessions has been saved."), "success")
    return redirect(url_for("registration.manage", token=token))


@bp.route("/<lang:lang>/registration/<token>/cancel", methods=["GET", "POST"])
def cancel_registration(token: str) -> Response:
    registration = _registration_or_404(token)
    form = ConfirmForm()
    if form.validate_on_submit():
        # Cancelling twice (a double click, a second tab) ends in the same place.
        with suppress(NotAllowed):
            cancel(registration)
        flash(
            _("Your registration has been cancelled. We have sent you a confirmation."), "success"
        )
        return redirect(url_for("registration.manage", token=token))
    page = render_template(
        "registration/cancel.html", registration=registration, token=token, form=form
    )
    return _private(make_response(page))


@bp.route("/<lang:lang>/registration/<token>/data.json")
def download_data(token: str) -> Response:
    registration = _registration_or_404(token)
    response = current_app.response_class(
        current_app.json.dumps(export_registration(registration), indent=2),
        mimetype="application/json",
    )
    filename = f"registration-{registration.reference}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _private(response)


@bp.route("/<lang:lang>/register/lost-link", methods=["GET", "POST"])
@limiter.limit(_registration_rate_limit, methods=["POST"])
def lost_link() -> str | tuple[str, int]:
    edition = _current_edition_or_404()
    form = LostLinkForm()
    if form.validate_on_submit():
        registration = live_registration_for_email(edition, form.email.data)
        if registration is not None:
            send_manage_link(registration)
        # The same answer either way: the page must not tell who is registered.
        return render_template("registration/link_sent.html", email=form.email.data)
    status = 400 if request.method == "POST" else 200
    return render_template("registration/lost_link.html", form=form), status


@bp.route("/<lang:lang>/privacy")
def privacy() -> str:
    return render_template("registration/privacy.html")
