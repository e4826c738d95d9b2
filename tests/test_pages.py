"""Every public page, in both languages: well-formed, bilingual, accessible and self-hosted."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from config import TestingConfig
from forum import create_app
from forum.agenda.models import Session
from forum.editions.models import Edition
from forum.extensions import db
from forum.speakers.models import Speaker

HTML_LANG = {"en": "en", "zh": "zh-Hans"}
OTHER = {"en": "zh", "zh": "en"}

# Each public page by name, as the path after the language prefix.
PAGES = {
    "home": "/",
    "about": "/about",
    "archive": "/editions/",
    "edition-2022": "/editions/2022/",
    "agenda": "/agenda",
    "agenda-2022": "/editions/2022/agenda",
    "speakers": "/speakers/",
    "speakers-2022": "/editions/2022/speakers/",
    "session": "/sessions/{opening_2024}",
    "speaker": "/speakers/{chen_jing}",
    "register": "/register",
}

# Text each page shows only in its own language: content from the database, or a date
# Babel formats in the page locale. None where the page is UI text only.
CONTENT = {
    "home": {"en": "Better Future", "zh": "人民城市，美好未来"},
    "about": None,
    "archive": {"en": "18–19 December 2024", "zh": "2024年12月18日至19日"},
    "edition-2022": {
        "en": "Collaborative Governance in Megacities (sample)",
        "zh": "接诉即办：超大城市协同治理（示例）",
    },
    "agenda": {
        "en": "Sub-forum 1: Digitalizing Urban Governance",
        "zh": "分论坛一：城市治理数字化",
    },
    "agenda-2022": {
        "en": "Sub-forum 1: Hotlines and Digital Government",
        "zh": "分论坛一：政务热线与数字政府",
    },
    "speakers": {"en": "Professor of Public Administration", "zh": "公共管理学教授"},
    "speakers-2022": {"en": "Researcher in e-Government", "zh": "电子政务研究员"},
    "session": {"en": "Welcome address", "zh": "欢迎致辞"},
    "speaker": {"en": "Professor of Public Administration", "zh": "公共管理学教授"},
    "register": {"en": "15 December 2024", "zh": "2024年12月15日"},
}

# Navigation words every page carries; the Chinese ones are those STYLE.md prescribes.
NAV_WORDS = {"en": ("Speakers", "Register"), "zh": ("嘉宾", "报名")}


PAGE_PARAMS = [pytest.param(page, lang, id=f"{page}-{lang}") for page in PAGES for lang in OTHER]


class PageParser(HTMLParser):
    """Collects the tags of a page with their attributes, and the text of its nav."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.nav_text: list[str] = []
        self._nav_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))
        if tag == "nav" and "site-nav" in dict(attrs).get("class", ""):
            self._nav_depth = 1
        elif tag == "nav" and self._nav_depth:
            self._nav_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self._nav_depth:
            self._nav_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._nav_depth:
            self.nav_text.append(data)

    def find(self, tag: str, **wanted: str) -> list[dict[str, str]]:
        return [
            attrs
            for name, attrs in self.tags
            if name == tag and all(attrs.get(key) == value for key, value in wanted.items())
        ]


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser


@pytest.fixture
def paths(request: pytest.FixtureRequest, app: Flask) -> dict[str, str]:
    """Page name -> path without the language prefix, with real ids filled in."""
    with app.app_context():
        edition_2024 = db.session.scalar(db.select(Edition.id).where(Edition.year == 2024))
        opening = db.session.scalar(
            db.select(Session.id).where(
                Session.edition_id == edition_2024, Session.code == "opening"
            )
        )
        chen_jing = db.session.scalar(db.select(Speaker.id).where(Speaker.seed_key == "s2024-03"))
    return {
        name: path.format(opening_2024=opening, chen_jing=chen_jing) for name, path in PAGES.items()
    }


def page_url(paths: dict[str, str], page: str, lang: str) -> str:
    return f"/{lang}{paths[page]}"


