"""The programme booklet as PDF, read back with poppler and pypdf, and its file cache."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from pypdf.generic import Destination
from sqlalchemy import select

from forum.agenda.models import Session, Talk, TalkSpeaker
from forum.documents.programme import render_programme
from forum.editions.models import Edition
from forum.editions.services import current_edition
from forum.extensions import db
from forum.i18n import Translated
from forum.names import latin_name, primary_name
from forum.speakers.models import Speaker

from . import reading
from .fontless import run_python

LANGUAGES = ["en", "zh"]


@dataclass(frozen=True)
class Booklet:
    lang: str
    path: Path
    data: bytes


@pytest.fixture(scope="module")
def programme_folder(app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An instance folder of the tests' own, so no booklet of another database is served.

    Booklets are cached by content revision, a counter that restarts with every new
    database; the project's instance/ folder may hold files of the dev database.
    """
    saved = app.instance_path
    app.instance_path = str(tmp_path_factory.mktemp("instance"))
    yield Path(app.instance_path) / "programmes"
    app.instance_path = saved


@pytest.fixture(scope="module")
def booklets(app: Flask, programme_folder: Path) -> dict[str, Booklet]:
    """Both booklets as first downloaded, rendered on that download."""
    client = app.test_client()
    found = {}
    for lang in LANGUAGES:
        response = client.get(f"/{lang}/programme.pdf")
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        path = programme_folder.parent / f"downloaded-{lang}.pdf"
        path.write_bytes(response.data)
        found[lang] = Booklet(lang=lang, path=path, data=response.data)
        response.close()
    return found


def _published_sessions(edition: Edition) -> list[Session]:
    return list(
        db.session.scalars(
            select(Session).where(Session.edition_id == edition.id, Session.is_published)
        )
    )


