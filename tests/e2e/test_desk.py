"""Two check-in desks in the browser: scan, see the card, check in, print; a rescan says so."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import segno
from playwright.sync_api import Browser, Page, expect

from config import TestingConfig
from forum import create_app
from forum.accounts.models import Role
from forum.accounts.services import create_user
from forum.audit import COMMAND_LINE
from forum.demo import seed_demo
from forum.documents.qr import make_payload
from forum.editions.services import current_edition
from forum.extensions import db
from forum.registration.services import (
    RegistrationData,
    ensure_default_categories,
    open_registration,
    register,
)

from .conftest import CHROMIUM, CHROMIUM_ARGS, StaffLogIn, compile_translations, served

EMAIL = "desk@e2e.example.org"
PASSWORD = "desk password here"


@pytest.fixture(scope="module")
def desk_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    """The demo site with CSRF on, a check-in account and two attendees; yields
    (url, their badge payloads)."""
    folder = tmp_path_factory.mktemp("e2e-desk-site")

    class DeskSiteConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder / 'forum-e2e-desk.sqlite3'}"
        BABEL_TRANSLATION_DIRECTORIES = str(compile_translations(folder / "translations"))
        WTF_CSRF_ENABLED = True

    app = create_app(DeskSiteConfig)
    with app.app_context():
        db.create_all()
        ensure_default_categories()
        db.session.commit()
        seed_demo()
        create_user(EMAIL, Role.CHECKIN, PASSWORD, COMMAND_LINE, display_name="Wang Fang")
        edition = current_edition()
        open_registration(edition, timedelta(days=30))
        payloads = [
            make_payload(register(edition, _attendee(given, family)).registration.reference)
            for given, family in (("Amélie", "Durand"), ("Kenji", "Sato"), ("Lucía", "Gómez"))
        ]
        db.session.commit()
        db.session.remove()
    with served(app, "e2e-desk-site") as url:
        yield url, payloads


def _attendee(given_name: str, family_name: str) -> RegistrationData:
    return RegistrationData(
        given_name=given_name,
        family_name=family_name,
        email=f"{given_name.lower()}@example.org",
        country="FR",
        category_code="delegate",
        preferred_language="en",
        consent=True,
        organization="Ville de Lyon",
    )


OpenDesk = Callable[[Page, str], None]


@pytest.fixture
def open_desk(staff_log_in: StaffLogIn) -> OpenDesk:
    """Log the check-in account in and name this device's desk: `open_desk(page, name)`."""

    def open_desk(page: Page, name: str) -> None:
        staff_log_in(page, EMAIL, PASSWORD)
        expect(page.locator("h1")).to_have_text("Welcome, Wang Fang")
        page.goto("/en/desk/")
        # A new device names its desk first; the field has the focus.
        expect(page.locator("#desk-name")).to_be_focused()
        page.keyboard.type(name)
        page.keyboard.press("Enter")
        expect(page.locator("h1 .desk-name")).to_have_text(name)

    return open_desk


def _scan(page: Page, payload: str) -> None:
    """What a USB scanner does: type the code into the focused input, then Enter."""
    expect(page.locator("#desk-q")).to_be_focused()
    page.keyboard.type(payload)
    page.keyboard.press("Enter")


def _scan_again(page: Page, payload: str) -> None:
    """The next scan: the scanner types into the input wherever the focus went."""
    page.locator("#desk-q").focus()
    page.locator("#desk-q").fill("")
    _scan(page, payload)


@pytest.mark.e2e
def test_a_desk_scans_checks_in_and_prints_and_a_second_desk_sees_already_checked_in(
    browser: Browser, desk_site: tuple[str, list[str]], open_desk: OpenDesk
) -> None:
    url, (payload, *_others) = desk_site
    east_context = browser.new_context(base_url=url)
    west_context = browser.new_context(base_url=url)
    try:
        east = east_context.new_page()
        open_desk(east, "East hall 2")
        _scan(east, payload)
        card = east.locator(".desk-card")
        expect(card.locator(".desk-card__state")).to_have_text("✔ OK to enter")
        expect(card.locator(".desk-card__name")).to_contain_text("Amélie Durand")

        # Keyboard only: Tab to the check-in button and press Enter.
        east.locator(".desk-admit__button").focus()
        east.keyboard.press("Enter")
        expect(east.locator(".desk-card__state")).to_have_text("✔ Checked in now: let them in")
        expect(east.locator("#desk-q")).to_be_focused()
        # The live counts follow without a reload: one of the two delegates is in.
        delegates = east.locator(".desk-counts__entrance tr", has_text="Delegate").locator("td")
        expect(delegates).to_have_text(["Delegate", "1", "3"])

        print_form = east.locator("form[action$='/badge.pdf']")
        token = print_form.locator("input[name=csrf_token]").get_attribute("value")
        badge = east_context.request.post(
            url + print_form.get_attribute("action"), form={"csrf_token": token}
        )
        assert badge.ok
        assert badge.headers["content-type"] == "application/pdf"
        assert badge.body().startswith(b"%PDF")

        west = west_context.new_page()
        open_desk(west, "West hall")
        _scan(west, payload)
        state = west.locator(".desk-card__state")
        expect(state).to_have_text("✖ Already checked in")
        expect(west.locator(".desk-card__already")).to_contain_text("at East hall 2 by Wang Fang")
        expect(west.locator(".desk-admit__button")).to_have_count(0)
    finally:
        east_context.close()
        west_context.close()