@pytest.mark.parametrize(("page", "lang"), PAGE_PARAMS)
def test_page_is_utf8_html_in_its_language(
    client: FlaskClient, paths: dict[str, str], page: str, lang: str
) -> None:
    response = client.get(page_url(paths, page, lang))

    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert '<meta charset="utf-8">' in html
    assert f'<html lang="{HTML_LANG[lang]}">' in html


@pytest.mark.parametrize(("page", "lang"), PAGE_PARAMS)
def test_page_declares_hreflang_alternates_for_the_same_page(
    client: FlaskClient, paths: dict[str, str], page: str, lang: str
) -> None:
    response = client.get(page_url(paths, page, lang))

    alternates = parse(response.get_data(as_text=True)).find("link", rel="alternate")
    by_language = {link["hreflang"]: link["href"] for link in alternates}
    assert by_language == {
        "en": "http://localhost" + page_url(paths, page, "en"),
        "zh-Hans": "http://localhost" + page_url(paths, page, "zh"),
    }


@pytest.mark.parametrize(("page", "lang"), PAGE_PARAMS)
def test_page_has_skip_link_to_main_landmark(
    client: FlaskClient, paths: dict[str, str], page: str, lang: str
) -> None:
    response = client.get(page_url(paths, page, lang))

    parsed = parse(response.get_data(as_text=True))
    first_link = next(attrs for tag, attrs in parsed.tags if tag == "a")
    assert first_link["href"] == "#main"
    assert "skip-link" in first_link["class"]
    assert len(parsed.find("main", id="main")) == 1


@pytest.mark.parametrize(("page", "lang"), PAGE_PARAMS)
def test_page_shows_its_language(
    client: FlaskClient, paths: dict[str, str], page: str, lang: str
) -> None:
    response = client.get(page_url(paths, page, lang))

    html = response.get_data(as_text=True)
    nav = " ".join(parse(html).nav_text)
    for word in NAV_WORDS[lang]:
        assert word in nav
    for word in NAV_WORDS[OTHER[lang]]:
        assert word not in nav
    if CONTENT[page]:
        assert CONTENT[page][lang] in html
        assert CONTENT[page][OTHER[lang]] not in html


@pytest.mark.parametrize(("page", "lang"), PAGE_PARAMS)
def test_page_language_switch_links_to_same_page_in_other_language(
    client: FlaskClient, paths: dict[str, str], page: str, lang: str
) -> None:
    response = client.get(page_url(paths, page, lang))

    switches = [
        attrs
        for tag, attrs in parse(response.get_data(as_text=True)).tags
        if tag == "a" and "language-switch" in attrs.get("class", "")
    ]
    assert len(switches) == 1
    assert switches[0]["href"] == page_url(paths, page, OTHER[lang])
    assert switches[0]["hreflang"] == HTML_LANG[OTHER[lang]]


@pytest.mark.parametrize(("page", "lang"), PAGE_PARAMS)
def test_page_loads_nothing_from_another_host(
    client: FlaskClient, paths: dict[str, str], page: str, lang: str
) -> None:
    response = client.get(page_url(paths, page, lang))

    absolute = [
        (tag, attrs)
        for tag, attrs in parse(response.get_data(as_text=True)).tags
        for name in ("src", "href", "srcset", "action")
        if re.match(r"^(https?:)?//", attrs.get(name, ""))
    ]
    # Only the hreflang alternates are absolute, and they name our own host.
    assert len(absolute) == 2
    for tag, attrs in absolute:
        assert (tag, attrs["rel"]) == ("link", "alternate")
        assert urlsplit(attrs["href"]).netloc == "localhost"


@pytest.mark.parametrize(("page", "lang"), PAGE_PARAMS)
def test_page_sends_security_headers(
    client: FlaskClient, paths: dict[str, str], page: str, lang: str
) -> None:
    response = client.get(page_url(paths, page, lang))

    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "default-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