def _speakers_on_programme(edition: Edition) -> list[Speaker]:
    """Published speakers with a part in a published session of the edition."""
    # IN rather than DISTINCT: PostgreSQL cannot compare the JSON columns of a speaker.
    on_programme = (
        select(TalkSpeaker.speaker_id)
        .join(Talk, Talk.id == TalkSpeaker.talk_id)
        .join(Session, Session.id == Talk.session_id)
        .where(Session.edition_id == edition.id, Session.is_published)
    )
    return list(
        db.session.scalars(
            select(Speaker).where(Speaker.is_published, Speaker.id.in_(on_programme))
        )
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_programme_contains_published_sessions_and_speakers(
    app_context: Flask, booklets: dict[str, Booklet], lang: str
) -> None:
    edition = current_edition()
    text = reading.squeezed(reading.text(booklets[lang].path))
    sessions = _published_sessions(edition)
    speakers = _speakers_on_programme(edition)

    assert len(sessions) > 5
    assert len(speakers) > 5
    for session in sessions:
        assert reading.squeezed(session.title.in_language(lang)) in text, session.code
    for speaker in speakers:
        assert reading.squeezed(primary_name(speaker, lang)) in text, speaker.seed_key


@pytest.mark.parametrize("lang", LANGUAGES)
def test_programme_leaves_out_unpublished_session_and_speaker(
    app_context: Flask, booklets: dict[str, Booklet], lang: str
) -> None:
    edition = current_edition()
    rehearsal = db.session.scalars(
        select(Session).where(Session.edition_id == edition.id, Session.code == "rehearsal")
    ).one()
    hidden = db.session.scalars(select(Speaker).where(Speaker.seed_key == "s2024-hidden")).one()
    assert not rehearsal.is_published
    assert not hidden.is_published

    text = reading.squeezed(reading.text(booklets[lang].path))

    for title in (rehearsal.title.in_language("en"), rehearsal.title.in_language("zh")):
        assert reading.squeezed(title) not in text
    assert reading.squeezed(latin_name(hidden)) not in text
    assert reading.squeezed(hidden.name_zh) not in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_programme_metadata_names_the_forum(
    app_context: Flask, booklets: dict[str, Booklet], lang: str
) -> None:
    info = reading.info(booklets[lang].path)

    assert current_edition().name.in_language(lang) in info["Title"]
    assert int(info["Pages"]) > 3


@pytest.mark.parametrize("lang", LANGUAGES)
def test_programme_embeds_every_font(booklets: dict[str, Booklet], lang: str) -> None:
    fonts = reading.fonts(booklets[lang].path)

    assert all(font.is_embedded for font in fonts), fonts
    # The English booklet prints speakers' Chinese names beside their Latin ones.
    assert any("CJK" in font.name for font in fonts), fonts


def _outline(reader: PdfReader) -> list[tuple[int, str]]:
    """The bookmarks as (depth, title), in order."""
    flat: list[tuple[int, str]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                assert isinstance(item, Destination)
                flat.append((depth, item.title))

    walk(reader.outline, 0)
    return flat


def _day_heading(day: object, lang: str) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else f"{day.day} {day:%B %Y}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_programme_bookmarks_days_and_sessions(
    app_context: Flask, booklets: dict[str, Booklet], lang: str
) -> None:
    edition = current_edition()
    outline = _outline(PdfReader(booklets[lang].path))
    top = [title for depth, title in outline if depth == 0]
    titles = [title for _, title in outline]

    for day in edition.days:
        assert any(_day_heading(day, lang) in title for title in top), (day, top)
    for session in _published_sessions(edition):
        assert session.title.in_language(lang) in titles, session.code


def test_programme_bookmarks_nest_no_session_under_another(
    app_context: Flask, booklets: dict[str, Booklet]
) -> None:
    edition = current_edition()
    session_titles = {session.title.in_language("en") for session in _published_sessions(edition)}
    outline = _outline(PdfReader(booklets["en"].path))

    for (depth, title), (next_depth, next_title) in pairwise(outline):
        if title in session_titles and next_depth > depth:
            pytest.fail(f"{next_title!r} is bookmarked under the session {title!r}")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_programme_second_download_is_served_from_file(
    client: FlaskClient, booklets: dict[str, Booklet], programme_folder: Path, lang: str
) -> None:
    files = sorted(programme_folder.glob(f"programme-*-{lang}-r*.pdf"))
    assert len(files) == 1
    modified = files[0].stat().st_mtime_ns

    response = client.get(f"/{lang}/programme.pdf")

    assert response.status_code == 200
    assert response.data == booklets[lang].data == files[0].read_bytes()
    assert files[0].stat().st_mtime_ns == modified
    response.close()


def test_programme_after_session_title_change_shows_new_title(
    app: Flask, changes_data: Flask, tmp_path: Path
) -> None:
    saved = app.instance_path
    app.instance_path = str(tmp_path)
    try:
        client = app.test_client()
        client.get("/en/programme.pdf").close()
        (before,) = (tmp_path / "programmes").glob("programme-*-en-r*.pdf")
        edition = current_edition()
        session = db.session.scalars(
            select(Session).where(Session.edition_id == edition.id, Session.code == "closing")
        ).one()
        session.title = Translated(en="Closing Ceremony and Farewell Lunch", zh="闭幕式暨午宴")
        db.session.commit()

        english = client.get("/en/programme.pdf")
        chinese = client.get("/zh/programme.pdf")
    finally:
        app.instance_path = saved

    for response, lang, title in (
        (english, "en", "Closing Ceremony and Farewell Lunch"),
        (chinese, "zh", "闭幕式暨午宴"),
    ):
        path = tmp_path / f"changed-{lang}.pdf"
        path.write_bytes(response.data)
        response.close()
        assert reading.squeezed(title) in reading.squeezed(reading.text(path))
    # The booklet of the old revision made way for the new one.
    (after,) = (tmp_path / "programmes").glob("programme-*-en-r*.pdf")
    assert after.name != before.name


RENDER_WITHOUT_CJK = """
import sys
from config import TestingConfig
from forum import create_app
from forum.documents.fonts import CJK_FAMILY, font_file
from forum.documents.programme import render_programme
from forum.editions.services import current_edition

if font_file(CJK_FAMILY) is not None:
    sys.exit("the CJK font is still visible: " + str(font_file(CJK_FAMILY)))

class Config(TestingConfig):
    SQLALCHEMY_DATABASE_URI = sys.argv[1]

with create_app(Config).app_context():
    render_programme(current_edition(), sys.argv[2])
print("rendered")
"""


def test_english_programme_without_cjk_font_raises_missing_font(
    app: Flask, without_cjk_font: dict[str, str]
) -> None:
    result = run_python(
        RENDER_WITHOUT_CJK, app.config["SQLALCHEMY_DATABASE_URI"], "en", env=without_cjk_font
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert "MissingFont" in result.stderr
    assert "rendered" not in result.stdout


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_agenda_page_links_to_the_programme_in_its_language(client: FlaskClient, lang: str) -> None:
    html = client.get(f"/{lang}/agenda").get_data(as_text=True)

    assert f'href="/{lang}/programme.pdf"' in html
    archive = client.get(f"/{lang}/editions/2022/agenda").get_data(as_text=True)
    assert f'href="/{lang}/editions/2022/programme.pdf"' in archive


# ------------------------------------------------------------------ typesetting points


def test_english_programme_sets_chinese_names_in_the_cjk_font(
    app_context: Flask, booklets: dict[str, Booklet]
) -> None:
    """奥利弗·贝内特's middle dot is the CJK font's full-width one, as in the Chinese booklet."""
    edition = current_edition()
    dotted = [s.name_zh for s in _speakers_on_programme(edition) if s.name_zh and "·" in s.name_zh]
    assert dotted, "the demo programme has a speaker whose Chinese name has a middle dot"
    path = booklets["en"].path

    runs = [
        run
        for page in range(1, reading.page_count(path) + 1)
        for run in reading.printed_runs(path, page)
        if "·" in run.text and any(part in run.text for name in dotted for part in name.split("·"))
    ]

    assert runs
    assert all("CJK" in run.font for run in runs), runs


@pytest.mark.parametrize("lang", LANGUAGES)
def test_programme_never_ends_a_page_with_a_heading(
    app_context: Flask, booklets: dict[str, Booklet], lang: str
) -> None:
    path = booklets[lang].path
    titles = {
        reading.squeezed(session.title.in_language(lang))
        for session in _published_sessions(current_edition())
    }

    for page in range(2, reading.page_count(path) + 1):
        lines = [line for line in reading.text(path, page).splitlines() if line.strip()]
        body = [line for line in lines if "/" not in line]  # the footer: "3 / 9"
        last = reading.squeezed(body[-1]) if body else ""
        assert not any(title.endswith(last) for title in titles), (page, body[-1])
        assert not re.search(r"\d+ parallel sessions?|\d+场平行会议", body[-1]), (page, body[-1])


def _headings(edition: Edition, lang: str) -> set[str]:
    return {
        reading.squeezed(session.title.in_language(lang))
        for session in _published_sessions(edition)
    }


def _pages_ending_with_a_heading(path: Path, headings: set[str]) -> list[tuple[int, str]]:
    ending = []
    for page in range(2, reading.page_count(path) + 1):
        lines = [line for line in reading.text(path, page).splitlines() if line.strip()]
        body = [line for line in lines if "/" not in line]  # the footer: "3 / 9"
        last = body[-1] if body else ""
        if any(title.endswith(reading.squeezed(last)) for title in headings if last) or re.search(
            r"\d+ parallel sessions?", last
        ):
            ending.append((page, last))
    return ending


def test_programme_keeps_headings_with_their_text_wherever_the_page_breaks(
    changes_data: Flask, tmp_path: Path
) -> None:
    """The demo programme alone may never put a heading at a page's foot; a summary of
    growing length on the first session moves every later heading down line by line,
    across the bottom of the pages."""
    edition = current_edition()
    first = min(_published_sessions(edition), key=lambda session: session.starts_at)
    headings = _headings(edition, "en")
    path = tmp_path / "programme.pdf"

    for lines in range(0, 36, 3):
        first.summary = Translated(en=" ".join(["A line of filler for the summary."] * 3 * lines))
        db.session.flush()
        path.write_bytes(render_programme(edition, "en"))

        assert _pages_ending_with_a_heading(path, headings) == [], lines


def test_programme_groups_speakers_by_role(
    app_context: Flask, booklets: dict[str, Booklet]
) -> None:
    edition = current_edition()
    talks = db.session.scalars(
        select(Talk).join(Session).where(Session.edition_id == edition.id, Session.is_published)
    ).all()
    grouped = [
        talk
        for talk in talks
        if sum(1 for p in talk.participants if p.role == "panelist" and p.speaker.is_published) > 1
    ]
    assert grouped, "the demo programme has a talk with several panellists"
    text = reading.squeezed(reading.text(booklets["en"].path))

    for talk in grouped:
        names = [
            latin_name(p.speaker)
            for p in talk.participants
            if p.role == "panelist" and p.speaker.is_published
        ]
        assert reading.squeezed("Panellists: " + ", ".join(names)) in text
        assert reading.squeezed(f"Panellist: {names[0]}; Panellist: {names[1]}") not in text
    assert "与谈嘉宾：" in reading.text(booklets["zh"].path)
