"""Organizers' changes to the programme: rooms, sessions, their items and participants.

Each function takes the acting user, adds and flushes, and writes the audit entry; the
caller commits once. Conflicts (a room double-booked, a speaker in two places...) never
block a save here: `forum.agenda.conflicts` finds them and the organizer decides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from forum.agenda.models import Room, Session, SessionKind, SpeakerRole, Talk, TalkSpeaker
from forum.audit import Actor, record
from forum.editing import create_audited, delete_audited, update_fields
from forum.editions.models import Edition
from forum.extensions import db
from forum.speakers.models import Speaker

ROOM_FIELDS = ("code", "name", "capacity")
SESSION_FIELDS = (
    "kind",
    "title",
    "summary",
    "starts_at",
    "ends_at",
    "room_id",
    "capacity",
    "is_published",
    "staff_notes",
)
TALK_FIELDS = ("kind", "title", "summary", "starts_at", "ends_at")


class ProgrammeError(ValueError):
    """A programme change that cannot be made; the message says why."""


class EndsBeforeStart(ProgrammeError):
    """A session or item would end before it starts."""


class RoomInUse(ProgrammeError):
    """A room still has sessions, so it cannot be deleted."""


class CodeTaken(ProgrammeError):
    """Another room of the edition already has this code."""


# ------------------------------------------------------------------------------ rooms


def rooms_of(edition: Edition) -> list[Room]:
    return list(
        db.session.scalars(db.select(Room).where(Room.edition_id == edition.id).order_by(Room.code))
    )


def _check_room_code(edition: Edition, code: str, room: Room | None = None) -> None:
    other = db.session.scalars(
        db.select(Room).where(Room.edition_id == edition.id, Room.code == code)
    ).first()
    if other is not None and other is not room:
        raise CodeTaken(code)


def create_room(edition: Edition, values: Mapping[str, Any], actor: Actor) -> Room:
    """Add a room to an edition; raises CodeTaken."""
    _check_room_code(edition, values["code"])
    room = Room(edition_id=edition.id, **{name: values.get(name) for name in ROOM_FIELDS})
    return create_audited(room, ROOM_FIELDS, actor)


def update_room(
    room: Room, values: Mapping[str, Any], actor: Actor, expected_version: int | None
) -> dict[str, list[Any]]:
    """Change a room; raises CodeTaken or StaleEdit."""
    if "code" in values:
        _check_room_code(room.edition, values["code"], room)
    return update_fields(room, values, ROOM_FIELDS, actor, expected_version)


def delete_room(room: Room, actor: Actor) -> None:
    """Delete a room no session uses; raises RoomInUse."""
    used = db.session.scalars(db.select(Session.id).where(Session.room_id == room.id)).first()
    if used is not None:
        raise RoomInUse(room.code)
    delete_audited(room, ROOM_FIELDS, actor)


# --------------------------------------------------------------------------- sessions


def _check_times(values: Mapping[str, Any], current: Any = None) -> None:
    starts = values.get("starts_at", getattr(current, "starts_at", None))
    ends = values.get("ends_at", getattr(current, "ends_at", None))
    if starts is not None and ends is not None and ends <= starts:
        raise EndsBeforeStart("ends before it starts")


def _new_session_code(edition: Edition, kind: str) -> str:
    taken = set(db.session.scalars(db.select(Session.code).where(Session.edition_id == edition.id)))
    number = 1
    while f"{kind}-{number}" in taken:
        number += 1
    return f"{kind}-{number}"


def create_session(edition: Edition, values: Mapping[str, Any], actor: Actor) -> Session:
    """Add a session at the end of its day's order; raises EndsBeforeStart."""
    _check_times(values)
    kind = SessionKind(values["kind"]).value
    last = db.session.scalar(
        db.select(db.func.max(Session.position)).where(Session.edition_id == edition.id)
    )
    session = Session(
        edition_id=edition.id,
        code=values.get("code") or _new_session_code(edition, kind),
        position=(last or 0) + 1,
        **{name: values[name] for name in SESSION_FIELDS if name in values},
    )
    return create_audited(session, SESSION_FIELDS, actor)


