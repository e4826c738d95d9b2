"""The editing services: a save racing another one loses cleanly, conflicts are found."""

from __future__ import annotations

import pytest
from factories import at, make_edition, make_room, make_session, make_speaker, make_talk
from flask import Flask
from sqlalchemy import update

from forum.agenda.conflicts import ConflictKind, edition_conflicts, session_conflicts
from forum.agenda.editing import update_session
from forum.agenda.models import Session
from forum.audit import COMMAND_LINE, AuditEvent
from forum.editing import StaleEdit
from forum.extensions import db
from forum.i18n import Translated


def test_a_save_that_races_another_between_read_and_write_is_refused(
    changes_data: Flask,
) -> None:
    session = make_session(make_edition(), title={"en": "Mine"})
    db.session.commit()
    loaded_at = session.version
    # Another organizer's save lands after we read the row but before our UPDATE; done
    # with Core, so our loaded object does not see it, as another process would not.
    db.session.execute(
        update(Session)
        .where(Session.id == session.id)
        .values(title=Translated(en="Theirs"), version=Session.version + 1)
    )

    with pytest.raises(StaleEdit):
        update_session(session, {"title": Translated(en="Mine, changed")}, COMMAND_LINE, loaded_at)

    updates = db.session.scalars(
        db.select(AuditEvent).where(
            AuditEvent.object_type == "session",
            AuditEvent.object_id == session.id,
            AuditEvent.action == "session.update",
        )
    )
    assert updates.all() == []


def test_an_unchanged_save_writes_no_audit_entry_and_keeps_the_version(
    changes_data: Flask,
) -> None:
    session = make_session(make_edition(), capacity=50)
    db.session.commit()
    version = session.version

    changes = update_session(session, {"capacity": 50}, COMMAND_LINE, version)

    assert changes == {}
    assert session.version == version


def test_each_conflict_kind_is_found_and_nothing_else(changes_data: Flask) -> None:
    edition = make_edition()
    small = make_room(edition, capacity=30)
    big = make_room(edition, capacity=500)
    speaker = make_speaker()
    morning = make_session(edition, room_id=small.id, capacity=40)  # above its room
    clash = make_session(edition, room_id=small.id)  # same room, same time
    elsewhere = make_session(edition, room_id=big.id)
    later = make_session(
        edition, room_id=big.id, starts_at=at(19, "06:00"), ends_at=at(19, "07:00")
    )
    make_talk(morning, speaker)
    make_talk(elsewhere, speaker)  # the speaker in two places
    make_talk(later, speaker)  # another day: fine
    make_talk(later, starts_at=at(19, "06:30"), ends_at=at(19, "07:30"))  # runs past its session
    db.session.commit()

    kinds = sorted(conflict.kind for conflict in edition_conflicts(edition))

    assert kinds == sorted(
        [
            ConflictKind.CAPACITY_ABOVE_ROOM,
            ConflictKind.ROOM_DOUBLE_BOOKED,
            ConflictKind.SPEAKER_IN_TWO_PLACES,
            ConflictKind.ITEM_OUTSIDE_SESSION,
        ]
    )
    assert {c.kind for c in session_conflicts(later)} == {ConflictKind.ITEM_OUTSIDE_SESSION}
    assert {c.kind for c in session_conflicts(clash)} == {ConflictKind.ROOM_DOUBLE_BOOKED}
