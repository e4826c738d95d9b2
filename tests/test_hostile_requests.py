"""Requests a visitor's browser would never send: forged hosts, huge bodies, absurd ids.

Each gets a 4xx page in the visitor's language, and none of them can change what the
next visitor is served.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, request
from flask.testing import FlaskClient

from config import TestingConfig
from forum import create_app
from forum.demo import seed_demo
from forum.extensions import db
from forum.registration.services import ensure_default_categories
from forum.security import accepts_uploads

OUT_OF_RANGE = 2**31  # one past PostgreSQL's integer


@pytest.fixture
def strict_app(tmp_path: Path) -> Iterator[Flask]:
    """An app of its own, configured as production is: known hosts, CSRF on, HTTPS links."""

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'strict.sqlite3'}"
        SITE_URL = "https://bjforum.example.org"
        TRUSTED_HOSTS = ["bjforum.example.org"]
        WTF_CSRF_ENABLED = True

    app = create_app(Config)
    with app.app_context():
        db.create_all()
        ensure_default_categories()
        seed_demo()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


SITE = "https://bjforum.example.org"


# ------------------------------------------------------------------- hosts


def test_links_use_site_url_scheme_and_host_whatever_the_request_says(strict_app: Flask) -> None:
    response = strict_app.test_client().get("/zh/agenda", base_url=SITE)

    html = response.get_data(as_text=True)
    assert 'hreflang="en" href="https://bjforum.example.org/en/agenda"' in html
    assert "http://bjforum.example.org" not in html


@pytest.mark.parametrize(("lang", "shown"), [("en", "Unknown address"), ("zh", "网址有误")])
def test_untrusted_host_is_refused_with_a_page_in_the_visitors_language(
    strict_app: Flask, lang: str, shown: str
) -> None:
    response = strict_app.test_client().get(f"/{lang}/agenda", headers={"Host": "evil.example"})

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert shown in html
    assert '<meta charset="utf-8">' in html
    assert "evil.example" not in html


def test_trusted_host_is_served(strict_app: Flask) -> None:
    assert strict_app.test_client().get("/en/agenda", base_url=SITE).status_code == 200


# -------------------------------------------------------------------------- ids in URLs


@pytest.mark.parametrize(
    "path",
    [
        f"/en/sessions/{OUT_OF_RANGE}",
        f"/zh/sessions/{OUT_OF_RANGE}.ics",
        f"/en/speakers/{OUT_OF_RANGE}",
        f"/en/editions/{OUT_OF_RANGE}/",
        f"/en/editions/{OUT_OF_RANGE}/agenda",
        f"/en/editions/{OUT_OF_RANGE}/speakers/",
        f"/en/editions/{OUT_OF_RANGE}/agenda.ics",
        f"/api/v1/editions/{OUT_OF_RANGE}/schedule.json",
        "/en/sessions/99999999999999999999999999",
    ],
)
def test_id_out_of_range_is_not_found(client: FlaskClient, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 404


def test_largest_id_still_reaches_the_view(client: FlaskClient) -> None:
    response = client.get(f"/zh/sessions/{OUT_OF_RANGE - 1}")

    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)


# ------------------------------------------------------------------- bodies and methods


@pytest.mark.parametrize(("lang", "shown"), [("en", "What you sent is too large"), ("zh", "过大")])
def test_oversized_form_gets_a_friendly_413_without_echoing_it(
    client: FlaskClient, lang: str, shown: str
) -> None:
    huge = "A" * (2 * 1024 * 1024)

    response = client.post(f"/{lang}/register", data={"given_name": huge, "family_name": "Li"})

    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert shown in html
    assert f'<html lang="{"zh-Hans" if lang == "zh" else "en"}">' in html
    assert len(html) < 20_000


@pytest.mark.parametrize(("lang", "shown"), [("en", "cannot be used that way"), ("zh", "不支持")])
def test_wrong_method_gets_a_405_page_in_the_visitors_language(
    client: FlaskClient, lang: str, shown: str
) -> None:
    response = client.post(f"/{lang}/about")

    assert response.status_code == 405
    assert shown in response.get_data(as_text=True)
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize(("lang", "shown"), [("en", "This form has expired"), ("zh", "表单已过期")])
def test_form_without_csrf_token_gets_a_page_in_the_visitors_language(
    strict_app: Flask, lang: str, shown: str
) -> None:
    response = strict_app.test_client().post(
        f"/{lang}/register", data={"given_name": "Ana"}, base_url=SITE
    )

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert shown in html
    assert 'class="site-nav"' in html


# ---------------------------------------------------------------------- caching headers


def test_root_redirect_varies_by_cookie_and_accept_language(client: FlaskClient) -> None:
    response = client.get("/", headers={"Accept-Language": "zh-CN"})

    assert response.status_code == 302
    assert {"Cookie", "Accept-Language"} <= set(response.vary)
    assert response.headers["Cache-Control"] == "no-store"


def test_sign_up_form_is_never_stored_by_a_cache(client: FlaskClient) -> None:
    response = client.get("/en/register")

    assert response.headers["Cache-Control"] == "no-store"


def test_public_page_may_be_kept_but_is_revalidated_every_time(client: FlaskClient) -> None:
    response = client.get("/en/agenda")

    assert response.headers["Cache-Control"] == "public, no-cache"


def test_a_view_that_accepts_uploads_takes_a_larger_body(tmp_path: Path) -> None:
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'uploads.sqlite3'}"

    app = create_app(Config)

    @app.post("/upload-probe")
    @accepts_uploads(1024 * 1024)
    def probe() -> str:
        return str(len(request.files["photo"].read()))

    client = app.test_client()
    photo = b"\xff" * (512 * 1024)

    taken = client.post("/upload-probe", data={"photo": (io.BytesIO(photo), "p.jpg")})
    refused = client.post("/en/register", data={"photo": (io.BytesIO(photo), "p.jpg")})
    too_large = client.post("/upload-probe", data={"photo": (io.BytesIO(photo * 3), "p.jpg")})

    assert (taken.status_code, taken.get_data(as_text=True)) == (200, str(len(photo)))
    assert refused.status_code == 413
    assert too_large.status_code == 413
