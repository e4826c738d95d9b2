"""Small factories: tests build the few objects they need instead of relying on the demo."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import count
from typing import Any

from forum.agenda.models import Room, Session, Talk, TalkSpeaker
from forum.audit import COMMAND_LINE
from forum.editions.models import Edition
from forum.extensions import db
from forum.i18n import Translated
from forum.registration import staff
from forum.registration.models import Registration
from forum.registration.services import RegistrationData
from forum.speakers.models import Speaker

_numbers = count(1)


def _translated(values: dict[str, Any]) -> dict[str, Any]:
    """Plain {"en": ...} dicts given to a factory become Translated, as loaded rows are."""
    return {
        name: Translated(value) if isinstance(value, dict) else value
        for name, value in values.items()
    }


def at(day: int, clock: str) -> datetime:
    """A moment in December 2030, in UTC: at(18, "01:30")."""
    hours, minutes = map(int, clock.split(":"))
    return datetime(2030, 12, day, hours, minutes, tzinfo=UTC)


def make_edition(**fields: Any) -> Edition:
    year = fields.pop("year", 2040 + next(_numbers) % 50)
    values: dict[str, Any] = {
        "year": year,
        "name": Translated(en=f"Test forum {year}", zh=f"{year}测试论坛"),
        "starts_on": date(2030, 12, 18),
        "ends_on": date(2030, 12, 19),
        "timezone": "Asia/Shanghai",
        "venue": Translated(en="Test hall", zh="测试会堂"),
        "city": Translated(en="Beijing", zh="北京"),
        "permanent_theme": Translated(en="People's City", zh="人民城市"),
    }
    values.update(fields)
    edition = Edition(**_translated(values))
    db.session.add(edition)
    db.session.flush()
    return edition


def make_room(edition: Edition, **fields: Any) -> Room:
    number = next(_numbers)
    values: dict[str, Any] = {
        "code": f"room-{number}",
        "name": Translated(en=f"Room {number}", zh=f"{number}号厅"),
        "capacity": 100,
    }
    values.update(fields)
    room = Room(edition_id=edition.id, **_translated(values))
    db.session.add(room)
    db.session.flush()
    return room


def make_session(edition: Edition, **fields: Any) -> Session:
    number = next(_numbers)
    values: dict[str, Any] = {
        "code": f"session-{number}",
        "kind": "sub_forum",
        "title": Translated(en=f"Session {number}", zh=f"第{number}场"),
        "starts_at": at(18, "06:00"),
        "ends_at": at(18, "08:00"),
        "is_published": True,
    }
    values.update(fields)
    session = Session(edition_id=edition.id, **_translated(values))
    db.session.add(session)
    db.session.flush()
    return session


def make_speaker(**fields: Any) -> Speaker:
    number = next(_numbers)
    values: dict[str, Any] = {"given_name": "Ana", "family_name": f"Tester{number}"}
    values.update(fields)
    speaker = Speaker(**_translated(values))
    db.session.add(speaker)
    db.session.flush()
    return speaker


def make_talk(session: Session, *speakers: Speaker, **fields: Any) -> Talk:
    values: dict[str, Any] = {"kind": "speech", "title": Translated(en="A talk", zh="演讲")}
    values.update(fields)
    talk = Talk(session=session, **_translated(values))
    for position, speaker in enumerate(speakers, start=1):
        talk.participants.append(TalkSpeaker(speaker=speaker, role="speaker", position=position))
    db.session.add(talk)
    db.session.flush()
    return talk


def registration_data(email: str, **fields: Any) -> RegistrationData:
    """A delegate's sign-up data (Ana Lima, Recife) at `email`; `fields` override it."""
    values: dict[str, Any] = {
        "given_name": "Ana",
        "family_name": "Lima",
        "email": email,
        "country": "BR",
        "category_code": "delegate",
        "preferred_language": "en",
        "consent": True,
        "organization": "City of Recife",
    }
    values.update(fields)
    return RegistrationData(**values)


def make_registration(edition: Edition, email: str, **fields: Any) -> Registration:
    """A registration made by an organizer (any category, any window); commits."""
    registration = staff.register_by_organizer(
        edition, registration_data(email, **fields), COMMAND_LINE
    ).registration
    db.session.commit()
    return registration
