"""Sign-up, the page behind the manage link, the privacy notice."""

from __future__ import annotations

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
from forum.extensions import db, limiter
from forum.i18n import HTML_LANG, current_language
from forum.registration.forms import (
    ConfirmForm,
    DetailsForm,
    LostLinkForm,
    SessionChoiceForm,
    registration_data,
    registration_form_for,
    slot_field_name,
    slot_key,
)
from forum.registration.labels import registration_status_label
from forum.registration.models import Registration, Seat, SeatStatus
from forum.registration.seats import (
    ChoiceSlot,
    InvalidChoice,
    choice_slots,
    seat_availability,
    waitlist_position,
)
from forum.registration.services import (
    LINK_EMAILS_PER_HOUR,
    AlreadyRegistered,
    DeadLink,
    NotAllowed,
    RegistrationClosed,
    RegistrationNotFound,
    SessionChange,
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

# A form whose content cannot be accepted as sent: the page comes back with the errors
# and everything typed. 422 (Unprocessable Content) on every form, not 400, which means a
# request the server could not even read.
INVALID_FORM = 422

bp = Blueprint("registration", __name__)
bp.add_app_template_global(registration_status_label)


def _registration_rate_limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]


class LinkNotWorking(Exception):
    """A manage link that leads nowhere; answered by a page that explains why."""

    def __init__(self, dead: RegistrationNotFound) -> None:
        super().__init__(str(dead))
        self.dead = dead


@bp.errorhandler(LinkNotWorking)
def _link_not_working(error: LinkNotWorking) -> tuple[str, int]:
    dead = error.dead
    was_cancelled = isinstance(dead, DeadLink) and dead.was_cancelled
    was_revoked = isinstance(dead, DeadLink) and not dead.was_cancelled
    page = render_template(
        "registration/dead_link.html",
        was_cancelled=was_cancelled,
        was_revoked=was_revoked,
        form=LostLinkForm(formdata=None),
    )
    # 410 when we know the link existed and was ended on purpose; 404 otherwise.
    response = _private(make_response(page, 410 if isinstance(dead, DeadLink) else 404))
    return response


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
    form = registration_form_for(slots)()
    form.fill_registration_choices(lang, public_categories(), slots)
    if request.method == "GET":
        form.preferred_language.data = lang
    if form.validate_on_submit():
        try:
            outcome = register(edition, form.to_data())
        except AlreadyRegistered as already:
            db.session.rollback()
            _send_link_to(already.edition, already.email)
            return render_template(
                "registration/already.html", email=form.email.data, limit=LINK_EMAILS_PER_HOUR
            )
        except RegistrationClosed:
            db.session.rollback()
            return render_template(
                "registration/window.html", edition=edition, state=WindowState.CLOSED
            )
        except InvalidChoice:
            db.session.rollback()
            flash(_("That choice of sessions is not offered. Please choose again."), "error")
        else:
            db.session.commit()
            return redirect(url_for("registration.manage", token=outcome.manage_token, welcome=1))
    status = INVALID_FORM if request.method == "POST" else 200
    page = render_template(
        "registration/form.html",
        edition=edition,
        form=form,
        availability=_availability_of(slots),
    )
    return page, status


def _send_link_to(edition: Edition, email: str) -> None:
    """Send a manage link if the address has a live registration; commits."""
    registration = live_registration_for_email(edition, email)
    if registration is not None:
        send_manage_link(registration)
    db.session.commit()


def _availability_of(slots: list[ChoiceSlot]) -> dict:
    return seat_availability(session for slot in slots for session in slot.sessions)


def _registration_or_404(token: str) -> Registration:
    try:
        return registration_for_token(token)
    except RegistrationNotFound as dead:
        raise LinkNotWorking(dead) from None


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
    positions = {seat.id: waitlist_position(seat) for seat in registration.seats}
    slot_forms = [
        (
            slot,
            slot_key(slot),
            _slot_form(registration, slot, lang, prefix=slot_field_name(slot)),
            _own_places(registration, slot, positions),
        )
        for slot in slots
    ]
    page = render_template(
        "registration/manage.html",
        registration=registration,
        edition=registration.edition,
        token=token,
        details_form=details_form,
        slot_forms=slot_forms,
        availability=_availability_of(slots),
        waitlist_positions=positions,
        language_tags=HTML_LANG,
        cancel_form=ConfirmForm(),
        is_welcome=request.args.get("welcome") == "1",
        may_download_badge=registration.may_download_badge,
    )
    return _private(make_response(page, status))


def _seats_in_slot(registration: Registration, slot: ChoiceSlot) -> list[Seat]:
    slot_ids = {session.id for session in slot.sessions}
    return [seat for seat in registration.seats if seat.session_id in slot_ids]


