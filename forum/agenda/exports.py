"""The programme as iCalendar (RFC 5545) and as a JSON schedule."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from forum.agenda.models import Room, Session, Talk
from forum.agenda.services import public_participants
from forum.editions.models import Edition
from forum.i18n import Translated, country_name_in_languages
from forum.names import latin_name, primary_name
from forum.speakers.models import Speaker

if TYPE_CHECKING:
    from icalendar import Event, Timezone

PRODUCT_ID = "-//Beijing Forum on Swift Response to Public Complaints//forum//EN"


def session_uid(session: Session, domain: str) -> str:
    """A UID that stays the same across exports, so calendars update instead of duplicating."""
    return f"session-{session.id}@{domain}"


def agenda_calendar(
    edition: Edition,
    sessions: Iterable[Session],
    lang: str,
    *,
    uid_domain: str,
    session_url: Callable[[Session], str],
    now: datetime | None = None,
    describe_items: bool = True,
) -> bytes:
    """An iCalendar with one VEVENT per session, times in the edition's time zone.

    `describe_items` lists each session's items in its description; e-mail attachments
    leave them out, which spares loading the whole programme for every registration.
    """
    # icalendar takes a tenth of a second to import; most processes never write a calendar.
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", edition.name.in_language(lang))
    calendar.add("x-wr-timezone", edition.timezone)
    stamp = (now or datetime.now(UTC)).replace(microsecond=0)
    zone = ZoneInfo(edition.timezone)
    for session in sessions:
        event = _session_event(
            session, edition, lang, zone, stamp, uid_domain, session_url(session), describe_items
        )
        calendar.add_component(event)
    calendar.add_component(_vtimezone(edition.timezone))
    return calendar.to_ical()


@cache
def _vtimezone(name: str) -> Timezone:
    """The VTIMEZONE of a zone; working out its transitions takes tens of milliseconds."""
    from icalendar import Timezone

    return Timezone.from_tzid(name)


def _session_event(
    session: Session,
    edition: Edition,
    lang: str,
    zone: ZoneInfo,
    stamp: datetime,
    uid_domain: str,
    url: str,
    describe_items: bool,
) -> Event:
    from icalendar import Event

    event = Event()
    event.add("uid", session_uid(session, uid_domain))
    event.add("dtstamp", stamp)
    event.add("dtstart", session.starts_at.astimezone(zone))
    event.add("dtend", session.ends_at.astimezone(zone))
    event.add("summary", session.title.in_language(lang))
    description = _session_description(session, lang, describe_items)
    if description:
        event.add("description", description)
    event.add("location", _location(session, edition, lang))
    event.add("url", url)
    return event


def _session_description(session: Session, lang: str, describe_items: bool) -> str:
    lines = []
    if session.summary:
        lines.append(session.summary.in_language(lang))
    for talk in session.talks if describe_items else ():
        names = ", ".join(primary_name(p.speaker, lang) for p in public_participants(talk))
        title = talk.title.in_language(lang)
        lines.append(f"• {title}" + (f" — {names}" if names else ""))
    return "\n".join(lines)


def _location(session: Session, edition: Edition, lang: str) -> str:
    parts = [edition.venue.in_language(lang)]
    if session.room is not None:
        parts.insert(0, session.room.name.in_language(lang))
    separator = "，" if lang == "zh" else ", "
    return separator.join(part for part in parts if part)


def schedule_document(edition: Edition, sessions: list[Session]) -> dict[str, Any]:
    """The published programme as a JSON-ready dict, every text in both languages."""
    zone = ZoneInfo(edition.timezone)
    rooms: dict[int, Room] = {}
    speakers: dict[int, Speaker] = {}
    for session in sessions:
        if session.room is not None:
            rooms[session.room.id] = session.room
        for talk in session.talks:
            for part in public_participants(talk):
                speakers[part.speaker.id] = part.speaker
    return {
        "edition": _edition_json(edition),
        "rooms": [_room_json(room) for room in sorted(rooms.values(), key=lambda r: r.id)],
        "sessions": [_session_json(session, zone) for session in sessions],
        "speakers": [
            _speaker_json(speaker) for speaker in sorted(speakers.values(), key=lambda s: s.id)
        ],
    }


def _texts(value: Translated | None) -> dict[str, str]:
    return value.as_dict() if value else {}


def _moment(value: datetime | None, zone: ZoneInfo) -> str | None:
    return value.astimezone(zone).isoformat() if value else None


def _edition_json(edition: Edition) -> dict[str, Any]:
    return {
        "year": edition.year,
        "name": _texts(edition.name),
        "starts_on": edition.starts_on.isoformat(),
        "ends_on": edition.ends_on.isoformat(),
        "timezone": edition.timezone,
        "venue": _texts(edition.venue),
        "city": _texts(edition.city),
        "permanent_theme": _texts(edition.permanent_theme),
        "special_theme": _texts(edition.special_theme),
    }


def _room_json(room: Room) -> dict[str, Any]:
    return {"id": room.id, "code": room.code, "name": _texts(room.name), "capacity": room.capacity}


def _session_json(session: Session, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "id": session.id,
        "code": session.code,
        "kind": session.kind,
        "title": _texts(session.title),
        "summary": _texts(session.summary),
        "starts_at": _moment(session.starts_at, zone),
        "ends_at": _moment(session.ends_at, zone),
        "room_id": session.room_id,
        "capacity": session.capacity,
        "items": [_talk_json(talk, zone) for talk in session.talks],
    }


def _talk_json(talk: Talk, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "id": talk.id,
        "kind": talk.kind,
        "title": _texts(talk.title),
        "summary": _texts(talk.summary),
        "starts_at": _moment(talk.starts_at, zone),
        "ends_at": _moment(talk.ends_at, zone),
        "speakers": [
            {"speaker_id": part.speaker_id, "role": part.role} for part in public_participants(talk)
        ],
    }


def _speaker_json(speaker: Speaker) -> dict[str, Any]:
    return {
        "id": speaker.id,
        "given_name": speaker.given_name,
        "family_name": speaker.family_name,
        "name": latin_name(speaker),
        "name_zh": speaker.name_zh,
        "is_family_name_first": speaker.is_family_name_first,
        "honorific": _texts(speaker.honorific),
        "position": _texts(speaker.position),
        "affiliation": _texts(speaker.affiliation),
        "bio": _texts(speaker.bio),
        "country": speaker.country,
        "country_name": country_name_in_languages(speaker.country),
    }
