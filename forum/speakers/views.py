"""Speaker index and profile pages."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, send_from_directory
from werkzeug.wrappers import Response

from forum.editions.services import EditionNotFound, edition_for_year
from forum.i18n import current_language
from forum.page_cache import cached_page
from forum.speakers.photos import photo_folder
from forum.speakers.services import SpeakerNotFound, speaker_index, speaker_profile

bp = Blueprint("speakers", __name__)


@bp.route("/<lang:lang>/speakers/")
@bp.route("/<lang:lang>/editions/<int:year>/speakers/")
@cached_page
def index(year: int | None = None) -> str:
    try:
        edition = edition_for_year(year)
    except EditionNotFound:
        abort(404)
    speakers = speaker_index(edition, current_language())
    return render_template("speakers/index.html", edition=edition, speakers=speakers)


@bp.route("/<lang:lang>/speakers/<int:speaker_id>")
@cached_page
def profile(speaker_id: int) -> str:
    try:
        found = speaker_profile(speaker_id)
    except SpeakerNotFound:
        abort(404)
    return render_template(
        "speakers/profile.html", speaker=found.speaker, appearances=found.appearances
    )


@bp.route("/media/speakers/<path:filename>")
def photo(filename: str) -> Response:
    return send_from_directory(photo_folder(), filename, max_age=24 * 3600)
