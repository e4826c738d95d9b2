"""Reading the programme: the agenda of an edition, a session, a speaker's appearances."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import selectinload

from forum.agenda.models import Session, Talk, TalkSpeaker
from forum.editions.models import Edition
from forum.extensions import db
from forum.i18n import local_time
from forum.speakers.models import Speaker


class SessionNotFound(LookupError):
    """No published session has that id."""


@dataclass
class Slot:
    """Sessions that overlap in time: one session, or parallel tracks side by side."""

    starts_at: datetime
    ends_at: datetime
    sessions: list[Session] = field(default_factory=list)

    @property
    def is_parallel(self) -> bool:
        return len(self.sessions) > 1


@dataclass
class AgendaDay:
    day: date
    slots: list[Slot]

    @property
    def sessions(self) -> list[Session]:
        return [session for slot in self.slots for session in slot.sessions]


@dataclass
class Appearance:
    """A speaker's part in one talk of one session."""

    session: Session
    talk: Talk
    role: str


def _with_programme_loaded():
    """Eager loading that keeps a page at a constant number of queries."""
    return (
        selectinload(Session.room),
        selectinload(Session.edition),
        selectinload(Session.talks)
        .selectinload(Talk.participants)
        .selectinload(TalkSpeaker.speaker),
    )


def sessions_of(
    edition: Edition, *, include_unpublished: bool = False, with_programme: bool = True
) -> list[Session]:
    """The edition's sessions in time order; with their rooms, talks and speakers loaded."""
    query = (
        db.select(Session)
        .where(Session.edition_id == edition.id)
        .order_by(Session.starts_at, Session.position, Session.id)
    )
    if with_programme:
        query = query.options(*_with_programme_loaded())
    if not include_unpublished:
        query = query.where(Session.is_published)
    return list(db.session.scalars(query))


def agenda_of(edition: Edition, *, include_unpublished: bool = False) -> list[AgendaDay]:
    """The programme day by day (in the edition's time zone), parallel sessions grouped."""
    sessions = sessions_of(edition, include_unpublished=include_unpublished)
    return group_into_days(sessions, edition.timezone)


def group_into_days(sessions: list[Session], timezone: str) -> list[AgendaDay]:
    """Sessions (in time order) as days of slots; sessions that overlap share a slot."""
    days: dict[date, list[Slot]] = {}
    for session in sessions:
        day = local_time(session.starts_at, timezone).date()
        slots = days.setdefault(day, [])
        if slots and session.starts_at < slots[-1].ends_at:
            slot = slots[-1]
            slot.ends_at = max(slot.ends_at, session.ends_at)
        else:
            slot = Slot(starts_at=session.starts_at, ends_at=session.ends_at)
            slots.append(slot)
        slot.sessions.append(session)
    return [AgendaDay(day=day, slots=slots) for day, slots in sorted(days.items())]


def published_session(session_id: int) -> Session:
    """A published session with its programme loaded; raises SessionNotFound."""
    session = db.session.scalars(
        db.select(Session)
        .where(Session.id == session_id, Session.is_published)
        .options(*_with_programme_loaded())
    ).first()
    if session is None:
        raise SessionNotFound(session_id)
    return session


def public_participants(talk: Talk) -> list[TalkSpeaker]:
    """The talk's speakers whose profiles are published."""
    return [part for part in talk.participants if part.speaker.is_published]


def appearances_of(speaker: Speaker) -> list[Appearance]:
    """Where a speaker appears in published sessions, newest edition first, then by time."""
    rows = db.session.execute(
        db.select(TalkSpeaker, Talk, Session)
        .join(TalkSpeaker.talk)
        .join(Talk.session)
        .join(Session.edition)
        .where(TalkSpeaker.speaker_id == speaker.id, Session.is_published)
        .options(selectinload(Session.room), selectinload(Session.edition))
        .order_by(Edition.year.desc(), Session.starts_at, Talk.position)
    )
    return [Appearance(session=session, talk=talk, role=part.role) for part, talk, session in rows]


def speakers_of(edition: Edition) -> list[Speaker]:
    """Published speakers with a part in a published session of the edition."""
    # A subquery rather than DISTINCT: PostgreSQL cannot compare the JSON columns.
    appearing = (
        db.select(TalkSpeaker.speaker_id)
        .join(Talk, Talk.id == TalkSpeaker.talk_id)
        .join(Session, Session.id == Talk.session_id)
        .where(Session.edition_id == edition.id, Session.is_published)
    )
    return list(
        db.session.scalars(
            db.select(Speaker).where(Speaker.id.in_(appearing), Speaker.is_published)
        )
    )


def session_by_code(edition: Edition, code: str) -> Session:
    """The edition's session with this code; raises SessionNotFound."""
    session = db.session.scalars(
        db.select(Session).where(Session.edition_id == edition.id, Session.code == code)
    ).first()
    if session is None:
        raise SessionNotFound(code)
    return session
