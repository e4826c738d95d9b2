"""The programme as iCalendar and as JSON, checked against the database."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar

from forum.agenda.models import Session
from forum.editions.models import Edition
from forum.extensions import db

BEIJING = ZoneInfo("Asia/Shanghai")


def _published_sessions(year: int) -> list[Session]:
    return list(
        db.session.scalars(
            db.select(Session)
            .join(Session.edition)
            .where(Edition.year == year, Session.is_published)
            .order_by(Session.starts_at, Session.position, Session.id)
        )
    )


@pytest.fixture
def sessions_2024(app: Flask) -> dict[int, dict]:
    """Published 2024 sessions by id, as plain values read straight from the database."""
    with app.app_context():
        return {
            session.id: {
                "code": session.code,
                "kind": session.kind,
                "title": session.title.as_dict(),
                "summary": session.summary.as_dict() if session.summary else {},
                "starts_at": session.starts_at,
                "ends_at": session.ends_at,
                "room_id": session.room_id,
                "room_name": session.room.name.as_dict() if session.room else None,
                "capacity": session.capacity,
                "items": [
                    {
                        "id": talk.id,
                        "kind": talk.kind,
                        "title": talk.title.as_dict(),
                        "starts_at": talk.starts_at,
                        "ends_at": talk.ends_at,
                        "speakers": [
                            {"speaker_id": part.speaker_id, "role": part.role}
                            for part in talk.participants
                            if part.speaker.is_published
                        ],
                    }
                    for talk in session.talks
                ],
            }
            for session in _published_sessions(2024)
        }


def _calendar(response) -> Calendar:
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data)


# ------------------------------------------------------------------------------ iCalendar


@pytest.mark.parametrize("path", ["/agenda.ics", "/en/agenda.ics", "/zh/agenda.ics"])
def test_agenda_ics_has_one_event_per_published_session(
    client: FlaskClient, sessions_2024: dict[int, dict], path: str
) -> None:
    calendar = _calendar(client.get(path))

    events = calendar.walk("VEVENT")
    assert len(events) == len(sessions_2024) == 11
    uids = [str(event["UID"]) for event in events]
    assert len(set(uids)) == len(uids)
    assert {uid.split("@")[0] for uid in uids} == {f"session-{id_}" for id_ in sessions_2024}


@pytest.mark.parametrize("path", ["/agenda.ics", "/zh/agenda.ics"])
def test_agenda_ics_event_times_equal_database_times(
    client: FlaskClient, sessions_2024: dict[int, dict], path: str
) -> None:
    calendar = _calendar(client.get(path))

    for event in calendar.walk("VEVENT"):
        session = sessions_2024[int(str(event["UID"]).split("@")[0].removeprefix("session-"))]
        assert event["DTSTART"].dt == session["starts_at"]
        assert event["DTEND"].dt == session["ends_at"]
        assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
        assert event["DTEND"].params["TZID"] == "Asia/Shanghai"
        stamp = event["DTSTAMP"].dt
        assert stamp.utcoffset().total_seconds() == 0
        assert abs(datetime.now(UTC) - stamp).total_seconds() < 300


def test_agenda_ics_defines_the_beijing_time_zone(client: FlaskClient) -> None:
    calendar = _calendar(client.get("/agenda.ics"))

    zones = [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")]
    assert zones == ["Asia/Shanghai"]
    # The opening, 09:00 in Beijing, read back through the calendar's own zone.
    opening = next(e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]) == "Opening Ceremony")
    assert opening["DTSTART"].dt.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") == (
        "2024-12-18 09:00"
    )


@pytest.mark.parametrize(
    ("path", "titles"),
    [
        ("/agenda.ics", {"Opening Ceremony", "Main Forum", "Closing Ceremony"}),
        ("/en/agenda.ics", {"Opening Ceremony", "Main Forum", "Closing Ceremony"}),
        ("/zh/agenda.ics", {"开幕式", "主论坛", "闭幕式"}),
    ],
)
def test_agenda_ics_titles_follow_the_language(
    client: FlaskClient, path: str, titles: set[str]
) -> None:
    calendar = _calendar(client.get(path))

    summaries = {str(event["SUMMARY"]) for event in calendar.walk("VEVENT")}
    assert titles <= summaries


def test_session_ics_has_the_one_session(
    client: FlaskClient, sessions_2024: dict[int, dict]
) -> None:
    (opening_id,) = [id_ for id_, s in sessions_2024.items() if s["code"] == "opening"]

    calendar = _calendar(client.get(f"/zh/sessions/{opening_id}.ics"))

    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "开幕式"
    assert str(event["UID"]) == f"session-{opening_id}@bjforum.example.org"
    assert event["DTSTART"].dt == sessions_2024[opening_id]["starts_at"]
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert event["DTEND"].dt == sessions_2024[opening_id]["ends_at"]
    assert "DTSTAMP" in event
    assert str(event["LOCATION"]) == "主会场，北京国际会议中心（示例）"
    assert "宣布论坛开幕 — 张伟" in str(event["DESCRIPTION"])
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]


def test_session_ics_uid_matches_the_agenda_ics_uid(
    client: FlaskClient, sessions_2024: dict[int, dict]
) -> None:
    (closing_id,) = [id_ for id_, s in sessions_2024.items() if s["code"] == "closing"]

    single = _calendar(client.get(f"/en/sessions/{closing_id}.ics"))
    whole = _calendar(client.get("/en/agenda.ics"))

    (event,) = single.walk("VEVENT")
    assert str(event["UID"]) in {str(e["UID"]) for e in whole.walk("VEVENT")}


def test_agenda_ics_of_2022_has_that_edition(client: FlaskClient, app: Flask) -> None:
    with app.app_context():
        expected = {(s.starts_at, s.ends_at) for s in _published_sessions(2022)}

    calendar = _calendar(client.get("/en/editions/2022/agenda.ics"))

    events = calendar.walk("VEVENT")
    assert {(e["DTSTART"].dt, e["DTEND"].dt) for e in events} == expected
    assert len(events) == 5


# ----------------------------------------------------------------------------------- JSON


def _beijing_iso(moment: datetime | None) -> str | None:
    return moment.astimezone(BEIJING).isoformat() if moment else None


def test_schedule_json_sessions_match_the_database(
    client: FlaskClient, sessions_2024: dict[int, dict]
) -> None:
    response = client.get("/api/v1/editions/2024/schedule.json")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    document = response.get_json()
    assert [session["id"] for session in document["sessions"]] == list(sessions_2024)
    for session in document["sessions"]:
        expected = sessions_2024[session["id"]]
        assert session["code"] == expected["code"]
        assert session["kind"] == expected["kind"]
        assert session["title"] == expected["title"]
        assert set(session["title"]) == {"en", "zh"}
        assert session["summary"] == expected["summary"]
        assert session["room_id"] == expected["room_id"]
        assert session["capacity"] == expected["capacity"]
        assert session["starts_at"] == _beijing_iso(expected["starts_at"])
        assert session["ends_at"] == _beijing_iso(expected["ends_at"])
        assert session["starts_at"].endswith("+08:00")
        assert datetime.fromisoformat(session["starts_at"]) == expected["starts_at"]


def test_schedule_json_items_and_speakers_match_the_database(
    client: FlaskClient, sessions_2024: dict[int, dict]
) -> None:
    document = client.get("/api/v1/editions/2024/schedule.json").get_json()

    speaker_ids: set[int] = set()
    for session in document["sessions"]:
        expected_items = sessions_2024[session["id"]]["items"]
        assert len(session["items"]) == len(expected_items)
        for item, expected in zip(session["items"], expected_items, strict=True):
            assert item["id"] == expected["id"]
            assert item["kind"] == expected["kind"]
            assert item["title"] == expected["title"]
            assert item["starts_at"] == _beijing_iso(expected["starts_at"])
            assert item["ends_at"] == _beijing_iso(expected["ends_at"])
            assert item["speakers"] == expected["speakers"]
            speaker_ids.update(part["speaker_id"] for part in expected["speakers"])
    assert sorted(speaker["id"] for speaker in document["speakers"]) == sorted(speaker_ids)


def test_schedule_json_rooms_match_the_database(
    client: FlaskClient, sessions_2024: dict[int, dict]
) -> None:
    document = client.get("/api/v1/editions/2024/schedule.json").get_json()

    expected = {s["room_id"]: s["room_name"] for s in sessions_2024.values() if s["room_id"]}
    assert {room["id"]: room["name"] for room in document["rooms"]} == expected
    assert {room["code"] for room in document["rooms"]} == {
        "main-hall",
        *(f"hall-{number}" for number in range(1, 7)),
    }


def test_schedule_json_shows_known_demo_values(client: FlaskClient) -> None:
    document = client.get("/api/v1/editions/2024/schedule.json").get_json()

    assert document["edition"]["year"] == 2024
    assert document["edition"]["starts_on"] == "2024-12-18"
    assert document["edition"]["ends_on"] == "2024-12-19"
    assert document["edition"]["timezone"] == "Asia/Shanghai"
    opening = next(s for s in document["sessions"] if s["code"] == "opening")
    assert opening["title"] == {"en": "Opening Ceremony", "zh": "开幕式"}
    assert opening["starts_at"] == "2024-12-18T09:00:00+08:00"
    assert opening["ends_at"] == "2024-12-18T09:40:00+08:00"
    host = opening["items"][0]["speakers"][0]
    assert host["role"] == "host"
    zhang_wei = next(s for s in document["speakers"] if s["id"] == host["speaker_id"])
    assert zhang_wei["name_zh"] == "张伟"
    assert zhang_wei["name"] == "Zhang Wei"
    assert zhang_wei["is_family_name_first"] is True


def test_schedule_json_of_2022_is_that_edition(client: FlaskClient) -> None:
    document = client.get("/api/v1/editions/2022/schedule.json").get_json()

    assert document["edition"]["year"] == 2022
    assert [session["code"] for session in document["sessions"]] == [
        "opening",
        "main-forum",
        "sub-forum-1",
        "sub-forum-2",
        "closing",
    ]


def test_schedule_json_for_unknown_year_is_not_found(client: FlaskClient) -> None:
    response = client.get("/api/v1/editions/1999/schedule.json")

    assert response.status_code == 404
