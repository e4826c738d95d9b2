"""HTTP security headers sent with every response."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, current_app, request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from werkzeug.exceptions import RequestEntityTooLarge

View = TypeVar("View", bound=Callable[..., Any])

# Everything is served from our own host; no inline script, no framing.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


def init_app(app: Flask) -> None:
    app.session_interface = SignerReusingSessionInterface()
    app.before_request(_refuse_oversized_body)
    app.after_request(_add_security_headers)


class SignerReusingSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signer built once per set of keys.

    Flask builds it again on every request, cookie or not: a tenth of what a cached
    public page costs. The keys are part of the memo, so a rotated key takes effect.
    """

    def __init__(self) -> None:
        self._signers: dict[tuple[Any, ...], URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        if keys not in self._signers:
            self._signers.clear()
            self._signers[keys] = super().get_signing_serializer(app)
        return self._signers[keys]


# The limit on the non-file fields of an upload form, and on Werkzeug's parsing buffer.
UPLOAD_FORM_MEMORY = 500_000


def accepts_uploads(max_bytes: int) -> Callable[[View], View]:
    """Let one view take a body up to `max_bytes` (a photo), above MAX_CONTENT_LENGTH.

    Put it under `@bp.route`, so the view Flask registers carries the limit.
    """

    def allow(view: View) -> View:
        view.max_content_length = max_bytes  # type: ignore[attr-defined]
        return view

    return allow


def _refuse_oversized_body() -> None:
    """Refuse a body over the limit before any view runs, whether or not it reads it."""
    view = current_app.view_functions.get(request.endpoint or "")
    upload_limit = getattr(view, "max_content_length", None)
    if upload_limit:
        request.max_content_length = upload_limit
        # Werkzeug holds up to two 64 KiB reads of a file part in the buffer it checks
        # against this limit, so a form-field limit of 64 KB refused files over about
        # 100 KB (a 2,000-row guest list, a large photo) with a 413.
        request.max_form_memory_size = UPLOAD_FORM_MEMORY
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        raise RequestEntityTooLarge()


def _add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    hsts_seconds = current_app.config.get("HSTS_SECONDS", 0)
    if hsts_seconds:
        response.headers.setdefault(
            "Strict-Transport-Security", f"max-age={hsts_seconds}; includeSubDomains"
        )
    # Forms, manage links, redirects chosen by cookie and error pages are one visitor's:
    # no shared cache may keep them. Public pages and static files say otherwise themselves.
    response.headers.setdefault("Cache-Control", "no-store")
    return response
