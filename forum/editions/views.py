"""Home page, About page and the archive of editions."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from werkzeug.wrappers import Response

from forum.editions.services import (
    EditionNotFound,
    all_editions,
    current_edition,
    edition_for_year,
)
from forum.i18n import preferred_language
from forum.page_cache import cached_page

bp = Blueprint("editions", __name__)


@bp.route("/")
def root() -> Response:
    response = redirect(url_for("editions.home", lang=preferred_language()), code=302)
    # The target depends on these request headers; a cache must not hand one visitor's
    # language to the next.
    response.vary.update(("Cookie", "Accept-Language"))
    return response


@bp.route("/<lang:lang>/")
@bp.route("/<lang:lang>/editions/<int:year>/")
@cached_page
def home(year: int | None = None) -> str:
    try:
        edition = edition_for_year(year)
    except EditionNotFound:
        abort(404)
    return render_template("editions/home.html", edition=edition)


@bp.route("/<lang:lang>/about")
@cached_page
def about() -> str:
    try:
        edition = current_edition()
    except EditionNotFound:
        edition = None
    return render_template("editions/about.html", edition=edition)


@bp.route("/<lang:lang>/editions/")
@cached_page
def archive() -> str:
    editions = all_editions()
    return render_template("editions/archive.html", editions=editions)
