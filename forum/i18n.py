"""Languages of the site: locale choice, translated content and formatting.

UI strings go through Flask-Babel; content written by organizers (titles, bios,
venues) is stored as a `Translated` value holding both languages.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from anyascii import anyascii
from babel import Locale
from babel.dates import format_date, format_datetime, format_time, get_timezone_location
from flask import Flask, Response, current_app, g, has_app_context, request, url_for
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON
from sqlalchemy.types import TypeDecorator
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from forum.links import site_url

LANGUAGES: tuple[str, ...] = ("en", "zh")
DEFAULT_LANGUAGE = "en"
# BCP 47 tags for <html lang> and hreflang: the script matters for Chinese fonts.
HTML_LANG = {"en": "en", "zh": "zh-Hans"}
LANGUAGE_NAMES = {"en": "English", "zh": "中文"}


def current_language() -> str:
    """The language of the page or e-mail being rendered; English by default."""
    if has_app_context():
        return g.get("lang", DEFAULT_LANGUAGE)
    return DEFAULT_LANGUAGE


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Render in `lang` for a while: e-mails go out in the attendee's language."""
    previous = g.get("lang")
    g.lang = lang
    try:
        with force_locale(lang):
            yield
    finally:
        if previous is None:
            g.pop("lang", None)
        else:
            g.lang = previous


def other_language(lang: str) -> str:
    return "zh" if lang == "en" else "en"


def language_from_accept_header(header_value: str | None) -> str:
    """Pick the site language for an Accept-Language header: any zh* means Chinese."""
    accepted = parse_accept_header(header_value, LanguageAccept)
    return accepted.best_match(LANGUAGES, default=DEFAULT_LANGUAGE)


class Translated(Mapping[str, str]):
    """A piece of content in English and Chinese that shows in the page's language.

    A missing language falls back to the other one, so a heading is never empty
    while either text exists.
    """

    __slots__ = ("_texts",)

    def __init__(self, texts: Mapping[str, str] | None = None, **kwargs: str) -> None:
        merged = dict(texts or {}, **kwargs)
        self._texts = {
            lang: (merged.get(lang) or "").strip() for lang in LANGUAGES if merged.get(lang)
        }

    def __getitem__(self, lang: str) -> str:
        return self._texts[lang]

    def __iter__(self):
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._texts == dict(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._texts.items())))

    def __repr__(self) -> str:
        return f"Translated({self._texts!r})"

    def __str__(self) -> str:
        return self.in_language(current_language())

    def in_language(self, lang: str) -> str:
        """The text in `lang`, else in the other language, else an empty string."""
        return self._texts.get(lang) or self._texts.get(other_language(lang), "")

    def has(self, lang: str) -> bool:
        return bool(self._texts.get(lang))

    def language_of(self, lang: str) -> str:
        """Which language `in_language(lang)` actually shows, for a lang attribute."""
        return lang if self.has(lang) else other_language(lang)

    def as_dict(self) -> dict[str, str]:
        return dict(self._texts)


