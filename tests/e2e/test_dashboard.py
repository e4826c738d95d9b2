"""The organizers' dashboard draws its charts in the browser, without a console error."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, ConsoleMessage, expect

from config import TestingConfig
from forum import create_app
from forum.accounts.models import Role
from forum.accounts.services import create_user
from forum.audit import COMMAND_LINE
from forum.demo import seed_demo
from forum.editions.services import current_edition
from forum.extensions import db
from forum.registration import staff
from forum.registration.seats import choice_slots
from forum.registration.services import RegistrationData, ensure_default_categories

from .conftest import StaffLogIn, compile_translations, served

EMAIL = "organizer@e2e.example.org"
PASSWORD = "organizer password"


def _register_a_few() -> None:
    (slot,) = choice_slots(current_edition())
    for number, country in enumerate(("CN", "CN", "DE", "GH", "BR")):
        data = RegistrationData(
            given_name="Guest",
            family_name=f"Number{number}",
            email=f"guest{number}@example.org",
            country=country,
            category_code="delegate" if number % 2 else "media",
            preferred_language="en",
            consent=True,
            session_ids=[slot.sessions[number % len(slot.sessions)].id],
        )
        staff.register_by_organizer(current_edition(), data, COMMAND_LINE)


@pytest.fixture(scope="module")
def staff_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo site with a few registrations, the real security headers and an organizer."""
    folder = tmp_path_factory.mktemp("e2e-dashboard-site")

    class DashboardSiteConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder / 'forum-e2e-dashboard.sqlite3'}"
        BABEL_TRANSLATION_DIRECTORIES = str(compile_translations(folder / "translations"))
        WTF_CSRF_ENABLED = True

    app = create_app(DashboardSiteConfig)
    with app.app_context():
        db.create_all()
        ensure_default_categories()
        seed_demo()
        create_user(EMAIL, Role.ORGANIZER, PASSWORD, COMMAND_LINE, display_name="Li Na")
        _register_a_few()
        db.session.commit()
        db.session.remove()
    with served(app, "e2e-dashboard") as url:
        yield url


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_dashboard_draws_its_charts_without_console_errors(
    staff_log_in: StaffLogIn, browser: Browser, staff_site: str, lang: str
) -> None:
    context = browser.new_context(base_url=staff_site, viewport={"width": 1280, "height": 800})
    problems: list[str] = []
    requested: list[str] = []
    try:
        page = context.new_page()
        page.on(
            "console",
            lambda message: _keep_errors(message, problems),
        )
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("request", lambda request: requested.append(request.url))
        staff_log_in(page, EMAIL, PASSWORD, lang=lang)

        charts = page.locator(".chart canvas")
        expect(charts).to_have_count(4)
        for name in ("days", "categories", "countries", "sessions"):
            canvas = page.locator(f'.chart[data-chart="{name}"] canvas')
            box = canvas.bounding_box()
            assert box and box["width"] > 100 and box["height"] > 100, name
            # Chart.js painted something: the canvas is not blank.
            assert canvas.evaluate(_HAS_INK), f"the {name} chart is blank"
        # The tables under the charts stay.
        expect(page.locator("#countries-title ~ .table-wrap table")).to_be_visible()
    finally:
        context.close()
    assert problems == []
    assert all(url.startswith(staff_site) for url in requested), requested


_HAS_INK = """canvas => {
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] !== 0) return true; }
  return false;
}"""


def _keep_errors(message: ConsoleMessage, problems: list[str]) -> None:
    if message.type in ("error", "warning"):
        problems.append(f"{message.type}: {message.text}")
