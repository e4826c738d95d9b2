"""Browser fixtures: the seeded site served on 127.0.0.1 and Debian's Chromium driving it.

One server and one browser serve the whole test session; each test gets fresh browser
contexts (no cookies carried over) and a screenshot in `tests/e2e/artifacts/` when it fails.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from werkzeug.serving import make_server

from config import BASE_DIR, TestingConfig
from forum import create_app
from forum.demo import seed_demo
from forum.editions.services import current_edition
from forum.extensions import db
from forum.registration.services import ensure_default_categories, open_registration

# Debian's Chromium, never a browser Playwright downloads: the tests install nothing.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
HOST = "127.0.0.1"

DEFAULT_LOCALE = "en-US"
DEFAULT_WIDTH = 1280
DEFAULT_HEIGHT = 800

PHASE_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    # Keep each phase's report on the item, so fixture teardown knows whether the test failed.
    report = yield
    item.stash.setdefault(PHASE_REPORTS, {})[report.when] = report
    return report


def _has_failed(item: pytest.Item) -> bool:
    reports = item.stash.get(PHASE_REPORTS, {})
    return any(report.failed for report in reports.values())


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The app behind the live server: a test arranges data in its app context."""
    folder = tmp_path_factory.mktemp("e2e-site")

    class LiveServerConfig(TestingConfig):
        # A file, not ":memory:": the server answers from several threads.
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder / 'forum-e2e.sqlite3'}"
        BABEL_TRANSLATION_DIRECTORIES = str(compile_translations(folder / "translations"))

    app = create_app(LiveServerConfig)
    with app.app_context():
        db.create_all()
        ensure_default_categories()
        db.session.commit()
        seed_demo()
        open_registration(current_edition(), timedelta(days=30))
        db.session.commit()
        db.session.remove()
    return app


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[str]:
    """The demo site on a free 127.0.0.1 port; yields its base URL."""
    app = live_app
    with served(app, "e2e-live-server") as url:
        app.config["SITE_URL"] = url
        yield url


@contextmanager
def served(app: Flask, name: str) -> Iterator[str]:
    """`app` served by a thread on a free port of 127.0.0.1; yields its base URL.

    Port 0: the OS picks a free port when binding, so there is no race for it.
    """
    server = make_server(HOST, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


def compile_translations(target: Path) -> Path:
    """Compile the catalogues as they are now into `target`, so Chinese pages show Chinese.

    The browser then sees the real text lengths whether or not `make translations` ran.
    """
    for source in (BASE_DIR / "translations").glob("*/LC_MESSAGES/messages.po"):
        compiled = target / source.relative_to(BASE_DIR / "translations").with_suffix(".mo")
        compiled.parent.mkdir(parents=True, exist_ok=True)
        with source.open("rb") as po_file:
            catalog = read_po(po_file)
        with compiled.open("wb") as mo_file:
            write_mo(mo_file, catalog)
    return target


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium. "
            "Install it with `apt-get install -y chromium` (`make test` does this).",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def public_paths(browser: Browser, live_server: str) -> dict[str, str]:
    """Public pages by name, as paths after the language prefix: {"about": "/about", ...}.

    The speaker profile and the session are found by following the site's own links.
    """
    context = browser.new_context(base_url=live_server, locale=DEFAULT_LOCALE)
    try:
        page = context.new_page()
        page.goto("/en/speakers/")
        profile = page.locator(".speaker-card__name a").first.get_attribute("href")
        page.goto("/en/agenda")
        session = page.locator(".session--sub_forum .session__title a").first.get_attribute("href")
    finally:
        context.close()
    assert profile and profile.startswith("/en/"), f"no speaker profile link: {profile!r}"
    assert session and session.startswith("/en/"), f"no session link: {session!r}"
    return {
        "home": "/",
        "agenda": "/agenda",
        "speakers": "/speakers/",
        "speaker-profile": profile.removeprefix("/en"),
        "session": session.removeprefix("/en"),
        "about": "/about",
    }


@pytest.fixture
def requested_urls() -> list[str]:
    """Every URL requested by the pages this test opened, in order."""
    return []


NewPage = Callable[..., Page]


@pytest.fixture
def new_page(
    browser: Browser,
    live_server: str,
    requested_urls: list[str],
    request: pytest.FixtureRequest,
) -> Iterator[NewPage]:
    """Open a page in a fresh context: `new_page(locale="zh-CN", width=360, height=800)`.

    Relative URLs in `page.goto` go to the live server.
    """
    contexts: list[BrowserContext] = []

    def open_page(
        locale: str = DEFAULT_LOCALE, width: int = DEFAULT_WIDTH, height: int = DEFAULT_HEIGHT
    ) -> Page:
        context = browser.new_context(
            base_url=live_server,
            locale=locale,
            viewport={"width": width, "height": height},
        )
        context.on("request", lambda sent: requested_urls.append(sent.url))
        contexts.append(context)
        return context.new_page()

    yield open_page

    if _has_failed(request.node):
        _save_screenshots(request.node, contexts)
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: NewPage) -> Page:
    """A page with an English browser locale in a 1280 × 800 window."""
    return new_page()


StaffLogIn = Callable[..., None]


@pytest.fixture
def staff_log_in() -> StaffLogIn:
    """Log a page in through the staff login form, keyboard only, and wait for the
    dashboard: `staff_log_in(page, email, password, lang="zh")`."""

    def log_in(page: Page, email: str, password: str, lang: str = "en") -> None:
        page.goto(f"/{lang}/admin/login")
        page.fill("#email", email)
        page.fill("#password", password)
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(rf"/{lang}/admin/$"))

    return log_in


def _save_screenshots(item: pytest.Item, contexts: list[BrowserContext]) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", item.name).strip("_")
    pages = [page for context in contexts for page in context.pages]
    for number, page in enumerate(pages, start=1):
        suffix = "" if number == 1 else f"-{number}"
        try:
            page.screenshot(path=ARTIFACTS / f"{name}{suffix}.png", full_page=True)
        except Exception as error:  # a crashed page must not hide the test's own failure
            print(f"could not save a screenshot of {page.url}: {error}")
