"""Languages: translated content and its fallback, the browser's language, dates per locale."""

from __future__ import annotations

from datetime import date

import flask
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.exc import StatementError

from forum.editions.models import Edition
from forum.extensions import db
from forum.i18n import (
    Translated,
    collation_key,
    country_name,
    format_date_range,
    format_long_date,
    language_from_accept_header,
)
from forum.speakers.models import Speaker

# ------------------------------------------------------------------------------ Translated


def test_translated_shows_the_asked_language_when_present() -> None:
    text = Translated(en="Opening Ceremony", zh="开幕式")

    assert text.in_language("en") == "Opening Ceremony"
    assert text.in_language("zh") == "开幕式"


def test_translated_english_only_falls_back_on_chinese_pages() -> None:
    text = Translated(en="Opening Ceremony")

    assert text.in_language("zh") == "Opening Ceremony"
    assert text.language_of("zh") == "en"
    assert not text.has("zh")


def test_translated_chinese_only_falls_back_on_english_pages() -> None:
    text = Translated({"zh": "开幕式"})

    assert text.in_language("en") == "开幕式"
    assert text.language_of("en") == "zh"


def test_translated_empty_language_counts_as_missing() -> None:
    text = Translated(en="", zh="开幕式")

    assert text.in_language("en") == "开幕式"
    assert text.as_dict() == {"zh": "开幕式"}


def test_translated_blank_language_falls_back_rather_than_showing_blank() -> None:
    text = Translated(en="   ", zh="开幕式")

    assert text.in_language("en") == "开幕式"


def test_translated_is_never_empty_while_either_text_exists() -> None:
    for texts in ({"en": "A"}, {"zh": "甲"}, {"en": "A", "zh": "甲"}, {"en": "", "zh": "甲"}):
        text = Translated(texts)
        for lang in ("en", "zh"):
            assert text.in_language(lang)


def test_translated_ignores_languages_the_site_does_not_have() -> None:
    text = Translated(en="Hello", fr="Bonjour")

    assert text.as_dict() == {"en": "Hello"}


def test_translated_strips_surrounding_whitespace() -> None:
    assert Translated(en="  Main Forum \n").in_language("en") == "Main Forum"


def test_translated_equals_the_plain_dict_of_its_texts() -> None:
    assert Translated(en="A", zh="甲") == {"en": "A", "zh": "甲"}
    assert Translated(en="A") != Translated(en="A", zh="甲")


def test_translated_str_follows_the_page_language(app: Flask) -> None:
    text = Translated(en="Main Forum", zh="主论坛")

    with app.test_request_context("/zh/"):
        flask.g.lang = "zh"
        assert str(text) == "主论坛"
    with app.test_request_context("/en/"):
        flask.g.lang = "en"
        assert str(text) == "Main Forum"


# -------------------------------------------------------------- TranslatedType, in the DB


def test_translated_type_round_trips_through_the_database(changes_data: Flask) -> None:
    speaker = Speaker(
        given_name="Ada",
        family_name="Lovelace",
        bio=Translated(en="Wrote the first program."),
        position=Translated(zh="数学家"),
    )
    db.session.add(speaker)
    db.session.commit()
    speaker_id = speaker.id
    db.session.remove()

    stored = db.session.get(Speaker, speaker_id)

    assert isinstance(stored.bio, Translated)
    assert stored.bio == {"en": "Wrote the first program."}
    assert stored.position == {"zh": "数学家"}
    assert stored.honorific is None


def test_translated_type_refuses_a_plain_string(changes_data: Flask) -> None:
    db.session.add(Speaker(family_name="Lovelace", bio="Wrote the first program."))

    with pytest.raises(StatementError) as raised:
        db.session.flush()

    assert isinstance(raised.value.orig, TypeError)
    db.session.rollback()


def test_translated_type_stores_blank_text_as_no_text(
    changes_data: Flask, client: FlaskClient
) -> None:
    speaker = Speaker(given_name="Ada", family_name="Lovelace", bio=Translated(en="   "))
    db.session.add(speaker)
    db.session.commit()
    speaker_id = speaker.id
    db.session.remove()

    stored = db.session.get(Speaker, speaker_id)
    html = client.get(f"/en/speakers/{speaker_id}").get_data(as_text=True)

    assert not stored.bio
    assert stored.bio.in_language("en") == ""
    assert 'id="bio-title"' not in html


def test_speaker_with_english_bio_only_shows_it_on_chinese_profile(
    changes_data: Flask, client: FlaskClient
) -> None:
    speaker = Speaker(
        given_name="Ada",
        family_name="Lovelace",
        bio=Translated(en="Wrote the first program."),
        country="GB",
    )
    db.session.add(speaker)
    db.session.commit()

    chinese = client.get(f"/zh/speakers/{speaker.id}").get_data(as_text=True)
    english = client.get(f"/en/speakers/{speaker.id}").get_data(as_text=True)

    assert '<p lang="en">Wrote the first program.</p>' in chinese
    assert '<p lang="en">Wrote the first program.</p>' in english


