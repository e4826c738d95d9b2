"""Badges as PDF, read back with poppler and zbar: names in every script, QR codes, layouts."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from forum.documents.badges import (
    BadgeLayout,
    BadgeRender,
    badge_for,
    badge_pdf,
    prerender_badges,
    render_badges,
)
from forum.documents.qr import verify_payload
from forum.editions.services import current_edition
from forum.extensions import db
from forum.names import latin_name
from forum.registration.models import Registration, RegistrationStatus

from . import reading
from .attendees import Attendee, Person, add_registration, remove_registrations
from .fontless import run_python

PEOPLE = {
    "zh": Person("Wei", "Zhang", "CN", name_zh="张伟", category="media"),
    "zh-compound": Person("Xiuying", "Ouyang", "CN", name_zh="欧阳秀英"),
    "ja": Person("Yuki", "Tanaka", "JP", name_zh="田中ゆき"),
    # Someone who typed Hangul into the name fields, family name first.
    "ko": Person("서연", "박", "KR", is_family_name_first=True),
    "ru": Person("Дмитрий", "Волков", "RU", category="media"),
    "ar": Person("محمد", "العلي", "SA", category="media"),
    "es": Person("José", "Fernández", "ES", category="media", position="Director"),
    "de": Person("Zoë", "Müller", "DE", category="resident"),
}
SCRIPTS = list(PEOPLE)
LONG_NAME = Person(
    "Maria del Carmen Alejandra Guadalupe",
    "Fernández de Córdoba y Montenegro-Santisteban",
    "ES",
    name_zh="玛丽亚·德尔卡门·亚历杭德拉·瓜达卢佩",
    category="media",
    position="Deputy Director-General for International Cooperation and Exchange",
    organization="Municipal Bureau of Citizen Services and Public Complaint Handling",
)
ONE_MORE = Person("Ana", "Lima", "BR")
PENDING = Person("Pending", "Person", "GB", category="media")
# The order a batch is asked for in: deliberately neither by name nor by id.
BATCH_ORDER = ["zh-compound", "ja", "ko", "one-more", "de", "ru", "zh", "ar", "es"]
PAGE_SIZES_PT = {BadgeLayout.A6: (297.6, 419.5), BadgeLayout.CARD_4X3: (288.0, 216.0)}


@pytest.fixture(scope="module")
def attendees(app: Flask) -> Iterator[dict[str, Attendee]]:
    """Nine confirmed registrations in many scripts, one with a very long name, one pending."""
    with app.app_context():
        edition = current_edition()
        made = {key: add_registration(edition, person) for key, person in PEOPLE.items()}
        made["one-more"] = add_registration(edition, ONE_MORE)
        made["long"] = add_registration(edition, LONG_NAME)
        made["pending"] = add_registration(edition, PENDING, RegistrationStatus.PENDING)
        db.session.remove()
    yield made
    with app.app_context():
        remove_registrations(list(made.values()))


@pytest.fixture(scope="module")
def pdf_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("badges")


def _registration(attendee: Attendee) -> Registration:
    return db.session.get(Registration, attendee.id)


def _render(attendees: list[Attendee], layout: BadgeLayout, folder: Path, name: str) -> Path:
    registrations = [_registration(attendee) for attendee in attendees]
    path = folder / f"{name}.pdf"
    path.write_bytes(render_badges([badge_for(r, layout) for r in registrations], layout))
    return path


@pytest.fixture(scope="module")
def single_badges(app: Flask, attendees: dict[str, Attendee], pdf_folder: Path) -> dict[str, Path]:
    """One A6 badge per script, rendered once for every test that reads them."""
    with app.app_context():
        return {
            key: _render([attendees[key]], BadgeLayout.A6, pdf_folder, f"single-{key}")
            for key in SCRIPTS
        }


@pytest.fixture(scope="module")
def batches(app: Flask, attendees: dict[str, Attendee], pdf_folder: Path) -> dict[str, Path]:
    """The nine badges of BATCH_ORDER in each layout."""
    ordered = [attendees[key] for key in BATCH_ORDER]
    with app.app_context():
        return {
            layout.value: _render(ordered, layout, pdf_folder, f"batch-{layout.value}")
            for layout in BadgeLayout
        }


# ------------------------------------------------------------------ names in every script


@pytest.mark.parametrize("key", SCRIPTS)
def test_badge_embeds_cjk_and_latin_fonts(single_badges: dict[str, Path], key: str) -> None:
    fonts = reading.fonts(single_badges[key])

    assert all(font.is_embedded for font in fonts), fonts
    assert any("CJK" in font.name for font in fonts), fonts
    assert any("DejaVu-Sans" in font.name for font in fonts), fonts


@pytest.mark.parametrize("key", SCRIPTS)
def test_badge_text_contains_name(single_badges: dict[str, Path], key: str) -> None:
    person = PEOPLE[key]

    text = reading.squeezed(reading.text(single_badges[key]))

    if person.name_zh:
        assert reading.squeezed(person.name_zh) in text
    # Word by word: the family name is printed in capitals, and pdftotext gives a
    # right-to-left name (Arabic) in visual order, so whole-name order is not stable.
    for word in latin_name(person).split():
        assert reading.squeezed(word) in text, word


@pytest.mark.parametrize("key", SCRIPTS)
def test_badge_qr_code_reads_as_its_reference(
    app_context: Flask, single_badges: dict[str, Path], attendees: dict[str, Attendee], key: str
) -> None:
    codes = reading.qr_codes(single_badges[key], single_badges[key].parent)

    assert len(codes) == 1
    assert verify_payload(codes[0]) == attendees[key].reference
    tampered = codes[0][:-1] + ("0" if codes[0][-1] != "0" else "1")
    assert verify_payload(tampered) is None


def test_badge_band_shows_category_in_both_languages(single_badges: dict[str, Path]) -> None:
    media = reading.text(single_badges["zh"])
    delegate = reading.text(single_badges["zh-compound"])

    assert "MEDIA" in media
    assert "媒体" in media
    assert "DELEGATE" in delegate
    assert "代表" in delegate


def test_badge_band_of_long_category_shows_both_languages(
    single_badges: dict[str, Path],
) -> None:
    text = reading.squeezed(reading.text(single_badges["de"]))

    assert reading.squeezed("RESIDENT OR INTERNATIONAL FRIEND LIVING IN CHINA") in text
    assert "市民及在华国际友人" in text


# ----------------------------------------------------------------------------- layouts


@pytest.mark.parametrize("layout", [BadgeLayout.A6, BadgeLayout.CARD_4X3])
def test_badges_batch_has_one_page_each_in_requested_order(
    batches: dict[str, Path], attendees: dict[str, Attendee], layout: BadgeLayout
) -> None:
    pdf = batches[layout.value]

    assert reading.page_count(pdf) == len(BATCH_ORDER)
    for page, key in enumerate(BATCH_ORDER, start=1):
        page_text = reading.text(pdf, page)
        assert attendees[key].formatted_reference in page_text, (page, key)
        width, height = reading.page_size_pt(pdf, page)
        assert (round(width, 1), round(height, 1)) == PAGE_SIZES_PT[layout]


def test_badges_4x3_card_qr_code_reads_as_its_reference(
    app_context: Flask, batches: dict[str, Path], attendees: dict[str, Attendee]
) -> None:
    pdf = batches[BadgeLayout.CARD_4X3.value]

    codes = reading.qr_codes(pdf, pdf.parent, page=1)

    assert [verify_payload(code) for code in codes] == [attendees[BATCH_ORDER[0]].reference]


def test_badges_a4_sheet_holds_four_badges(
    app_context: Flask, batches: dict[str, Path], attendees: dict[str, Attendee]
) -> None:
    pdf = batches[BadgeLayout.A4_SHEET.value]
    first_four = [attendees[key] for key in BATCH_ORDER[:4]]

    assert reading.page_count(pdf) == 3
    first_page = reading.squeezed(reading.text(pdf, 1))
    for attendee in first_four:
        assert attendee.formatted_reference.casefold() in first_page
        assert reading.squeezed(attendee.person.family_name) in first_page
    assert attendees[BATCH_ORDER[4]].formatted_reference.casefold() not in first_page
    last_page = reading.text(pdf, 3)
    assert attendees[BATCH_ORDER[8]].formatted_reference in last_page
    codes = reading.qr_codes(pdf, pdf.parent, page=1)
    assert sorted(verify_payload(code) for code in codes) == sorted(
        attendee.reference for attendee in first_four
    )


@pytest.mark.parametrize("layout", list(BadgeLayout))
def test_badge_long_name_fits_on_its_page(
    app_context: Flask, attendees: dict[str, Attendee], pdf_folder: Path, layout: BadgeLayout
) -> None:
    pdf = _render([attendees["long"]], layout, pdf_folder, f"long-{layout.value}")

    assert reading.page_count(pdf) == 1
    width, height = reading.page_size_pt(pdf)
    if layout is BadgeLayout.A4_SHEET:
        width, height = width / 2, height / 2  # the badge is the sheet's top left quarter
    margin = 5 / 25.4 * 72  # nothing printed closer than 5 mm to the edge
    name_words = set(LONG_NAME.name_zh.split()) | {
        word.upper() for word in LONG_NAME.family_name.split()
    }
    placed = [word for word in reading.words(pdf) if word.text.upper() in name_words]
    assert placed, "the name is not on the badge"
    for word in placed:
        assert word.x_max <= width - margin, word
        assert word.y_max <= height, word
    text = reading.squeezed(reading.text(pdf))
    assert reading.squeezed(LONG_NAME.name_zh) in text
    # pdftotext joins a word hyphenated at a line end ("MONTENEGRO-" / "SANTISTEBAN").
    assert reading.squeezed(LONG_NAME.family_name).replace("-", "") in text.replace("-", "")


# ---------------------------------------------------------------- without the CJK font

RENDER_WITHOUT_CJK = """
import sys
from config import TestingConfig
from forum import create_app
from forum.documents.badges import badge_pdf
from forum.documents.fonts import CJK_FAMILY, font_file
from forum.extensions import db
from forum.registration.models import Registration

