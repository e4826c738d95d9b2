"""Absolute links for e-mails and calendars, which are read far from the page that made them."""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, url_for


def absolute_url(endpoint: str, **values: Any) -> str:
    """The full URL of a page: the request's host, or SITE_URL outside a request."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    base_url = current_app.config["SITE_URL"]
    with current_app.test_request_context("/", base_url=base_url):
        return url_for(endpoint, _external=True, **values)
