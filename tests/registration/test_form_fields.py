"""The sign-up form takes names, numbers and countries as people write them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select

from forum.agenda.models import Session
from forum.editions.models import Edition
from forum.extensions import db
from forum.registration.models import Registration

from .html_forms import read_form

LATIN_ONLY = {
    "en": "Please write this name in Latin letters, as in your passport",
    "zh": "请用拉丁字母填写，与护照一致",
}
INVISIBLE = {
    "en": "Please remove the invisible characters",
    "zh": "请删除其中不可见的字符",
}


def _typed(**overrides: str) -> dict[str, str]:
    data = {
        "given_name": "Wei",
        "family_name": "Zhang",
        "name_zh": "张伟",
        "email": "zhang.wei@example.org",
        "organization": "Dongcheng District",
        "position": "Director",
        "country": "CN",
        "category": "delegate",
        "preferred_language": "zh",
        "consent": "y",
    }
    data.update(overrides)
    return data


def _stored() -> Registration | None:
    return db.session.scalars(select(Registration)).first()


def _errors_of(response: Any, field: str) -> list[str]:
    return read_form(response.get_data(as_text=True)).errors.get(field, [])


# ------------------------------------------------------------------------- Latin names


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("family_name", "张"),
        ("given_name", "伟"),
        ("given_name", "Wei 伟"),
        ("family_name", "やまだ"),  # hiragana
        ("family_name", "ヤマダ"),  # katakana
        ("family_name", "ﾔﾏﾀﾞ"),  # half-width katakana
        ("given_name", "민준"),  # Hangul
    ],
)
def test_register_latin_name_in_east_asian_script_is_refused_in_the_page_language(
    edition: Edition, client: FlaskClient, lang: str, field: str, typed: str
) -> None:
    response = client.post(f"/{lang}/register", data=_typed(**{field: typed}))

    assert response.status_code == 422
    (error,) = _errors_of(response, field)
    assert LATIN_ONLY[lang] in error
    # What was typed comes back as typed.
    assert read_form(response.get_data(as_text=True)).values[field] == typed
    assert _stored() is None


@pytest.mark.parametrize(
    ("name_zh", "field", "typed", "pinyin"),
    [
        ("张伟", "family_name", "张", "Zhang"),
        ("张伟", "given_name", "伟", "Wei"),
        ("欧阳秀英", "family_name", "欧阳", "Ouyang"),
        ("单田芳", "family_name", "单", "Shan"),  # a family name, not "dan"
        ("", "family_name", "吕", "Lyu"),  # no Chinese name: the field's own pinyin
    ],
)
def test_register_latin_name_in_chinese_suggests_the_pinyin(
    edition: Edition, client: FlaskClient, name_zh: str, field: str, typed: str, pinyin: str
) -> None:
    response = client.post("/en/register", data=_typed(name_zh=name_zh, **{field: typed}))

    (error,) = _errors_of(response, field)
    assert f"“{pinyin}”" in error


@pytest.mark.parametrize(
    ("lang", "suggestion"),
    [
        ("en", "family name Ouyang, given name Xiuying"),
        ("zh", "姓 Ouyang，名 Xiuying"),
    ],
)
def test_register_page_offers_the_pinyin_of_the_chinese_name_as_the_latin_name(
    edition: Edition, client: FlaskClient, lang: str, suggestion: str
) -> None:
    response = client.post(
        f"/{lang}/register", data=_typed(name_zh="欧阳秀英", family_name="", given_name="")
    )

    assert response.status_code == 422
    assert escape(suggestion) in response.get_data(as_text=True)


def test_register_latin_names_with_accents_and_other_scripts_are_accepted(
    edition: Edition, client: FlaskClient
) -> None:
    response = client.post(
        "/en/register",
        data=_typed(given_name="Nguyễn Văn", family_name="Müller-Lüdenscheid", name_zh=""),
    )

    assert response.status_code == 302
    assert _stored().family_name == "Müller-Lüdenscheid"


# ------------------------------------------------------------------ invisible characters


@pytest.mark.parametrize(
    "invisible",
    ["\u200b", "\u200e", "\u200f", "\u061c", "\ufeff", "\u2060", "\u00ad", "\u202e", "\u2066"],
)
def test_register_name_with_an_invisible_format_character_is_refused(
    edition: Edition, client: FlaskClient, invisible: str
) -> None:
    response = client.post("/en/register", data=_typed(given_name=f"W{invisible}ei"))

    assert response.status_code == 422
    (error,) = _errors_of(response, "given_name")
    assert INVISIBLE["en"] in error
    assert _stored() is None


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("field", ["family_name", "name_zh", "organization"])
def test_register_personal_text_with_a_zero_width_space_is_refused_in_the_page_language(
    edition: Edition, client: FlaskClient, lang: str, field: str
) -> None:
    typed = {"family_name": "Zhang", "name_zh": "张伟"}.get(field, "Acme")
    typed = typed[:1] + "\u200b" + typed[1:]

    response = client.post(f"/{lang}/register", data=_typed(**{field: typed}))

    assert response.status_code == 422
    (error,) = _errors_of(response, field)
    assert INVISIBLE[lang] in error
    assert _stored() is None


@pytest.mark.parametrize("invisible", ["\u200b", "\u2060"])
@pytest.mark.parametrize("field", ["position", "dietary_needs", "accessibility_needs"])
def test_register_other_personal_text_with_an_invisible_character_is_refused(
    edition: Edition, client: FlaskClient, invisible: str, field: str
) -> None:
    response = client.post("/en/register", data=_typed(**{field: f"Vegan{invisible}"}))

    assert response.status_code == 422
    assert INVISIBLE["en"] in " ".join(_errors_of(response, field))


def test_register_names_keep_the_joiners_scripts_need(
    edition: Edition, client: FlaskClient
) -> None:
    persian = "می\u200cخواهم"  # zero-width non-joiner, part of Persian spelling
    sinhala = "ශ්\u200dරී"  # zero-width joiner, part of Sinhala spelling

    response = client.post(
        "/en/register", data=_typed(given_name=persian, family_name=sinhala, name_zh="")
    )

    assert response.status_code == 302
    stored = _stored()
    assert (stored.given_name, stored.family_name) == (persian, sinhala)


# ------------------------------------------------------------------------------- phone


def test_register_phone_comes_back_as_typed_after_an_error_and_is_stored_as_e164(
    edition: Edition, client: FlaskClient
) -> None:
    refused = client.post("/en/register", data=_typed(phone="+86 138 0013 8000", consent=""))

    assert refused.status_code == 422
    assert read_form(refused.get_data(as_text=True)).values["phone"] == "+86 138 0013 8000"

    accepted = client.post("/en/register", data=_typed(phone="+86 138 0013 8000"))

    assert accepted.status_code == 302
    assert _stored().phone == "+8613800138000"


def test_register_invalid_phone_comes_back_as_typed(edition: Edition, client: FlaskClient) -> None:
    response = client.post("/en/register", data=_typed(phone="138 0013 8000"))

    assert response.status_code == 422
    assert read_form(response.get_data(as_text=True)).values["phone"] == "138 0013 8000"
    assert _errors_of(response, "phone")


# ---------------------------------------------------------------------- language names


def _language_labels(html: str) -> dict[str, str]:
    """The lang attribute of each preferred-language label, by the language it names."""
    labels = re.findall(r'<label for="preferred_language-\d+"([^>]*)>([^<]+)</label>', html)
    return {
        text: (re.search(r'lang="([^"]+)"', attributes) or [None, ""])[1]
        for attributes, text in labels
    }


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_register_page_language_names_carry_their_own_language(
    edition: Edition, client: FlaskClient, lang: str
) -> None:
    html = client.get(f"/{lang}/register").get_data(as_text=True)

    assert _language_labels(html) == {"English": "en", "中文": "zh-Hans"}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_manage_page_language_names_carry_their_own_language(
    edition: Edition, client: FlaskClient, lang: str
) -> None:
    signed_up = client.post(f"/{lang}/register", data=_typed())
    page = client.get(signed_up.headers["Location"]).get_data(as_text=True)

    assert _language_labels(page) == {"English": "en", "中文": "zh-Hans"}


# ------------------------------------------------------------------------------ Taiwan


@pytest.mark.parametrize(
    ("lang", "taiwan", "hong_kong"),
    [("en", "Taiwan, China", "Hong Kong SAR China"), ("zh", "中国台湾", "中国香港特别行政区")],
)
def test_register_country_list_names_taiwan_as_the_host_does(
    edition: Edition, client: FlaskClient, lang: str, taiwan: str, hong_kong: str
) -> None:
    html = client.get(f"/{lang}/register").get_data(as_text=True)

    options = dict(read_form(html).options["country"])
    assert options["TW"] == taiwan
    assert options["HK"] == hong_kong


def test_manage_page_json_download_names_the_country_in_both_languages(
    edition: Edition, client: FlaskClient, sub_forums: list[Session]
) -> None:
    signed_up = client.post("/en/register", data=_typed(country="TW"))
    path = signed_up.headers["Location"].split("?", 1)[0]

    data = client.get(f"{path}/data.json").get_json()

    assert data["country"] == "TW"
    assert data["country_name"] == {"en": "Taiwan, China", "zh": "中国台湾"}