def _own_places(
    registration: Registration, slot: ChoiceSlot, positions: dict[int, int | None]
) -> dict[int, tuple[str, int | None]]:
    """Session id -> (seat status, waiting-list position) of the attendee's seats in a slot."""
    return {
        seat.session_id: (seat.status, positions.get(seat.id))
        for seat in _seats_in_slot(registration, slot)
    }


def _slot_form(
    registration: Registration, slot: ChoiceSlot, lang: str, prefix: str
) -> SessionChoiceForm:
    # The attendee's latest choice is checked: the session they wait for, if any, else the
    # one they hold a seat in.
    seats = sorted(
        _seats_in_slot(registration, slot),
        key=lambda seat: seat.status != SeatStatus.WAITLISTED.value,
    )
    current = seats[0].session_id if seats else None
    form = SessionChoiceForm(prefix=prefix, formdata=None, session=str(current) if current else "")
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
        return _manage_page(registration, token, details_form=form, status=INVALID_FORM)
    try:
        update_details(registration, registration_data(form, email=registration.email))
    except NotAllowed:
        db.session.rollback()
        flash(_("This registration has been cancelled and can no longer be changed."), "error")
    else:
        db.session.commit()
        flash(_("Your details have been saved."), "success")
    return redirect(url_for("registration.manage", token=token))


@bp.route("/<lang:lang>/registration/<token>/sessions/<int:session_id>", methods=["POST"])
def change_sessions(token: str, session_id: int) -> Response:
    """Choose within the time slot of `session_id` (the slot's key, see `slot_key`)."""
    registration = _registration_or_404(token)
    slot = next(
        (
            slot
            for slot in choice_slots(registration.edition)
            if session_id in {session.id for session in slot.sessions}
        ),
        None,
    )
    if slot is None:
        # The organizers moved the session out of its slot since the page was shown.
        flash(_("The sub-forums have changed. Please choose again."), "error")
        return redirect(url_for("registration.manage", token=token))
    # Read under the key the page was shown with, which may no longer be the slot's key.
    form = _slot_form(registration, slot, current_language(), prefix=f"slot_{session_id}")
    form.process(request.form)
    if not form.validate():
        flash(_("Please choose one of the sessions listed."), "error")
        return redirect(url_for("registration.manage", token=token))
    new_session_id = int(form.session.data) if form.session.data else None
    try:
        change = change_session(
            registration, [session.id for session in slot.sessions], new_session_id
        )
    except (InvalidChoice, NotAllowed):
        db.session.rollback()
        flash(_("That change is not possible for this registration."), "error")
    else:
        message = _session_change_message(change)
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("registration.manage", token=token))


def _session_change_message(change: SessionChange) -> str:
    seat = change.seat
    if seat is None or seat.status != SeatStatus.WAITLISTED.value:
        return _("Your choice of sessions has been saved.")
    position = waitlist_position(seat)
    if change.kept is not None:
        return _(
            "%(session)s is full: you are on its waiting list, position %(position)d. "
            "You keep your seat in %(kept)s until a seat in %(session)s is yours.",
            session=seat.session.title,
            position=position,
            kept=change.kept.session.title,
        )
    return _(
        "%(session)s is full: you are on its waiting list, position %(position)d. "
        "We will e-mail you when a seat is yours.",
        session=seat.session.title,
        position=position,
    )


@bp.route("/<lang:lang>/registration/<token>/cancel", methods=["GET", "POST"])
def cancel_registration(token: str) -> Response:
    registration = _registration_or_404(token)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            cancel(registration)
        except NotAllowed:
            # Cancelling twice (a double click, a second tab) ends in the same place.
            db.session.rollback()
        else:
            db.session.commit()
        flash(
            _("Your registration has been cancelled. We have sent you a confirmation."), "success"
        )
        # The link has died with the registration: this shows the page that says so.
        return redirect(url_for("registration.manage", token=token))
    page = render_template(
        "registration/cancel.html", registration=registration, token=token, form=form
    )
    status = INVALID_FORM if request.method == "POST" else 200
    return _private(make_response(page, status))


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
        _send_link_to(edition, form.email.data)
        # The same answer either way, also over the hourly limit: the page must not tell
        # who is registered.
        return render_template(
            "registration/link_sent.html", email=form.email.data, limit=LINK_EMAILS_PER_HOUR
        )
    status = INVALID_FORM if request.method == "POST" else 200
    return render_template("registration/lost_link.html", form=form), status


@bp.route("/<lang:lang>/privacy")
def privacy() -> str:
    return render_template("registration/privacy.html")
