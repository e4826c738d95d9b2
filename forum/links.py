"""Absolute links, always under SITE_URL.

A request's Host header is chosen by the client: a link built from it could point
visitors, e-mails and cached pages at any site. So every absolute link, inside a
request or outside one (the mail worker), starts with the configured SITE_URL.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


def absolute_url(endpoint: str, **values: Any) -> str:
    """The full URL of a page under SITE_URL."""
    if has_request_context():
        return site_url(url_for(endpoint, **values))
    with current_app.test_request_context("/", base_url=current_app.config["SITE_URL"]):
        return url_for(endpoint, _external=True, **values)


def site_url(path: str) -> str:
    """A path as url_for writes it (from the host's root, any mount prefix included)
    under SITE_URL's scheme and host."""
    origin = urlsplit(current_app.config["SITE_URL"])
    return f"{origin.scheme}://{origin.netloc}{path}"