class TranslatedType(TypeDecorator):
    """Stores a `Translated` as JSON `{"en": ..., "zh": ...}`."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> dict[str, str] | None:
        if value is None:
            return None
        if isinstance(value, str):
            raise TypeError("give a Translated or a dict of languages, not a plain string")
        return Translated(value).as_dict()

    def process_result_value(self, value: Any, dialect: Any) -> Translated | None:
        if value is None:
            return None
        return Translated(value)


def babel_locale(lang: str | None = None) -> Locale:
    return _locale(lang or current_language())


# British English writes dates as the design asks: "18 December 2024", "18–19 December 2024".
FORMAT_LOCALES = {"en": "en_GB", "zh": "zh_Hans_CN"}


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(FORMAT_LOCALES.get(lang, lang))


def local_time(moment: datetime, timezone: str) -> datetime:
    return moment.astimezone(ZoneInfo(timezone))


def format_day(moment: datetime | date, timezone: str | None = None) -> str:
    """A date as a page heading: "Wednesday, 18 December 2024" / "2024年12月18日星期三"."""
    day = local_time(moment, timezone).date() if isinstance(moment, datetime) else moment
    return _format(day, DATE_PATTERNS[babel_locale().language]["full"])


def format_long_date(day: date) -> str:
    """'18 December 2024' / '2024年12月18日'."""
    return _format(day, DATE_PATTERNS[babel_locale().language]["long"])


# The site's own date patterns, not CLDR's "long" and "full" names for them: those may
# change with a Babel release, and pages, badges and tests rely on these exact words.
DATE_PATTERNS = {
    "en": {"long": "d MMMM y", "full": "EEEE, d MMMM y"},
    "zh": {"long": "y年M月d日", "full": "y年M月d日EEEE"},
}


def _format(day: date, pattern: str) -> str:
    return format_date(day, format=pattern, locale=babel_locale())


def format_date_range(first: date, last: date) -> str:
    """'18–19 December 2024' / '2024年12月18日至19日'.

    Written out here, not taken from CLDR's interval patterns: those change between
    Babel releases (CLDR 47 turned 至 into an en dash), and a headline must not.
    """
    if first == last:
        return format_long_date(first)
    if babel_locale().language == "zh":
        return _chinese_date_range(first, last)
    return _english_date_range(first, last)


def _chinese_date_range(first: date, last: date) -> str:
    start = f"{first.year}年{first.month}月{first.day}日"
    if (first.year, first.month) == (last.year, last.month):
        return f"{start}至{last.day}日"
    if first.year == last.year:
        return f"{start}至{last.month}月{last.day}日"
    return f"{start}至{last.year}年{last.month}月{last.day}日"


def _english_date_range(first: date, last: date) -> str:
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{format_long_date(last)}"
    if first.year == last.year:
        return f"{_format(first, 'd MMMM')} – {format_long_date(last)}"
    return f"{format_long_date(first)} – {format_long_date(last)}"


def format_clock(moment: datetime, timezone: str) -> str:
    """A time of day in the edition's time zone, 24-hour: '09:30'."""
    return format_time(local_time(moment, timezone), format="HH:mm", locale=babel_locale())


# Zones people call after a city, where CLDR's name ("China (Shanghai) Time") is not
# what anyone at the forum says.
ZONE_NAMES = {"Asia/Shanghai": _l("Beijing time")}


def utc_offset(timezone: str, on: date | datetime | None = None) -> str:
    """The zone's offset on a day (noon) or at a moment: 'UTC+8', 'UTC-4', 'UTC+5:30'."""
    if on is None:
        on = datetime.now(UTC)
    elif not isinstance(on, datetime):
        on = datetime.combine(on, time(12), tzinfo=ZoneInfo(timezone))
    minutes = int(on.astimezone(ZoneInfo(timezone)).utcoffset().total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def time_zone_name(timezone: str) -> str:
    """'Beijing time' / '北京时间'; other zones by CLDR: 'Germany (Berlin) Time'."""
    if timezone in ZONE_NAMES:
        return str(ZONE_NAMES[timezone])
    return get_timezone_location(ZoneInfo(timezone), locale=babel_locale())


def time_zone_label(timezone: str, on: date | datetime | None = None) -> str:
    """'Beijing time (UTC+8)' / '北京时间（UTC+8）': the zone's name with its offset."""
    return gettext(
        "%(zone)s (%(offset)s)", zone=time_zone_name(timezone), offset=utc_offset(timezone, on)
    )


def format_moment(moment: datetime, timezone: str) -> str:
    return format_datetime(
        local_time(moment, timezone),
        format="medium",
        tzinfo=ZoneInfo(timezone),
        locale=babel_locale(),
    )


# Territory names as the host, the People's Government of Beijing Municipality, writes
# them, where CLDR's differ. Babel names Hong Kong and Macao as parts of China
# ("中国香港特别行政区") but Taiwan plainly ("台湾"); the host lists it as part of China
# too. Every country name the site shows (forms, pages, badges, exports, the attendee's
# JSON download) comes through this one layer over Babel.
TERRITORY_NAMES: dict[str, dict[str, str]] = {
    "en": {"TW": "Taiwan, China"},
    "zh": {"TW": "中国台湾"},
}


@cache
def _territories(lang: str) -> dict[str, str]:
    return {**Locale.parse(lang).territories, **TERRITORY_NAMES.get(lang, {})}


def country_name(code: str | None, lang: str | None = None) -> str:
    """The name of an ISO 3166 country in the page language (Babel's, or the host's)."""
    if not code:
        return ""
    return _territories(lang or current_language()).get(code.upper(), code.upper())


def country_name_in_languages(code: str | None) -> dict[str, str] | None:
    """A country's name in every language of the site, for exports; None without a code."""
    if not code:
        return None
    return {lang: country_name(code, lang) for lang in LANGUAGES}


def country_names(lang: str | None = None) -> tuple[tuple[str, str], ...]:
    """(code, name) of every country, for select lists, sorted for the reader."""
    return _sorted_countries(lang or current_language())


@cache
def _sorted_countries(lang: str) -> tuple[tuple[str, str], ...]:
    names = _territories(lang)
    # Two-letter alphabetic codes are countries; the rest are regions like "001".
    countries = [
        (code, name)
        for code, name in names.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    ]
    return tuple(sorted(countries, key=lambda item: collation_key(item[1], lang)))


# Babel lists these groupings and placeholders among territories; none is a country.
NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})


