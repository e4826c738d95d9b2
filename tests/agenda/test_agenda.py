"""The demo 2024 agenda: its shape, its times in Beijing, and what stays unpublished."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient

from forum.agenda.models import Session, SessionKind, SpeakerRole, Talk, TalkSpeaker
from forum.agenda.services import agenda_of
from forum.editions.models import Edition
from forum.editions.services import edition_for_year
from forum.extensions import db
from forum.speakers.models import Speaker

BEIJING = ZoneInfo("Asia/Shanghai")
SUB_FORUM_CODES = [f"sub-forum-{number}" for number in range(1, 7)]


def _session_id(code: str, year: int = 2024) -> int:
    return db.session.scalar(
        db.select(Session.id)
        .join(Session.edition)
        .where(Edition.year == year, Session.code == code)
    )


def _speaker_id(seed_key: str) -> int:
    return db.session.scalar(db.select(Speaker.id).where(Speaker.seed_key == seed_key))


@pytest.fixture
def ids(app: Flask) -> dict[str, int]:
    """Database ids of the demo rows these tests look at."""
    with app.app_context():
        return {
            "opening": _session_id("opening"),
            "main-forum": _session_id("main-forum"),
            "rehearsal": _session_id("rehearsal"),
            "closing": _session_id("closing"),
            "hidden": _speaker_id("s2024-hidden"),
            "zhang_wei": _speaker_id("s2024-01"),
            "zheng_hao": _speaker_id("s2024-11"),
            "huang_min": _speaker_id("s2024-12"),
            "klaus_muller": _speaker_id("s2024-24"),
        }


# --------------------------------------------------------------------------- the service


def test_agenda_of_demo_2024_has_one_opening_one_main_six_sub_forums_one_closing(
    app_context: Flask,
) -> None:
    edition = edition_for_year(2024)

    days = agenda_of(edition)

    kinds = [session.kind for day in days for session in day.sessions]
    assert kinds.count(SessionKind.OPENING) == 1
    assert kinds.count(SessionKind.MAIN) == 1
    assert kinds.count(SessionKind.SUB_FORUM) == 6
    assert kinds.count(SessionKind.CLOSING) == 1


def test_agenda_of_demo_2024_orders_opening_main_sub_forums_closing(app_context: Flask) -> None:
    edition = edition_for_year(2024)

    days = agenda_of(edition)

    kinds = [session.kind for day in days for session in day.sessions]
    opening = kinds.index(SessionKind.OPENING)
    main = kinds.index(SessionKind.MAIN)
    sub_forums = [index for index, kind in enumerate(kinds) if kind == SessionKind.SUB_FORUM]
    closing = kinds.index(SessionKind.CLOSING)
    assert opening < main < min(sub_forums)
    assert max(sub_forums) < closing


def test_agenda_of_demo_2024_puts_closing_on_second_day_in_beijing(app_context: Flask) -> None:
    edition = edition_for_year(2024)

    days = agenda_of(edition)

    assert [day.day for day in days] == [date(2024, 12, 18), date(2024, 12, 19)]
    first_day_kinds = {session.kind for session in days[0].sessions}
    assert {SessionKind.OPENING, SessionKind.MAIN, SessionKind.SUB_FORUM} <= first_day_kinds
    assert SessionKind.CLOSING not in first_day_kinds
    assert [s.code for s in days[1].sessions if s.kind == SessionKind.CLOSING] == ["closing"]
    for day in days:
        for session in day.sessions:
            assert session.starts_at.astimezone(BEIJING).date() == day.day


def test_agenda_of_demo_2024_runs_six_sub_forums_in_one_parallel_slot(
    app_context: Flask,
) -> None:
    edition = edition_for_year(2024)

    days = agenda_of(edition)

    parallel = [slot for day in days for slot in day.slots if slot.is_parallel]
    assert len(parallel) == 1
    slot = parallel[0]
    assert [session.code for session in slot.sessions] == SUB_FORUM_CODES
    assert slot.starts_at == datetime(2024, 12, 18, 14, 0, tzinfo=BEIJING)
    assert slot.ends_at == datetime(2024, 12, 18, 17, 30, tzinfo=BEIJING)
    assert slot in days[0].slots


def test_agenda_of_leaves_out_unpublished_sessions(app_context: Flask) -> None:
    edition = edition_for_year(2024)

    published = agenda_of(edition)
    everything = agenda_of(edition, include_unpublished=True)

    assert "rehearsal" not in [s.code for day in published for s in day.sessions]
    first_session = everything[0].sessions[0]
    assert first_session.code == "rehearsal"
    # 07:30 in Beijing is still the evening of 17 December in UTC: the day follows Beijing.
    assert first_session.starts_at.date() == date(2024, 12, 17)
    assert everything[0].day == date(2024, 12, 18)


# ------------------------------------------------------------------------------ the page


def _article(html: str, session_id: int) -> str:
    """The card of one session on the agenda page."""
    cards = [part.split("</article>")[0] for part in html.split("<article ")[1:]]
    (card,) = [card for card in cards if f'id="session-{session_id}-title"' in card]
    return card


def _positions(html: str, texts: list[str]) -> list[int]:
    positions = [html.find(text) for text in texts]
    assert -1 not in positions, [t for t, p in zip(texts, positions, strict=True) if p == -1]
    return positions


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_agenda_page_shows_each_ceremony_once_and_six_sub_forums(
    client: FlaskClient, lang: str
) -> None:
    response = client.get(f"/{lang}/agenda")

    html = response.get_data(as_text=True)
    assert html.count('class="session session--opening"') == 1
    assert html.count('class="session session--main"') == 1
    assert html.count('class="session session--sub_forum"') == 6
    assert html.count('class="session session--closing"') == 1
    assert html.count('<div class="tracks tracks--6">') == 1


def test_agenda_page_in_english_lists_sessions_in_programme_order(client: FlaskClient) -> None:
    response = client.get("/en/agenda")

    html = response.get_data(as_text=True)
    positions = _positions(
        html,
        [
            "Wednesday, 18 December 2024",
            ">Opening Ceremony<",
            ">Main Forum<",
            "6 parallel sessions",
            "Sub-forum 1: Digitalizing Urban Governance",
            "Sub-forum 6:",
            "Thursday, 19 December 2024",
            ">Closing Ceremony<",
        ],
    )
    assert positions == sorted(positions)


def test_agenda_page_in_chinese_lists_sessions_in_programme_order(client: FlaskClient) -> None:
    response = client.get("/zh/agenda")

    html = response.get_data(as_text=True)
    positions = _positions(
        html,
        [
            "2024年12月18日",
            ">开幕式<",
            ">主论坛<",
            "分论坛一：城市治理数字化",
            "分论坛六：",
            "2024年12月19日",
            ">闭幕式<",
        ],
    )
    assert positions == sorted(positions)
    assert "December" not in html


@pytest.mark.parametrize(("lang", "label"), [("en", "Beijing time"), ("zh", "北京时间")])
def test_agenda_page_shows_times_in_beijing_time(
    client: FlaskClient, ids: dict[str, int], lang: str, label: str
) -> None:
    response = client.get(f"/{lang}/agenda")

    html = response.get_data(as_text=True)
    opening = _article(html, ids["opening"])
    # Stored as 01:00 UTC; shown as 09:00 in Beijing, with the machine-readable instant.
    assert re.search(
        r'<time datetime="2024-12-18T01:00:00\+00:00">09:00</time>–'
        r'<time datetime="2024-12-18T01:40:00\+00:00">09:40</time>',
        opening,
    )
    assert f'<span class="time-zone">{label}</span>' in opening
    assert ">01:00<" not in html


def test_agenda_page_for_2022_shows_that_edition(client: FlaskClient) -> None:
    response = client.get("/en/editions/2022/agenda")

    html = response.get_data(as_text=True)
    assert "Monday, 12 December 2022" in html
    assert "Sub-forum 2: Community Governance and Public Participation" in html
    assert "Digitalizing Urban Governance" not in html
    assert html.count('class="session session--sub_forum"') == 2


def test_agenda_page_for_unknown_year_is_not_found(client: FlaskClient) -> None:
    response = client.get("/en/editions/1999/agenda")

    assert response.status_code == 404


# -------------------------------------------------------------------------- session page


def _items(html: str) -> list[str]:
    """The items of a session page, one HTML fragment each."""
    return html.split('<li class="item">')[1:]


def test_session_page_shows_items_with_times_speakers_and_roles(
    client: FlaskClient, ids: dict[str, int]
) -> None:
    response = client.get(f"/en/sessions/{ids['opening']}")

    assert response.status_code == 200
    items = _items(response.get_data(as_text=True))
    assert len(items) == 4
    first, welcome = items[0], items[1]
    assert ">09:00</time>–<time" in first and ">09:05</time>" in first
    assert "Opening of the forum" in first
    assert '<span class="role">Host</span>' in first
    assert f'href="/en/speakers/{ids["zhang_wei"]}"' in first
    assert '<span class="family-name">Zhang</span> Wei' in first
    assert ">09:05</time>–<time" in welcome and ">09:20</time>" in welcome
    assert "Welcome address" in welcome
    assert '<span class="role">Speaker</span>' in welcome
    assert f'href="/en/speakers/{ids["zheng_hao"]}"' in welcome
    assert "Beijing Municipal Administration of Government Services and Data Management" in welcome


def test_session_page_shows_moderator_and_panellists_of_a_panel(
    client: FlaskClient, ids: dict[str, int]
) -> None:
    response = client.get(f"/en/sessions/{ids['main-forum']}")

    items = _items(response.get_data(as_text=True))
    assert len(items) == 6
    panel = items[-1]
    assert "High-level dialogue: modernizing megacity governance for the people" in panel
    assert ">11:15</time>–<time" in panel and ">12:00</time>" in panel
    people = re.findall(
        r'<span class="role">([^<]+)</span> <a class="person" href="/en/speakers/(\d+)"', panel
    )
    assert people[0] == ("Moderator", str(ids["huang_min"]))
    assert [role for role, _ in people[1:]] == ["Panellist", "Panellist", "Panellist"]
    assert ("Panellist", str(ids["klaus_muller"])) in people


def test_session_page_in_chinese_shows_chinese_names_and_role_labels(
    client: FlaskClient, ids: dict[str, int]
) -> None:
    response = client.get(f"/zh/sessions/{ids['opening']}")

    html = response.get_data(as_text=True)
    assert '<h1 id="session-title">开幕式</h1>' in html
    assert "2024年12月18日" in html
    first = _items(html)[0]
    assert '<span class="role">主持</span>' in first
    assert "张伟" in first
    assert '<span class="role">演讲嘉宾</span>' in _items(html)[1]
    assert "北京时间" in first


def test_session_page_in_english_formats_date_with_babel(
    client: FlaskClient, ids: dict[str, int]
) -> None:
    response = client.get(f"/en/sessions/{ids['closing']}")

    html = response.get_data(as_text=True)
    assert "<dd>Thursday, 19 December 2024</dd>" in html
    assert "Main Hall" in html


# ---------------------------------------------------------------- what is not published


PUBLIC_OUTPUTS = (
    "/en/agenda",
    "/zh/agenda",
    "/agenda.ics",
    "/zh/agenda.ics",
    "/api/v1/editions/2024/schedule.json",
)
SPEAKER_INDEXES = ("/en/speakers/", "/zh/speakers/")


def _bodies(client: FlaskClient, paths: tuple[str, ...]) -> dict[str, str]:
    bodies = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        bodies[path] = response.get_data(as_text=True)
    return bodies


def _assert_rehearsal_absent(bodies: dict[str, str], ids: dict[str, int]) -> None:
    for path, body in bodies.items():
        for hidden in ("Technical Rehearsal", "技术彩排", "Stage and sound check", "高峰"):
            assert hidden not in body, (path, hidden)
        assert f"/sessions/{ids['rehearsal']}" not in body, path
        assert f"/speakers/{ids['hidden']}" not in body, path
        assert f"session-{ids['rehearsal']}@" not in body, path


def _assert_hidden_speaker_absent(bodies: dict[str, str], ids: dict[str, int]) -> None:
    for path, body in bodies.items():
        assert "高峰" not in body, path
        assert "Gao Feng" not in body, path
        assert "Gao</span>" not in body, path
        assert f"/speakers/{ids['hidden']}" not in body, path


def test_unpublished_session_and_speaker_appear_nowhere(
    client: FlaskClient, ids: dict[str, int]
) -> None:
    bodies = _bodies(client, PUBLIC_OUTPUTS)

    _assert_rehearsal_absent(bodies, ids)
    schedule = json.loads(bodies["/api/v1/editions/2024/schedule.json"])
    assert "rehearsal" not in [session["code"] for session in schedule["sessions"]]
    assert ids["hidden"] not in [speaker["id"] for speaker in schedule["speakers"]]


def test_unpublished_speaker_is_not_in_speaker_index(
    request: pytest.FixtureRequest, app: Flask, client: FlaskClient, ids: dict[str, int]
) -> None:

    bodies = _bodies(client, SPEAKER_INDEXES)

    _assert_rehearsal_absent(bodies, ids)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_unpublished_session_and_speaker_pages_are_not_found(
    client: FlaskClient, ids: dict[str, int], lang: str
) -> None:
    assert client.get(f"/{lang}/sessions/{ids['rehearsal']}").status_code == 404
    assert client.get(f"/{lang}/sessions/{ids['rehearsal']}.ics").status_code == 404
    assert client.get(f"/{lang}/speakers/{ids['hidden']}").status_code == 404


def _add_hidden_speaker_to_the_welcome_address(ids: dict[str, int]) -> None:
    welcome = db.session.scalar(
        db.select(Talk).where(Talk.session_id == ids["opening"], Talk.position == 1)
    )
    welcome.participants.append(
        TalkSpeaker(speaker_id=ids["hidden"], role=SpeakerRole.SPEAKER.value, position=9)
    )
    db.session.commit()


def test_unpublished_speaker_in_published_session_stays_hidden(
    changes_data: Flask, client: FlaskClient, ids: dict[str, int]
) -> None:
    _add_hidden_speaker_to_the_welcome_address(ids)

    bodies = _bodies(
        client,
        (
            *PUBLIC_OUTPUTS,
            f"/zh/sessions/{ids['opening']}",
            f"/en/sessions/{ids['opening']}",
            f"/zh/sessions/{ids['opening']}.ics",
        ),
    )

    _assert_hidden_speaker_absent(bodies, ids)
    schedule = json.loads(bodies["/api/v1/editions/2024/schedule.json"])
    assert ids["hidden"] not in [speaker["id"] for speaker in schedule["speakers"]]
    # The others in that item are still listed.
    assert "郑浩" in bodies[f"/zh/sessions/{ids['opening']}"]


def test_unpublished_speaker_in_published_session_is_not_in_speaker_index(
    request: pytest.FixtureRequest, changes_data: Flask, client: FlaskClient, ids: dict[str, int]
) -> None:
    _add_hidden_speaker_to_the_welcome_address(ids)

    bodies = _bodies(client, SPEAKER_INDEXES)

    _assert_hidden_speaker_absent(bodies, ids)
