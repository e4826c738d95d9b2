"""Registration services never commit: the view or command that calls them does, once.

Each test calls a service as a view would, then rolls back instead of committing: had
the service committed on its own, its change would survive the rollback.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import delete, func, select

from forum.agenda.models import Session
from forum.editions.models import Edition
from forum.extensions import db
from forum.mail import OutboxMessage
from forum.registration import services
from forum.registration.models import Category, ManageToken, Registration, Seat

from . import committing


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _snapshot() -> dict[str, object]:
    db.session.expire_all()
    return {
        "registrations": _count(Registration),
        "statuses": sorted(db.session.scalars(select(Registration.status))),
        "seats": sorted(db.session.execute(select(Seat.session_id, Seat.status)).all()),
        "tokens": _count(ManageToken),
        "outbox": _count(OutboxMessage),
        "capacities": sorted(db.session.execute(select(Session.id, Session.capacity)).all()),
        "categories": _count(Category),
    }


def _rolled_back(call: Callable[[], object]) -> None:
    before = _snapshot()
    call()
    db.session.rollback()
    assert _snapshot() == before


def test_register_leaves_the_commit_to_its_caller(
    edition: Edition, sub_forums: list[Session], person: Callable
) -> None:
    _rolled_back(lambda: services.register(edition, person("ana@example.org", [sub_forums[0].id])))


def test_seat_and_link_services_leave_the_commit_to_their_caller(
    edition: Edition, sub_forums: list[Session], person: Callable
) -> None:
    small = sub_forums[0]
    committing.set_capacity(small, 1)
    holder = committing.register(edition, person("holder@example.org", [small.id])).registration
    waiting = committing.register(edition, person("waiting@example.org", [small.id]))
    pending = committing.register(
        edition, person("press@example.org", [small.id], category_code="media")
    ).registration
    slot = [session.id for session in sub_forums]

    _rolled_back(lambda: services.cancel(holder))
    _rolled_back(lambda: services.change_session(holder, slot, sub_forums[1].id))
    _rolled_back(lambda: services.change_session(waiting.registration, slot, None))
    _rolled_back(lambda: services.set_capacity(small, 5))
    _rolled_back(lambda: services.send_manage_link(holder))
    _rolled_back(lambda: services.revoke_manage_links(holder))
    _rolled_back(lambda: services.approve(pending))
    _rolled_back(lambda: services.reject(pending))


def test_setup_services_leave_the_commit_to_their_caller(edition: Edition) -> None:
    before = (edition.registration_opens_at, edition.registration_closes_at)

    services.open_registration(edition, timedelta(days=1))
    db.session.rollback()

    assert (edition.registration_opens_at, edition.registration_closes_at) == before
    db.session.execute(delete(Category).where(Category.code == "guest"))
    db.session.commit()
    _rolled_back(services.ensure_default_categories)
