"""Error pages in the visitor's language."""

from __future__ import annotations

from flask import Flask, g, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound, TooManyRequests

from forum.i18n import LANGUAGES, preferred_language


def init_app(app: Flask) -> None:
    app.register_error_handler(NotFound, _not_found)
    app.register_error_handler(InternalServerError, _server_error)
    app.register_error_handler(TooManyRequests, _too_many_requests)


def _language_of_failed_request() -> str:
    """A URL that did not match still says its language in its first segment."""
    if "lang" in g:
        return g.lang
    first_segment = request.path.lstrip("/").split("/", 1)[0]
    if first_segment in LANGUAGES:
        return first_segment
    return preferred_language()


def _render_error(error: HTTPException, template: str) -> tuple[str, int]:
    g.lang = _language_of_failed_request()
    return render_template(template, error=error), error.code or 500


def _not_found(error: NotFound) -> tuple[str, int]:
    return _render_error(error, "errors/404.html")


def _server_error(error: InternalServerError) -> tuple[str, int]:
    return _render_error(error, "errors/500.html")


def _too_many_requests(error: TooManyRequests) -> tuple[str, int]:
    return _render_error(error, "errors/429.html")
