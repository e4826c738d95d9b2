"""An organizer renames a sub-forum in the browser; visitors see it at once in both languages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from config import TestingConfig
from forum import create_app
from forum.accounts.models import Role
from forum.accounts.services import create_user
from forum.audit import COMMAND_LINE
from forum.demo import seed_demo
from forum.extensions import db

from .conftest import StaffLogIn, compile_translations, served
from .layout import assert_no_horizontal_scroll

EMAIL = "organizer@e2e.example.org"
PASSWORD = "organizer password"


@pytest.fixture(scope="module")
def staff_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo site with the page cache on, as in production, and an organizer account."""
    folder = tmp_path_factory.mktemp("e2e-staff-site")

    class StaffSiteConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder / 'forum-e2e-staff.sqlite3'}"
        BABEL_TRANSLATION_DIRECTORIES = str(compile_translations(folder / "translations"))
        PAGE_CACHE_ENABLED = True
        WTF_CSRF_ENABLED = True

    app = create_app(StaffSiteConfig)
    with app.app_context():
        db.create_all()
        seed_demo()
        create_user(EMAIL, Role.ORGANIZER, PASSWORD, COMMAND_LINE, display_name="Li Na")
        db.session.commit()
        db.session.remove()
    with served(app, "e2e-staff-site") as url:
        yield url


@pytest.mark.e2e
def test_an_organizer_renames_a_sub_forum_and_the_public_agenda_shows_it(
    browser: Browser, staff_site: str, staff_log_in: StaffLogIn
) -> None:
    visitor = browser.new_context(base_url=staff_site)
    organizer = browser.new_context(base_url=staff_site, viewport={"width": 1280, "height": 800})
    try:
        public = visitor.new_page()
        # Both agendas are in the page cache before the change.
        for lang in ("en", "zh"):
            public.goto(f"/{lang}/agenda")
        expect(public.locator("main")).to_contain_text("分论坛一：城市治理数字化")

        page = organizer.new_page()
        staff_log_in(page, EMAIL, PASSWORD)
        expect(page.locator("h1")).to_have_text("Welcome, Li Na")
        assert_no_horizontal_scroll(page)

        page.click("nav >> text=Programme")
        page.click("text=Sub-forum 1: Digitalizing Urban Governance")
        assert_no_horizontal_scroll(page)
        page.fill("#title-en", "Sub-forum 1: Cities That Listen")
        page.fill("#title-zh", "分论坛一：倾听的城市")
        page.click("button:text-is('Save')")
        expect(page.locator(".flash--success")).to_have_text("Saved.")
        expect(page.locator("h1")).to_have_text("Sub-forum 1: Cities That Listen")

        public.goto("/en/agenda")
        expect(public.locator("main")).to_contain_text("Sub-forum 1: Cities That Listen")
        public.goto("/zh/agenda")
        expect(public.locator("main")).to_contain_text("分论坛一：倾听的城市")
        expect(public.locator("main")).not_to_contain_text("分论坛一：城市治理数字化")
    finally:
        visitor.close()
        organizer.close()


@pytest.mark.e2e
def test_the_staff_pages_fit_a_tablet_in_chinese(
    browser: Browser, staff_site: str, staff_log_in: StaffLogIn
) -> None:
    context = browser.new_context(base_url=staff_site, viewport={"width": 768, "height": 1024})
    try:
        page = context.new_page()
        staff_log_in(page, EMAIL, PASSWORD, lang="zh")
        expect(page.locator("h1")).to_have_text("Li Na，您好")

        page.click("nav >> text=议程")
        assert_no_horizontal_scroll(page)
        page.locator("td a").first.click()
        expect(page.locator("legend").first).to_have_text("标题")
        assert_no_horizontal_scroll(page)
        for path in ("/zh/admin/speakers", "/zh/admin/conflicts", "/zh/admin/editions"):
            page.goto(path)
            assert_no_horizontal_scroll(page)
        page.goto("/zh/admin/speakers")
        page.locator("td a").first.click()
        expect(page.locator("#photo_upload")).to_be_visible()
        assert_no_horizontal_scroll(page)
    finally:
        context.close()
