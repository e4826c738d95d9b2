"""Every page is valid HTML5 as the WHATWG parser reads it, with unique ids."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from tinyhtml5.parser import HTMLParser

from forum.agenda.models import Session
from forum.editions.services import current_edition
from forum.extensions import db
from forum.registration.services import RegistrationData, open_registration, register
from forum.speakers.models import Speaker

STATIC_PAGES = [
    "/",
    "/about",
    "/editions/",
    "/editions/2022/",
    "/agenda",
    "/editions/2022/agenda",
    "/speakers/",
    "/editions/2022/speakers/",
    "/register",
    "/register/lost-link",
    "/privacy",
    "/no-such-page",
]


def parse_errors(html: str) -> list[tuple]:
    parser = HTMLParser()
    parser.parse(html)
    return list(parser.errors)


def duplicate_ids(html: str) -> list[str]:
    counts = Counter(re.findall(r'\sid="([^"]+)"', html))
    return [name for name, count in counts.items() if count > 1]


def assert_valid(html: str, path: str) -> None:
    assert parse_errors(html) == [], path
    assert duplicate_ids(html) == [], path


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("path", STATIC_PAGES)
def test_public_page_is_valid_html(client: FlaskClient, lang: str, path: str) -> None:
    response = client.get(f"/{lang}{path}")

    assert response.status_code in (200, 404)
    assert_valid(response.get_data(as_text=True), path)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_session_and_speaker_pages_are_valid_html(
    app_context: Flask, client: FlaskClient, lang: str
) -> None:
    session = db.session.scalars(db.select(Session).where(Session.is_published)).first()
    speaker = db.session.scalars(db.select(Speaker).where(Speaker.is_published)).first()

    for path in (f"/{lang}/sessions/{session.id}", f"/{lang}/speakers/{speaker.id}"):
        response = client.get(path)
        assert response.status_code == 200
        assert_valid(response.get_data(as_text=True), path)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_open_registration_pages_are_valid_html(
    changes_data: Flask, client: FlaskClient, lang: str
) -> None:
    edition = current_edition()
    open_registration(edition, timedelta(days=3))
    outcome = register(
        edition,
        RegistrationData(
            given_name="Ana",
            family_name="Lima",
            email=f"ana.{lang}@example.org",
            country="BR",
            category_code="delegate",
            preferred_language=lang,
            consent=True,
            organization="City of Recife",
        ),
    )
    db.session.commit()
    token = outcome.manage_token

    pages = {
        "form": client.get(f"/{lang}/register"),
        "form with errors": client.post(f"/{lang}/register", data={"email": "x"}),
        "manage": client.get(f"/{lang}/registration/{token}?welcome=1"),
        "cancel": client.get(f"/{lang}/registration/{token}/cancel"),
        "dead link": client.get(f"/{lang}/registration/{'A' * 43}"),
    }

    for name, response in pages.items():
        assert response.status_code in (200, 404, 422), name
        assert_valid(response.get_data(as_text=True), name)
