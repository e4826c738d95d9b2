"""Error pages in the visitor's language, in the site's layout."""

from __future__ import annotations

from flask import Flask, current_app, g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import (
    BadRequest,
    Forbidden,
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    NotFound,
    RequestEntityTooLarge,
    SecurityError,
    ServiceUnavailable,
    TooManyRequests,
)

from forum.documents.fonts import MissingFont
from forum.i18n import LANGUAGES, preferred_language

# A page, its status and the headers the error carries (Allow on a 405, for example).
ErrorPage = tuple[str, int, list[tuple[str, str]]]

# Errors without a page of their own: a heading and one explaining sentence.
EXPLANATIONS = {
    BadRequest: (
        _l("Something in the request was not right"),
        _l("The site could not read what your browser sent. Please go back and try again."),
    ),
    CSRFError: (
        _l("This form has expired"),
        _l(
            "For your security, a form can only be sent for a limited time after it was "
            "opened. Go back, reload the page and send it again; your browser usually keeps "
            "what you typed."
        ),
    ),
    Forbidden: (
        _l("Not allowed"),
        _l("You do not have permission to open this page."),
    ),
    MethodNotAllowed: (
        _l("This address cannot be used that way"),
        _l("The page exists, but not for this kind of request. Please use the links on the site."),
    ),
    RequestEntityTooLarge: (
        _l("What you sent is too large"),
        _l(
            "The form you sent was larger than the site accepts. Please shorten the longest "
            "fields and send it again."
        ),
    ),
}


def init_app(app: Flask) -> None:
    app.register_error_handler(NotFound, _not_found)
    app.register_error_handler(InternalServerError, _server_error)
    app.register_error_handler(TooManyRequests, _too_many_requests)
    app.register_error_handler(SecurityError, _untrusted_host)
    for error_class in EXPLANATIONS:
        app.register_error_handler(error_class, _explained_error)
    app.register_error_handler(MissingFont, _missing_font)


def _language_of_failed_request() -> str:
    """A URL that did not match still says its language in its first segment."""
    if "lang" in g:
        return g.lang
    first_segment = request.path.lstrip("/").split("/", 1)[0]
    if first_segment in LANGUAGES:
        return first_segment
    return preferred_language()


def _render_error(error: HTTPException, template: str, **context: object) -> ErrorPage:
    g.lang = _language_of_failed_request()
    page = render_template(template, error=error, **context)
    headers = [(name, value) for name, value in error.get_headers() if name != "Content-Type"]
    return page, error.code or 500, headers


def _not_found(error: NotFound) -> ErrorPage:
    return _render_error(error, "errors/404.html")


def _server_error(error: InternalServerError) -> ErrorPage:
    return _render_error(error, "errors/500.html")


def _too_many_requests(error: TooManyRequests) -> ErrorPage:
    return _render_error(error, "errors/429.html")


def _explained_error(error: HTTPException) -> ErrorPage:
    explained = next(kind for kind in type(error).__mro__ if kind in EXPLANATIONS)
    heading, explanation = EXPLANATIONS[explained]
    return _render_error(error, "errors/explained.html", heading=heading, explanation=explanation)


def _untrusted_host(error: SecurityError) -> ErrorPage:
    # No URL can be built for a host the site does not serve, so this page has no links.
    return _render_error(error, "errors/untrusted_host.html")


def _missing_font(error: MissingFont) -> ErrorPage:
    """A badge or booklet with a script this server has no font for: the organizers must
    install one (the log names the package); the visitor is told, not shown a crash."""
    current_app.logger.error("Document not printed: %s", error)
    return _render_error(
        ServiceUnavailable(),
        "errors/explained.html",
        heading=_l("This document cannot be printed yet"),
        explanation=_l(
            "It contains writing that this server has no font for, and the site does not "
            "print empty boxes instead of letters. The organizers have been told. Please try "
            "again later, or ask at the registration desk."
        ),
    )