@pytest.mark.e2e
def test_a_desk_that_loses_the_network_shows_pending_then_admits_once_when_it_returns(
    browser: Browser, desk_site: tuple[str, list[str]], open_desk: OpenDesk
) -> None:
    url, (_first, payload, *_others) = desk_site
    context = browser.new_context(base_url=url)
    try:
        page = context.new_page()
        open_desk(page, "North door")
        _scan(page, payload)
        expect(page.locator(".desk-card__state")).to_have_text("✔ OK to enter")

        context.set_offline(True)
        page.locator(".desk-admit__button").click()
        pending = page.locator(".desk-admit__pending")
        expect(pending).to_be_visible()
        expect(pending).to_contain_text("Pending")
        expect(page.locator(".desk-card__state")).to_have_text("✔ OK to enter")

        context.set_offline(False)
        expect(page.locator(".desk-card__state")).to_have_text(
            "✔ Checked in now: let them in", timeout=10_000
        )
        page.reload()
        expect(page.locator(".desk-card__history li")).to_have_count(1)
    finally:
        context.close()


@pytest.mark.e2e
def test_a_desk_that_prints_on_check_in_opens_the_badge_once_by_keyboard_alone(
    browser: Browser, desk_site: tuple[str, list[str]], staff_log_in: StaffLogIn
) -> None:
    url, (*_others, payload) = desk_site
    context = browser.new_context(base_url=url)
    # The prints the desk asked for (the browser's PDF viewer may fetch the result again).
    prints_asked: list[str] = []
    context.on(
        "request",
        lambda sent: (
            prints_asked.append(sent.url)
            if sent.method == "POST" and sent.url.endswith("/badge.pdf")
            else None
        ),
    )
    try:
        page = context.new_page()
        staff_log_in(page, EMAIL, PASSWORD)
        page.goto("/en/desk/")
        # Name the desk and tick "Print the badge on check-in" without the mouse.
        expect(page.locator("#desk-name")).to_be_focused()
        page.keyboard.type("South desk")
        for _field in ("#desk-point", "#desk-layout", "#desk-print"):
            page.keyboard.press("Tab")
        expect(page.locator("#desk-print")).to_be_focused()
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        expect(page.locator("h1 .desk-prints")).to_have_text("Prints on check-in")

        _scan(page, payload)
        expect(page.locator(".desk-card__state")).to_have_text("✔ OK to enter")
        page.locator(".desk-admit__button").focus()
        with context.expect_event(
            "response", lambda answer: answer.url.endswith("/badge.pdf")
        ) as printed:
            page.keyboard.press("Enter")
        expect(page.locator(".desk-card__state")).to_have_text("✔ Checked in now: let them in")
        assert printed.value.status == 200
        assert printed.value.headers["content-type"] == "application/pdf"

        # The print was counted and recorded at this desk; a rescan prints nothing more.
        _scan_again(page, payload)
        expect(page.locator(".desk-card__state")).to_have_text("✖ Already checked in")
        prints = page.locator(".desk-card__details dt:text-is('Badge prints') + dd")
        expect(prints).to_have_text("1")
        expect(page.locator(".desk-card__history")).to_contain_text("badge printed · South desk")
        assert len(prints_asked) == 1
    finally:
        context.close()


VIDEO_WIDTH, VIDEO_HEIGHT = 640, 480


def write_qr_video(payload: str, target: Path, frames: int = 10) -> Path:
    """A y4m video (what Chromium's fake camera plays) of the payload's QR code, as the
    badge prints it, black on white in the middle of a grey frame."""
    code = segno.make(payload, error="m", micro=False)
    rows = list(code.matrix_iter(scale=8, border=4))
    top, left = (VIDEO_HEIGHT - len(rows)) // 2, (VIDEO_WIDTH - len(rows[0])) // 2
    luma = bytearray([128]) * (VIDEO_WIDTH * VIDEO_HEIGHT)
    for y, row in enumerate(rows):
        start = (top + y) * VIDEO_WIDTH + left
        luma[start : start + len(row)] = bytes(16 if dark else 235 for dark in row)
    chroma = bytes([128]) * (VIDEO_WIDTH // 2 * VIDEO_HEIGHT // 2)
    with target.open("wb") as video:
        video.write(f"YUV4MPEG2 W{VIDEO_WIDTH} H{VIDEO_HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _frame in range(frames):
            video.write(b"FRAME\n" + bytes(luma) + chroma + chroma)
    return target


@pytest.mark.e2e
def test_a_desk_scans_a_badge_with_the_camera_through_the_vendored_decoder(
    browser: Browser, desk_site: tuple[str, list[str]], open_desk: OpenDesk, tmp_path: Path
) -> None:
    url, (payload, *_others) = desk_site
    video = write_qr_video(payload, tmp_path / "badge.y4m")
    camera_browser = browser.browser_type.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = camera_browser.new_context(base_url=url, permissions=["camera"])
        # Whatever this Chromium offers, the desk must fall back to the vendored jsQR.
        context.add_init_script("delete window.BarcodeDetector;")
        requested: list[str] = []
        context.on("request", lambda sent: requested.append(sent.url))
        page = context.new_page()
        open_desk(page, "Camera desk")

        camera = page.locator(".desk-camera")
        expect(camera).to_be_visible()
        camera.focus()
        page.keyboard.press("Enter")

        card = page.locator(".desk-card")
        expect(card.locator(".desk-card__name")).to_contain_text("Amélie Durand", timeout=15_000)
        expect(page.locator("#desk-q")).to_have_value(payload)
        assert f"{url}/static/vendor/jsqr/jsQR.js" in requested
        assert all(address.startswith(url) for address in requested)
    finally:
        camera_browser.close()
