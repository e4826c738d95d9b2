"""An organizer orders a badge batch in the browser, the worker renders it while the page
follows its progress, and the organizer downloads the PDF and marks the batch printed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, expect
from pypdf import PdfReader

from config import TestingConfig
from forum import create_app
from forum.accounts.models import Role
from forum.accounts.services import create_user
from forum.audit import COMMAND_LINE
from forum.demo import seed_demo
from forum.editions.services import current_edition
from forum.extensions import db
from forum.registration import staff
from forum.registration.models import Registration
from forum.registration.services import RegistrationData, ensure_default_categories
from forum.worker import run_badge_batch

from .conftest import StaffLogIn, compile_translations, served

EMAIL = "organizer@e2e.example.org"
PASSWORD = "organizer password"
FAMILIES = ["Wang", "Adams", "Okafor", "Bauer"]


@pytest.fixture(scope="module")
def batch_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, str]]:
    """The demo site with four confirmed registrations and an organizer; every batch,
    however small, goes to the worker (which the test runs itself)."""
    folder = tmp_path_factory.mktemp("e2e-badge-batches")

    class BatchSiteConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder / 'forum-e2e-batches.sqlite3'}"
        BABEL_TRANSLATION_DIRECTORIES = str(compile_translations(folder / "translations"))
        WTF_CSRF_ENABLED = True
        BADGE_BATCH_IN_REQUEST = 0

    app = create_app(BatchSiteConfig)
    with app.app_context():
        db.create_all()
        ensure_default_categories()
        seed_demo()
        create_user(EMAIL, Role.ORGANIZER, PASSWORD, COMMAND_LINE, display_name="Li Na")
        for family in FAMILIES:
            data = RegistrationData(
                given_name="Sam",
                family_name=family,
                email=f"{family.lower()}@example.org",
                country="GB",
                category_code="delegate",
                preferred_language="en",
                consent=True,
            )
            staff.register_by_organizer(current_edition(), data, COMMAND_LINE)
        db.session.commit()
        db.session.remove()
    with served(app, "e2e-batch-site") as url:
        yield app, url


def _run_the_worker(app: Flask) -> int:
    with app.app_context():
        _sent, rendered = run_badge_batch("e2e-worker")
        db.session.remove()
    return rendered


def _print_counts(app: Flask) -> set[int]:
    with app.app_context():
        counts = {registration.badge_prints for registration in db.session.query(Registration)}
        db.session.remove()
    return counts


@pytest.mark.e2e
def test_an_organizer_orders_a_batch_follows_its_progress_and_downloads_it(
    browser: Browser,
    batch_site: tuple[Flask, str],
    tmp_path: Path,
    staff_log_in: StaffLogIn,
) -> None:
    app, base_url = batch_site
    context = browser.new_context(
        base_url=base_url, viewport={"width": 1280, "height": 800}, accept_downloads=True
    )
    try:
        page = context.new_page()
        staff_log_in(page, EMAIL, PASSWORD)

        page.click("nav >> text=Badges")
        page.select_option("#layout", "a4")
        page.select_option("#order", "name")
        page.click("button:text-is('Make the PDF')")

        expect(page.locator("h1")).to_contain_text("Batch")
        expect(page.locator(".batch-progress__text")).to_have_text(
            "Waiting for the worker to start this batch (flask forum worker must be running)."
        )
        expect(page.locator("#batch-progress")).to_have_attribute("value", "0")

        assert _run_the_worker(app) == len(FAMILIES)

        # The page's script sees the batch finish and shows the download.
        expect(page.locator(".batch-download")).to_be_visible(timeout=15_000)
        expect(page.locator(".batch-progress__text")).to_have_text(
            "4 of 4 badges rendered (100 %)."
        )
        expect(page.locator(".batch-state")).to_have_text("ready")
        with page.expect_download() as download_info:
            page.click("text=Download the PDF")
        saved = tmp_path / "badges.pdf"
        download_info.value.save_as(saved)
        reader = PdfReader(saved)
        # Four badges on one A4 sheet, in filing order.
        assert len(reader.pages) == 1
        text = reader.pages[0].extract_text()
        positions = [text.index(family.upper()) for family in sorted(FAMILIES)]
        assert positions == sorted(positions)
        assert _print_counts(app) == {0}

        page.click("button:text-is('Mark this batch printed')")
        expect(page.locator(".flash--success")).to_have_text("4 badges are counted as printed.")
        expect(page.locator(".batch-printed")).to_contain_text("by Li Na")
        assert _print_counts(app) == {1}

        page.click("text=Badge batches")
        expect(page.locator("table.badge-batches tbody tr")).to_have_count(1)
        expect(page.locator("table.badge-batches tbody")).to_contain_text("ready")
    finally:
        context.close()
