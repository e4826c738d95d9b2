"""The demo editions (2024 and a smaller 2022 archive), read from the TOML files here.

The event facts (name, host, themes, dates, programme structure, report releases) follow
the public description of the forum; everything else is sample data, as each edition's
staff notes and every speaker's biography say. The editions are built through the same
create services organizers use, so the demo also exercises them (and is in the audit log).

`seed_demo()` is idempotent: an edition whose year exists is skipped whole, and speakers
are found again by `seed_key`, so running it twice changes nothing.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from forum.agenda.editing import create_room, create_session, create_talk, set_participants
from forum.agenda.models import Room
from forum.audit import Actor
from forum.editions.editing import create_edition, make_current
from forum.editions.models import Edition
from forum.extensions import db
from forum.i18n import Translated
from forum.speakers.editing import create_speaker
from forum.speakers.models import Speaker

__all__ = ["SeedReport", "seed_demo"]

DATA = Path(__file__).resolve().parent
DEMO = Actor(user=None, label="demo data")


@dataclass(frozen=True)
class SeedReport:
    """What one call of `seed_demo` created."""

    created_editions: list[int] = field(default_factory=list)
    created_speakers: int = 0


def _read(name: str) -> dict[str, Any]:
    with (DATA / name).open("rb") as file:
        return tomllib.load(file)


def _translated(pair: dict[str, str] | None) -> Translated | None:
    return Translated(pair) if pair else None


class _Seeder:
    """Creates what is missing for one call of `seed_demo`; never changes existing rows."""

    def __init__(self) -> None:
        self.speaker_data = {entry["key"]: entry for entry in _read("speakers.toml")["speaker"]}
        self.speakers: dict[str, Speaker] = {}
        self.created_editions: list[int] = []
        self.created_speakers = 0

    def speaker(self, key: str) -> Speaker:
        """The speaker with this seed key, created from speakers.toml if missing."""
        if key not in self.speakers:
            found = db.session.scalar(db.select(Speaker).where(Speaker.seed_key == key))
            if found is None:
                found = self._create_speaker(self.speaker_data[key])
            self.speakers[key] = found
        return self.speakers[key]

    def _create_speaker(self, entry: dict[str, Any]) -> Speaker:
        speaker = create_speaker(
            {
                "given_name": entry["given_name"],
                "family_name": entry["family_name"],
                "name_zh": entry.get("name_zh"),
                "is_family_name_first": entry.get("family_name_first", False),
                "honorific": _translated(entry.get("honorific")),
                "position": _translated(entry["position"]),
                "affiliation": _translated(entry["affiliation"]),
                "bio": _translated(entry["bio"]),
                "country": entry["country"],
                "is_published": entry.get("published", True),
            },
            DEMO,
        )
        speaker.seed_key = entry["key"]
        self.created_speakers += 1
        return speaker

    def edition(self, data: dict[str, Any]) -> None:
        """Create the edition with its rooms and programme, unless its year exists."""
        if db.session.scalar(db.select(Edition.id).where(Edition.year == data["year"])):
            return
        zone = ZoneInfo(data["timezone"])
        edition = create_edition(
            {
                "year": data["year"],
                "name": Translated(data["name"]),
                "starts_on": data["starts_on"],
                "ends_on": data["ends_on"],
                "timezone": data["timezone"],
                "venue": Translated(data["venue"]),
                "city": Translated(data["city"]),
                "permanent_theme": Translated(data["permanent_theme"]),
                "special_theme": _translated(data.get("special_theme")),
                "introduction": _translated(data.get("introduction")),
                "registration_opens_at": data["registration_opens"].replace(tzinfo=zone),
                "registration_closes_at": data["registration_closes"].replace(tzinfo=zone),
                "staff_notes": data.get("staff_notes", ""),
            },
            DEMO,
        )
        # Never take "current" from an edition an organizer has made current.
        if data.get("is_current") and not db.session.scalar(
            db.select(Edition.id).where(Edition.is_current)
        ):
            make_current(edition, DEMO)
        rooms = {
            room["code"]: create_room(
                edition,
                {
                    "code": room["code"],
                    "name": Translated(room["name"]),
                    "capacity": room["capacity"],
                },
                DEMO,
            )
            for room in data.get("room", [])
        }
        for session in data.get("session", []):
            self.session(edition, zone, rooms, session)
        self.created_editions.append(edition.year)

    def session(
        self, edition: Edition, zone: ZoneInfo, rooms: dict[str, Room], data: dict[str, Any]
    ) -> None:
        day = edition.starts_on + timedelta(days=data["day"])
        session = create_session(
            edition,
            {
                "code": data["code"],
                "kind": data["kind"],
                "title": Translated(data["title"]),
                "summary": _translated(data.get("summary")),
                "starts_at": _at(day, data["start"], zone),
                "ends_at": _at(day, data["end"], zone),
                "room_id": rooms[data["room"]].id if data.get("room") else None,
                "capacity": data.get("capacity"),
                "is_published": data.get("published", True),
            },
            DEMO,
        )
        for entry in data.get("talk", []):
            talk = create_talk(
                session,
                {
                    "kind": entry["kind"],
                    "title": Translated(entry["title"]),
                    "summary": _translated(entry.get("summary")),
                    "starts_at": _at(day, entry["start"], zone),
                    "ends_at": _at(day, entry["end"], zone),
                },
                DEMO,
            )
            people = [(self.speaker(key).id, role) for key, role in entry.get("people", [])]
            set_participants(talk, people, DEMO)


def _at(day: date, clock: str, zone: ZoneInfo) -> datetime:
    """A wall-clock time in the edition's zone on `day`, as an aware datetime."""
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=zone)


def seed_demo() -> SeedReport:
    """Load the demo editions (oldest first, so ids follow the years) and commit.

    Call inside an app context; running it again changes nothing.
    """
    seeder = _Seeder()
    for path in sorted(DATA.glob("edition-*.toml")):
        seeder.edition(_read(path.name))
    db.session.commit()
    return SeedReport(list(seeder.created_editions), seeder.created_speakers)
