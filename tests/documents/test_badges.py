"""Badges as PDF, read back with poppler, pypdf, fontTools and zbar: every script, every
length, every layout, and the printers they go to."""

from __future__ import annotations

import itertools
import math
import secrets
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
import segno
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select

from forum.documents.badges import (
    BLEED_MM,
    LAYOUT_SIZES,
    SMALLEST_BAND_PT,
    BadgeFilter,
    BadgeLayout,
    BadgeRender,
    BatchOrder,
    badge_for,
    badge_pdf,
    prerender_badges,
    queue_missing_badges,
    record_prints,
    registrations_for_batch,
    relative_luminance,
    render_badges,
    stale_registration_ids,
)
from forum.documents.qr import make_payload, verify_payload
from forum.editions.services import current_edition
from forum.extensions import db
from forum.names import latin_name
from forum.registration.models import Category, Registration, RegistrationStatus

from . import reading
from .attendees import Attendee, Person, add_registration, remove_registrations
from .fontless import run_python

MM = 72 / 25.4
LONG_ZH_NAME = "克里斯蒂娜·玛丽亚·特蕾莎·冯·霍亨索伦-西格马林根"
PEOPLE = {
    "zh": Person("Wei", "Zhang", "CN", name_zh="张伟", category="media"),
    "zh-compound": Person("Xiuying", "Ouyang", "CN", name_zh="欧阳秀英"),
    "ja": Person("Yuki", "Tanaka", "JP", name_zh="田中ゆき"),
    # Someone who typed Hangul into the name fields, family name first.
    "ko": Person("서연", "박", "KR", is_family_name_first=True, position="연구원"),
    "ru": Person("Дмитрий", "Волков", "RU", category="media", organization="Институт"),
    "ar": Person("محمد", "العلي", "SA", category="media", position="مدير عام"),
    "he": Person("דוד", "כהן", "IL", position="חוקר", organization="האוניברסיטה העברית"),
    "hi": Person(
        "अनिल", "कुमार", "IN", position="वरिष्ठ शोधकर्ता", organization="भारतीय लोक प्रशासन संस्थान"
    ),
    "th": Person("สมชาย", "ใจดี", "TH", position="ผู้สื่อข่าว", organization="สำนักข่าวไทย"),
    "el": Person("Μαρία", "Παπαδοπούλου", "GR", position="Ερευνήτρια", category="resident"),
    "es": Person("José", "Fernández", "ES", category="media", position="Director"),
    "de": Person("Zoë", "Müller", "DE", category="resident"),
    "long-zh": Person("Christina", "von Hohenzollern", "DE", name_zh=LONG_ZH_NAME),
    "long-latin": Person(
        "Maria del Carmen Alejandra Guadalupe",
        "Fernández de Córdoba y Montenegro-Santisteban",
        "ES",
        category="media",
        position="Deputy Director-General for International Cooperation and Exchange",
        organization="Municipal Bureau of Citizen Services and Public Complaint Handling",
    ),
    # Every field at the sign-up form's limit.
    "max": Person(
        ("Bartholomew-Alexander Maximilian " * 4)[:100].strip(),
        ("Montgomery-Wellington Featherstonehaugh-Smythe " * 3)[:100].strip(),
        "GB",
        name_zh=("亚历山大·" * 8)[:40],
        category="resident",
        position=("Deputy Director-General for International Cooperation " * 4)[:200],
        organization=("Municipal Bureau of Citizen Services and Public Complaints " * 4)[:200],
    ),
}
SCRIPTS = list(PEOPLE)
PENDING = Person("Pending", "Person", "GB", category="media")


@pytest.fixture(scope="module")
def attendees(app: Flask) -> Iterator[dict[str, Attendee]]:
    """Confirmed registrations in every script and at every length, and one pending."""
    with app.app_context():
        edition = current_edition()
        made = {key: add_registration(edition, person) for key, person in PEOPLE.items()}
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
def batches(app: Flask, attendees: dict[str, Attendee], pdf_folder: Path) -> dict[str, Path]:
    """Every person's badge, in the order of PEOPLE, in each layout: one PDF per layout."""
    with app.app_context():
        return {
            layout.value: _render(
                [attendees[key] for key in SCRIPTS], layout, pdf_folder, f"all-{layout.value}"
            )
            for layout in BadgeLayout
        }


def _page(key: str) -> int:
    return SCRIPTS.index(key) + 1


def _page_text(pdf: Path, key: str) -> str:
    return reading.squeezed(reading.text(pdf, _page(key)))


