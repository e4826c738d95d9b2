"""Registering on a phone, as an attendee would: errors, then success, then cancelling."""

from __future__ import annotations

import re
from email import message_from_string, policy
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from forum.agenda.models import Session
from forum.editions.services import current_edition
from forum.extensions import db
from forum.mail import OutboxMessage, compose_queued
from forum.registration.seats import choice_slots, seat_availability

from .conftest import NewPage
from .layout import assert_no_horizontal_scroll

PHONE = {"width": 360, "height": 740}
SHOWN = {
    "en": {
        "cancelled": "has been cancelled, and its links ended with it",
        "keep": "Everything you typed has been kept",
        "your_seat": "Your seat",
        "waiting": "You are on the waiting list, position {n}",
        "listed_waiting": "On the waiting list, position {n}",
        "seat_confirmed": "Seat confirmed",
    },
    "zh": {
        "cancelled": "此链接所属的报名已取消",
        "keep": "您已填写的信息均已保留",
        "your_seat": "您的席位",
        "waiting": "您在候补名单中，排第{n}位",
        "listed_waiting": "候补中，排第{n}位",
        "seat_confirmed": "席位已确认",
    },
}


def fill_valid_form(page: Page, email: str, sub_forum: int = 2) -> None:
    page.fill("#given_name", "Wei")
    page.fill("#family_name", "Zhang")
    page.fill("#name_zh", "张伟")
    page.fill("#email", email)
    page.fill("#organization", "Beijing Municipal Administration")
    page.select_option("#country", "CN")
    page.check("input[name=category][value=delegate]")
    # The first option is "none of them"; sub-forums follow in the programme's order.
    page.locator("input[name^=slot_]").nth(sub_forum + 1).check()
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
    # The link died with the registration; its page says why.
    expect(page.locator("main")).to_contain_text(SHOWN[lang]["cancelled"])


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_join_the_waiting_list_of_a_full_sub_forum_from_the_manage_page(
    new_page: NewPage, live_app: Flask, lang: str
) -> None:
    full, held = _sub_forums(live_app)[:2]
    with live_app.app_context():
        # Sub-forum 1 is full: its seats are all taken by those already registered.
        session = db.session.get(Session, full)
        seats = seat_availability([session])[full]
        session.capacity = seats.confirmed
        db.session.commit()
    position = seats.waiting + 1
    page = new_page(locale="zh-CN" if lang == "zh" else "en-GB", **PHONE)
    page.goto(f"/{lang}/register")
    fill_valid_form(page, f"waiting.{lang}@example.org", sub_forum=1)
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(rf"/{lang}/registration/"))

    slot = page.locator("form.slot-form")
    slot.locator(f"input[value='{full}']").check()
    slot.locator("button[type=submit]").click()

    expect(page.locator(".flash--success")).to_be_visible()
    # Both states at once: the seat held in one sub-forum, the place in line for the other.
    listed = page.locator(".seat-list")
    expect(listed).to_contain_text(SHOWN[lang]["seat_confirmed"])
    expect(listed).to_contain_text(SHOWN[lang]["listed_waiting"].format(n=position))
    expect(slot.locator(f"input[value='{full}']")).to_be_checked()
    expect(slot.locator(".choice", has=page.locator(f"input[value='{full}']"))).to_contain_text(
        SHOWN[lang]["waiting"].format(n=position)
    )
    expect(slot.locator(".choice", has=page.locator(f"input[value='{held}']"))).to_contain_text(
        SHOWN[lang]["your_seat"]
    )
    assert_no_horizontal_scroll(page)


@pytest.mark.e2e
def test_old_link_still_works_after_a_new_link_was_requested(
    new_page: NewPage, live_app: Flask
) -> None:
    attendee = new_page()
    attendee.goto("/en/register")
    fill_valid_form(attendee, "two.links@example.org")
    attendee.click("button[type=submit]")
    expect(attendee).to_have_url(re.compile(r"/en/registration/[A-Za-z0-9_-]+\?welcome=1$"))
    old_link = attendee.url.split("?", 1)[0]
    reference = attendee.locator(".reference").inner_text()

    # Someone else (or the attendee on another device) asks for a link to the address.
    other = new_page()
    other.goto("/en/register/lost-link")
    other.fill("#email", "two.links@example.org")
    other.click("button[type=submit]")
    expect(other.locator("h1")).to_have_text("Check your e-mail")

    attendee.goto(old_link)
    expect(attendee.locator(".reference")).to_have_text(reference)
    # The new link from the e-mail opens the same registration.
    attendee.goto(_newest_link_to(live_app, "two.links@example.org"))
    expect(attendee.locator(".reference")).to_have_text(reference)


def _sub_forums(app: Flask) -> list[int]:
    with app.app_context():
        (slot,) = choice_slots(current_edition())
        return [session.id for session in slot.sessions]


def _newest_link_to(app: Flask, address: str) -> str:
    with app.app_context():
        message = db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.recipient == address)
            .order_by(OutboxMessage.id.desc())
        ).first()
        compose_queued(message)
        db.session.commit()
        body = message_from_string(message.raw, policy=policy.default).get_body(("plain",))
        url = re.search(r"https?://\S+/registration/[A-Za-z0-9_-]+", body.get_content()).group(0)
    return urlsplit(url).path
