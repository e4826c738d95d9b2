"""People's names in their natural order, and the order readers expect lists in.

A Latin-script name (given and family) and an optional Chinese name are separate
fields, never a translation of one another. The Chinese name is kept whole, family
name first with no space (张伟, 欧阳秀英), so it can never come out as "伟 张".
"""

from __future__ import annotations

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


def init_app(app: Flask) -> None:
    for helper in (latin_name, latin_name_html, primary_name, primary_name_html, secondary_name):
        app.add_template_global(helper)
