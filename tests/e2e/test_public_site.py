"""The public site in a real Chromium: language choice, agenda layout, no outside requests."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, FloatRect, Locator, Page, expect

from .layout import assert_no_horizontal_scroll

pytestmark = pytest.mark.e2e

# The `new_page` fixture: new_page(locale="zh-CN", width=360, height=800) -> Page.
NewPage = Callable[..., Page]

LANGUAGES = ("en", "zh")
PHONE_WIDTH = 360
PHONE_HEIGHT = 800
DESKTOP_WIDTH = 1280
# Layout boxes may carry sub-pixel offsets; a pixel apart is the same line.
SAME_LINE = 1.0


def sub_forum_cards(page: Page) -> Locator:
    return page.locator("div.tracks.tracks--6").first.locator("article.session.session--sub_forum")


def card_boxes(cards: Locator) -> list[FloatRect]:
    boxes: list[FloatRect] = []
    for index in range(cards.count()):
        box = cards.nth(index).bounding_box()
        assert box is not None, f"sub-forum card {index + 1} is not rendered"
        boxes.append(box)
    return boxes


def language_cookie(context: BrowserContext) -> str | None:
    for cookie in context.cookies():
        if cookie["name"] == "forum_lang":
            return cookie["value"]
    return None


def test_root_with_chinese_browser_lands_on_chinese_home(
    new_page: NewPage, live_server: str
) -> None:
    page = new_page(locale="zh-CN")

    page.goto("/")

    expect(page).to_have_url(f"{live_server}/zh/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")


def test_root_with_english_browser_lands_on_english_home(
    new_page: NewPage, live_server: str
) -> None:
    page = new_page(locale="en-GB")

    page.goto("/")

    expect(page).to_have_url(f"{live_server}/en/")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_language_switch_keeps_page_and_is_remembered(new_page: NewPage, live_server: str) -> None:
    page = new_page(locale="en-US")
    page.goto("/en/agenda")

    page.locator("a.language-switch").click()

    expect(page).to_have_url(f"{live_server}/zh/agenda")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    assert language_cookie(page.context) == "zh"

    page.goto("/")

    expect(page).to_have_url(f"{live_server}/zh/")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_agenda_on_phone_stacks_sub_forums(new_page: NewPage, lang: str) -> None:
    page = new_page(width=PHONE_WIDTH, height=PHONE_HEIGHT)

    page.goto(f"/{lang}/agenda")

    assert_no_horizontal_scroll(page)
    cards = sub_forum_cards(page)
    expect(cards).to_have_count(6)
    boxes = card_boxes(cards)
    lefts = [box["x"] for box in boxes]
    tops = [box["y"] for box in boxes]
    assert max(lefts) - min(lefts) < SAME_LINE, f"cards not in one column: x = {lefts}"
    assert all(above < below for above, below in pairwise(tops)), (
        f"cards not stacked top to bottom: y = {tops}"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_agenda_on_desktop_sets_sub_forums_side_by_side(new_page: NewPage, lang: str) -> None:
    page = new_page(width=DESKTOP_WIDTH, height=PHONE_HEIGHT)

    page.goto(f"/{lang}/agenda")

    cards = sub_forum_cards(page)
    expect(cards).to_have_count(6)
    boxes = card_boxes(cards)
    lefts = [box["x"] for box in boxes]
    tops = [box["y"] for box in boxes]
    assert max(tops) - min(tops) < SAME_LINE, f"cards not in one row: y = {tops}"
    assert all(left + SAME_LINE < right for left, right in pairwise(lefts)), (
        f"cards not six columns left to right: x = {lefts}"
    )


def test_public_pages_request_nothing_outside_the_site(
    page: Page, live_server: str, public_paths: dict[str, str], requested_urls: list[str]
) -> None:
    names = ["home", "agenda", "speakers", "speaker-profile", "session"]

    for lang in LANGUAGES:
        for name in names:
            url = f"/{lang}{public_paths[name]}"
            response = page.goto(url, wait_until="networkidle")
            assert response is not None and response.ok, f"{url} answered {response}"

    assert any(urlsplit(url).path == "/static/css/site.css" for url in requested_urls), (
        f"the stylesheet request was not recorded: {requested_urls}"
    )
    site_host = urlsplit(live_server).hostname
    outside = [
        url
        for url in requested_urls
        if urlsplit(url).scheme != "data" and urlsplit(url).hostname != site_host
    ]
    assert outside == []


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", ["home", "speakers", "speaker-profile", "session", "about"])
def test_page_on_phone_has_no_horizontal_scroll(
    new_page: NewPage, public_paths: dict[str, str], lang: str, name: str
) -> None:
    page = new_page(width=PHONE_WIDTH, height=PHONE_HEIGHT)

    response = page.goto(f"/{lang}{public_paths[name]}")

    assert response is not None and response.ok, f"{page.url} answered {response}"
    assert_no_horizontal_scroll(page)
