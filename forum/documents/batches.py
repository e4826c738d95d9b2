"""Badge batches ordered from the admin area: a filter and a layout in, one PDF out.

A batch is a row (`badge_batches`) and the registrations it prints, in print order
(`badge_batch_items`), chosen when the organizer asks: what the PDF holds, and what
"mark printed" counts, is that list, not whatever the filter would match later. Small
batches render in the request (claimed like a worker's); larger ones wait, queued, for
`flask forum worker`, which claims one with a conditional UPDATE (and `FOR UPDATE SKIP
LOCKED` on PostgreSQL, so several workers never take the same one), renders it in steps
of `STEP` badges and reports its progress after each step. A worker that dies leaves its
claim to expire.

The finished PDF is kept in the database (like the stored badges), so whichever app
process serves the download can read it. Downloading marks nothing; marking printed is
its own step, once per batch: one conditional UPDATE claims the batch, one
`UPDATE ... SET badge_prints = badge_prints + 1` counts every badge in it, a `CheckIn`
print row per badge keeps each registration's print history, and one audit entry records
it, all in the caller's transaction.

Services flush; the caller (view, worker) commits, except that `render_batch` calls back
after each step so that the worker can commit the progress for the page to see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from flask import current_app
from sqlalchemy import (
    JSON,
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    Integer,
    LargeBinary,
    Select,
    String,
    Text,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, selectinload

from forum.accounts.models import User
from forum.audit import Actor, record
from forum.columns import UTCDateTime, one_of
from forum.documents.badges import (
    CHUNK_SIZE,
    BadgeLayout,
    BatchOrder,
    badge_for,
    batch_sort_key,
    render_badges,
)
from forum.documents.pdf import join_pdfs
from forum.editions.models import Edition
from forum.extensions import db
from forum.registration.checkin import CheckIn, CheckInKind, new_nonce
from forum.registration.listing import RegistrationFilters, SortOrder, filtered_registrations
from forum.registration.models import Registration, RegistrationStatus

# The most badges one batch may hold: the largest sub-forum or category fits many times
# over, and a PDF of this size still downloads in seconds. (App setting BADGE_BATCH_MAX.)
MAX_BATCH_SIZE = 5000
# Up to this many badges render in the organizer's request, a few seconds at most.
# (BADGE_BATCH_IN_REQUEST.)
SMALL_BATCH_SIZE = 40
# Badges rendered between two progress reports of the worker (BADGE_BATCH_STEP): two of
# render_badges' documents, so each step uses both cores of the machine the site is sized
# for (a step of 100 was one process: 5,000 badges took 70 s) and reports every few seconds.
STEP = 2 * CHUNK_SIZE
# Badges on one A4 sheet (documents/badges.py lays out two by two).
BADGES_PER_SHEET = 4
# How long a worker's claim on a running batch lasts without a progress report.
CLAIM_LEASE = timedelta(minutes=10)
# Erased registrations keep their row, with this domain in their address (staff.py).
ERASED_DOMAIN = "@erased.invalid"
ERROR_LENGTH = 1000


class BatchStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class BadgeBatch(db.Model):
    """One organizer's order of badges: who asked, what for, and how far it has got."""

    __tablename__ = "badge_batches"
    __table_args__ = (CheckConstraint(one_of("status", BatchStatus), name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    # Kept as text too, so the list still names a person whose account was removed.
    requested_by_name: Mapped[str] = mapped_column(String(254), default="")
    # BatchCriteria as JSON: the list's filters and the print order.
    criteria: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    layout: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default=BatchStatus.QUEUED.value, index=True)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    # Read only by the download: the list of batches never loads it.
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary, nullable=True))
    error: Mapped[str] = mapped_column(Text, default="")
    claimed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    printed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    printed_by_name: Mapped[str] = mapped_column(String(254), default="")

    requested_by: Mapped[User | None] = db.relationship()

    @property
    def audit_label(self) -> str:
        return f"badge batch {self.id}"

    @property
    def percent(self) -> int:
        if self.status == BatchStatus.DONE.value:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (BatchStatus.DONE.value, BatchStatus.FAILED.value)

    @property
    def order(self) -> BatchOrder:
        return BatchOrder(self.criteria.get("order", BatchOrder.NAME.value))