def _without_accents(text: str) -> str:
    """'Éluard' as 'Eluard', so accented names sort among their letter, not after Z."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(character for character in decomposed if not unicodedata.combining(character))


def collation_key(text: str, lang: str) -> tuple[str, str]:
    """Sort key a reader of `lang` expects: pinyin for Chinese, so 陈 sorts before 张.

    Sorting Han characters by code point puts 张 (U+5F20) before 陈 (U+9648), which
    no Chinese reader would accept. Elsewhere a name in another script sorts by its
    Latin transliteration (Волков as Volkov, among the V), not after every Latin name.
    """
    folded = _without_accents(text).casefold()
    if lang == "zh":
        # pypinyin loads its dictionary on import (a quarter of a second); only Chinese
        # sorting needs it, so it is imported on the first Chinese sort, not at start-up.
        from pypinyin import Style, lazy_pinyin

        spelled = " ".join(lazy_pinyin(text, style=Style.TONE3, errors="default"))
        return (spelled.casefold(), folded)
    if text.isascii():
        return (folded, folded)
    return (anyascii(text).casefold(), folded)


def init_app(app: Flask) -> None:
    """Take the language from the URL prefix and put it back into every URL built."""
    app.url_value_preprocessor(_take_language_from_url)
    app.url_defaults(_add_language_to_url)
    app.after_request(_remember_language)
    app.context_processor(_language_context)
    for helper in (
        format_day,
        format_long_date,
        format_date_range,
        format_clock,
        country_name,
        time_zone_name,
        time_zone_label,
    ):
        app.add_template_global(helper)


def _take_language_from_url(endpoint: str | None, values: dict[str, Any] | None) -> None:
    if values and "lang" in values:
        g.lang = values.pop("lang")
        g.lang_from_url = True


def _add_language_to_url(endpoint: str, values: dict[str, Any]) -> None:
    if "lang" not in values and current_app.url_map.is_endpoint_expecting(endpoint, "lang"):
        values["lang"] = current_language()


def _remember_language(response: Response) -> Response:
    if g.get("lang_from_url") and request.cookies.get(language_cookie()) != g.lang:
        response.set_cookie(
            language_cookie(),
            g.lang,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        )
    return response


def language_cookie() -> str:
    return current_app.config.get("LANGUAGE_COOKIE", "forum_lang")


def preferred_language() -> str:
    """The visitor's language when the URL names none: their saved choice, else the browser's."""
    saved = request.cookies.get(language_cookie())
    if saved in LANGUAGES:
        return saved
    return language_from_accept_header(request.headers.get("Accept-Language"))


def url_in_language(lang: str) -> str | None:
    """The current page in another language, or None where the page has no language."""
    endpoint = request.endpoint
    if not endpoint or not current_app.url_map.is_endpoint_expecting(endpoint, "lang"):
        return None
    # The query string is left behind: public pages are cached by path alone, and a
    # cached page must not carry what one visitor happened to type after the "?".
    arguments = dict(request.view_args or {}, lang=lang)
    return url_for(endpoint, **arguments)


def _language_context() -> dict[str, Any]:
    lang = current_language()
    return {
        "lang": lang,
        "html_lang": HTML_LANG[lang],
        "other_lang": other_language(lang),
        "language_names": LANGUAGE_NAMES,
        "html_lang_of": HTML_LANG,
        "url_in_language": url_in_language,
        "site_url": site_url,
    }
