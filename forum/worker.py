"""Background work for `flask forum worker`: send queued mail, render badges ahead of time."""

from __future__ import annotations

import time
from collections.abc import Callable

from forum.documents.badges import prerender_badges, queue_missing_badges
from forum.extensions import db
from forum.mail import send_due_messages


def work_once(worker: str) -> tuple[int, int]:
    """One round: due e-mails first (people wait for them), then a few stale badges."""
    sent = send_due_messages(worker)
    rendered = prerender_badges(limit=10)
    db.session.commit()
    return sent, rendered


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
