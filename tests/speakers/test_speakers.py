"""Speakers: names in their natural order, lists in the reader's order, and profiles."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from forum.agenda.models import Session, SpeakerRole, Talk, TalkSpeaker
from forum.editions.models import Edition
from forum.extensions import db
from forum.i18n import Translated
from forum.names import latin_name, latin_name_html, name_sort_key, primary_name, secondary_name
from forum.speakers.models import Speaker
from forum.speakers.services import speaker_index

# --------------------------------------------------------------------- names, as plain values


@dataclass
class Person:
    """Satisfies forum.names.Named without touching the database."""

    given_name: str
    family_name: str
    name_zh: str | None = None
    is_family_name_first: bool = False


ZHANG_WEI = Person("Wei", "Zhang", "张伟", is_family_name_first=True)
OUYANG = Person("Xiuying", "Ouyang", "欧阳秀英", is_family_name_first=True)
CHEN_JING = Person("Jing", "Chen", "陈静", is_family_name_first=True)
ELLIS = Person("Margaret", "Ellis", "玛格丽特·埃利斯")
WANJIRU = Person("Amina", "Wanjiru")


def test_latin_name_puts_given_name_first_by_default() -> None:
    assert latin_name(ELLIS) == "Margaret Ellis"


def test_latin_name_puts_family_name_first_when_the_person_does() -> None:
    assert latin_name(ZHANG_WEI) == "Zhang Wei"
    assert latin_name(Person("Mei Ling", "Tan", is_family_name_first=True)) == "Tan Mei Ling"


def test_latin_name_of_a_family_name_alone_has_no_stray_space() -> None:
    assert latin_name(Person("", "Suharto")) == "Suharto"
    assert latin_name(Person("", "Suharto", is_family_name_first=True)) == "Suharto"


def test_latin_name_html_wraps_family_name_and_escapes() -> None:
    assert str(latin_name_html(Person("Sarah", "O'Connor"))) == (
        'Sarah <span class="family-name">O&#39;Connor</span>'
    )
    assert str(latin_name_html(ZHANG_WEI)) == '<span class="family-name">Zhang</span> Wei'
    assert str(latin_name_html(Person("<b>", "Ellis"))) == (
        '&lt;b&gt; <span class="family-name">Ellis</span>'
    )


def test_primary_name_on_chinese_pages_is_the_chinese_name_whole() -> None:
    assert primary_name(ZHANG_WEI, "zh") == "张伟"
    assert primary_name(OUYANG, "zh") == "欧阳秀英"
    assert primary_name(ELLIS, "zh") == "玛格丽特·埃利斯"


def test_primary_name_on_english_pages_is_the_latin_name() -> None:
    assert primary_name(ZHANG_WEI, "en") == "Zhang Wei"
    assert primary_name(ELLIS, "en") == "Margaret Ellis"


def test_primary_name_without_chinese_name_is_latin_on_chinese_pages() -> None:
    assert primary_name(WANJIRU, "zh") == "Amina Wanjiru"


def test_secondary_name_shows_the_other_script() -> None:
    assert secondary_name(ZHANG_WEI, "zh") == "Zhang Wei"
    assert secondary_name(ZHANG_WEI, "en") == "张伟"
    assert secondary_name(WANJIRU, "en") == ""
    assert secondary_name(WANJIRU, "zh") == ""


def test_name_sort_key_sorts_chinese_names_by_pinyin() -> None:
    people = [ZHANG_WEI, OUYANG, CHEN_JING]

    ordered = sorted(people, key=lambda person: name_sort_key(person, "zh"))

    # By code point 张 (U+5F20) < 欧 (U+6B27) < 陈 (U+9648); by pinyin chen < ouyang < zhang.
    assert [person.name_zh for person in ordered] == ["陈静", "欧阳秀英", "张伟"]


def test_name_sort_key_sorts_english_pages_by_family_then_given_name() -> None:
    zhang_xiaoyu = Person("Xiaoyu", "Zhang", "张晓雨", is_family_name_first=True)
    people = [zhang_xiaoyu, ZHANG_WEI, WANJIRU, ELLIS, CHEN_JING]

    ordered = sorted(people, key=lambda person: name_sort_key(person, "en"))

    assert [latin_name(person) for person in ordered] == [
        "Chen Jing",
        "Margaret Ellis",
        "Amina Wanjiru",
        "Zhang Wei",
        "Zhang Xiaoyu",
    ]


def test_name_sort_key_ignores_letter_case() -> None:
    people = [Person("Anna", "de Vries"), Person("Ben", "Dalton"), Person("Carl", "Evans")]

    ordered = sorted(people, key=lambda person: name_sort_key(person, "en"))

    assert [person.family_name for person in ordered] == ["Dalton", "de Vries", "Evans"]


# ------------------------------------------------------------------------------ the pages


@pytest.fixture
def ids(app: Flask) -> dict[str, int]:
    keys = {
        "zhang_wei": "s2024-01",
        "ouyang": "s2024-02",
        "chen_jing": "s2024-03",
        "ellis": "s2024-21",
        "tan": "s2024-25",
        "wanjiru": "s2024-28",
        "kowalska": "s2022-02",
    }
    with app.app_context():
        found = dict(
            db.session.execute(
                db.select(Speaker.seed_key, Speaker.id).where(Speaker.seed_key.in_(keys.values()))
            ).all()
        )
    return {name: found[key] for name, key in keys.items()}


def _html(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def _card_ids(html: str, lang: str) -> list[int]:
    """Speaker ids in the order the index lists their cards."""
    return [
        int(match)
        for match in re.findall(
            rf'<p class="speaker-card__name"><a href="/{lang}/speakers/(\d+)">', html
        )
    ]


@pytest.mark.parametrize(
    ("path", "names"),
    [
        ("/zh/speakers/", ("欧阳秀英", "张伟")),
        ("/zh/agenda", ("欧阳秀英", "张伟")),
        ("/zh/sessions/{opening}", ("欧阳秀英", "张伟")),
        ("/zh/speakers/{ouyang}", ("欧阳秀英",)),
        ("/zh/speakers/{zhang_wei}", ("张伟",)),
    ],
)
def test_chinese_names_show_family_name_first_without_space(
    request: pytest.FixtureRequest,
    client: FlaskClient,
    app: Flask,
    ids: dict[str, int],
    path: str,
    names: tuple[str, ...],
) -> None:
    with app.app_context():
        opening = db.session.scalar(
            db.select(Session.id)
            .join(Session.edition)
            .where(Edition.year == 2024, Session.code == "opening")
        )

    html = _html(client, path.format(opening=opening, **ids))

    for name in names:
        assert f'<span lang="zh-Hans">{name}</span>' in html
    for reversed_name in ("秀英 欧阳", "秀英欧阳", "伟 张", "伟张"):
        assert reversed_name not in html


def test_latin_name_shows_given_then_family_name_in_a_span(
    client: FlaskClient, ids: dict[str, int]
) -> None:
    html = _html(client, f"/en/speakers/{ids['ellis']}")

    assert '<h1 id="speaker-name">Margaret <span class="family-name">Ellis</span></h1>' in html
    assert '<p class="other-name" lang="zh-Hans">玛格丽特·埃利斯</p>' in html


def test_family_name_first_speaker_latin_name_reads_zhang_wei(
    client: FlaskClient, ids: dict[str, int]
) -> None:
    english = _html(client, f"/en/speakers/{ids['zhang_wei']}")
    chinese = _html(client, f"/zh/speakers/{ids['zhang_wei']}")

    assert '<h1 id="speaker-name"><span class="family-name">Zhang</span> Wei</h1>' in english
    assert '<p class="other-name" lang="zh-Hans">张伟</p>' in english
    assert '<h1 id="speaker-name"><span lang="zh-Hans">张伟</span></h1>' in chinese
    assert '<p class="other-name" lang="en">Zhang Wei</p>' in chinese
    assert "Wei Zhang" not in english + chinese


def test_singaporean_speaker_keeps_family_name_first(
    client: FlaskClient, ids: dict[str, int]
) -> None:
    html = _html(client, f"/en/speakers/{ids['tan']}")

    assert '<span class="family-name">Tan</span> Mei Ling' in html


def test_speaker_without_chinese_name_shows_latin_name_on_chinese_pages(
    client: FlaskClient, ids: dict[str, int]
) -> None:
    html = _html(client, f"/zh/speakers/{ids['wanjiru']}")

    assert '<h1 id="speaker-name">Amina <span class="family-name">Wanjiru</span></h1>' in html
    assert 'class="other-name"' not in html


def test_chinese_speaker_index_sorts_by_pinyin(
    request: pytest.FixtureRequest, app: Flask, client: FlaskClient
) -> None:
    html = _html(client, "/zh/speakers/")

    names = ["陈静", "陈美玲", "欧阳秀英", "上官燕", "张伟", "张晓雨", "赵磊"]
    positions = [html.index(f'<span lang="zh-Hans">{name}</span>') for name in names]
    assert positions == sorted(positions)


def test_english_speaker_index_sorts_by_family_name(
    request: pytest.FixtureRequest, client: FlaskClient, app: Flask
) -> None:
    html = _html(client, "/en/speakers/")

    listed = _card_ids(html, "en")
    with app.app_context():
        speakers = {s.id: s for s in db.session.scalars(db.select(Speaker))}
        family_names = [speakers[id_].family_name for id_ in listed]
        hidden = [s.id for s in speakers.values() if not s.is_published]

    def reader_key(name: str) -> str:
        return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()

    assert family_names == sorted(family_names, key=reader_key)
    assert len(listed) == 39
    assert not set(hidden) & set(listed)
    positions = [html.index(f'<span class="family-name">{n}</span>') for n in ("Bennett", "Zhou")]
    assert positions == sorted(positions)


def test_speaker_index_of_2022_lists_that_editions_speakers(
    request: pytest.FixtureRequest, app: Flask, client: FlaskClient, ids: dict[str, int]
) -> None:
    html = _html(client, "/en/editions/2022/speakers/")

    listed = _card_ids(html, "en")
    assert ids["kowalska"] in listed
    assert ids["chen_jing"] in listed
    assert ids["tan"] not in listed


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_speaker_index_service_lists_published_speakers_of_the_edition(
    request: pytest.FixtureRequest, app_context: Flask, lang: str
) -> None:
    edition = db.session.scalar(db.select(Edition).where(Edition.year == 2024))

    speakers = speaker_index(edition, lang)

    keys = [speaker.seed_key for speaker in speakers]
    assert len(keys) == len(set(keys)) == 39
    assert "s2024-hidden" not in keys
    assert "s2022-01" not in keys
    assert "s2024-01" in keys


def test_english_speaker_index_sorts_accented_family_name_among_its_letter(
    changes_data: Flask, client: FlaskClient, ids: dict[str, int]
) -> None:
    opening_talk = db.session.scalar(
        db.select(Talk)
        .join(Talk.session)
        .join(Session.edition)
        .where(Edition.year == 2024, Session.code == "opening", Talk.position == 1)
    )
    eluard = Speaker(given_name="Paul", family_name="Éluard", country="FR")
    opening_talk.participants.append(
        TalkSpeaker(speaker=eluard, role=SpeakerRole.SPEAKER.value, position=5)
    )
    db.session.commit()

    html = _html(client, "/en/speakers/")

    listed = _card_ids(html, "en")
    position = listed.index(eluard.id)
    assert listed[position - 1] == ids["ellis"]


# --------------------------------------------------------------------------------- profile


def test_profile_in_chinese_shows_facts_in_chinese(
    client: FlaskClient, ids: dict[str, int]
) -> None:
    html = _html(client, f"/zh/speakers/{ids['chen_jing']}")

    assert '<p class="honorific">教授</p>' in html
    assert "<dd>公共管理学教授</dd>" in html
    assert "<dd>首都治理研究院政府管理学院</dd>" in html
    assert "<dd>中国</dd>" in html
    assert "陈静主要研究超大城市治理与民意反馈机制" in html
    assert "China" not in html


def test_profile_in_english_shows_facts_in_english(
    client: FlaskClient, ids: dict[str, int]
) -> None:
    html = _html(client, f"/en/speakers/{ids['chen_jing']}")

    assert '<p class="honorific">Prof.</p>' in html
    assert "<dd>Professor of Public Administration</dd>" in html
    assert "<dd>School of Government, Capital Institute of Governance</dd>" in html
    assert "<dd>China</dd>" in html
    assert "Chen Jing writes on megacity governance and citizen feedback." in html


@pytest.mark.parametrize(("lang", "country"), [("en", "United Kingdom"), ("zh", "英国")])
def test_profile_names_country_in_page_language(
    client: FlaskClient, ids: dict[str, int], lang: str, country: str
) -> None:
    html = _html(client, f"/{lang}/speakers/{ids['ellis']}")

    assert f"<dd>{country}</dd>" in html
    assert "<dd>GB</dd>" not in html


def test_profile_without_photo_shows_placeholder(client: FlaskClient, ids: dict[str, int]) -> None:
    html = _html(client, f"/en/speakers/{ids['ellis']}")

    assert (
        '<img class="portrait portrait--placeholder" src="/static/img/portrait-placeholder.svg"'
        in html
    )
    assert client.get("/static/img/portrait-placeholder.svg").status_code == 200


def test_profile_lists_sessions_across_editions_newest_first(
    client: FlaskClient, app: Flask, ids: dict[str, int]
) -> None:
    with app.app_context():
        session_ids = dict(
            db.session.execute(
                db.select(Edition.year, Session.id)
                .join(Session.edition)
                .where(Session.code == "opening")
            ).all()
        )
        main_2022 = db.session.scalar(
            db.select(Session.id)
            .join(Session.edition)
            .where(Edition.year == 2022, Session.code == "main-forum")
        )

    html = _html(client, f"/en/speakers/{ids['ellis']}")

    appearances = html.split('<section class="appearances"')[1]
    positions = [
        appearances.index(text)
        for text in (
            f'href="/en/sessions/{session_ids[2024]}"',
            "Address on behalf of international guests",
            f'href="/en/sessions/{main_2022}"',
            "How great cities listen",
            "Dialogue: participation that changes things",
        )
    ]
    assert positions == sorted(positions)
    assert "Wednesday, 18 December 2024" in appearances
    assert "Monday, 12 December 2022" in appearances
    assert appearances.count("2022 edition") == 2
    assert appearances.count("2024 edition") == 0


def test_profile_in_chinese_lists_the_2022_appearance(
    client: FlaskClient, ids: dict[str, int]
) -> None:
    html = _html(client, f"/zh/speakers/{ids['ellis']}")

    appearances = html.split('<section class="appearances"')[1]
    assert "国际嘉宾代表致辞" in appearances
    assert "伟大的城市如何倾听" in appearances
    assert "2022年12月12日" in appearances
    assert "2022年论坛" in appearances


def test_profile_of_unknown_speaker_is_not_found(client: FlaskClient) -> None:
    assert client.get("/en/speakers/999999").status_code == 404


def test_profile_shows_bio_in_other_language_marked_with_its_lang(
    changes_data: Flask, client: FlaskClient, ids: dict[str, int]
) -> None:
    speaker = db.session.get(Speaker, ids["wanjiru"])
    speaker.bio = Translated(en="Amina builds civic technology.")
    db.session.commit()

    html = _html(client, f"/zh/speakers/{ids['wanjiru']}")

    assert '<p lang="en">Amina builds civic technology.</p>' in html
