"""Fitting texts to a badge and checking fonts, on the fonts installed here (no PDF needed)."""

from __future__ import annotations

import pytest

from forum.documents import fitting
from forum.documents.fonts import (
    MissingFont,
    require_fonts_for,
    script_of,
    uncovered_scripts,
    unprintable_scripts,
)


@pytest.mark.parametrize(
    ("text", "country", "capitals"),
    [
        ("Παπαδοπούλου", "GR", "ΠΑΠΑΔΟΠΟΥΛΟΥ"),
        ("Μαΐου", "GR", "ΜΑΪΟΥ"),  # the diaeresis stays
        ("Κάιρο", "GR", "ΚΑΪΡΟ"),  # the accent shows two vowels: a diaeresis takes its place
        ("Ζωή Ευαγγέλου", "GR", "ΖΩΗ ΕΥΑΓΓΕΛΟΥ"),
        ("Yıldız", "TR", "YILDIZ"),
        ("Çiğdem", "TR", "ÇİĞDEM"),
        ("Müller", "DE", "MÜLLER"),
        ("Fernández", "ES", "FERNÁNDEZ"),
        ("Волков", "RU", "ВОЛКОВ"),
    ],
)
def test_upper_follows_the_writers_language(text: str, country: str, capitals: str) -> None:
    assert fitting.upper(text, country) == capitals


@pytest.mark.parametrize(
    ("text", "direction"),
    [("محمد العلي", "rtl"), ("דוד כהן", "rtl"), ("(محمد)", "rtl"), ("Zoë", "ltr"), ("123", "ltr")],
)
def test_direction_follows_the_first_strong_character(text: str, direction: str) -> None:
    assert fitting.direction(text) == direction


def test_name_lines_break_after_middle_dots_and_stay_whole() -> None:
    name = "克里斯蒂娜·玛丽亚·特蕾莎·冯·霍亨索伦-西格马林根"

    lines = fitting.name_lines(name, 30, 89 * fitting.PT_PER_MM)

    assert "".join(lines) == name
    assert len(lines) > 1
    assert all(line[-1] in "·-" for line in lines[:-1])


def test_ellipsized_text_fits_its_lines_and_ends_with_an_ellipsis() -> None:
    text = "Deputy Director-General for International Cooperation and Exchange " * 4

    cut = fitting.ellipsized(text, 9, 200, 2, bold=False)

    assert cut.endswith("…")
    assert text.startswith(cut[:-1])
    assert len(fitting.wrap(cut, 9, 200)) == 2


@pytest.mark.parametrize(
    ("character", "script"),
    [("अ", "Devanagari"), ("ก", "Thai"), ("张", "Han"), ("ゆ", "kana"), ("한", "Hangul"),
     ("α", "Greek"), ("ж", "Cyrillic"), ("ᱚ", "Ol Chiki")],
)  # fmt: skip
def test_script_of_names_the_script(character: str, script: str) -> None:
    assert script_of(character) == script


def test_every_script_attendees_write_is_printable_here() -> None:
    assert unprintable_scripts() == {}
    assert uncovered_scripts("अनिल कुमार สมชาย ใจดี Παπαδοπούλου 张伟 ゆき 박서연 محمد כהן") == {}


def test_text_in_a_script_outside_the_font_stack_raises_missing_font() -> None:
    with pytest.raises(MissingFont) as raised:
        require_fonts_for(["Zoë", "ᱚᱞ ᱪᱤᱠᱤ"], owner="Zoë Müller (ABCD-EFGH)")

    assert raised.value.script == "Ol Chiki"
    assert "Zoë Müller (ABCD-EFGH)" in str(raised.value)
