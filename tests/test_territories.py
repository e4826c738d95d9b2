"""Country names as the host expects, from one layer over Babel's territory data."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from forum.extensions import db
from forum.i18n import country_name, country_name_in_languages, country_names
from forum.speakers.models import Speaker


@pytest.mark.parametrize(
    ("code", "lang", "name"),
    [
        ("TW", "en", "Taiwan, China"),
        ("TW", "zh", "中国台湾"),
        ("tw", "zh", "中国台湾"),
        ("HK", "en", "Hong Kong SAR China"),
        ("HK", "zh", "中国香港特别行政区"),
        ("MO", "zh", "中国澳门特别行政区"),
        ("CN", "zh", "中国"),
        ("BR", "en", "Brazil"),
    ],
)
def test_country_name_follows_the_host_where_it_differs_from_babel(
    code: str, lang: str, name: str
) -> None:
    assert country_name(code, lang) == name


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_country_names_list_taiwan_once_under_the_hosts_name(lang: str) -> None:
    names = country_names(lang)

    taiwan = [name for code, name in names if code == "TW"]
    assert taiwan == [country_name("TW", lang)]
    assert "Taiwan" not in [name for _, name in names]
    assert "台湾" not in [name for _, name in names]


def test_country_names_in_chinese_sort_taiwan_china_among_the_other_parts_of_china() -> None:
    codes = [code for code, _ in country_names("zh")]

    # 中国, 中国台湾, 中国香港…, 中国澳门… sort together by pinyin (zhong guo…).
    around = codes[codes.index("CN") : codes.index("CN") + 4]
    assert set(around) == {"CN", "TW", "HK", "MO"}


def test_country_name_in_languages_is_what_exports_use() -> None:
    assert country_name_in_languages("TW") == {"en": "Taiwan, China", "zh": "中国台湾"}
    assert country_name_in_languages(None) is None


def test_schedule_json_names_a_speakers_country_in_both_languages(
    changes_data: Flask, client: FlaskClient
) -> None:
    speaker = db.session.scalars(select(Speaker).where(Speaker.is_published)).first()
    speaker.country = "TW"
    db.session.commit()

    document = client.get("/api/v1/editions/2024/schedule.json").get_json()

    (exported,) = [entry for entry in document["speakers"] if entry["id"] == speaker.id]
    assert exported["country_name"] == {"en": "Taiwan, China", "zh": "中国台湾"}
