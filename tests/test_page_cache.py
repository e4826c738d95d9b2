"""Whole-page cache of public pages: served from the cache, dropped when content changes."""

from __future__ import annotations

import secrets

from flask import Flask
from flask.testing import FlaskClient
from recording import recorded_statements
from werkzeug.test import TestResponse

from forum.agenda.models import Session
from forum.editions.models import Edition
from forum.extensions import cache, db
from forum.i18n import Translated
from forum.speakers.models import Speaker


def get_page(app: Flask, client: FlaskClient, path: str) -> TestResponse:
    """A request in its own app context, so its database session is its own, as in production."""
    with app.app_context():
        return client.get(path)


def _opening(year: int = 2024) -> Session:
    return db.session.scalar(
        db.select(Session)
        .join(Session.edition)
        .where(Edition.year == year, Session.code == "opening")
    )


def test_page_cache_serves_second_request_with_only_the_revision_query(
    page_cache: Flask, client: FlaskClient
) -> None:
    with recorded_statements(page_cache) as first_statements:
        first = get_page(page_cache, client, "/en/agenda")
    with recorded_statements(page_cache) as second_statements:
        second = get_page(page_cache, client, "/en/agenda")

    assert first.status_code == second.status_code == 200
    assert len(first_statements) > 3
    assert len(second_statements) == 1
    assert "content_revision" in second_statements[0]
    assert second.get_data() == first.get_data()
    assert second.mimetype == "text/html"


def test_page_cache_keeps_languages_apart(page_cache: Flask, client: FlaskClient) -> None:
    get_page(page_cache, client, "/en/agenda")

    chinese = get_page(page_cache, client, "/zh/agenda")

    html = chinese.get_data(as_text=True)
    assert '<html lang="zh-Hans">' in html
    assert ">开幕式<" in html
    assert ">Opening Ceremony<" not in html


def test_page_cache_hit_still_sends_headers_and_language_cookie(
    page_cache: Flask, client: FlaskClient, app: Flask
) -> None:
    get_page(page_cache, client, "/zh/agenda")
    newcomer = app.test_client()

    with recorded_statements(page_cache) as statements:
        response = get_page(page_cache, newcomer, "/zh/agenda")

    assert len(statements) == 1
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert newcomer.get_cookie("forum_lang").value == "zh"


def test_page_cache_does_not_keep_not_found_pages(page_cache: Flask, client: FlaskClient) -> None:
    get_page(page_cache, client, "/en/sessions/999999")

    with recorded_statements(page_cache) as statements:
        response = get_page(page_cache, client, "/en/sessions/999999")

    assert response.status_code == 404
    assert len(statements) > 1


def test_page_cache_shows_changed_session_title_on_next_request(
    page_cache: Flask, changes_data: Flask, client: FlaskClient
) -> None:
    assert ">Opening Ceremony<" in get_page(page_cache, client, "/en/agenda").get_data(as_text=True)
    assert ">开幕式<" in get_page(page_cache, client, "/zh/agenda").get_data(as_text=True)

    opening = _opening()
    opening.title = Translated(en="Opening Ceremony and Welcome", zh="开幕式暨欢迎仪式")
    db.session.commit()

    english = get_page(page_cache, client, "/en/agenda").get_data(as_text=True)
    chinese = get_page(page_cache, client, "/zh/agenda").get_data(as_text=True)
    assert ">Opening Ceremony and Welcome<" in english
    assert ">Opening Ceremony<" not in english
    assert ">开幕式暨欢迎仪式<" in chinese


def test_page_cache_shows_changed_speaker_on_their_profile(
    page_cache: Flask, changes_data: Flask, client: FlaskClient
) -> None:
    speaker = db.session.scalar(db.select(Speaker).where(Speaker.seed_key == "s2024-03"))
    path = f"/en/speakers/{speaker.id}"
    assert "Professor of Public Administration" in get_page(page_cache, client, path).get_data(
        as_text=True
    )

    speaker.position = Translated(en="Dean of the School of Government", zh="政府管理学院院长")
    db.session.commit()

    html = get_page(page_cache, client, path).get_data(as_text=True)
    assert "Dean of the School of Government" in html
    assert "Professor of Public Administration" not in html


def test_page_cache_drops_an_unpublished_session_from_the_agenda(
    page_cache: Flask, changes_data: Flask, client: FlaskClient
) -> None:
    get_page(page_cache, client, "/en/agenda")

    opening = _opening()
    opening.is_published = False
    db.session.commit()

    html = get_page(page_cache, client, "/en/agenda").get_data(as_text=True)
    assert ">Opening Ceremony<" not in html
    assert ">Main Forum<" in html


# ------------------------------------------- nothing from one request reaches the next


def test_forged_host_never_reaches_a_cached_page(page_cache: Flask) -> None:
    attacker = page_cache.test_client()
    visitor = page_cache.test_client()

    poisoned = get_page(page_cache, attacker, "/en/speakers/")
    with page_cache.app_context():
        served = visitor.get("/en/speakers/", headers={"Host": "localhost"})
    with page_cache.app_context():
        forged = attacker.get("/en/speakers/", headers={"Host": "evil.example"})

    assert poisoned.status_code == served.status_code == forged.status_code == 200
    for response in (served, forged):
        html = response.get_data(as_text=True)
        assert "evil.example" not in html
        assert 'hreflang="zh-Hans" href="http://localhost/zh/speakers/"' in html


def test_forged_host_first_in_line_still_caches_site_url_links(page_cache: Flask) -> None:
    with page_cache.app_context():
        page_cache.test_client().get("/en/about", headers={"Host": "evil.example"})

    later = get_page(page_cache, page_cache.test_client(), "/en/about")

    html = later.get_data(as_text=True)
    assert "evil.example" not in html
    assert 'href="http://localhost/en/about"' in html


def test_query_strings_share_one_cache_entry_per_page(page_cache: Flask) -> None:
    client = page_cache.test_client()
    get_page(page_cache, client, "/en/agenda")

    for _ in range(20):
        with recorded_statements(page_cache) as statements:
            response = get_page(page_cache, client, f"/en/agenda?q={secrets.token_hex(8)}")
        assert response.status_code == 200
        assert len(statements) == 1, "a random query string was rendered instead of cached"

    with page_cache.app_context():
        keys = [key for key in cache.cache._cache if "/en/agenda" in key]
    assert len(keys) == 1


def test_query_string_does_not_reach_the_cached_page(page_cache: Flask) -> None:
    get_page(page_cache, page_cache.test_client(), "/en/agenda?utm_source=evil.example")

    html = get_page(page_cache, page_cache.test_client(), "/en/agenda").get_data(as_text=True)

    assert "utm_source" not in html
    assert "evil.example" not in html
