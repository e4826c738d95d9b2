"""Problems in a programme that organizers should see before visitors do.

None of them blocks a save (an organizer may know better, e.g. a speaker who only
opens one session and then leaves for another); they are shown on save and listed
on one overview page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from itertools import combinations

from sqlalchemy.orm import selectinload

from forum.agenda.models import Session, Talk, TalkSpeaker
from forum.editions.models import Edition
from forum.extensions import db
from forum.speakers.models import Speaker


class ConflictKind(StrEnum):
    ROOM_DOUBLE_BOOKED = "room_double_booked"
    SPEAKER_IN_TWO_PLACES = "speaker_in_two_places"
    ITEM_OUTSIDE_SESSION = "item_outside_session"
    CAPACITY_ABOVE_ROOM = "capacity_above_room"


@dataclass(frozen=True)
class Conflict:
    kind: ConflictKind
    sessions: tuple[Session, ...]
    talk: Talk | None = None
    speaker: Speaker | None = None

    def involves(self, session: Session) -> bool:
        return any(each.id == session.id for each in self.sessions)


def _overlap(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    return a_start < b_end and b_start < a_end


def _talk_times(talk: Talk) -> tuple[datetime, datetime]:
    """An item without times of its own takes the whole session."""
    return (talk.starts_at or talk.session.starts_at, talk.ends_at or talk.session.ends_at)


def programme_for_checking(edition: Edition) -> list[Session]:
    """Every session of the edition (published or not) with rooms, items and people."""
    return list(
        db.session.scalars(
            db.select(Session)
            .where(Session.edition_id == edition.id)
            .options(
                selectinload(Session.room),
                selectinload(Session.talks)
                .selectinload(Talk.participants)
                .selectinload(TalkSpeaker.speaker),
            )
            .order_by(Session.starts_at, Session.position, Session.id)
        )
    )


def edition_conflicts(edition: Edition) -> list[Conflict]:
    """Every conflict in an edition's programme, in time order."""
    sessions = programme_for_checking(edition)
    found: list[Conflict] = []
    for first, second in combinations(sessions, 2):
        if (
            first.room_id is not None
            and first.room_id == second.room_id
            and _overlap(first.starts_at, first.ends_at, second.starts_at, second.ends_at)
        ):
            found.append(Conflict(ConflictKind.ROOM_DOUBLE_BOOKED, (first, second)))
    for session in sessions:
        for talk in session.talks:
            starts, ends = _talk_times(talk)
            if starts < session.starts_at or ends > session.ends_at:
                found.append(Conflict(ConflictKind.ITEM_OUTSIDE_SESSION, (session,), talk=talk))
        room = session.room
        if (
            session.capacity is not None
            and room is not None
            and room.capacity is not None
            and session.capacity > room.capacity
        ):
            found.append(Conflict(ConflictKind.CAPACITY_ABOVE_ROOM, (session,)))
    found.extend(_speakers_in_two_places(sessions))
    return found


def _speakers_in_two_places(sessions: list[Session]) -> list[Conflict]:
    by_speaker: dict[int, list[Talk]] = {}
    for session in sessions:
        for talk in session.talks:
            for part in talk.participants:
                by_speaker.setdefault(part.speaker_id, []).append(talk)
    found = []
    for talks in by_speaker.values():
        for first, second in combinations(talks, 2):
            if first.session_id == second.session_id:
                continue
            if _overlap(*_talk_times(first), *_talk_times(second)):
                speaker = next(
                    part.speaker
                    for part in first.participants
                    if part.speaker_id in {p.speaker_id for p in second.participants}
                )
                found.append(
                    Conflict(
                        ConflictKind.SPEAKER_IN_TWO_PLACES,
                        (first.session, second.session),
                        talk=first,
                        speaker=speaker,
                    )
                )
    return found


def session_conflicts(session: Session) -> list[Conflict]:
    """The conflicts a session takes part in, as the programme stands (flushed)."""
    return [
        conflict for conflict in edition_conflicts(session.edition) if conflict.involves(session)
    ]
