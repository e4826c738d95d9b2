"""The organizers' list of registrations: search, filters, sort and pages.

One query for the page's rows, one for the total, and one each for the rows' categories
and seats (selectinload), whatever the page size: the list's query count is constant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from math import ceil

from sqlalchemy import ColumnElement, Select, exists, func, select
from sqlalchemy.orm import selectinload

from forum.editions.models import Edition
from forum.extensions import db
from forum.registration.models import Category, Registration, RegistrationStatus, Seat, SeatStatus
from forum.registration.search import registration_matches

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class SortOrder(StrEnum):
    NAME = "name"
    NEWEST = "newest"
    OLDEST = "oldest"
    ORGANIZATION = "organization"
    REFERENCE = "reference"


class SessionState(StrEnum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"


@dataclass(frozen=True)
class RegistrationFilters:
    """What the organizer asked for; None or "" means "any"."""

    text: str = ""
    status: str | None = None
    category_id: int | None = None
    session_id: int | None = None
    # With session_id: a confirmed seat, or a place on the waiting list.
    session_state: str | None = None
    checked_in: bool | None = None
    badge_printed: bool | None = None
    sort: SortOrder = SortOrder.NAME


@dataclass
class RegistrationPage:
    registrations: list[Registration]
    total: int
    page: int
    per_page: int
    pages: int = field(init=False)

    def __post_init__(self) -> None:
        self.pages = max(1, ceil(self.total / self.per_page))


def _conditions(edition: Edition, filters: RegistrationFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Registration.edition_id == edition.id]
    if filters.text.strip():
        conditions.append(registration_matches(filters.text))
    if filters.status:
        conditions.append(Registration.status == filters.status)
    if filters.category_id is not None:
        conditions.append(Registration.category_id == filters.category_id)
    if filters.session_id is not None:
        conditions.append(_in_session(filters.session_id, filters.session_state))
    if filters.checked_in is not None:
        checked_in = Registration.checked_in_at.is_not(None)
        conditions.append(checked_in if filters.checked_in else ~checked_in)
    if filters.badge_printed is not None:
        printed = Registration.badge_prints > 0
        conditions.append(printed if filters.badge_printed else ~printed)
    return conditions


def _in_session(session_id: int, state: str | None) -> ColumnElement[bool]:
    statuses = {
        SessionState.CONFIRMED.value: [SeatStatus.CONFIRMED.value],
        SessionState.WAITING.value: [SeatStatus.WAITLISTED.value],
    }.get(state or "", [status.value for status in SeatStatus])
    return exists().where(
        Seat.registration_id == Registration.id,
        Seat.session_id == session_id,
        Seat.status.in_(statuses),
    )


def _ordered(query: Select, sort: SortOrder) -> Select:
    orders = {
        SortOrder.NAME: (func.lower(Registration.family_name), func.lower(Registration.given_name)),
        SortOrder.NEWEST: (Registration.created_at.desc(),),
        SortOrder.OLDEST: (Registration.created_at,),
        SortOrder.ORGANIZATION: (func.lower(Registration.organization),),
        SortOrder.REFERENCE: (Registration.reference,),
    }
    return query.order_by(*orders[sort], Registration.id)


def filtered_registrations(edition: Edition, filters: RegistrationFilters) -> Select:
    """The SELECT of every registration matching `filters`, sorted (for lists and exports)."""
    query = select(Registration).where(*_conditions(edition, filters))
    return _ordered(query, filters.sort).options(
        selectinload(Registration.category),
        selectinload(Registration.seats).selectinload(Seat.session),
    )


def list_registrations(
    edition: Edition, filters: RegistrationFilters, page: int = 1, per_page: int = PAGE_SIZE
) -> RegistrationPage:
    """One page of the filtered list, and how many match in all."""
    per_page = min(max(per_page, 1), MAX_PAGE_SIZE)
    total = db.session.scalar(
        select(func.count()).select_from(Registration).where(*_conditions(edition, filters))
    )
    pages = max(1, ceil((total or 0) / per_page))
    page = min(max(page, 1), pages)
    rows = db.session.scalars(
        filtered_registrations(edition, filters).limit(per_page).offset((page - 1) * per_page)
    )
    return RegistrationPage(list(rows), total or 0, page, per_page)


def categories_in_order() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.id)))


STATUSES = tuple(status.value for status in RegistrationStatus)