# --------------------------------------------------------------- every script, every glyph


@pytest.mark.parametrize("layout", list(BadgeLayout))
def test_badges_every_character_has_a_glyph_in_an_embedded_font(
    batches: dict[str, Path], layout: BadgeLayout
) -> None:
    pdf = batches[layout.value]

    assert all(font.is_embedded for font in reading.fonts(pdf))
    assert reading.glyphless_characters(pdf) == []


@pytest.mark.parametrize("key", SCRIPTS)
def test_badge_shows_whole_name_position_and_organization(
    batches: dict[str, Path], key: str
) -> None:
    person = PEOPLE[key]

    text = _page_text(batches[BadgeLayout.A6.value], key)

    if person.name_zh:
        assert reading.squeezed(person.name_zh) in text
    # pdftotext gives right-to-left text in visual order, so words are looked up one by one.
    for word in f"{person.given_name} {person.family_name}".split():
        assert _shown(word, text), word
    for detail in (person.position, person.organization):
        if detail and len(detail) < 80:
            for word in detail.split():
                assert _shown(word, text), word


def _bare(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", reading.squeezed(text).replace("-", ""))
    return "".join(character for character in decomposed if unicodedata.category(character) != "Mn")


def _shown(word: str, text: str) -> bool:
    """Whether `word` is in the extracted text. Its marks are left out of the comparison:
    Greek capitals drop their accents, and pdftotext may give Thai and Devanagari vowel
    signs in another order within their cluster."""
    return _bare(word) in _bare(text)


@pytest.mark.parametrize("layout", list(BadgeLayout))
def test_badges_qr_code_of_every_badge_reads_as_its_reference(
    app_context: Flask,
    batches: dict[str, Path],
    attendees: dict[str, Attendee],
    layout: BadgeLayout,
) -> None:
    pdf = batches[layout.value]
    per_page = 4 if layout is BadgeLayout.A4_SHEET else 1

    read = []
    for page in range(1, reading.page_count(pdf) + 1):
        read += [verify_payload(code) for code in reading.qr_codes(pdf, pdf.parent, page)]

    expected = [attendees[key].reference for key in SCRIPTS]
    assert sorted(read) == sorted(expected)
    assert len(read) == len(SCRIPTS) and per_page * reading.page_count(pdf) >= len(SCRIPTS)


@pytest.mark.parametrize("key", ["ar", "he"])
def test_badge_right_to_left_lines_are_right_aligned(batches: dict[str, Path], key: str) -> None:
    size = LAYOUT_SIZES[BadgeLayout.A6]
    person = PEOPLE[key]
    right_edge = (8 + size.person_width_mm) * MM

    words = reading.words(batches[BadgeLayout.A6.value], _page(key))

    for text in (f"{person.given_name} {person.family_name}", person.position):
        # pdftotext gives right-to-left words in visual order: reversed.
        placed = [word for word in words if word.text[::-1] in text.split()]
        assert len(placed) == len(text.split()), text
        assert max(word.x_max for word in placed) > right_edge - 2 * MM, (text, placed)
        assert min(word.x_min for word in placed) > 40 * MM, (text, placed)


def test_badge_greek_family_name_in_capitals_without_accents(batches: dict[str, Path]) -> None:
    text = _page_text(batches[BadgeLayout.A6.value], "el")

    assert "παπαδοπουλου" in text  # squeezed() folds case: the capitals carry no accent
    assert "ΠΑΠΑΔΟΠΟΥΛΟΥ" in reading.text(batches[BadgeLayout.A6.value], _page("el"))
    assert "ΠΑΠΑΔΟΠΟΎΛΟΥ" not in reading.text(batches[BadgeLayout.A6.value], _page("el"))


# ------------------------------------------------------------------ every length, one page


@pytest.mark.parametrize("layout", list(BadgeLayout))
def test_badges_batch_is_one_page_per_badge(
    batches: dict[str, Path], attendees: dict[str, Attendee], layout: BadgeLayout
) -> None:
    pdf = batches[layout.value]

    if layout is BadgeLayout.A4_SHEET:
        assert reading.page_count(pdf) == math.ceil(len(SCRIPTS) / 4)
        for index, key in enumerate(SCRIPTS):
            assert attendees[key].formatted_reference in reading.text(pdf, index // 4 + 1)
        return
    size = LAYOUT_SIZES[layout]
    assert reading.page_count(pdf) == len(SCRIPTS)
    for key in SCRIPTS:
        page_text = reading.text(pdf, _page(key))
        assert attendees[key].formatted_reference in page_text, key
        width, height = reading.page_size_pt(pdf, _page(key))
        assert (round(width), round(height)) == (
            round(size.width_mm * MM),
            round(size.height_mm * MM),
        )


@pytest.mark.parametrize("layout", [BadgeLayout.A6, BadgeLayout.A4_SHEET])
def test_batch_rendered_in_several_processes_keeps_every_badge_in_order(
    app: Flask,
    attendees: dict[str, Attendee],
    pdf_folder: Path,
    layout: BadgeLayout,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Chunks of 4 make this small batch take the parallel path that a batch of hundreds takes.
    monkeypatch.setattr("forum.documents.badges.CHUNK_SIZE", 4)
    with app.app_context():
        pdf = _render(
            [attendees[key] for key in SCRIPTS], layout, pdf_folder, f"chunked-{layout.value}"
        )

    per_page = 4 if layout is BadgeLayout.A4_SHEET else 1
    assert reading.page_count(pdf) == math.ceil(len(SCRIPTS) / per_page)
    for index, key in enumerate(SCRIPTS):
        assert attendees[key].formatted_reference in reading.text(pdf, index // per_page + 1)
    assert reading.info(pdf)["Title"] == f"Badges {current_edition_year(app)}"


def current_edition_year(app: Flask) -> int:
    with app.app_context():
        return current_edition().year


def _badge_box(layout: BadgeLayout, index: int) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of the index-th badge on its page, in points."""
    size = LAYOUT_SIZES[layout]
    left = top = 0.0
    if layout is BadgeLayout.A4_SHEET:
        margin_x = (210 - 2 * size.width_mm - 6) / 2
        margin_y = (297 - 2 * size.height_mm - 6) / 2
        left = margin_x + (index % 2) * (size.width_mm + 6)
        top = margin_y + (index % 4 // 2) * (size.height_mm + 6)
    return (left * MM, top * MM, (left + size.width_mm) * MM, (top + size.height_mm) * MM)


@pytest.mark.parametrize("layout", list(BadgeLayout))
@pytest.mark.parametrize("key", ["long-zh", "long-latin", "max"])
def test_badge_long_name_is_whole_and_inside_the_badge(
    batches: dict[str, Path], layout: BadgeLayout, key: str
) -> None:
    pdf = batches[layout.value]
    person = PEOPLE[key]
    size = LAYOUT_SIZES[layout]
    index = SCRIPTS.index(key)
    page = index // 4 + 1 if layout is BadgeLayout.A4_SHEET else index + 1
    left, top, right, bottom = _badge_box(layout, index)
    text = reading.squeezed(reading.text(pdf, page)).replace("-", "")

    assert reading.squeezed(person.name_zh or "").replace("-", "") in text
    assert reading.squeezed(f"{person.given_name}{person.family_name}").replace("-", "") in text
    name_words = {word.upper() for word in f"{person.given_name} {person.family_name}".split()}
    zh_parts = set((person.name_zh or "").replace("·", " ").split())
    placed = [
        word
        for word in reading.words(pdf, page)
        if word.text.upper() in name_words or any(part in word.text for part in zh_parts)
    ]
    assert placed
    for word in placed:
        if left <= word.x_min < right and top <= word.y_min < bottom:  # this badge's words
            assert word.x_max <= right - 3 * MM, word
            # Within the name's box, which clips: a word below its end would be cut off.
            assert word.y_max <= top + (size.person_top_mm + size.person_height_mm) * MM, word


def test_badge_long_chinese_name_breaks_after_a_middle_dot(batches: dict[str, Path]) -> None:
    for layout in (BadgeLayout.A6, BadgeLayout.CARD_4X3):
        lines = reading.text(batches[layout.value], _page("long-zh")).splitlines()
        name_lines = [
            line.strip() for line in lines if line.strip() and line.strip() in LONG_ZH_NAME
        ]
        assert "".join(name_lines) == LONG_ZH_NAME, (layout, name_lines)
        assert len(name_lines) >= 2
        assert all(line[-1] in "·-" for line in name_lines[:-1]), name_lines


@pytest.mark.parametrize("layout", list(BadgeLayout))
def test_badge_with_every_field_at_its_limit_keeps_reference_and_band(
    batches: dict[str, Path], attendees: dict[str, Attendee], layout: BadgeLayout
) -> None:
    index = SCRIPTS.index("max")
    page = index // 4 + 1 if layout is BadgeLayout.A4_SHEET else index + 1

    text = reading.text(batches[layout.value], page)

    assert attendees["max"].formatted_reference in text
    assert "RESIDENT" in text and "市民" in text
    if layout is BadgeLayout.A6:  # the smaller badges have no room left for details at all
        assert "…" in text  # details cut with an ellipsis, the name whole


@pytest.mark.parametrize("layout", list(BadgeLayout))
@pytest.mark.parametrize("key", ["long-latin", "max", "ru", "hi", "zh"])
def test_badge_name_is_the_largest_line(
    batches: dict[str, Path], layout: BadgeLayout, key: str
) -> None:
    person = PEOPLE[key]
    index = SCRIPTS.index(key)
    page = index // 4 + 1 if layout is BadgeLayout.A4_SHEET else index + 1
    left, top, right, bottom = _badge_box(layout, index)
    name = reading.squeezed(f"{person.given_name}{person.family_name}{person.name_zh or ''}")
    runs = [
        run
        for run in reading.printed_runs(batches[layout.value], page)
        if left <= run.x < right and top <= run.y < bottom
    ]

    name_runs = [run for run in runs if reading.squeezed(run.text) in name]
    other_runs = [run for run in runs if reading.squeezed(run.text) not in name]

    assert name_runs and other_runs
    smallest_name = min(run.size_pt for run in name_runs)
    largest_other = max(run.size_pt for run in other_runs)
    if key == "max" and layout is BadgeLayout.CARD_4X3:
        # 200 characters of name on a 4x3 inch card: as large as the band, no smaller.
        assert smallest_name >= largest_other - 0.01, runs
    else:
        assert smallest_name > largest_other, runs


# --------------------------------------------------------------------------- bands


@pytest.mark.parametrize("layout", list(BadgeLayout))
def test_badge_band_shows_short_label_in_both_languages_at_9pt_or_more(
    batches: dict[str, Path], layout: BadgeLayout
) -> None:
    index = SCRIPTS.index("de")
    page = index // 4 + 1 if layout is BadgeLayout.A4_SHEET else index + 1
    runs = reading.printed_runs(batches[layout.value], page)

    band = [run for run in runs if "RESIDENT" in run.text or "市民" in run.text]

    assert {"RESIDENT", "市民"} <= {
        word for run in band for word in run.text.replace("·", " ").split()
    }
    assert all(run.size_pt >= SMALLEST_BAND_PT for run in band), band
    assert not any("INTERNATIONAL FRIEND" in run.text for run in runs)


def test_band_colours_of_the_categories_differ_in_greyscale(
    app_context: Flask, pdf_folder: Path
) -> None:
    """Printed on a mono printer, every category's band is a different grey."""
    edition = current_edition()
    categories = db.session.scalars(select(Category).order_by(Category.position)).all()
    made = [
        add_registration(edition, Person("Grey", f"Test{i}", "GB", category=category.code))
        for i, category in enumerate(categories)
    ]
    try:
        pdf = _render(made, BadgeLayout.A6, pdf_folder, "greys")
        greys = {}
        for page, category in enumerate(categories, start=1):
            image = pdf_folder / f"greys-{page}"
            reading._run(
                "pdftoppm", "-r", "50", "-png", "-f", page, "-l", page, "-singlefile", pdf, image
            )
            pixel = Image.open(f"{image}.png").convert("RGB").getpixel((5, 148 * 50 / 25.4 - 8))
            red, green, blue = pixel
            greys[category.code] = relative_luminance(f"#{red:02x}{green:02x}{blue:02x}")
    finally:
        remove_registrations(made)

    for (a, first), (b, second) in itertools.combinations(greys.items(), 2):
        ratio = (max(first, second) + 0.05) / (min(first, second) + 0.05)
        assert ratio >= 1.3, (a, b, ratio)


# ------------------------------------------------------------------- printers: A4, QR


def _sheet_image(pdf: Path, dpi: int) -> Image.Image:
    image = pdf.parent / f"{pdf.stem}-sheet"
    reading._run(
        "pdftoppm", "-r", str(dpi), "-png", "-f", "1", "-l", "1", "-singlefile", pdf, image
    )
    return Image.open(f"{image}.png").convert("L")


def test_a4_sheet_crop_marks_lie_in_the_margin_with_centre_marks(
    batches: dict[str, Path],
) -> None:
    dpi = 150
    px = dpi / 25.4
    sheet = _sheet_image(batches[BadgeLayout.A4_SHEET.value], dpi)
    size = LAYOUT_SIZES[BadgeLayout.A4_SHEET]
    margin_y = (297 - 2 * size.height_mm - 6) / 2
    cuts_x = [_badge_box(BadgeLayout.A4_SHEET, i)[j] / MM for i in (0, 1) for j in (0, 2)]

    def dark_near(x_mm: float, y_from_mm: float, y_to_mm: float) -> bool:
        column = range(round((x_mm - 0.3) * px), round((x_mm + 0.3) * px) + 1)
        rows = range(round(y_from_mm * px), round(y_to_mm * px))
        return any(sheet.getpixel((x, y)) < 128 for x in column for y in rows)

    for x in [*cuts_x, 105]:  # a mark on every cut line, and the sheet's centre mark
        assert dark_near(x, 0, margin_y - BLEED_MM), x
        assert dark_near(x, 297 - margin_y + BLEED_MM, 297), x
    # Nothing of a mark inside a badge: the badge's top strip above its header is white.
    for x in cuts_x:
        assert not dark_near(x + 1 if x in cuts_x[::2] else x - 1, margin_y + 0.5, margin_y + 3)


def test_a4_sheet_bands_bleed_past_the_cut_line(batches: dict[str, Path]) -> None:
    dpi = 150
    px = dpi / 25.4
    sheet = _sheet_image(batches[BadgeLayout.A4_SHEET.value], dpi)
    left, _top, _right, bottom = (value / MM for value in _badge_box(BadgeLayout.A4_SHEET, 0))

    below_cut = sheet.getpixel((round((left + 20) * px), round((bottom + 2) * px)))
    past_bleed = sheet.getpixel((round((left + 20) * px), round((bottom + BLEED_MM + 1) * px)))
    left_of_cut = sheet.getpixel((round((left - 2) * px), round((bottom - 3) * px)))

    assert below_cut < 250 and left_of_cut < 250  # band colour 2 mm past the cut lines
    assert past_bleed == 255  # and white beyond the bleed


def test_badge_qr_code_has_a_quiet_zone_of_four_modules(
    app_context: Flask, batches: dict[str, Path], attendees: dict[str, Attendee]
) -> None:
    dpi = 300
    px = dpi / 25.4
    pdf = batches[BadgeLayout.CARD_4X3.value]
    image = pdf.parent / "quiet"
    reading._run(
        "pdftoppm", "-r", str(dpi), "-png", "-f", "1", "-l", "1", "-singlefile", pdf, image
    )
    page = Image.open(f"{image}.png").convert("L")
    modules = segno.make(make_payload(attendees[SCRIPTS[0]].reference), error="m").symbol_size(
        border=0
    )[0]
    # The code's corner of the card (right of the name, above the reference and band).
    left, top = round(70 * px), round(25 * px)
    corner = page.crop((left, top, page.width, round(62 * px)))
    x0, y0, x1, _ = corner.point(lambda value: 255 if value < 128 else 0).getbbox()
    x0, y0, x1 = x0 + left, y0 + top, x1 + left
    module = (x1 - x0) / modules
    y1 = y0 + (x1 - x0)  # the code is square

    # The ring 4 modules wide around the code (less a pixel or two of anti-aliasing).
    quiet = round(4 * module)
    ring = page.crop((x0 - quiet, y0 - quiet, x1 + quiet, y1 + quiet))
    ring.paste(255, (quiet - 2, quiet - 2, quiet + x1 - x0 + 2, quiet + y1 - y0 + 2))

    assert min(ring.get_flattened_data()) > 200, "something dark within 4 modules of the code"
    assert module * modules <= LAYOUT_SIZES[BadgeLayout.CARD_4X3].qr_mm * px


# ------------------------------------------------------------------------ batch order


def test_badges_batch_in_filing_order_of_family_names(
    app_context: Flask, attendees: dict[str, Attendee]
) -> None:
    ours = {attendee.id: key for key, attendee in attendees.items()}

    batch = registrations_for_batch(BadgeFilter(edition_id=current_edition().id))

    order = [ours[r.id] for r in batch if r.id in ours]
    # Fernández, Kumar (कुमार), al-Ali (العلي), Müller, Ouyang, Papadopoulou (Παπαδοπούλου),
    # Tanaka, Volkov (Волков), von Hohenzollern, Zhang: every script among the Latin names.
    expected = ["es", "hi", "ar", "de", "zh-compound", "el", "ja", "ru", "long-zh", "zh"]
    assert [key for key in order if key in expected] == expected


def test_badges_batch_by_reference_or_category(
    app_context: Flask, attendees: dict[str, Attendee]
) -> None:
    edition_id = current_edition().id

    by_reference = registrations_for_batch(BadgeFilter(edition_id, order=BatchOrder.REFERENCE))
    by_category = registrations_for_batch(BadgeFilter(edition_id, order=BatchOrder.CATEGORY))

    references = [r.reference for r in by_reference]
    assert references == sorted(references)
    positions = [r.category.position for r in by_category]
    assert positions == sorted(positions)


def test_cli_badges_order_by_reference(
    app: Flask, attendees: dict[str, Attendee], tmp_path: Path
) -> None:
    output = tmp_path / "media.pdf"

    result = app.test_cli_runner().invoke(
        args=["forum", "badges", "--category", "media", "--order", "reference", "-o", str(output)]
    )

    assert result.exit_code == 0, result.output
    media = sorted(
        attendee.formatted_reference
        for key, attendee in attendees.items()
        if attendee.person.category == "media" and key != "pending"
    )
    pages = [reading.text(output, page) for page in range(1, reading.page_count(output) + 1)]
    found = [
        next(ref for ref in media if ref in page)
        for page in pages
        if any(ref in page for ref in media)
    ]
    assert found == media


# ---------------------------------------------------------- without the fonts a script needs

RENDER_IN_CHILD = """
import sys
from config import TestingConfig
from forum import create_app
from forum.documents.badges import badge_pdf
from forum.extensions import db
from forum.registration.models import Registration

class Config(TestingConfig):
    SQLALCHEMY_DATABASE_URI = sys.argv[1]

with create_app(Config).app_context():
    badge_pdf(db.session.get(Registration, int(sys.argv[2])))
    db.session.commit()
print("rendered")
"""


@pytest.mark.parametrize(
    ("key", "script", "package", "environment"),
    [
        ("hi", "Devanagari", "fonts-noto-core", "without_noto_core"),
        ("th", "Thai", "fonts-noto-core", "without_noto_core"),
        ("zh-compound", "Han", "fonts-noto-cjk", "without_cjk_font"),
        ("ko", "Hangul", "fonts-noto-cjk", "without_cjk_font"),
    ],
)
def test_badge_without_a_font_for_its_script_raises_missing_font(
    app_context: Flask,
    attendees: dict[str, Attendee],
    request: pytest.FixtureRequest,
    key: str,
    script: str,
    package: str,
    environment: str,
) -> None:
    attendee = attendees[key]
    stored_before = _stored_count(attendee)

    result = run_python(
        RENDER_IN_CHILD,
        app_context.config["SQLALCHEMY_DATABASE_URI"],
        str(attendee.id),
        env=request.getfixturevalue(environment),
    )

    assert result.returncode == 1, result.stdout + result.stderr
    person = f"{latin_name(attendee.person)} ({attendee.formatted_reference})"
    assert f"MissingFont: Cannot print {script} text for {person}" in result.stderr
    assert package in result.stderr
    assert "rendered" not in result.stdout
    db.session.expire_all()
    assert _stored_count(attendee) == stored_before


DOWNLOAD_IN_CHILD = """
import sys
from config import TestingConfig
from forum import create_app
from forum.editions.services import current_edition
from forum.extensions import db

class Config(TestingConfig):
    SQLALCHEMY_DATABASE_URI = sys.argv[1]

def allow_downloads(allowed):
    with app.app_context():
        current_edition().are_attendee_badges_open = allowed
        db.session.commit()

app = create_app(Config)
allow_downloads(True)
try:
    for lang in ("en", "zh"):
        response = app.test_client().get(f"/{lang}/registration/{sys.argv[2]}/badge.pdf")
        print(lang, response.status_code, response.get_data(as_text=True).replace("\\n", " "))
finally:
    allow_downloads(False)
"""


def test_own_badge_download_without_a_font_explains_instead_of_crashing(
    app_context: Flask, attendees: dict[str, Attendee], without_noto_core: dict[str, str]
) -> None:
    result = run_python(
        DOWNLOAD_IN_CHILD,
        app_context.config["SQLALCHEMY_DATABASE_URI"],
        attendees["hi"].token,
        env=without_noto_core,
    )

    pages = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    assert pages["en"].startswith("503 "), result.stdout + result.stderr
    assert "This document cannot be printed yet" in pages["en"]
    assert pages["zh"].startswith("503 ")
    assert "该文件暂时无法打印" in pages["zh"]
    assert "Cannot print Devanagari text" in result.stderr  # the log tells the organizers why
    assert "fonts-noto-core" in result.stderr


PRERENDER_IN_CHILD = """
import sys
from config import TestingConfig
from forum import create_app
from forum.documents.badges import prerender_badges
from forum.extensions import db

class Config(TestingConfig):
    SQLALCHEMY_DATABASE_URI = sys.argv[1]

with create_app(Config).app_context():
    prerender_badges(limit=1000)
    db.session.commit()
    prerender_badges(limit=1000)  # the unprintable badge is not tried again
print("round done")
"""


def test_worker_round_sets_aside_a_badge_it_cannot_print(
    app_context: Flask, attendees: dict[str, Attendee], without_noto_core: dict[str, str]
) -> None:
    hindi = attendees["hi"]
    _registration(hindi).position = "वरिष्ठ शोधकर्ता (2024)"  # stale, whatever ran before
    db.session.commit()

    result = run_python(
        PRERENDER_IN_CHILD, app_context.config["SQLALCHEMY_DATABASE_URI"], env=without_noto_core
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "round done" in result.stdout
    assert "Cannot print Devanagari text" in result.stderr
    db.session.expire_all()
    stored = _stored(hindi, BadgeLayout.A6)
    assert not stored.is_stale and stored.design == "no-font"
    assert hindi.id not in stale_registration_ids(BadgeLayout.A6, limit=1000)
    assert queue_missing_badges(BadgeLayout.A6) >= 1  # a worker starting retries it
    assert _stored(hindi, BadgeLayout.A6).is_stale
    db.session.rollback()


def _stored_count(attendee: Attendee) -> int:
    return db.session.scalar(select(func.count()).where(BadgeRender.registration_id == attendee.id))


@pytest.mark.parametrize(
    ("environment", "missing"),
    [
        ("without_noto_core", ["Devanagari", "Thai"]),
        ("without_cjk_font", ["Devanagari", "Thai", "Han", "kana", "Hangul"]),
    ],
)
def test_doctor_lists_each_script_it_cannot_print(
    request: pytest.FixtureRequest, tmp_path: Path, environment: str, missing: list[str]
) -> None:
    database = tmp_path / "doctor.sqlite3"
    env = {**request.getfixturevalue(environment), "DATABASE_URL": f"sqlite:///{database}"}

    result = run_python(
        "from flask.cli import main; main()", "--app", "wsgi", "forum", "doctor", env=env
    )

    assert result.returncode == 1, result.stdout + result.stderr
    cannot = [line for line in result.stdout.splitlines() if line.startswith("Cannot print")]
    assert [line.split()[2].rstrip(":") for line in cannot] == missing
    assert "Fonts are in place" not in result.stdout
    assert not database.exists()  # the doctor reads no database


def test_doctor_with_fonts_installed_passes(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["forum", "doctor"])

    assert result.exit_code == 0, result.output
    assert "MISSING" not in result.output
    assert "Cannot print" not in result.output
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
    db.session.commit()
    rendered_at = _stored(attendee, BadgeLayout.A6).rendered_at
    db.session.expire_all()

    second = badge_pdf(_registration(attendee))

    assert second == first
    assert _stored(attendee, BadgeLayout.A6).rendered_at == rendered_at


def test_badge_pdf_leaves_the_commit_to_its_caller(
    app_context: Flask, attendees: dict[str, Attendee]
) -> None:
    attendee = attendees["th"]

    badge_pdf(_registration(attendee), BadgeLayout.CARD_4X3)
    db.session.rollback()

    assert _stored(attendee, BadgeLayout.CARD_4X3) is None


def test_badge_is_marked_stale_in_the_transaction_that_changes_it(
    app_context: Flask, attendees: dict[str, Attendee], tmp_path: Path
) -> None:
    attendee = attendees["es"]
    badge_pdf(_registration(attendee))
    db.session.commit()

    _registration(attendee).position = "Deputy Mayor"
    db.session.flush()
    assert _stored(attendee, BadgeLayout.A6).is_stale
    db.session.rollback()
    assert not _stored(attendee, BadgeLayout.A6).is_stale  # the change and the mark, together

    _registration(attendee).position = "Deputy Mayor"
    db.session.commit()
    db.session.expire_all()
    after = badge_pdf(_registration(attendee))
    db.session.commit()
    pdf = tmp_path / "after.pdf"
    pdf.write_bytes(after)
    assert "Deputy Mayor" in reading.text(pdf)
    assert not _stored(attendee, BadgeLayout.A6).is_stale


def test_category_colour_change_marks_its_badges_stale(
    app_context: Flask, attendees: dict[str, Attendee]
) -> None:
    attendee = attendees["zh"]  # media
    badge_pdf(_registration(attendee))
    db.session.commit()
    media = db.session.scalars(select(Category).where(Category.code == "media")).one()
    colour = media.colour

    media.colour = "#000000"
    db.session.flush()

    assert _stored(attendee, BadgeLayout.A6).is_stale
    db.session.rollback()
    assert media.colour == colour


def test_prerender_badges_renders_missing_and_stale_only(
    app_context: Flask, attendees: dict[str, Attendee]
) -> None:
    layout = BadgeLayout.A4_SHEET
    confirmed = db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(Registration.status == RegistrationStatus.CONFIRMED.value)
    )
    already = db.session.scalar(
        select(func.count()).select_from(BadgeRender).where(BadgeRender.layout == layout.value)
    )
    assert already == 0, "another test left A4 renders behind"
    badge_pdf(_registration(attendees["zh"]), layout)
    db.session.commit()
    assert prerender_badges(layout) == 0  # nothing queued in this layout yet

    assert queue_missing_badges(layout) == confirmed - 1
    assert prerender_badges(layout, limit=2) == 2
    assert prerender_badges(layout, limit=100) == confirmed - 3
    db.session.commit()
    assert prerender_badges(layout) == 0

    _registration(attendees["ja"]).position = "Researcher"
    db.session.commit()
    assert prerender_badges(layout) == 1
    db.session.commit()
    assert prerender_badges(layout) == 0
    assert _stored(attendees["pending"], layout) is None


def test_confirmed_registration_is_queued_for_its_badge_in_the_same_transaction(
    app_context: Flask,
) -> None:
    attendee = add_registration(current_edition(), Person("Queued", "Person", "GB"))
    try:
        queued = _stored(attendee, BadgeLayout.A6)
        assert queued is not None and queued.is_stale and queued.pdf == b""
        assert attendee.id in stale_registration_ids(BadgeLayout.A6, limit=1000)
        assert prerender_badges(BadgeLayout.A6, limit=1000) >= 1
        assert not _stored(attendee, BadgeLayout.A6).is_stale
        assert _stored(attendee, BadgeLayout.A6).pdf.startswith(b"%PDF")
        db.session.commit()
    finally:
        remove_registrations([attendee])


def test_pending_registration_is_queued_once_confirmed(app_context: Flask) -> None:
    attendee = add_registration(
        current_edition(), Person("Later", "Person", "GB"), RegistrationStatus.PENDING
    )
    try:
        assert _stored(attendee, BadgeLayout.A6) is None

        _registration(attendee).status = RegistrationStatus.CONFIRMED.value
        db.session.flush()

        assert _stored(attendee, BadgeLayout.A6).is_stale
        db.session.rollback()
        assert _stored(attendee, BadgeLayout.A6) is None
    finally:
        remove_registrations([attendee])


def test_record_prints_counts_one_more_each_time(
    app_context: Flask, attendees: dict[str, Attendee]
) -> None:
    registration = _registration(attendees["de"])
    before = registration.badge_prints

    record_prints([registration])
    record_prints([registration])
    db.session.commit()

    assert _registration(attendees["de"]).badge_prints == before + 2


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


def test_cli_badges_mark_printed_is_committed(
    app: Flask, attendees: dict[str, Attendee], tmp_path: Path
) -> None:
    with app.app_context():
        before = _registration(attendees["he"]).badge_prints

    result = app.test_cli_runner().invoke(
        args=[
            "forum",
            "badges",
            "--category",
            "delegate",
            "--mark-printed",
            "-o",
            str(tmp_path / "d.pdf"),
        ]
    )

    assert result.exit_code == 0, result.output
    with app.app_context():
        assert _registration(attendees["he"]).badge_prints == before + 1


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


def test_attendee_badge_once_downloads_open_is_pdf_and_is_stored(
    client: FlaskClient, attendees: dict[str, Attendee], badges_open: None, tmp_path: Path
) -> None:
    attendee = attendees["zh-compound"]

    response = client.get(_badge_url(attendee))

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    pdf = tmp_path / "badge.pdf"
    pdf.write_bytes(response.data)
    assert reading.page_count(pdf) == 1
    assert "欧阳秀英" in reading.text(pdf)
    with client.application.app_context():
        codes = reading.qr_codes(pdf, tmp_path)
        assert [verify_payload(code) for code in codes] == [attendee.reference]
        assert _stored(attendee, BadgeLayout.A6).pdf == response.data  # the view committed


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
