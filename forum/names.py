"""People's names in their natural order, and the order readers expect lists in.

A Latin-script name (given and family) and an optional Chinese name are separate
fields, never a translation of one another. The Chinese name is kept whole, family
name first with no space (张伟, 欧阳秀英), so it can never come out as "伟 张".
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Protocol

from flask import Flask
from markupsafe import Markup, escape

from forum.i18n import collation_key


class Named(Protocol):
    given_name: str
    family_name: str
    name_zh: str | None
    is_family_name_first: bool


def latin_name(person: Named) -> str:
    """'Wei Zhang', or 'Zhang Wei' for someone who writes the family name first."""
    parts = [person.given_name, person.family_name]
    if person.is_family_name_first:
        parts.reverse()
    return " ".join(part for part in parts if part)


def latin_name_html(person: Named) -> Markup:
    """The Latin name with the family name in a span, so a page or badge can style it."""
    family = Markup('<span class="family-name">{}</span>').format(person.family_name)
    given = escape(person.given_name)
    if not person.given_name:
        return family
    if person.is_family_name_first:
        return Markup("{} {}").format(family, given)
    return Markup("{} {}").format(given, family)


def primary_name(person: Named, lang: str) -> str:
    """The name to lead with on a page in `lang` (a Chinese name on Chinese pages)."""
    if lang == "zh" and person.name_zh:
        return person.name_zh
    return latin_name(person)


def primary_name_html(person: Named, lang: str) -> Markup:
    if lang == "zh" and person.name_zh:
        return Markup('<span lang="zh-Hans">{}</span>').format(person.name_zh)
    return latin_name_html(person)


def secondary_name(person: Named, lang: str) -> str:
    """The other script's name, shown beside the primary one; empty when there is none."""
    if lang == "zh" and person.name_zh:
        return latin_name(person)
    return person.name_zh or ""


def name_sort_key(person: Named, lang: str) -> tuple:
    """Chinese pages sort by pinyin of the Chinese name, English pages by family name."""
    if lang == "zh" and person.name_zh:
        return (
            collation_key(person.name_zh, "zh"),
            collation_key(latin_name(person), "en"),
            person.name_zh,
        )
    return (
        collation_key(person.family_name, lang),
        collation_key(person.given_name, lang),
        person.name_zh or "",
    )


# Scripts that are not Latin letters although people sometimes type them into the Latin
# name fields: Han (Chinese characters), kana (Japanese) and Hangul (Korean).
EAST_ASIAN_SCRIPTS = (
    "CJK UNIFIED IDEOGRAPH",
    "CJK COMPATIBILITY IDEOGRAPH",
    "HIRAGANA",
    "KATAKANA",
    "HANGUL",
    "HALFWIDTH KATAKANA",
    "HALFWIDTH HANGUL",
    "IDEOGRAPHIC ITERATION MARK",
    "IDEOGRAPHIC NUMBER ZERO",
)


def is_east_asian_script(character: str) -> bool:
    """True for a Han, kana or Hangul character (not for CJK punctuation or Latin)."""
    return unicodedata.name(character, "").startswith(EAST_ASIAN_SCRIPTS)


def has_east_asian_script(text: str) -> bool:
    return any(is_east_asian_script(character) for character in text)


@dataclass(frozen=True)
class LatinName:
    family_name: str
    given_name: str

    def __str__(self) -> str:
        return f"{self.family_name} {self.given_name}".strip()


# Two-character family names: the rest of a Chinese name is the given name.
_COMPOUND_FAMILY_NAMES = (
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 令狐 端木 "
    "独孤 南宫 西门 轩辕 呼延 百里 东郭 万俟 申屠 闻人 澹台 公冶 太史 钟离 司空"
)
COMPOUND_FAMILY_NAMES = frozenset(_COMPOUND_FAMILY_NAMES.split(" "))
# Family names read otherwise than the same character in ordinary words (单 is Shan as a
# family name, dan elsewhere): pypinyin reads words, so it would spell them wrongly.
FAMILY_NAME_READINGS = {
    "单": "shan", "曾": "zeng", "区": "ou", "解": "xie", "查": "zha", "朴": "piao",
    "乐": "yue", "仇": "qiu", "翟": "zhai", "覃": "qin", "盖": "ge", "缪": "miao",
    "尉迟": "yuchi", "万俟": "moqi", "长孙": "zhangsun", "秘": "bi", "种": "chong",
    "召": "shao", "繁": "po", "句": "gou", "员": "yun", "黑": "he", "薄": "bo", "柏": "bai",
    "宿": "su", "折": "she", "重": "chong", "任": "ren", "华": "hua", "冼": "xian",
}  # fmt: skip


def suggested_latin_name(name_zh: str | None) -> LatinName | None:
    """The pinyin of a Chinese name as passports write it: 张伟 is family Zhang, given Wei.

    None unless the name is two to four Chinese characters (a name like 阿沛·阿旺晋美 or
    one in another script has no family/given split we could guess).
    """
    name = (name_zh or "").strip()
    if not 2 <= len(name) <= 4 or not all(_is_han(character) for character in name):
        return None
    family_length = 2 if len(name) > 2 and name[:2] in COMPOUND_FAMILY_NAMES else 1
    family, given = name[:family_length], name[family_length:]
    family_pinyin = FAMILY_NAME_READINGS.get(family) or _pinyin(family)
    return LatinName(family_name=family_pinyin.capitalize(), given_name=_pinyin(given).capitalize())


def pinyin_spelling(text: str) -> str | None:
    """'张' as 'Zhang': Chinese characters spelled in pinyin; None for any other text."""
    text = text.strip()
    if not text or not all(_is_han(character) for character in text):
        return None
    return _pinyin(text).capitalize()


def _is_han(character: str) -> bool:
    return unicodedata.name(character, "").startswith(EAST_ASIAN_SCRIPTS[:2])


def _pinyin(text: str) -> str:
    # Imported on first use: pypinyin loads its dictionary on import (see i18n.collation_key).
    from pypinyin import Style, lazy_pinyin

    # Passports write ü as "yu" (吕 is LYU); pypinyin writes it "v".
    return "".join(lazy_pinyin(text, style=Style.NORMAL)).replace("v", "yu")


def init_app(app: Flask) -> None:
    for helper in (latin_name, latin_name_html, primary_name, primary_name_html, secondary_name):
        app.add_template_global(helper)