class BadgeBatchItem(db.Model):
    """One badge of a batch, at its place in the PDF."""

    __tablename__ = "badge_batch_items"

    batch_id: Mapped[int] = mapped_column(
        ForeignKey("badge_batches.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )


@dataclass(frozen=True)
class BatchCriteria:
    """The registrations list's filters (all optional) and the order badges print in."""

    text: str = ""
    status: str | None = None
    category_id: int | None = None
    session_id: int | None = None
    session_state: str | None = None
    checked_in: bool | None = None
    badge_printed: bool | None = None
    order: BatchOrder = BatchOrder.NAME

    def as_filters(self) -> RegistrationFilters:
        return RegistrationFilters(
            text=self.text,
            status=self.status,
            category_id=self.category_id,
            session_id=self.session_id,
            session_state=self.session_state,
            checked_in=self.checked_in,
            badge_printed=self.badge_printed,
            sort=SortOrder.REFERENCE,
        )

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "order": self.order.value}


class BatchError(Exception):
    """Base of what stops a batch from being made or marked."""


class EmptyBatch(BatchError):
    """No confirmed registration matches the filter."""


class BatchTooLarge(BatchError):
    """More badges match than one batch may hold."""

    def __init__(self, count: int, largest: int) -> None:
        super().__init__(count, largest)
        self.count = count
        self.largest = largest


class NotPrintable(BatchError):
    """The batch is not finished, or it is already marked printed."""


# ----------------------------------------------------------------------- making a batch


def _printable(edition: Edition, criteria: BatchCriteria) -> Select:
    """The registrations a batch prints: the list's filter, confirmed and not erased."""
    return filtered_registrations(edition, criteria.as_filters()).where(
        Registration.status == RegistrationStatus.CONFIRMED.value,
        ~Registration.email.endswith(ERASED_DOMAIN),
    )


def count_printable(edition: Edition, criteria: BatchCriteria) -> int:
    """How many badges the filter would print now."""
    ids = _printable(edition, criteria).with_only_columns(Registration.id).order_by(None)
    return db.session.scalar(select(func.count()).select_from(ids.subquery())) or 0


def create_batch(
    edition: Edition,
    criteria: BatchCriteria,
    layout: BadgeLayout,
    actor: Actor,
    now: datetime | None = None,
) -> BadgeBatch:
    """Queue a batch of the badges the filter matches now, in print order; flushes.

    Raises EmptyBatch when nothing matches and BatchTooLarge above `max_batch_size()`
    (counted before any row is loaded).
    """
    count = count_printable(edition, criteria)
    if count == 0:
        raise EmptyBatch()
    largest = max_batch_size()
    if count > largest:
        raise BatchTooLarge(count, largest)
    registrations = sorted(
        db.session.scalars(_printable(edition, criteria).limit(largest)),
        key=batch_sort_key(criteria.order),
    )
    batch = BadgeBatch(
        edition_id=edition.id,
        requested_by_id=actor.user.id if actor.user else None,
        requested_by_name=_actor_name(actor),
        criteria=criteria.as_json(),
        layout=layout.value,
        status=BatchStatus.QUEUED.value,
        done=0,
        total=len(registrations),
        created_at=now or datetime.now(UTC),
    )
    db.session.add(batch)
    db.session.flush()
    db.session.execute(
        insert(BadgeBatchItem),
        [
            {"batch_id": batch.id, "position": position, "registration_id": registration.id}
            for position, registration in enumerate(registrations)
        ],
    )
    record(actor, "badge_batch.create", batch, {"total": [None, batch.total]})
    return batch


def max_batch_size() -> int:
    return int(current_app.config.get("BADGE_BATCH_MAX", MAX_BATCH_SIZE))


def is_small(batch: BadgeBatch) -> bool:
    """Whether the batch is small enough to render in the organizer's request."""
    return batch.total <= int(current_app.config.get("BADGE_BATCH_IN_REQUEST", SMALL_BATCH_SIZE))


def batch_registration_ids(batch: BadgeBatch) -> list[int]:
    """The registrations of the batch, in print order."""
    return list(
        db.session.scalars(
            select(BadgeBatchItem.registration_id)
            .where(BadgeBatchItem.batch_id == batch.id)
            .order_by(BadgeBatchItem.position)
        )
    )


def recent_batches(edition: Edition, limit: int = 20) -> list[BadgeBatch]:
    """The edition's newest batches first (their PDFs are not loaded)."""
    return list(
        db.session.scalars(
            select(BadgeBatch)
            .where(BadgeBatch.edition_id == edition.id)
            .order_by(BadgeBatch.created_at.desc(), BadgeBatch.id.desc())
            .limit(limit)
        )
    )


# --------------------------------------------------------------------- the worker's part


def _is_waiting(now: datetime) -> ColumnElement[bool]:
    """Queued, or running under a claim that has expired (its worker died)."""
    return or_(
        BadgeBatch.status == BatchStatus.QUEUED.value,
        (BadgeBatch.status == BatchStatus.RUNNING.value) & (BadgeBatch.claimed_until < now),
    )


def claim_batch(batch_id: int, claimant: str, now: datetime | None = None) -> BadgeBatch | None:
    """Take one waiting batch for `claimant` with a conditional UPDATE; None when another
    has it (or it is finished). Flushes; commit before rendering, so others see the claim."""
    now = now or datetime.now(UTC)
    taken = db.session.execute(
        update(BadgeBatch)
        .where(BadgeBatch.id == batch_id, _is_waiting(now))
        .values(
            status=BatchStatus.RUNNING.value,
            claimed_by=claimant[:100],
            claimed_until=now + CLAIM_LEASE,
            started_at=now,
            done=0,
        )
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        return None
    batch = db.session.get(BadgeBatch, batch_id)
    db.session.refresh(batch)
    return batch


def claim_next_batch(worker: str, now: datetime | None = None) -> BadgeBatch | None:
    """Take the oldest queued batch (or one whose worker died) for `worker`; flushes.

    None when there is nothing to do: one query on the status index.
    """
    now = now or datetime.now(UTC)
    candidates = select(BadgeBatch.id).where(_is_waiting(now)).order_by(BadgeBatch.id).limit(5)
    if db.session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    for batch_id in db.session.scalars(candidates).all():
        batch = claim_batch(batch_id, worker, now)
        if batch is not None:
            return batch
    return None


def render_batch(batch: BadgeBatch, after_step: Callable[[], None] | None = None) -> None:
    """Render the batch's PDF in steps of STEP badges, counting progress; flushes.

    `after_step` runs after each step's progress is flushed (the worker commits there, so
    the page sees it). Badges of registrations cancelled or erased since the batch was
    made are left out, and out of the batch, so "mark printed" counts what the PDF holds.
    Any error marks the batch failed with its message (the session is rolled back first).
    """
    try:
        _render(batch, after_step)
    except Exception as error:  # any failure is the organizer's to see, not a worker crash
        batch_id = batch.id
        db.session.rollback()
        failed = db.session.get(BadgeBatch, batch_id)
        if failed is None:
            return
        failed.status = BatchStatus.FAILED.value
        failed.error = f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
        failed.finished_at = datetime.now(UTC)
        failed.claimed_until = None
        db.session.flush()


def _render(batch: BadgeBatch, after_step: Callable[[], None] | None) -> None:
    layout = BadgeLayout(batch.layout)
    _drop_unprintable(batch)
    ids = batch_registration_ids(batch)
    batch.total = len(ids)
    if not ids:
        raise EmptyBatch("no badge of this batch can be printed any more")
    parts: list[bytes] = []
    step = _step_for(layout)
    for start in range(0, len(ids), step):
        step_ids = ids[start : start + step]
        loaded = {
            registration.id: registration
            for registration in db.session.scalars(
                select(Registration)
                .where(Registration.id.in_(step_ids))
                .options(selectinload(Registration.category), selectinload(Registration.edition))
            )
        }
        badges = [badge_for(loaded[registration_id], layout) for registration_id in step_ids]
        parts.append(render_badges(badges, layout))
        batch.done = start + len(step_ids)
        batch.claimed_until = datetime.now(UTC) + CLAIM_LEASE
        db.session.flush()
        if after_step is not None:
            after_step()
    year = db.session.get(Edition, batch.edition_id).year
    batch.pdf = parts[0] if len(parts) == 1 else join_pdfs(parts, title=f"Badges {year}")
    batch.status = BatchStatus.DONE.value
    batch.finished_at = datetime.now(UTC)
    batch.claimed_until = None
    db.session.flush()


def _step_for(layout: BadgeLayout) -> int:
    """Badges per step; on A4 sheets whole sheets, or a step would end on a half-empty one."""
    step = max(1, int(current_app.config.get("BADGE_BATCH_STEP", STEP)))
    if layout is BadgeLayout.A4_SHEET:
        step = max(BADGES_PER_SHEET, step - step % BADGES_PER_SHEET)
    return step


def _drop_unprintable(batch: BadgeBatch) -> None:
    """Take out of the batch the registrations no longer confirmed, or erased."""
    gone = select(Registration.id).where(
        or_(
            Registration.status != RegistrationStatus.CONFIRMED.value,
            Registration.email.endswith(ERASED_DOMAIN),
        )
    )
    db.session.execute(
        delete(BadgeBatchItem)
        .where(BadgeBatchItem.batch_id == batch.id, BadgeBatchItem.registration_id.in_(gone))
        .execution_options(synchronize_session=False)
    )


# ------------------------------------------------------------------------ marking printed


def mark_batch_printed(batch: BadgeBatch, actor: Actor, now: datetime | None = None) -> int:
    """Count one print of every badge in the finished batch, once; returns how many.

    Raises NotPrintable when the batch is not done or is already marked: the batch is
    claimed by a conditional UPDATE first, so two clicks (or two organizers) at once count
    once. Each count is an atomic increment; each badge gets a print record; one audit
    entry names the batch. Flushes; the caller commits.
    """
    now = now or datetime.now(UTC)
    claimed = db.session.execute(
        update(BadgeBatch)
        .where(
            BadgeBatch.id == batch.id,
            BadgeBatch.status == BatchStatus.DONE.value,
            BadgeBatch.printed_at.is_(None),
        )
        .values(printed_at=now, printed_by_name=_actor_name(actor))
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise NotPrintable()
    db.session.expire(batch, ["printed_at", "printed_by_name"])
    in_batch = select(BadgeBatchItem.registration_id).where(BadgeBatchItem.batch_id == batch.id)
    db.session.execute(
        update(Registration)
        .where(Registration.id.in_(in_batch))
        .values(badge_prints=Registration.badge_prints + 1)
        .execution_options(synchronize_session=False)
    )
    ids = batch_registration_ids(batch)
    if ids:
        db.session.execute(
            insert(CheckIn),
            [_print_record(registration_id, batch, actor, now) for registration_id in ids],
        )
    # Registrations loaded in this session show the new counts when read again.
    counted = set(ids)
    for loaded in list(db.session.identity_map.values()):
        if isinstance(loaded, Registration) and loaded.id in counted:
            db.session.expire(loaded, ["badge_prints"])
    record(actor, "badge_batch.mark_printed", batch, {"printed": [None, len(ids)]})
    return len(ids)


def _print_record(
    registration_id: int, batch: BadgeBatch, actor: Actor, now: datetime
) -> dict[str, Any]:
    return {
        "registration_id": registration_id,
        "kind": CheckInKind.PRINT.value,
        "desk": f"batch {batch.id}",
        "actor_id": actor.user.id if actor.user else None,
        "actor_name": _actor_name(actor),
        "at": now,
        "nonce": f"batch-{batch.id}-{new_nonce()}",
    }


def forget_batch_files_of(registration_id: int) -> None:
    """Delete the PDFs of every batch holding this registration's badge (erasure); flushes."""
    holding = select(BadgeBatchItem.batch_id).where(
        BadgeBatchItem.registration_id == registration_id
    )
    db.session.execute(
        update(BadgeBatch)
        .where(BadgeBatch.id.in_(holding))
        .values(pdf=None)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()


def _actor_name(actor: Actor) -> str:
    if actor.user is not None and actor.user.display_name:
        return actor.user.display_name
    return actor.name