# A fresh process: the font look-ups (functools caches) start empty and ask fontconfig.
if font_file(CJK_FAMILY) is not None:
    sys.exit("the CJK font is still visible: " + str(font_file(CJK_FAMILY)))

class Config(TestingConfig):
    SQLALCHEMY_DATABASE_URI = sys.argv[1]

with create_app(Config).app_context():
    badge_pdf(db.session.get(Registration, int(sys.argv[2])))
print("rendered")
"""


def test_badge_without_cjk_font_raises_missing_font(
    app_context: Flask, attendees: dict[str, Attendee], without_cjk_font: dict[str, str]
) -> None:
    attendee = attendees["zh-compound"]
    stored_before = _stored_count(attendee)

    result = run_python(
        RENDER_WITHOUT_CJK,
        app_context.config["SQLALCHEMY_DATABASE_URI"],
        str(attendee.id),
        env=without_cjk_font,
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert "MissingFont: Chinese, Japanese or Korean text needs the Noto Sans CJK SC" in (
        result.stderr
    )
    assert "fonts-noto-cjk" in result.stderr
    assert "rendered" not in result.stdout
    db.session.expire_all()
    assert _stored_count(attendee) == stored_before


def _stored_count(attendee: Attendee) -> int:
    return db.session.scalar(select(func.count()).where(BadgeRender.registration_id == attendee.id))


def test_doctor_without_cjk_font_says_missing(
    without_cjk_font: dict[str, str], tmp_path: Path
) -> None:
    database = tmp_path / "doctor.sqlite3"
    env = {**without_cjk_font, "DATABASE_URL": f"sqlite:///{database}"}

    result = run_python(
        "from flask.cli import main; main()", "--app", "wsgi", "forum", "doctor", env=env
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert "CJK font (Noto Sans CJK SC): MISSING" in result.stdout
    assert "fonts-noto-cjk" in result.stdout
    assert not database.exists()  # the doctor reads no database


def test_doctor_with_fonts_installed_passes(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["forum", "doctor"])

    assert result.exit_code == 0, result.output
    assert "MISSING" not in result.output
    assert "Fonts are in place" in result.output


# ----------------------------------------------------------------- stored badge renders


def _stored(attendee: Attendee, layout: BadgeLayout) -> BadgeRender | None:
    return db.session.scalars(
        select(BadgeRender).where(
            BadgeRender.registration_id == attendee.id, BadgeRender.layout == layout.value
        )
    ).first()


def test_badge_pdf_second_call_serves_stored_copy(
    app_context: Flask, attendees: dict[str, Attendee]
) -> None:
    attendee = attendees["ru"]
    first = badge_pdf(_registration(attendee))
    rendered_at = _stored(attendee, BadgeLayout.A6).rendered_at
    db.session.expire_all()

    second = badge_pdf(_registration(attendee))

    assert second == first
    assert _stored(attendee, BadgeLayout.A6).rendered_at == rendered_at


def test_badge_pdf_after_position_change_is_rendered_again(
    app_context: Flask, attendees: dict[str, Attendee], tmp_path: Path
) -> None:
    attendee = attendees["es"]
    before = badge_pdf(_registration(attendee))
    stored = _stored(attendee, BadgeLayout.A6)
    fingerprint, rendered_at = stored.fingerprint, stored.rendered_at
    _registration(attendee).position = "Deputy Mayor"
    db.session.commit()

    after = badge_pdf(_registration(attendee))

    assert after != before
    db.session.expire_all()
    stored = _stored(attendee, BadgeLayout.A6)
    assert stored.fingerprint != fingerprint
    assert stored.rendered_at > rendered_at
    assert stored.pdf == after
    pdf = tmp_path / "after.pdf"
    pdf.write_bytes(after)
    assert "Deputy Mayor" in reading.text(pdf)


def test_prerender_badges_renders_missing_and_skips_current(
    app_context: Flask, attendees: dict[str, Attendee]
) -> None:
    layout = BadgeLayout.CARD_4X3
    confirmed = db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(Registration.status == RegistrationStatus.CONFIRMED.value)
    )
    already = db.session.scalar(
        select(func.count()).select_from(BadgeRender).where(BadgeRender.layout == layout.value)
    )
    assert already == 0, "another test left 4x3 renders behind"
    badge_pdf(_registration(attendees["zh"]), layout)

    assert prerender_badges(layout, limit=2) == 2
    assert prerender_badges(layout) == confirmed - 3
    assert prerender_badges(layout) == 0

    _registration(attendees["ja"]).position = "Researcher"
    db.session.commit()
    assert prerender_badges(layout) == 1
    assert _stored(attendees["pending"], layout) is None


# ---------------------------------------------------------------------------------- CLI


def test_cli_badges_writes_a4_sheets_of_one_category(
    app: Flask, attendees: dict[str, Attendee], tmp_path: Path
) -> None:
    output = tmp_path / "media.pdf"
    confirmed_media = [
        attendee
        for key, attendee in attendees.items()
        if attendee.person.category == "media" and key != "pending"
    ]

    result = app.test_cli_runner().invoke(
        args=["forum", "badges", "--category", "media", "--layout", "a4", "-o", str(output)]
    )

    assert result.exit_code == 0, result.output
    assert f"{len(confirmed_media)} badge(s) written" in result.output
    assert reading.page_count(output) == -(-len(confirmed_media) // 4)
    text = reading.text(output)
    for attendee in confirmed_media:
        assert attendee.formatted_reference in text
    assert attendees["pending"].formatted_reference not in text
    assert attendees["zh-compound"].formatted_reference not in text


def test_cli_badges_unknown_category_is_an_error(app: Flask, tmp_path: Path) -> None:
    output = tmp_path / "nothing.pdf"

    result = app.test_cli_runner().invoke(
        args=["forum", "badges", "--category", "no-such-category", "-o", str(output)]
    )

    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not output.exists()


# --------------------------------------------------------------- the attendee's own badge


@pytest.fixture
def badges_open(app: Flask) -> Iterator[None]:
    """Organizers allow attendees to download their badges, for one test."""
    with app.app_context():
        current_edition().are_attendee_badges_open = True
        db.session.commit()
    yield
    with app.app_context():
        current_edition().are_attendee_badges_open = False
        db.session.commit()


def _badge_url(attendee: Attendee) -> str:
    return f"/en/registration/{attendee.token}/badge.pdf"


def test_attendee_badge_while_downloads_closed_is_not_found(
    client: FlaskClient, attendees: dict[str, Attendee]
) -> None:
    response = client.get(_badge_url(attendees["zh"]))

    assert response.status_code == 404


def test_attendee_badge_once_downloads_open_is_pdf(
    client: FlaskClient, attendees: dict[str, Attendee], badges_open: None, tmp_path: Path
) -> None:
    attendee = attendees["zh"]

    response = client.get(_badge_url(attendee))

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    pdf = tmp_path / "badge.pdf"
    pdf.write_bytes(response.data)
    assert reading.page_count(pdf) == 1
    assert "张伟" in reading.text(pdf)
    with client.application.app_context():
        codes = reading.qr_codes(pdf, tmp_path)
        assert [verify_payload(code) for code in codes] == [attendee.reference]


def test_attendee_badge_of_pending_registration_is_not_found(
    client: FlaskClient, attendees: dict[str, Attendee], badges_open: None
) -> None:
    response = client.get(_badge_url(attendees["pending"]))

    assert response.status_code == 404


def test_attendee_badge_with_wrong_token_is_not_found(
    client: FlaskClient, attendees: dict[str, Attendee], badges_open: None
) -> None:
    response = client.get(f"/en/registration/{secrets.token_urlsafe(32)}/badge.pdf")

    assert response.status_code == 404
