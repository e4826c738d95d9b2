"""Agenda pages, session pages and the iCalendar and JSON exports."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template
from werkzeug.wrappers import Response

from forum.agenda.exports import agenda_calendar, schedule_document
from forum.agenda.labels import role_label, session_kind_label, talk_kind_label
from forum.agenda.models import Session
from forum.agenda.services import (
    SessionNotFound,
    agenda_of,
    public_participants,
    published_session,
    sessions_of,
)
from forum.editions.models import Edition
from forum.editions.services import EditionNotFound, edition_for_year
from forum.i18n import current_language
from forum.links import absolute_url
from forum.page_cache import FEED_MAX_AGE, cached_page

bp = Blueprint("agenda", __name__)


CALENDAR_MIMETYPE = "text/calendar"


def _edition_or_404(year: int | None) -> Edition:
    try:
        return edition_for_year(year)
    except EditionNotFound:
        abort(404)


@bp.route("/<lang:lang>/agenda")
@bp.route("/<lang:lang>/editions/<int:year>/agenda")
@cached_page
def agenda(year: int | None = None) -> str:
    edition = _edition_or_404(year)
    return render_template("agenda/agenda.html", edition=edition, days=agenda_of(edition))


@bp.route("/<lang:lang>/sessions/<int:session_id>")
@cached_page
def session(session_id: int) -> str:
    try:
        found = published_session(session_id)
    except SessionNotFound:
        abort(404)
    return render_template("agenda/session.html", edition=found.edition, session=found)


def _session_url(session: Session) -> str:
    return absolute_url("agenda.session", session_id=session.id)


def _calendar_response(edition: Edition, sessions: list[Session], filename: str) -> Response:
    body = agenda_calendar(
        edition,
        sessions,
        current_language(),
        uid_domain=current_app.config["ICAL_UID_DOMAIN"],
        session_url=_session_url,
    )
    response = Response(body, mimetype=CALENDAR_MIMETYPE)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@bp.route("/agenda.ics")
@bp.route("/<lang:lang>/agenda.ics")
@bp.route("/<lang:lang>/editions/<int:year>/agenda.ics")
@cached_page(max_age=FEED_MAX_AGE)
def agenda_ics(year: int | None = None) -> Response:
    edition = _edition_or_404(year)
    return _calendar_response(edition, sessions_of(edition), f"forum-{edition.year}.ics")


@bp.route("/<lang:lang>/sessions/<int:session_id>.ics")
@cached_page(max_age=FEED_MAX_AGE)
def session_ics(session_id: int) -> Response:
    try:
        found = published_session(session_id)
    except SessionNotFound:
        abort(404)
    return _calendar_response(found.edition, [found], f"session-{found.id}.ics")


@bp.route("/api/v1/editions/<int:year>/schedule.json")
@cached_page(max_age=FEED_MAX_AGE)
def schedule_json(year: int) -> Response:
    edition = _edition_or_404(year)
    response = jsonify(schedule_document(edition, sessions_of(edition)))
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


bp.add_app_template_global(session_kind_label)
bp.add_app_template_global(talk_kind_label)
bp.add_app_template_global(role_label)
bp.add_app_template_global(public_participants)
