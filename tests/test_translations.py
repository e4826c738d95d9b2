"""The Chinese catalogue: complete, faithful to its placeholders, and used by the site.

The messages are extracted from the source exactly as `make extract-messages` does
(babel.cfg and the same keywords), so a string added to a template without a Chinese
translation fails here with its msgid, before it reaches a Chinese reader in English.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
from babel.messages.catalog import PYTHON_FORMAT, Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import get_babel

ROOT = Path(__file__).resolve().parent.parent
BABEL_CFG = ROOT / "babel.cfg"
TRANSLATIONS = ROOT / "translations"
LC_MESSAGES = TRANSLATIONS / "zh" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "messages.po"
MO_FILE = LC_MESSAGES / "messages.mo"

# The Makefile's `pybabel extract -k lazy_gettext -k _l` adds these to Babel's defaults.
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None}

MsgKey = tuple[str, str | None]


def _key_text(msgid: str | tuple[str, ...]) -> str:
    return msgid[0] if isinstance(msgid, tuple) else msgid


def _read_catalogue() -> Catalog:
    with PO_FILE.open("rb") as po:
        return read_po(po, locale="zh")


def _extract_source_messages() -> dict[MsgKey, list[str]]:
    """Every marked msgid in the source (and its context), with where it occurs."""
    with BABEL_CFG.open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, filename=str(BABEL_CFG))
    found: dict[MsgKey, list[str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.setdefault((_key_text(message), context), []).append(f"{filename}:{lineno}")
    return found


@pytest.fixture(scope="module")
def catalogue() -> Catalog:
    return _read_catalogue()


@pytest.fixture(scope="module")
def source_messages() -> dict[MsgKey, list[str]]:
    return _extract_source_messages()


def _translations(message: Message) -> list[str]:
    if isinstance(message.string, tuple | list):
        return list(message.string)
    return [message.string or ""]


def _describe(key: MsgKey, places: list[str]) -> str:
    msgid, context = key
    where = ", ".join(places[:3])
    label = f"{msgid!r}" if context is None else f"{msgid!r} (context {context!r})"
    return f"  {label}  [{where}]"


def test_the_extraction_finds_the_site_strings(source_messages: dict[MsgKey, list[str]]) -> None:
    # Guards the test itself: a broken babel.cfg or keyword list would find nothing.
    msgids = {msgid for msgid, _ in source_messages}
    assert "Beijing time" in msgids  # a template, through the jinja2 extractor
    assert "Opening ceremony" in msgids  # Python, through lazy_gettext as _l
    assert "%(num)d speaker" in msgids  # ngettext


def test_catalogue_header(catalogue: Catalog) -> None:
    assert str(catalogue.locale) == "zh"
    assert catalogue.num_plurals == 1
    assert catalogue.plural_expr == "0"
    assert catalogue.charset.lower() == "utf-8"
    assert not catalogue.fuzzy, "remove '#, fuzzy' from the catalogue header"


def test_every_source_string_has_a_chinese_translation(
    catalogue: Catalog, source_messages: dict[MsgKey, list[str]]
) -> None:
    missing, untranslated, fuzzy = [], [], []
    for key, places in sorted(source_messages.items(), key=lambda item: item[0][0]):
        msgid, context = key
        message = catalogue.get(msgid, context=context)
        if message is None:
            missing.append(_describe(key, places))
        elif not all(text.strip() for text in _translations(message)):
            untranslated.append(_describe(key, places))
        elif message.fuzzy:
            fuzzy.append(_describe(key, places))
    problems = []
    if missing:
        problems.append("Not in the catalogue (run `make update-messages`):\n" + "\n".join(missing))
    if untranslated:
        problems.append("Without a Chinese translation:\n" + "\n".join(untranslated))
    if fuzzy:
        problems.append("Marked fuzzy (check, then remove the flag):\n" + "\n".join(fuzzy))
    assert not problems, f"{os.path.relpath(PO_FILE, ROOT)}:\n" + "\n\n".join(problems)


def _placeholders(text: str) -> tuple[list[str], bool]:
    """The %-placeholders of `text`, sorted, and whether a stray '%' is left over.

    Templates format every `_()` result with `%`, so a '%' in a translation that is not
    a placeholder (or '%%') breaks the page.
    """
    found = [match.group(0) for match in PYTHON_FORMAT.finditer(text)]
    stray = "%" in PYTHON_FORMAT.sub("", text)
    return sorted(spec for spec in found if spec != "%%"), stray


def test_translations_keep_the_placeholders(catalogue: Catalog) -> None:
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        ids = list(message.id) if isinstance(message.id, tuple) else [message.id]
        # ngettext: Chinese has one form, which serves the singular and plural msgid alike.
        expected = sorted({spec for msgid in ids for spec in _placeholders(msgid)[0]})
        for text in _translations(message):
            if not text:
                continue  # reported by the completeness test
            specs, stray = _placeholders(text)
            if sorted(set(specs)) != expected or stray:
                problems.append(f"  {ids[0]!r} -> {text!r}: expected {expected}, found {specs}")
    assert not problems, "Placeholders differ from the English:\n" + "\n".join(problems)


# ------------------------------------------------------------------------ with the app


def _compile_catalogue() -> None:
    """Write messages.mo beside the .po, as `make translations` does, if it is stale."""
    if MO_FILE.exists() and MO_FILE.stat().st_mtime >= PO_FILE.stat().st_mtime:
        return
    catalogue = _read_catalogue()
    # Write then rename, so a parallel test run never reads half a file.
    handle, temporary = tempfile.mkstemp(dir=LC_MESSAGES, suffix=".mo.tmp")
    try:
        with os.fdopen(handle, "wb") as mo:
            write_mo(mo, catalogue, use_fuzzy=False)
        os.replace(temporary, MO_FILE)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@pytest.fixture(scope="session")
def compiled_catalogue() -> None:
    _compile_catalogue()


@pytest.fixture
def translated_client(compiled_catalogue: None, app: Flask, client: FlaskClient) -> FlaskClient:
    # Flask-Babel caches catalogues per locale for the process; an earlier test may have
    # loaded zh before the .mo existed, so make it read the compiled one.
    with app.app_context():
        get_babel(app).instance.domain_instance.cache.clear()
    return client


def test_chinese_agenda_uses_the_compiled_catalogue(translated_client: FlaskClient) -> None:
    response = translated_client.get("/zh/agenda")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "议程" in page
    assert "北京时间" in page
    assert "开幕式" in page
    assert re.search(r"\bBeijing time\b", page) is None, "the zh page shows English UI strings"


def test_english_agenda_stays_english(translated_client: FlaskClient) -> None:
    response = translated_client.get("/en/agenda")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Beijing time" in page
    assert "Opening ceremony" in page
    assert "北京时间" not in page
