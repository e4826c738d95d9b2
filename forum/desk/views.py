"""The desk's pages: one input for scans and search, the attendee card, admit, print.

The desk's settings (its name, its check-in point, its badge layout) live in cookies,
so each device names itself once. Admission posts a nonce made when the card was
rendered: a double click, a resubmitted form or the script's retry after a network
failure all carry the same nonce and so admit at most once.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from forum.accounts.access import PROGRAMME, STAFF, current_actor, role_required, staff_blueprint
from forum.agenda.models import Session, SessionKind
from forum.agenda.services import sessions_of
from forum.desk.forms import WalkInForm
from forum.desk.labels import TEMPLATE_HELPERS
from forum.documents.badges import BadgeLayout, badge_pdf
from forum.editions.models import Edition
from forum.editions.services import EditionNotFound, current_edition
from forum.extensions import db
from forum.i18n import current_language
from forum.registration.checkin import (
    CARD_DETAILS,
    Admission,
    Card,
    CheckIn,
    NotAdmissible,
    NotCheckedIn,
    admit_walk_in,
    card_for,
    card_for_code,
    card_state,
    check_at_door,
    check_in,
    clean_desk_name,
    door_counts,
    entrance_counts,
    history,
    looks_like_payload,
    new_nonce,
    record_badge_print,
    undo_check_in,
)
from forum.registration.models import Category, Registration, RegistrationStatus
from forum.registration.search import search_registrations
from forum.registration.services import AlreadyRegistered, normalize_reference

bp = staff_blueprint("desk", __name__, url_prefix="/<lang:lang>/desk")

DESK_COOKIE = "forum_desk"
POINT_COOKIE = "forum_desk_point"
LAYOUT_COOKIE = "forum_desk_layout"
PRINT_COOKIE = "forum_desk_print"
COOKIE_AGE = 60 * 60 * 24 * 365
ENTRANCE = "entrance"
SEARCH_LIMIT = 20
LAYOUT_LABELS = {
    BadgeLayout.A6: "A6",
    BadgeLayout.CARD_4X3: "4×3 in",
    BadgeLayout.A4_SHEET: "A4",
}


@dataclass(frozen=True)
class DeskSettings:
    name: str
    door: Session | None  # None: the main entrance
    layout: BadgeLayout
    # Open the badge PDF for printing right after a successful admission.
    prints_on_check_in: bool = False


def _edition() -> Edition:
    try:
        return current_edition()
    except EditionNotFound:
        abort(404)


def _doors(edition: Edition) -> list[Session]:
    """Sessions whose door may be a check-in point: those that hand out seats."""
    return [
        session
        for session in sessions_of(edition, include_unpublished=True, with_programme=False)
        if session.kind == SessionKind.SUB_FORUM.value or session.capacity is not None
    ]


def _settings(edition: Edition) -> DeskSettings:
    door_id = request.cookies.get(POINT_COOKIE, ENTRANCE)
    door = None
    if door_id.isdigit():
        door = db.session.get(Session, int(door_id))
        if door is not None and door.edition_id != edition.id:
            door = None
    try:
        layout = BadgeLayout(request.cookies.get(LAYOUT_COOKIE, BadgeLayout.A6.value))
    except ValueError:
        layout = BadgeLayout.A6
    return DeskSettings(
        clean_desk_name(request.cookies.get(DESK_COOKIE, "")),
        door,
        layout,
        prints_on_check_in=request.cookies.get(PRINT_COOKIE) == "1",
    )


def _with_details(registration_id: int) -> Registration | None:
    return (
        db.session.scalars(
            db.select(Registration).options(*CARD_DETAILS).where(Registration.id == registration_id)
        )
        .unique()
        .first()
    )


def _page(
    edition: Edition,
    *,
    settings: DeskSettings | None = None,
    text: str = "",
    card: Card | None = None,
    results: list[Registration] | None = None,
    outcome: str | None = None,
    door_check: CheckIn | None = None,
    just_admitted: bool = False,
    status: int = 200,
) -> tuple[str, int]:
    records = history(card.registration) if card and card.registration else []
    return render_template(
        "desk/desk.html",
        edition=edition,
        settings=settings or _settings(edition),
        doors=_doors(edition),
        layouts=LAYOUT_LABELS,
        text=text,
        card=card,
        results=results,
        records=records,
        result_states={found.id: card_state(edition, found).value for found in results or []},
        outcome=outcome,
        door_check=door_check,
        just_admitted=just_admitted,
        nonce=new_nonce(),
        may_undo=_may_undo(),
    ), status


def _may_undo() -> bool:
    return current_actor().user.has_role(*PROGRAMME)


@bp.route("/")
@role_required(*STAFF)
def desk() -> tuple[str, int]:
    """The desk: `q` is what the scanner typed (a badge code) or search text."""
    edition = _edition()
    text = request.args.get("q", "").strip()[:200]
    if not text:
        return _page(edition)
    if looks_like_payload(text):
        return _page(edition, text=text, card=card_for_code(edition, text))
    results = search_registrations(edition, text, limit=SEARCH_LIMIT)
    exact = [found for found in results if found.reference == normalize_reference(text)]
    if exact:
        return _page(edition, text=text, card=_card_with_details(card_for(edition, exact[0])))
    if not results and normalize_reference(text) and len(normalize_reference(text)) == len(text):
        card = card_for_code(edition, text)  # a reference of another edition, or none
        return _page(edition, text=text, card=card)
    return _page(edition, text=text, results=results)


def _card_with_details(card: Card) -> Card:
    if card.registration is None:
        return card
    registration = _with_details(card.registration.id)
    return Card(card.state, registration, card.admission)


def _registration(registration_id: int) -> Registration:
    """The registration with what its card shows, or 404."""
    return _with_details(registration_id) or abort(404)


@bp.route("/registrations/<int:registration_id>")
@role_required(*STAFF)
def card(registration_id: int) -> tuple[str, int]:
    edition = _edition()
    return _page(edition, card=card_for(edition, _registration(registration_id)))


# The actions below render their answer before they commit: a commit expires every loaded
# object, and reading the registration, its seats, its history and the staff member back
# would cost a query each. The response still goes out only once the commit succeeded.


@bp.route("/registrations/<int:registration_id>/check-in", methods=["POST"])
@role_required(*STAFF)
def admit(registration_id: int) -> Response | tuple[str, int]:
    """Admit at the desk's point; answers JSON to the desk's script, a page otherwise."""
    edition = _edition()
    registration = _registration(registration_id)
    settings = _settings(edition)
    nonce = request.form.get("nonce", "").strip()[:64] or new_nonce()
    if registration.edition_id != edition.id:
        return _answer(edition, settings, registration, _("Registered for another edition"), 409)
    if settings.door is not None:
        scan = check_at_door(registration, settings.door, settings.name, current_actor(), nonce)
        answer = _answer(edition, settings, registration, None, 200, door_check=scan)
        db.session.commit()
        return answer
    try:
        admission = check_in(registration, settings.name, current_actor(), nonce)
    except NotAdmissible:
        db.session.rollback()
        return _answer(
            edition, settings, registration, _("This registration cannot be admitted."), 409
        )
    answer = _answer(edition, settings, registration, None, 200, admission=admission)
    db.session.commit()
    return answer


def _answer(
    edition: Edition,
    settings: DeskSettings,
    registration: Registration,
    outcome: str | None,
    status: int,
    *,
    admission: Admission | None = None,
    door_check: CheckIn | None = None,
) -> Response | tuple[str, int]:
    """The card after an action: the whole page, or JSON with the card for desk.js.

    `registration` comes with its card's details (`_registration`).
    """
    card = card_for(edition, registration, admission)
    is_admitted = admission is not None and admission.is_admitted
    if request.accept_mimetypes.best != "application/json":
        return _page(
            edition,
            settings=settings,
            card=card,
            outcome=outcome,
            door_check=door_check,
            just_admitted=is_admitted,
            status=status,
        )
    html = render_template(
        "desk/_card.html",
        card=card,
        records=history(registration),
        outcome=outcome,
        door_check=door_check,
        just_admitted=is_admitted,
        settings=settings,
        nonce=new_nonce(),
        may_undo=_may_undo(),
    )
    return jsonify(
        state=card.state.value, is_admitted=is_admitted, message=outcome, html=html
    ), status


@bp.route("/registrations/<int:registration_id>/undo", methods=["POST"])
@role_required(*PROGRAMME)
def undo(registration_id: int) -> Response | tuple[str, int]:
    """Organizers take an admission back (someone was let in by mistake)."""
    edition = _edition()
    registration = _registration(registration_id)
    settings = _settings(edition)
    try:
        undo_check_in(registration, current_actor(), settings.name)
    except NotCheckedIn:
        return _answer(edition, settings, registration, _("This person is not checked in."), 409)
    answer = _answer(edition, settings, registration, _("Check-in undone."), 200)
    db.session.commit()
    return answer


@bp.route("/registrations/<int:registration_id>/badge.pdf", methods=["POST"])
@role_required(*STAFF)
def print_badge(registration_id: int) -> Response | tuple[str, int]:
    """The badge PDF in the desk's layout (stored copy when current); counts one print."""
    edition = _edition()
    registration = db.get_or_404(Registration, registration_id)
    if registration.edition_id != edition.id:
        abort(404)
    settings = _settings(edition)
    if registration.status != RegistrationStatus.CONFIRMED.value:
        return _answer(
            edition,
            settings,
            _registration(registration_id),
            _("Only confirmed registrations get a badge."),
            409,
        )
    pdf = badge_pdf(registration, settings.layout)
    record_badge_print(registration, settings.name, current_actor())
    filename = f"badge-{registration.reference}.pdf"  # read before the commit expires it
    db.session.commit()
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@bp.route("/settings", methods=["POST"])
@role_required(*STAFF)
def settings() -> Response:
    """Name this device's desk, its check-in point, printer layout and whether it prints
    on check-in, in cookies."""
    edition = _edition()
    if looks_like_payload(request.form.get("desk", "")):
        # A badge scanned while the desk-name field had the focus (a new desk's first
        # scan): not a name. Nothing is changed, and the staff member is told why.
        flash(
            _(
                "That was a badge's code, not a desk name. Name this desk first "
                "(for example “East hall 2”), then scan the badge again."
            ),
            "error",
        )
        return redirect(url_for("desk.desk"), 303)
    name = clean_desk_name(request.form.get("desk", ""))
    point = request.form.get("point", ENTRANCE)
    if point != ENTRANCE and not any(str(door.id) == point for door in _doors(edition)):
        point = ENTRANCE
    layout = request.form.get("layout", BadgeLayout.A6.value)
    if layout not in {item.value for item in BadgeLayout}:
        layout = BadgeLayout.A6.value
    prints = "1" if request.form.get("print_on_check_in") == "1" else "0"
    response = Response(status=303, headers={"Location": url_for("desk.desk")})
    for key, value in (
        (DESK_COOKIE, name),
        (POINT_COOKIE, point),
        (LAYOUT_COOKIE, layout),
        (PRINT_COOKIE, prints),
    ):
        response.set_cookie(
            key,
            value,
            max_age=COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
            path="/",
        )
    return response


