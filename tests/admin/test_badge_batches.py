"""Badge batches ordered in the staff area: the filter picks the right badges, the worker
renders them in order with its progress reported, failures are kept with their error,
and marking printed counts each badge once."""

from __future__ import annotations

import io
import re
from collections import Counter
from typing import Any

import pytest
from factories import make_registration
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select
from tinyhtml5.parser import HTMLParser

from forum.agenda.models import Session
from forum.audit import COMMAND_LINE, AuditEvent
from forum.documents import batches
from forum.documents.badges import BadgeLayout, BatchOrder
from forum.documents.batches import BadgeBatch, BatchCriteria, BatchStatus
from forum.editions.models import Edition
from forum.editions.services import current_edition
from forum.extensions import db
from forum.registration import staff
from forum.registration.checkin import CheckIn, CheckInKind
from forum.registration.models import Category, Registration, RegistrationStatus, SeatStatus
from forum.registration.seats import choice_slots
from forum.worker import run_badge_batch, work_once

from .conftest import LoginAs

BASE = "/en/admin/badges"


@pytest.fixture
def edition(changes_data: Flask) -> Edition:
    return current_edition()


@pytest.fixture
def sub_forums(edition: Edition) -> list[Session]:
    (slot,) = choice_slots(edition)
    return slot.sessions


@pytest.fixture
def organizer(login_as: LoginAs, edition: Edition):
    return login_as("organizer")


@pytest.fixture
def settings(app: Flask):
    """Change app settings for one test; they are put back afterwards."""
    saved = dict(app.config)
    yield app.config
    app.config.clear()
    app.config.update(saved)


def _category(code: str) -> Category:
    return db.session.scalars(select(Category).where(Category.code == code)).one()


def _emails(batch: BadgeBatch) -> set[str]:
    ids = batches.batch_registration_ids(batch)
    return {db.session.get(Registration, registration_id).email for registration_id in ids}


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _pdf_of(batch: BadgeBatch) -> bytes:
    db.session.expire_all()
    stored = db.session.get(BadgeBatch, batch.id).pdf
    assert stored is not None
    return stored


# ---------------------------------------------------------------------- what a batch holds


def test_a_batch_picks_exactly_the_confirmed_registrations_the_filter_matches(
    organizer, edition: Edition, sub_forums: list[Session]
) -> None:
    first, second = sub_forums[0], sub_forums[1]
    first.capacity = 1
    make_registration(edition, "seated@example.org", session_ids=[first.id])
    waiting = make_registration(edition, "waiting@example.org", session_ids=[first.id])
    elsewhere = make_registration(edition, "elsewhere@example.org", session_ids=[second.id])
    pending = make_registration(edition, "media@example.org", category_code="media")
    pending.status = RegistrationStatus.PENDING.value
    cancelled = make_registration(edition, "cancelled@example.org", session_ids=[first.id])
    staff.cancel_registration(cancelled, COMMAND_LINE)
    erased = make_registration(edition, "erased@example.org", family_name="Erased")
    staff.erase_personal_data(erased, COMMAND_LINE)
    guest = make_registration(
        edition, "guest@example.org", category_code="guest", family_name="Ortiz"
    )
    guest.checked_in_at = guest.created_at
    elsewhere.badge_prints = 1
    db.session.commit()
    assert waiting.seats[0].status == SeatStatus.WAITLISTED.value

    def picked(**criteria: Any) -> set[str]:
        batch = batches.create_batch(
            edition, BatchCriteria(**criteria), BadgeLayout.A6, COMMAND_LINE
        )
        return {email.split("@")[0] for email in _emails(batch)}

    everyone = {"seated", "waiting", "elsewhere", "guest"}
    assert picked() == everyone
    assert picked(session_id=first.id) == {"seated", "waiting"}
    assert picked(session_id=first.id, session_state="confirmed") == {"seated"}
    assert picked(session_id=first.id, session_state="waiting") == {"waiting"}
    assert picked(category_id=_category("guest").id) == {"guest"}
    assert picked(checked_in=True) == {"guest"}
    assert picked(checked_in=False) == everyone - {"guest"}
    assert picked(badge_printed=True) == {"elsewhere"}
    assert picked(badge_printed=False) == everyone - {"elsewhere"}
    assert picked(text="ortiz") == {"guest"}
    assert picked(status="confirmed") == everyone
    with pytest.raises(batches.EmptyBatch):
        picked(status="pending")

    # The same through the page: a small batch is made, rendered and shown at once.
    response = organizer.post(
        BASE + "/",
        data={"session": str(first.id), "session_state": "confirmed", "layout": "a6"},
    )
    assert response.status_code == 302
    batch = db.session.scalars(select(BadgeBatch).order_by(BadgeBatch.id.desc())).first()
    assert response.headers["Location"].endswith(f"{BASE}/{batch.id}")
    assert _emails(batch) == {"seated@example.org"}
    assert batch.status == BatchStatus.DONE.value
    assert batch.criteria["session_id"] == first.id
    assert len(_pages(_pdf_of(batch))) == 1