# ----------------------------------------------------------------------- choosing a language


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        ("zh-CN,zh;q=0.9", "/zh/"),
        ("zh-TW", "/zh/"),
        ("en-US", "/en/"),
        ("en-US,en;q=0.9,zh-CN;q=0.8", "/en/"),
        ("de-DE,de;q=0.9", "/en/"),
        (None, "/en/"),
    ],
)
def test_root_redirects_by_accept_language(
    client: FlaskClient, accept_language: str | None, expected: str
) -> None:
    headers = {"Accept-Language": accept_language} if accept_language else {}

    response = client.get("/", headers=headers)

    assert response.status_code == 302
    assert urlsplit(response.location).path == expected


def test_root_language_cookie_wins_over_accept_language(client: FlaskClient) -> None:
    client.set_cookie("forum_lang", "zh")

    response = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})

    assert response.status_code == 302
    assert urlsplit(response.location).path == "/zh/"


def test_root_ignores_a_cookie_naming_no_site_language(client: FlaskClient) -> None:
    client.set_cookie("forum_lang", "fr")

    response = client.get("/", headers={"Accept-Language": "zh-CN"})

    assert urlsplit(response.location).path == "/zh/"


def test_chinese_page_visit_sets_language_cookie(client: FlaskClient) -> None:
    response = client.get("/zh/agenda")

    assert response.status_code == 200
    cookie = client.get_cookie("forum_lang")
    assert cookie is not None
    assert cookie.value == "zh"
    followed = client.get("/", headers={"Accept-Language": "en-US"})
    assert urlsplit(followed.location).path == "/zh/"


def test_english_page_visit_replaces_chinese_cookie(client: FlaskClient) -> None:
    client.set_cookie("forum_lang", "zh")

    client.get("/en/about")

    assert client.get_cookie("forum_lang").value == "en"


# ------------------------------------------------------------------------------ error pages


@pytest.mark.parametrize("path", ["/fr/agenda", "/de/", "/fr/", "/zh-Hans/agenda", "/EN/agenda"])
def test_unknown_language_prefix_is_not_found(client: FlaskClient, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 404


def test_not_found_page_in_chinese_for_chinese_address(client: FlaskClient) -> None:
    response = client.get("/zh/nothing")

    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert '<html lang="zh-Hans">' in html
    assert "Page not found" not in html
    assert "嘉宾" in " ".join(parse(html).nav_text)


def test_not_found_page_in_english_for_english_address(client: FlaskClient) -> None:
    response = client.get("/en/nothing")

    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "<h1>Page not found</h1>" in html


def test_not_found_page_for_missing_session_in_page_language(client: FlaskClient) -> None:
    response = client.get("/zh/sessions/999999")

    assert response.status_code == 404
    assert '<html lang="zh-Hans">' in response.get_data(as_text=True)


def test_not_found_page_without_language_follows_accept_language(client: FlaskClient) -> None:
    response = client.get("/fr/agenda", headers={"Accept-Language": "zh-CN"})

    assert response.status_code == 404
    assert '<html lang="zh-Hans">' in response.get_data(as_text=True)


@pytest.fixture
def failing_app() -> Iterator[Flask]:
    """A fresh app with a page that always raises, and errors rendered rather than raised."""

    class Config(TestingConfig):
        PROPAGATE_EXCEPTIONS = False

    application = create_app(Config)

    @application.route("/<lang:lang>/broken")
    def broken() -> str:
        raise RuntimeError("deliberate failure for the error page test")

    yield application


def test_server_error_page_in_chinese(failing_app: Flask) -> None:
    response = failing_app.test_client().get("/zh/broken")

    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert '<html lang="zh-Hans">' in html
    assert "Something went wrong" not in html
    assert "deliberate failure" not in html
    assert "嘉宾" in " ".join(parse(html).nav_text)


def test_server_error_page_in_english(failing_app: Flask) -> None:
    response = failing_app.test_client().get("/en/broken")

    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "<h1>Something went wrong</h1>" in html
    assert "deliberate failure" not in html
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