@bp.route("/walk-in", methods=["GET", "POST"])
@role_required(*STAFF)
def walk_in() -> Response | tuple[str, int]:
    """Register someone on the spot, admit them and show their card to print the badge."""
    edition = _edition()
    form = WalkInForm()
    form.fill_choices(current_language(), _desk_categories())
    if request.method == "GET":
        form.nonce.data = new_nonce()
        form.category.data = "delegate"
    if form.validate_on_submit():
        nonce = (form.nonce.data or "")[:64] or new_nonce()
        settings = _settings(edition)
        try:
            admission = admit_walk_in(
                edition, form.to_data(current_language()), settings.name, current_actor(), nonce
            )
        except AlreadyRegistered:
            db.session.rollback()
            form.email.errors.append(
                _("This address is registered already: search for it on the desk.")
            )
        else:
            registration = _registration(admission.check_in.registration_id)
            answer = _answer(edition, settings, registration, None, 200, admission=admission)
            db.session.commit()
            return answer
    status = 422 if form.errors else 200
    return render_template("desk/walk_in.html", form=form, settings=_settings(edition)), status


def _desk_categories() -> list[Category]:
    return list(db.session.scalars(db.select(Category).order_by(Category.position, Category.id)))


@bp.route("/counts.json")
@role_required(*STAFF)
def counts() -> Response:
    """Live counts for the desks and the dashboard: a small JSON polled every few seconds."""
    edition = _edition()
    return jsonify(
        entrance=[
            {
                "category": count.category.code,
                "label": str(count.category.name),
                "colour": count.category.colour,
                "checked_in": count.checked_in,
                "expected": count.expected,
            }
            for count in entrance_counts(edition.id)
        ],
        doors=[
            {
                "session": count.session.id,
                "label": str(count.session.title),
                "attended": count.attended,
                "seats": count.seats,
            }
            for count in door_counts(_doors(edition))
        ],
    )


for _helper in TEMPLATE_HELPERS:
    bp.add_app_template_global(_helper)
