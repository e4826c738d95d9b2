"""Where registration stands, for the staff overview: a handful of grouped queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from forum.agenda.models import Session
from forum.editions.models import Edition
from forum.extensions import db
from forum.i18n import country_name
from forum.mail import OutboxMessage, OutboxStatus
from forum.registration.models import Category, Registration, RegistrationStatus, Seat, SeatStatus
from forum.registration.seats import choice_slots

LIVE = (RegistrationStatus.PENDING.value, RegistrationStatus.CONFIRMED.value)


@dataclass(frozen=True)
class SessionFill:
    session: Session
    confirmed: int
    waiting: int

    @property
    def percent(self) -> int | None:
        if not self.session.capacity:
            return None
        return round(100 * self.confirmed / self.session.capacity)


@dataclass(frozen=True)
class Overview:
    total: int
    pending: int
    checked_in: int
    failed_emails: int
    by_day: list[tuple[date, int]]
    by_category: list[tuple[Category, int]]
    by_country: list[tuple[str, int]]
    sessions: list[SessionFill]


def _live(edition: Edition) -> list:
    return [Registration.edition_id == edition.id, Registration.status.in_(LIVE)]


def overview(edition: Edition) -> Overview:
    count = select(func.count()).select_from(Registration)
    total = db.session.scalar(count.where(*_live(edition)))
    pending = db.session.scalar(
        count.where(
            Registration.edition_id == edition.id,
            Registration.status == RegistrationStatus.PENDING.value,
        )
    )
    checked_in = db.session.scalar(
        count.where(*_live(edition), Registration.checked_in_at.is_not(None))
    )
    failed = db.session.scalar(
        select(func.count()).where(OutboxMessage.status == OutboxStatus.FAILED.value)
    )
    return Overview(
        total=total or 0,
        pending=pending or 0,
        checked_in=checked_in or 0,
        failed_emails=failed or 0,
        by_day=_by_day(edition),
        by_category=_by_category(edition),
        by_country=_by_country(edition),
        sessions=_session_fill(edition),
    )


def _by_day(edition: Edition) -> list[tuple[date, int]]:
    """Registrations per UTC day (dates grouped in Python: SQLite and PostgreSQL agree)."""
    days: dict[date, int] = {}
    for created_at in db.session.scalars(
        select(Registration.created_at).where(Registration.edition_id == edition.id)
    ):
        days[created_at.date()] = days.get(created_at.date(), 0) + 1
    return sorted(days.items())


def _by_category(edition: Edition) -> list[tuple[Category, int]]:
    rows = db.session.execute(
        select(Category, func.count(Registration.id))
        .join(Registration, Registration.category_id == Category.id)
        .where(*_live(edition))
        .group_by(Category.id)
        .order_by(Category.position, Category.id)
    ).all()
    return [(category, number) for category, number in rows]


def _by_country(edition: Edition, limit: int = 20) -> list[tuple[str, int]]:
    rows = db.session.execute(
        select(Registration.country, func.count())
        .where(*_live(edition))
        .group_by(Registration.country)
        .order_by(func.count().desc(), Registration.country)
        .limit(limit)
    ).all()
    return [(country, number) for country, number in rows]


def _session_fill(edition: Edition) -> list[SessionFill]:
    sessions = [session for slot in choice_slots(edition) for session in slot.sessions]
    counts = {
        (session_id, status): number
        for session_id, status, number in db.session.execute(
            select(Seat.session_id, Seat.status, func.count())
            .where(Seat.session_id.in_([session.id for session in sessions]))
            .group_by(Seat.session_id, Seat.status)
        )
    }
    return [
        SessionFill(
            session=session,
            confirmed=counts.get((session.id, SeatStatus.CONFIRMED.value), 0),
            waiting=counts.get((session.id, SeatStatus.WAITLISTED.value), 0),
        )
        for session in sessions
    ]


def chart_data(numbers: Overview, lang: str) -> dict[str, dict[str, list]]:
    """The overview's figures as the dashboard's charts draw them: labels in `lang`, counts.

    The same numbers as the tables under the charts, so the page reads alike with or
    without script. Series names are the page's to give (they are interface strings).
    """
    return {
        "days": {
            "labels": [day.isoformat() for day, _number in numbers.by_day],
            "registrations": [number for _day, number in numbers.by_day],
        },
        "categories": {
            "labels": [category.name.in_language(lang) for category, _ in numbers.by_category],
            "registrations": [number for _category, number in numbers.by_category],
            "colours": [category.colour for category, _number in numbers.by_category],
        },
        "countries": {
            "labels": [country_name(country, lang) for country, _ in numbers.by_country],
            "registrations": [number for _country, number in numbers.by_country],
        },
        "sessions": {
            "labels": [fill.session.title.in_language(lang) for fill in numbers.sessions],
            "confirmed": [fill.confirmed for fill in numbers.sessions],
            "waiting": [fill.waiting for fill in numbers.sessions],
            "capacity": [fill.session.capacity for fill in numbers.sessions],
        },
    }
