"""Registering on a phone, as an attendee would: errors, then success, then cancelling."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import NewPage
from .layout import assert_no_horizontal_scroll

PHONE = {"width": 360, "height": 740}
SHOWN = {
    "en": {"cancelled": "Cancelled", "keep": "Everything you typed has been kept"},
    "zh": {"cancelled": "已取消", "keep": "您已填写的信息均已保留"},
}


def fill_valid_form(page: Page, email: str) -> None:
    page.fill("#given_name", "Wei")
    page.fill("#family_name", "Zhang")
    page.fill("#name_zh", "张伟")
    page.fill("#email", email)
    page.fill("#organization", "Beijing Municipal Administration")
    page.select_option("#country", "CN")
    page.check("input[name=category][value=delegate]")
    page.locator("input[name=slot_0]").nth(2).check()
    page.check("#consent")


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_register_on_a_phone_from_errors_to_cancelling(new_page: NewPage, lang: str) -> None:
    page = new_page(locale="zh-CN" if lang == "zh" else "en-GB", **PHONE)
    page.goto(f"/{lang}/register")
    assert_no_horizontal_scroll(page)

    # A mistake first: what was typed must still be there, with the error by the field.
    page.fill("#given_name", "Wei")
    page.fill("#email", "not an address")
    page.click("button[type=submit]")
    expect(page.locator(".form-summary")).to_contain_text(SHOWN[lang]["keep"])
    expect(page.locator("#given_name")).to_have_value("Wei")
    expect(page.locator("#email")).to_have_attribute("aria-invalid", "true")
    assert_no_horizontal_scroll(page)

    fill_valid_form(page, f"wei.zhang.{lang}@example.org")
    page.click("button[type=submit]")

    expect(page).to_have_url(re.compile(rf"/{lang}/registration/[A-Za-z0-9_-]+\?welcome=1$"))
    reference = page.locator(".reference").inner_text()
    assert re.fullmatch(r"[34679ACDEFGHJKMNPQRTUVWXY]{4}-[34679ACDEFGHJKMNPQRTUVWXY]{4}", reference)
    assert_no_horizontal_scroll(page)

    page.click("a.danger-link")
    assert_no_horizontal_scroll(page)
    page.click("button.button--danger")
    expect(page.locator(".status")).to_have_text(SHOWN[lang]["cancelled"])
