"""The registration page: for now it says when registration opens or that it has closed."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from forum.editions.services import EditionNotFound, current_edition
from forum.registration.services import registration_window_state

bp = Blueprint("registration", __name__)


@bp.route("/<lang:lang>/register")
def register() -> str:
    try:
        edition = current_edition()
    except EditionNotFound:
        abort(404)
    return render_template(
        "registration/window.html", edition=edition, state=registration_window_state(edition)
    )
