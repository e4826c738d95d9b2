"""Downloads of documents: the programme booklet."""

from __future__ import annotations

from flask import Blueprint, abort, send_file
from werkzeug.wrappers import Response

from forum.documents.badges import BadgeLayout, badge_pdf
from forum.documents.programme import programme_file
from forum.editions.services import EditionNotFound, edition_for_year
from forum.extensions import db
from forum.i18n import current_language
from forum.registration.services import RegistrationNotFound, registration_for_token

bp = Blueprint("documents", __name__)


@bp.route("/<lang:lang>/programme.pdf")
@bp.route("/<lang:lang>/editions/<int:year>/programme.pdf")
def programme(year: int | None = None) -> Response:
    try:
        edition = edition_for_year(year)
    except EditionNotFound:
        abort(404)
    lang = current_language()
    path = programme_file(edition, lang)
    filename = f"forum-{edition.year}-programme-{lang}.pdf"
    return send_file(
        path,
        mimetype="application/pdf",
        download_name=filename,
        as_attachment=False,
        conditional=True,
        max_age=300,
    )


@bp.route("/<lang:lang>/registration/<token>/badge.pdf")
def attendee_badge(token: str) -> Response:
    """An attendee's own badge (e-ticket), when the organizers allow downloading it."""
    try:
        registration = registration_for_token(token)
    except RegistrationNotFound:
        abort(404)
    if not registration.may_download_badge:
        abort(404)
    pdf = badge_pdf(registration, BadgeLayout.A6)
    db.session.commit()  # keeps a fresh render for the next download
    response = Response(pdf, mimetype="application/pdf")
    filename = f"badge-{registration.reference}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
