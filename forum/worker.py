"""Background work for `flask forum worker`: send queued mail, render badges ahead of time,
render the badge batches organizers order."""

from __future__ import annotations

import time
from collections.abc import Callable

from forum.documents.badges import prerender_badges, queue_missing_badges
from forum.documents.batches import claim_next_batch, render_batch
from forum.extensions import db
from forum.mail import send_due_messages


def work_once(worker: str) -> tuple[int, int]:
    """One round: due e-mails first (people wait for them), then a badge batch an organizer
    ordered (if any), then a few stale badges."""
    sent = send_due_messages(worker)
    sent_meanwhile, in_batch = run_badge_batch(worker)
    rendered = prerender_badges(limit=10)
    db.session.commit()
    return sent + sent_meanwhile, rendered + in_batch


def run_badge_batch(worker: str) -> tuple[int, int]:
    """Render the next queued badge batch, committing its progress after each step, and
    sending due e-mails between steps so a long batch holds none up; returns the e-mails
    sent meanwhile and the badges in the batch. Nothing queued: one indexed query."""
    batch = claim_next_batch(worker)
    db.session.commit()
    if batch is None:
        return 0, 0
    sent = 0

    def after_step() -> None:
        nonlocal sent
        db.session.commit()
        sent += send_due_messages(worker)

    render_batch(batch, after_step)
    db.session.commit()
    return sent, batch.done


def catch_up() -> int:
    """Queue the badges missing or of an older design; once, when a worker starts."""
    queued = queue_missing_badges()
    db.session.commit()
    return queued


def run_worker(
    worker: str,
    poll_seconds: float = 2.0,
    stop_after: float | None = None,
    log: Callable[[str], None] | None = None,
) -> None:
    """Work until stopped (or for `stop_after` seconds); sleeps only when idle."""
    catch_up()
    started = time.monotonic()
    while stop_after is None or time.monotonic() - started < stop_after:
        sent, rendered = work_once(worker)
        if log and (sent or rendered):
            log(f"sent {sent} message(s), rendered {rendered} badge(s)")
        db.session.remove()
        if not sent and not rendered:
            time.sleep(poll_seconds)