def test_the_organizers_list_query_string_fills_the_form(
    organizer, edition: Edition, sub_forums: list[Session]
) -> None:
    page = organizer.get(
        BASE + "/", query_string={"session": str(sub_forums[0].id), "checked_in": "no"}
    ).get_data(as_text=True)
    assert f'<option selected value="{sub_forums[0].id}">' in page
    assert '<option selected value="no">' in page


# ------------------------------------------------------------------------------ the worker


NAMES = [("Wang", "wang"), ("Adams", "adams"), ("Ōta", "ota"), ("Bauer", "bauer")]


def test_the_worker_renders_one_page_per_badge_in_the_chosen_order(
    organizer, edition: Edition, settings: dict
) -> None:
    settings["BADGE_BATCH_IN_REQUEST"] = 0
    made = [
        make_registration(edition, f"{key}@example.org", family_name=family)
        for family, key in NAMES
    ]
    response = organizer.post(BASE + "/", data={"layout": "4x3", "order": "name"})
    batch = db.session.scalars(select(BadgeBatch).order_by(BadgeBatch.id.desc())).first()
    assert response.headers["Location"].endswith(f"{BASE}/{batch.id}")
    assert batch.status == BatchStatus.QUEUED.value
    assert organizer.get(f"{BASE}/{batch.id}/badges.pdf").status_code == 404

    _sent, rendered = run_badge_batch("test-worker")

    assert rendered == len(NAMES)
    db.session.expire_all()
    assert batch.status == BatchStatus.DONE.value
    assert (batch.done, batch.total) == (4, 4)
    pages = _pages(_pdf_of(batch))
    assert len(pages) == 4
    assert [_family_on(page) for page in pages] == ["ADAMS", "BAUER", "ŌTA", "WANG"]
    # By reference: the same badges in the order of their codes.
    by_reference = batches.create_batch(
        edition, BatchCriteria(order=BatchOrder.REFERENCE), BadgeLayout.A6, COMMAND_LINE
    )
    db.session.commit()
    work_once("test-worker")
    expected = [r.family_name.upper() for r in sorted(made, key=lambda r: r.reference)]
    assert [_family_on(page) for page in _pages(_pdf_of(by_reference))] == expected
    # Downloading counts nothing.
    download = organizer.get(f"{BASE}/{batch.id}/badges.pdf")
    assert download.status_code == 200
    assert download.mimetype == "application/pdf"
    assert download.data == _pdf_of(batch)
    assert {r.badge_prints for r in db.session.scalars(select(Registration))} == {0}


def _family_on(page: str) -> str:
    return next(family.upper() for family, _key in NAMES if family.upper() in page)


def test_progress_is_committed_after_each_step_and_shown_by_the_page(
    organizer, edition: Edition, settings: dict
) -> None:
    settings["BADGE_BATCH_STEP"] = 2
    for number in range(5):
        make_registration(edition, f"person{number}@example.org", family_name=f"Person{number}")
    batch = batches.create_batch(edition, BatchCriteria(), BadgeLayout.A6, COMMAND_LINE)
    db.session.commit()
    state = organizer.get(f"{BASE}/{batch.id}/progress.json").get_json()
    assert state["status"] == "queued" and state["done"] == 0 and state["total"] == 5
    assert state["is_finished"] is False
    page = organizer.get(f"{BASE}/{batch.id}").get_data(as_text=True)
    assert "js/badge-batch.js" in page and 'http-equiv="refresh"' in page
    seen: list[tuple[str, int, int]] = []

    def read_from_another_connection() -> None:
        db.session.commit()
        with db.engine.connect() as connection:
            row = connection.execute(
                select(BadgeBatch.status, BadgeBatch.done, BadgeBatch.total).where(
                    BadgeBatch.id == batch.id
                )
            ).one()
        seen.append(tuple(row))

    claimed = batches.claim_next_batch("test-worker")
    assert claimed is not None and claimed.id == batch.id
    assert batches.claim_next_batch("another-worker") is None
    batches.render_batch(claimed, read_from_another_connection)
    db.session.commit()

    assert seen == [("running", 2, 5), ("running", 4, 5), ("running", 5, 5)]
    state = organizer.get(f"{BASE}/{batch.id}/progress.json").get_json()
    assert state == {
        "status": "done",
        "done": 5,
        "total": 5,
        "percent": 100,
        "is_finished": True,
        "text": "5 of 5 badges rendered (100 %).",
    }
    page = organizer.get(f"{BASE}/{batch.id}").get_data(as_text=True)
    assert "js/badge-batch.js" not in page and f"{BASE}/{batch.id}/badges.pdf" in page


