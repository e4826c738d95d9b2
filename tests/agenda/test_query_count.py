"""Public pages cost a fixed number of SQL queries, however big the programme grows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from forum.agenda.models import Room, Session, SessionKind, SpeakerRole, Talk, TalkKind, TalkSpeaker
from forum.editions.models import Edition
from forum.extensions import db
from forum.i18n import Translated
from forum.speakers.models import Speaker

EXTRA_SESSIONS = 12
TALKS_PER_SESSION = 4
NEW_SPEAKERS_PER_TALK = 2


@pytest.fixture
def count_queries(app: Flask, client: FlaskClient) -> Iterator:
    """count_queries(path) -> how many SQL statements one GET of `path` runs."""
    assert not app.config["PAGE_CACHE_ENABLED"]
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    def count(path: str) -> int:
        statements.clear()
        # A fresh app context gives the request its own database session, as in production,
        # so nothing the test loaded earlier can spare the page a query.
        with app.app_context():
            response = client.get(path)
        assert response.status_code == 200, path
        return len(statements)

    event.listen(engine, "before_cursor_execute", record)
    yield count
    event.remove(engine, "before_cursor_execute", record)


def _grow_the_2024_programme(regular: Speaker) -> None:
    """Add sessions with several talks each, new speakers, and more parts for `regular`."""
    edition = db.session.scalar(db.select(Edition).where(Edition.year == 2024))
    room = Room(edition=edition, code="annex", name=Translated(en="Annex", zh="附楼"))
    first_start = datetime(2024, 12, 19, 8, 0, tzinfo=UTC)
    for number in range(EXTRA_SESSIONS):
        starts_at = first_start + timedelta(minutes=20 * number)
        session = Session(
            edition=edition,
            code=f"extra-{number}",
            kind=SessionKind.OTHER.value,
            title=Translated(en=f"Extra session {number}", zh=f"加场{number}"),
            summary=Translated(en="Added by a test.", zh="测试添加。"),
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=20),
            room=room,
            position=100 + number,
        )
        for talk_number in range(TALKS_PER_SESSION):
            talk = Talk(
                kind=TalkKind.SPEECH.value,
                title=Translated(
                    en=f"Talk {number}.{talk_number}", zh=f"发言{number}.{talk_number}"
                ),
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=5),
                position=talk_number,
            )
            for person in range(NEW_SPEAKERS_PER_TALK):
                speaker = Speaker(
                    given_name=f"Guest{number}x{talk_number}x{person}",
                    family_name="Tester",
                    name_zh=f"测试{number}{talk_number}{person}",
                    bio=Translated(en="Added by a test."),
                    country="FR",
                )
                talk.participants.append(
                    TalkSpeaker(speaker=speaker, role=SpeakerRole.SPEAKER.value, position=person)
                )
            talk.participants.append(
                TalkSpeaker(speaker=regular, role=SpeakerRole.MODERATOR.value, position=9)
            )
            session.talks.append(talk)
        db.session.add(session)
    db.session.commit()


def _chen_jing() -> Speaker:
    return db.session.scalar(db.select(Speaker).where(Speaker.seed_key == "s2024-03"))


@pytest.mark.parametrize(
    "path",
    ["/en/agenda", "/zh/agenda", "/en/speakers/", "/zh/speakers/", "/en/speakers/{regular}"],
)
def test_page_query_count_does_not_grow_with_the_programme(
    request: pytest.FixtureRequest, changes_data: Flask, count_queries, path: str
) -> None:
    regular = _chen_jing()
    url = path.format(regular=regular.id)
    before = count_queries(url)

    _grow_the_2024_programme(regular)
    after = count_queries(url)

    assert after == before


def test_grown_programme_is_really_on_agenda_and_profile(
    changes_data: Flask, client: FlaskClient
) -> None:
    """Guards the test above: the added sessions and parts are all shown."""
    regular = _chen_jing()

    _grow_the_2024_programme(regular)

    agenda = client.get("/en/agenda").get_data(as_text=True)
    profile = client.get(f"/en/speakers/{regular.id}").get_data(as_text=True)
    assert agenda.count("Extra session") == EXTRA_SESSIONS
    assert agenda.count('<span class="family-name">Tester</span>') == (
        EXTRA_SESSIONS * TALKS_PER_SESSION * NEW_SPEAKERS_PER_TALK
    )
    assert profile.count("Extra session") == EXTRA_SESSIONS * TALKS_PER_SESSION


def test_grown_programme_is_really_on_the_speaker_index(
    request: pytest.FixtureRequest, changes_data: Flask, client: FlaskClient
) -> None:
    """Guards the test above: every added speaker is listed."""

    _grow_the_2024_programme(_chen_jing())

    speakers = client.get("/en/speakers/").get_data(as_text=True)
    assert speakers.count('<span class="family-name">Tester</span>') == (
        EXTRA_SESSIONS * TALKS_PER_SESSION * NEW_SPEAKERS_PER_TALK
    )