def update_session(
    session: Session, values: Mapping[str, Any], actor: Actor, expected_version: int | None
) -> dict[str, list[Any]]:
    """Change a session's fields; raises EndsBeforeStart or StaleEdit."""
    _check_times(values, session)
    return update_fields(session, values, SESSION_FIELDS, actor, expected_version)


def set_session_published(session: Session, is_published: bool, actor: Actor) -> None:
    """Publish or withdraw a session from the public pages."""
    if session.is_published == is_published:
        return
    session.is_published = is_published
    db.session.flush()
    verb = "publish" if is_published else "unpublish"
    record(actor, f"session.{verb}", session, {"is_published": [not is_published, is_published]})


def delete_session(session: Session, actor: Actor) -> None:
    """Delete a session with its items (registrations' seats in it go with it)."""
    delete_audited(session, SESSION_FIELDS, actor)


def _swap_position(items: Sequence[Any], item: Any, step: int) -> list[Any]:
    """`items` with `item` moved one place earlier (-1) or later (+1), renumbered."""
    ordered = list(items)
    index = ordered.index(item)
    target = index + step
    if 0 <= target < len(ordered):
        ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, each in enumerate(ordered, start=1):
        each.position = position
    return ordered


def move_session(session: Session, step: int, actor: Actor) -> None:
    """Move a session one place up or down among the sessions that start at the same time
    (the order parallel sub-forums are shown in)."""
    siblings = list(
        db.session.scalars(
            db.select(Session)
            .where(Session.edition_id == session.edition_id, Session.starts_at == session.starts_at)
            .order_by(Session.position, Session.id)
        )
    )
    before = [each.id for each in siblings]
    after = [each.id for each in _swap_position(siblings, session, step)]
    if before != after:
        db.session.flush()
        record(actor, "session.reorder", session, {"order": [before, after]})


# ------------------------------------------------------------------------------ talks


def create_talk(session: Session, values: Mapping[str, Any], actor: Actor) -> Talk:
    """Add an item at the end of a session; raises EndsBeforeStart."""
    _check_times(values)
    talk = Talk(
        session=session,
        position=len(session.talks) + 1,
        **{name: values[name] for name in TALK_FIELDS if name in values},
    )
    return create_audited(talk, TALK_FIELDS, actor)


def update_talk(
    talk: Talk, values: Mapping[str, Any], actor: Actor, expected_version: int | None
) -> dict[str, list[Any]]:
    """Change an item; raises EndsBeforeStart or StaleEdit."""
    _check_times(values, talk)
    return update_fields(talk, values, TALK_FIELDS, actor, expected_version)


def delete_talk(talk: Talk, actor: Actor) -> None:
    """Delete an item and its participants."""
    delete_audited(talk, TALK_FIELDS, actor)


def move_talk(talk: Talk, step: int, actor: Actor) -> None:
    """Move an item one place up or down inside its session."""
    before = [each.id for each in talk.session.talks]
    after = [each.id for each in _swap_position(talk.session.talks, talk, step)]
    if before != after:
        db.session.flush()
        record(actor, "talk.reorder", talk, {"order": [before, after]})


def set_participants(
    talk: Talk, participants: Sequence[tuple[int, str]], actor: Actor
) -> dict[str, list[Any]]:
    """Replace an item's people with (speaker id, role) pairs in the order given."""
    before = [[part.speaker_id, part.role] for part in talk.participants]
    wanted = [[speaker_id, SpeakerRole(role).value] for speaker_id, role in participants]
    seen: set[int] = set()
    wanted = [pair for pair in wanted if not (pair[0] in seen or seen.add(pair[0]))]
    if before == wanted:
        return {}
    existing = {part.speaker_id: part for part in talk.participants}
    kept = []
    for position, (speaker_id, role) in enumerate(wanted, start=1):
        part = existing.pop(speaker_id, None)
        if part is None:
            part = TalkSpeaker(speaker=db.session.get(Speaker, speaker_id))
        part.role = role
        part.position = position
        kept.append(part)
    talk.participants[:] = kept
    db.session.flush()
    changes = {"participants": [before, wanted]}
    record(actor, "talk.update", talk, changes)
    return changes
