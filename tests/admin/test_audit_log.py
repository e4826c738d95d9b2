"""The audit log: admins read it, filtered by object and by person; changes keep their actor."""

from __future__ import annotations

from factories import make_edition, make_session
from flask import Flask

from forum.accounts.models import User
from forum.audit import Actor, AuditEvent, audit_log, record
from forum.extensions import db

from .conftest import LoginAs


def test_an_audit_entry_is_part_of_the_change_transaction(
    changes_data: Flask, staff: dict[str, User]
) -> None:
    edition = make_edition()
    db.session.commit()
    actor = Actor(user=staff["organizer"], address="203.0.113.9")

    edition.staff_notes = "rolled back"
    record(actor, "edition.update", edition, {"staff_notes": ["", "rolled back"]})
    db.session.rollback()

    assert audit_log(object_type="edition", object_id=edition.id) == []


def test_admins_filter_the_log_by_object_and_by_person(
    changes_data: Flask, login_as: LoginAs, staff: dict[str, User]
) -> None:
    edition = make_edition()
    by_organizer = make_session(edition, title={"en": "Organizer session"})
    by_admin = make_session(edition, title={"en": "Admin session"})
    record(Actor(staff["organizer"]), "session.update", by_organizer, {"capacity": [10, 20]})
    record(Actor(staff["admin"]), "session.publish", by_admin, {"is_published": [False, True]})
    db.session.commit()
    client = login_as("admin")

    by_person = client.get(f"/en/admin/audit?actor_id={staff['organizer'].id}").get_data(
        as_text=True
    )
    by_object = client.get(f"/en/admin/audit?object_type=session&object_id={by_admin.id}").get_data(
        as_text=True
    )

    assert "Organizer session" in by_person and "Admin session" not in by_person
    assert "Admin session" in by_object and "Organizer session" not in by_object
    assert "Session published" in by_object


def test_the_log_reads_in_chinese(
    changes_data: Flask, login_as: LoginAs, staff: dict[str, User]
) -> None:
    session = make_session(make_edition())
    record(Actor(staff["organizer"]), "session.update", session, {"capacity": [10, 20]})
    db.session.commit()

    page = login_as("admin").get("/zh/admin/audit?object_type=session").get_data(as_text=True)

    assert "操作日志" in page
    assert "场次已修改" in page


def test_an_entry_keeps_its_actor_name_when_the_account_is_gone(
    changes_data: Flask, staff: dict[str, User]
) -> None:
    session = make_session(make_edition())
    event = record(Actor(staff["checkin"], "198.51.100.7"), "session.update", session, {})
    db.session.commit()

    db.session.delete(staff["checkin"])
    db.session.commit()
    db.session.expire_all()

    kept = db.session.get(AuditEvent, event.id)
    assert (kept.actor_id, kept.actor_name, kept.address) == (
        None,
        "checkin@staff.example.org",
        "198.51.100.7",
    )