def test_edition_with_chinese_name_only_shows_it_on_english_page(
    changes_data: Flask, client: FlaskClient
) -> None:
    db.session.add(
        Edition(
            year=2030,
            name=Translated(zh="北京接诉即办论坛（测试）"),
            starts_on=date(2030, 12, 3),
            ends_on=date(2030, 12, 4),
            venue=Translated(en="Test Hall"),
            city=Translated(en="Beijing", zh="北京"),
            permanent_theme=Translated(en="People's City, Better Future"),
        )
    )
    db.session.commit()

    english = client.get("/en/editions/2030/").get_data(as_text=True)
    chinese = client.get("/zh/editions/2030/").get_data(as_text=True)

    assert '<h1 id="edition-title">北京接诉即办论坛（测试）</h1>' in english
    assert "3–4 December 2030" in english
    assert "Test Hall, Beijing" in english
    assert '<h1 id="edition-title">北京接诉即办论坛（测试）</h1>' in chinese
    assert "2030年12月3日至4日" in chinese
    assert "Test Hall, 北京" in chinese


# --------------------------------------------------------------------- the browser's language


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("zh-CN,zh;q=0.9", "zh"),
        ("zh-TW", "zh"),
        ("zh-Hant-HK", "zh"),
        ("zh-Hans-CN", "zh"),
        ("zh", "zh"),
        ("ZH-cn", "zh"),
        ("zh_CN", "zh"),
        ("en-US", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("en;q=0.5, zh;q=0.9", "zh"),
        ("zh;q=0.5, en;q=0.9", "en"),
        ("en-US,en;q=0.9,zh-CN;q=0.8", "en"),
        ("fr-FR, zh;q=0.1", "zh"),
        ("fr-FR, de;q=0.8", "en"),
        ("de, *;q=0.5, zh;q=0.4", "en"),
        ("*", "en"),
        ("zh;q=0", "en"),
        ("zh;q=0, en;q=0.1", "en"),
        ("zh;q=nonsense, en", "en"),
        ("zhx", "en"),
        ("garbage", "en"),
        (";;;,,,", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_language_from_accept_header(header: str | None, expected: str) -> None:
    assert language_from_accept_header(header) == expected


# --------------------------------------------------------------------- dates and countries


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "18–19 December 2024"), ("zh", "2024年12月18日至19日")],
)
def test_format_date_range_in_page_language(app: Flask, lang: str, expected: str) -> None:
    with app.test_request_context(f"/{lang}/"):
        flask.g.lang = lang

        formatted = format_date_range(date(2024, 12, 18), date(2024, 12, 19))

    assert formatted == expected


@pytest.mark.parametrize(
    ("lang", "expected"), [("en", "12 December 2022"), ("zh", "2022年12月12日")]
)
def test_format_date_range_of_one_day_is_that_date(app: Flask, lang: str, expected: str) -> None:
    with app.test_request_context(f"/{lang}/"):
        flask.g.lang = lang

        formatted = format_date_range(date(2022, 12, 12), date(2022, 12, 12))

    assert formatted == expected


def test_format_date_range_in_chinese_across_months_and_years(app: Flask) -> None:
    with app.test_request_context("/zh/"):
        flask.g.lang = "zh"

        across_months = format_date_range(date(2024, 11, 30), date(2024, 12, 2))
        across_years = format_date_range(date(2024, 12, 30), date(2025, 1, 2))

    assert across_months == "2024年11月30日至12月2日"
    assert across_years == "2024年12月30日至2025年1月2日"


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (date(2024, 11, 30), date(2024, 12, 2), "30 November – 2 December 2024"),
        (date(2024, 12, 30), date(2025, 1, 2), "30 December 2024 – 2 January 2025"),
    ],
)
def test_format_date_range_in_english_spells_months_out_across_months(
    app: Flask, first: date, last: date, expected: str
) -> None:
    with app.test_request_context("/en/"):
        flask.g.lang = "en"

        formatted = format_date_range(first, last)

    assert formatted.replace("\u2009", " ") == expected


@pytest.mark.parametrize(
    ("lang", "expected"), [("en", "18 December 2024"), ("zh", "2024年12月18日")]
)
def test_format_long_date_in_page_language(app: Flask, lang: str, expected: str) -> None:
    with app.test_request_context(f"/{lang}/"):
        flask.g.lang = lang

        assert format_long_date(date(2024, 12, 18)) == expected


@pytest.mark.parametrize(
    ("code", "lang", "expected"),
    [
        ("CN", "en", "China"),
        ("CN", "zh", "中国"),
        ("GB", "en", "United Kingdom"),
        ("GB", "zh", "英国"),
        ("gb", "en", "United Kingdom"),
        ("DE", "zh", "德国"),
        (None, "en", ""),
    ],
)
def test_country_name_comes_from_babel_in_both_languages(
    code: str | None, lang: str, expected: str
) -> None:
    assert country_name(code, lang) == expected


def test_collation_key_files_names_of_every_script_among_the_latin_ones() -> None:
    names = ["Zhang", "Волков", "Müller", "Παπαδοπούλου", "Adams", "von Hohenzollern", "العلي"]

    ordered = sorted(names, key=lambda name: collation_key(name, "en"))

    assert ordered == [
        "Adams",
        "العلي",  # al-Ali
        "Müller",
        "Παπαδοπούλου",
        "Волков",
        "von Hohenzollern",
        "Zhang",
    ]
