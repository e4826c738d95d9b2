"""An organizer imports a GB18030 CSV of 20 guests in the browser, fixes the rejected row,
confirms, and finds a guest by Chinese name."""

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
from forum.registration.services import ensure_default_categories

from .conftest import StaffLogIn, compile_translations, served

EMAIL = "organizer@e2e.example.org"
PASSWORD = "organizer password"


@pytest.fixture(scope="module")
def staff_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo site with its categories, CSRF on, and an organizer account."""
    folder = tmp_path_factory.mktemp("e2e-import-site")

    class ImportSiteConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder / 'forum-e2e-import.sqlite3'}"
        BABEL_TRANSLATION_DIRECTORIES = str(compile_translations(folder / "translations"))
        WTF_CSRF_ENABLED = True

    app = create_app(ImportSiteConfig)
    with app.app_context():
        db.create_all()
        ensure_default_categories()
        seed_demo()
        create_user(EMAIL, Role.ORGANIZER, PASSWORD, COMMAND_LINE, display_name="Li Na")
        db.session.commit()
        db.session.remove()
    with served(app, "e2e-import-site") as url:
        yield url


SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "芳伟娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚"


def _guests_csv(bad_row: int) -> bytes:
    lines = ["family_name,given_name,name_zh,email,country,organization,category"]
    for number in range(20):
        family, given = SURNAMES[number], GIVEN[number]
        email = f"guest{number}@example.cn"
        if number == bad_row:
            email = f"guest{number}-at-example.cn"
        lines.append(f"Guest{number},Test,{family}{given},{email},CN,北京市政务服务管理局,guest")
    return ("\r\n".join(lines) + "\r\n").encode("gb18030")


@pytest.mark.e2e
def test_an_organizer_imports_guests_fixes_a_row_and_finds_one_by_chinese_name(
    browser: Browser, staff_site: str, staff_log_in: StaffLogIn
) -> None:
    context = browser.new_context(base_url=staff_site, viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        staff_log_in(page, EMAIL, PASSWORD)

        page.click("nav >> text=Registrations")
        page.click("text=Import guests")
        page.set_input_files(
            "#file",
            {"name": "guests.csv", "mimeType": "text/csv", "buffer": _guests_csv(bad_row=6)},
        )
        page.click("button:text-is('Preview')")
        expect(page.locator("main")).to_contain_text("1 row rejected.")
        expect(page.locator("text=Import 19 guests")).to_have_count(0)
        # Row 6 of the guests is line 8 of the file: its address is shown, with the error
        # next to it, in the form that corrects it on the page.
        address = page.locator("#row-8-email")
        expect(address).to_have_value("guest6-at-example.cn")
        expect(address).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#row-8-email-error")).to_have_text("Not a valid e-mail address.")
        expect(page.locator("#row-8-name_zh")).to_have_value("赵强")

        address.fill("guest6@example.cn")
        page.click("button:text-is('Check again')")
        expect(page.locator("main")).to_contain_text("20 rows to import.")
        expect(page.locator("#row-8-email")).to_have_count(0)
        page.click("text=Import 20 guests and send their invitations")
        expect(page.locator(".flash--success")).to_have_text("20 guests registered and invited.")

        page.fill("#q", "赵强")
        page.click("button:text-is('Show')")
        expect(page.locator("tbody tr")).to_have_count(1)
        expect(page.locator("tbody")).to_contain_text("guest6@example.cn")
    finally:
        context.close()
