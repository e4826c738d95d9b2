"""Calendar feeds and conditional requests: what a calendar client polling all day sees."""

from __future__ import annotations

from datetime import datetime, timedelta
from email.utils import format_datetime
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar
from recording import recorded_statements

from forum.agenda.models import Session
from forum.editions.models import Edition
from forum.extensions import db
from forum.i18n import Translated

BEIJING = ZoneInfo("Asia/Shanghai")

PUBLIC_PATHS = [
    "/en/agenda",
    "/zh/speakers/",
    "/en/about",
    "/agenda.ics",
    "/zh/agenda.ics",
    "/api/v1/editions/2024/schedule.json",
]


def _opening(year: int = 2024) -> Session:
    return db.session.scalar(
        db.select(Session)
        .join(Session.edition)
        .where(Edition.year == year, Session.code == "opening")
    )


def _get(app: Flask, client: FlaskClient, path: str, **headers: str):
    """A request in its own app context, as in production; with the SQL it ran."""
    with recorded_statements(app) as statements, app.app_context():
        response = client.get(path, headers=headers)
    return response, statements


def _events(response) -> list:
    return list(Calendar.from_ical(response.get_data()).walk("VEVENT"))


# --------------------------------------------------------------- conditional requests


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_public_url_answers_304_to_its_etag_without_a_body_or_a_render(
    page_cache: Flask, client: FlaskClient, path: str
) -> None:
    first, _ = _get(page_cache, client, path)
    etag = first.headers["ETag"]

    again, statements = _get(page_cache, client, path, **{"If-None-Match": etag})

    assert first.status_code == 200
    assert etag.startswith('"') and not etag.startswith("W/")
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag
    assert len(statements) == 1, "a 304 from the cache reads only the content revision"


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_public_url_answers_304_to_if_modified_since(
    page_cache: Flask, client: FlaskClient, path: str
) -> None:
    first, _ = _get(page_cache, client, path)
    modified = first.headers["Last-Modified"]

    again, _ = _get(page_cache, client, path, **{"If-Modified-Since": modified})
    older = format_datetime(first.last_modified - timedelta(hours=1), usegmt=True)
    stale, _ = _get(page_cache, client, path, **{"If-Modified-Since": older})

    assert again.status_code == 304
    assert stale.status_code == 200
    assert stale.get_data() == first.get_data()


def test_other_etag_gets_the_whole_page(page_cache: Flask, client: FlaskClient) -> None:
    response, _ = _get(page_cache, client, "/agenda.ics", **{"If-None-Match": '"not-it"'})

    assert response.status_code == 200
    assert _events(response)


@pytest.mark.parametrize(
    ("path", "cache_control"),
    [
        ("/en/agenda", "public, no-cache"),
        ("/agenda.ics", "public, max-age=300, must-revalidate"),
        ("/api/v1/editions/2024/schedule.json", "public, max-age=300, must-revalidate"),
    ],
)
def test_public_url_lets_clients_keep_it_and_revalidate(
    client: FlaskClient, path: str, cache_control: str
) -> None:
    response = client.get(path)

    assert response.headers["Cache-Control"] == cache_control
    assert response.headers["ETag"]
    assert response.headers["Last-Modified"]


def test_programme_change_changes_the_feed_etag_and_content_on_the_next_request(
    page_cache: Flask, changes_data: Flask, client: FlaskClient
) -> None:
    before, _ = _get(page_cache, client, "/agenda.ics")
    opening = _opening()
    opening.title = Translated(en="Opening Ceremony and Welcome", zh="开幕式暨欢迎仪式")
    db.session.commit()

    after, _ = _get(page_cache, client, "/agenda.ics", **{"If-None-Match": before.headers["ETag"]})

    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert "Opening Ceremony and Welcome" in {str(e["SUMMARY"]) for e in _events(after)}


def test_programme_pdf_answers_304_to_its_etag(client: FlaskClient) -> None:
    first = client.get("/en/programme.pdf")
    first.close()

    again = client.get("/en/programme.pdf", headers={"If-None-Match": first.headers["ETag"]})

    assert first.status_code == 200
    assert again.status_code == 304
    assert again.get_data() == b""


# ------------------------------------------------------------------- one session's feed


def test_session_feed_has_that_session_in_beijing_time(
    app_context: Flask, client: FlaskClient
) -> None:
    opening = _opening()

    response = client.get(f"/zh/sessions/{opening.id}.ics")

    (only,) = _events(response)
    assert str(only["SUMMARY"]) == "开幕式"
    start = only.decoded("DTSTART")
    assert start.tzinfo is not None and start.utcoffset() == timedelta(hours=8)
    assert only["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert start == opening.starts_at.astimezone(BEIJING)
    assert only.decoded("DTEND") == opening.ends_at.astimezone(BEIJING)
    assert response.headers["Cache-Control"] == "public, max-age=300, must-revalidate"


def test_session_feed_and_whole_feed_share_the_uid(app_context: Flask, client: FlaskClient) -> None:
    opening = _opening()

    (single,) = _events(client.get(f"/en/sessions/{opening.id}.ics"))
    whole = _events(client.get("/en/agenda.ics"))

    calendar: dict[str, datetime] = {}
    for imported in [*whole, single]:
        calendar[str(imported["UID"])] = imported.decoded("DTSTART")
    assert str(single["UID"]) in {str(e["UID"]) for e in whole}
    assert len(calendar) == len(whole), "importing both would show the session twice"


def test_agenda_links_each_session_to_its_own_calendar_file(
    app_context: Flask, client: FlaskClient
) -> None:
    opening = _opening()

    html = client.get("/en/agenda").get_data(as_text=True)

    assert f'href="/en/sessions/{opening.id}.ics"' in html
    assert f'aria-describedby="session-{opening.id}-title"' in html