def test_a4_sheets_are_rendered_in_whole_sheets_whatever_the_step(
    edition: Edition, settings: dict
) -> None:
    settings["BADGE_BATCH_STEP"] = 2
    for number in range(5):
        make_registration(edition, f"sheet{number}@example.org", family_name=f"Sheet{number}")
    batch = batches.create_batch(edition, BatchCriteria(), BadgeLayout.A4_SHEET, COMMAND_LINE)
    db.session.commit()

    run_badge_batch("test-worker")

    # Steps of four: two sheets for five badges, not a half-empty sheet after every two.
    assert len(_pages(_pdf_of(batch))) == 2


def test_a_failed_batch_keeps_its_error(organizer, edition: Edition) -> None:
    writer = make_registration(edition, "scribe@example.org", family_name="Scribe")
    # A character no installed font draws (an Egyptian hieroglyph) makes rendering refuse.
    writer.organization = "House of \U00013000"
    db.session.commit()
    batch = batches.create_batch(edition, BatchCriteria(), BadgeLayout.A6, COMMAND_LINE)
    db.session.commit()

    run_badge_batch("test-worker")

    db.session.expire_all()
    assert batch.status == BatchStatus.FAILED.value
    assert batch.error.startswith("MissingFont: Cannot print Egyptian text")
    assert batch.finished_at is not None and batch.pdf is None
    assert organizer.get(f"{BASE}/{batch.id}/progress.json").get_json()["is_finished"] is True
    page = organizer.get(f"{BASE}/{batch.id}").get_data(as_text=True)
    assert "Cannot print Egyptian text" in page
    assert organizer.get(f"{BASE}/{batch.id}/badges.pdf").status_code == 404
    assert run_badge_batch("test-worker") == (0, 0)


# ------------------------------------------------------------------------ marking printed


def test_marking_printed_counts_each_badge_once_and_is_audited(organizer, edition: Edition) -> None:
    first = make_registration(edition, "first@example.org", family_name="First")
    second = make_registration(edition, "second@example.org", family_name="Second")
    left_out = make_registration(
        edition, "left@example.org", family_name="Left", category_code="guest"
    )
    second.badge_prints = 2
    db.session.commit()
    response = organizer.post(
        BASE + "/", data={"category": str(first.category_id), "layout": "a4", "order": "name"}
    )
    batch = db.session.scalars(select(BadgeBatch).order_by(BadgeBatch.id.desc())).first()
    assert response.status_code == 302 and batch.status == BatchStatus.DONE.value
    # Four badges to an A4 sheet: two badges, one page.
    assert len(_pages(_pdf_of(batch))) == 1

    marked = organizer.post(f"{BASE}/{batch.id}/mark-printed")
    again = organizer.post(f"{BASE}/{batch.id}/mark-printed", follow_redirects=True)

    assert marked.status_code == 302
    db.session.expire_all()
    assert (first.badge_prints, second.badge_prints, left_out.badge_prints) == (1, 3, 0)
    assert "already marked printed" in again.get_data(as_text=True)
    prints = db.session.scalars(select(CheckIn).where(CheckIn.kind == CheckInKind.PRINT.value))
    assert sorted(row.registration_id for row in prints) == sorted([first.id, second.id])
    audit = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.object_type == "badge_batch", AuditEvent.object_id == batch.id
        )
    ).all()
    assert [event.action for event in audit] == ["badge_batch.create", "badge_batch.mark_printed"]
    assert audit[1].changes == {"printed": [None, 2]}
    assert audit[1].actor_name == "organizer@staff.example.org"
    assert batch.printed_at is not None and batch.printed_by_name == "organizer"
    with pytest.raises(batches.NotPrintable):
        batches.mark_batch_printed(batch, COMMAND_LINE)


def test_an_unfinished_batch_cannot_be_marked_printed(organizer, edition: Edition) -> None:
    registration = make_registration(edition, "early@example.org")
    batch = batches.create_batch(edition, BatchCriteria(), BadgeLayout.A6, COMMAND_LINE)
    db.session.commit()

    page = organizer.post(f"{BASE}/{batch.id}/mark-printed", follow_redirects=True)

    assert "not finished" in page.get_data(as_text=True)
    db.session.expire_all()
    assert registration.badge_prints == 0 and batch.printed_at is None


def test_erasing_someone_drops_the_batch_pdfs_that_show_them(organizer, edition: Edition) -> None:
    registration = make_registration(edition, "forget@example.org", family_name="Forget")
    organizer.post(BASE + "/", data={"layout": "a6", "order": "name"})
    batch = db.session.scalars(select(BadgeBatch).order_by(BadgeBatch.id.desc())).first()
    assert organizer.get(f"{BASE}/{batch.id}/badges.pdf").status_code == 200

    staff.erase_personal_data(registration, COMMAND_LINE)
    db.session.commit()

    assert organizer.get(f"{BASE}/{batch.id}/badges.pdf").status_code == 404
    assert "no longer kept" in organizer.get(f"{BASE}/{batch.id}").get_data(as_text=True)


# ---------------------------------------------------------------------------------- bounds


@pytest.mark.parametrize(
    "field, value",
    [
        ("layout", "a3"),
        ("order", "age"),
        ("status", "bogus"),
        ("category", "abc"),
        ("category", "999999"),
        ("session", "-1"),
        ("checked_in", "maybe"),
        ("q", "x" * 201),
    ],
)
def test_a_bad_filter_is_a_422_page_in_the_visitors_language(
    organizer, edition: Edition, field: str, value: str
) -> None:
    make_registration(edition, "someone@example.org")
    data = {"layout": "a6", "order": "name", field: value}

    response = organizer.post("/zh/admin/badges/", data=data)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert '<html lang="zh-Hans">' in page and "请更正标出的字段。" in page
    assert db.session.scalars(select(BadgeBatch)).first() is None


def test_a_batch_over_the_maximum_or_empty_is_refused_with_a_clear_message(
    organizer, edition: Edition, settings: dict
) -> None:
    settings["BADGE_BATCH_MAX"] = 2
    for number in range(3):
        make_registration(edition, f"many{number}@example.org")

    too_many = organizer.post(BASE + "/", data={"layout": "a6", "order": "name"})
    nothing = organizer.post(BASE + "/", data={"layout": "a6", "q": "nobody at all"})

    assert too_many.status_code == 422
    assert "3 badges match: a batch holds at most 2." in too_many.get_data(as_text=True)
    assert nothing.status_code == 422
    assert "No confirmed registration matches this filter." in nothing.get_data(as_text=True)
    assert db.session.scalars(select(BadgeBatch)).first() is None
    assert organizer.get(BASE + "/", query_string={"edition": "999999"}).status_code == 404
    huge = organizer.get(BASE + "/", query_string={"edition": "9" * 30})
    assert huge.status_code == 404
    assert organizer.get(f"{BASE}/999999").status_code == 404


def test_the_list_shows_the_editions_recent_batches_with_their_state(
    organizer, edition: Edition
) -> None:
    make_registration(edition, "listed@example.org")
    queued = batches.create_batch(edition, BatchCriteria(), BadgeLayout.A4_SHEET, COMMAND_LINE)
    db.session.commit()

    page = organizer.get(BASE + "/").get_data(as_text=True)

    assert f'href="{BASE}/{queued.id}"' in page
    assert "waiting for the worker" in page
    assert "A4 sheets of four badges" in page


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_pages_are_valid_html_in_every_state(organizer, edition: Edition, lang: str) -> None:
    writer = make_registration(edition, f"valid-{lang}@example.org", family_name="Valid")
    queued = batches.create_batch(edition, BatchCriteria(), BadgeLayout.A6, COMMAND_LINE)
    done = batches.create_batch(edition, BatchCriteria(), BadgeLayout.A6, COMMAND_LINE)
    db.session.commit()
    batches.render_batch(batches.claim_batch(done.id, "test"))
    batches.mark_batch_printed(done, COMMAND_LINE)
    writer.organization = "House of \U00013000"
    failed = batches.create_batch(edition, BatchCriteria(), BadgeLayout.A6, COMMAND_LINE)
    db.session.commit()
    batches.render_batch(batches.claim_batch(failed.id, "test"))
    db.session.commit()
    base = f"/{lang}/admin/badges"

    pages = {
        "list": organizer.get(base + "/"),
        "refused": organizer.post(base + "/", data={"layout": "a3"}),
        "queued": organizer.get(f"{base}/{queued.id}"),
        "done": organizer.get(f"{base}/{done.id}"),
        "failed": organizer.get(f"{base}/{failed.id}"),
    }

    assert failed.status == BatchStatus.FAILED.value
    for name, response in pages.items():
        assert response.status_code in (200, 422), name
        html = response.get_data(as_text=True)
        parser = HTMLParser()
        parser.parse(html)
        assert list(parser.errors) == [], name
        ids = Counter(re.findall(r'\sid="([^"]+)"', html))
        assert [key for key, count in ids.items() if count > 1] == [], name
