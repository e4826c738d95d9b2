"""Sending mail through an outbox table, so that no request waits for an SMTP server.

A message is stored in `outbox_messages` in the same transaction as the change it tells
about; `flask forum worker` sends it later. Several workers may run at once: each claims
a message with a conditional UPDATE (and, on PostgreSQL, `FOR UPDATE SKIP LOCKED`) before
sending, so no message goes out twice while its worker lives. Failures are retried with
back-off; a message that keeps failing is marked failed and stays for organizers to see.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP, SMTPUTF8
from email.utils import format_datetime, make_msgid, parseaddr
from enum import StrEnum
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import JSON, Integer, String, Text, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from forum.columns import UTCDateTime
from forum.extensions import db

# Seconds to wait before each retry; after the last one a message is marked failed.
RETRY_DELAYS = (60, 300, 900, 3600, 3 * 3600, 6 * 3600)
# How long a claimed message belongs to its worker before another may take it over
# (MAIL_CLAIM_LEASE_SECONDS overrides it). Renewed before each send, so it only needs to
# outlast one SMTP conversation, whose every step times out after MAIL_TIMEOUT.
CLAIM_LEASE = timedelta(minutes=5)


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    # The whole RFC 5322 message; None until composed (see `enqueue_later`).
    raw: Mapped[str | None] = mapped_column(Text, nullable=True)
    # For a message composed by the worker: which composer, and what it needs.
    kind: Mapped[str] = mapped_column(String(60), default="")
    payload: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    # What the message is about, for organizers ("registration K7Q2M9XP").
    topic: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(20), default=OutboxStatus.PENDING.value, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


Composer = Callable[[dict[str, Any]], EmailMessage]
_composers: dict[str, Composer] = {}


def register_composer(kind: str, composer: Composer) -> None:
    """Name a function that builds a message from a payload, for `enqueue_later`."""
    _composers[kind] = composer


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


def compose(
    recipient: str,
    subject: str,
    text_body: str,
    html_body: str | None = None,
    attachments: Iterable[Attachment] = (),
    sender: str | None = None,
) -> EmailMessage:
    """A multipart message: plain text, optional HTML alternative, attachments."""
    message = EmailMessage(policy=SMTP)
    message["From"] = sender or current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=current_app.config["MAIL_MESSAGE_ID_DOMAIN"])
    message.set_content(text_body)
    if html_body:
        message.add_alternative(html_body, subtype="html")
    for attachment in attachments:
        main_type, _, sub_type = attachment.content_type.partition("/")
        message.add_attachment(
            attachment.data, maintype=main_type, subtype=sub_type, filename=attachment.filename
        )
    return message


def enqueue(message: EmailMessage, topic: str = "", now: datetime | None = None) -> OutboxMessage:
    """Store a message in the outbox as part of the caller's transaction (not committed)."""
    return _add_to_outbox(
        recipient=str(message["To"]),
        subject=str(message["Subject"]),
        raw=_as_text(message),
        topic=topic,
        now=now,
    )


def enqueue_later(
    kind: str,
    recipient: str,
    payload: dict[str, Any],
    topic: str = "",
    now: datetime | None = None,
) -> OutboxMessage:
    """Queue a message that the worker composes when it sends it (caller commits).

    Composing (templates, calendar) takes longer than the rest of a registration; doing
    it in the worker keeps it out of the request and out of the seat locks. The payload
    holds what the composer needs, e.g. a manage token, and is dropped once composed.
    """
    if kind not in _composers:
        raise KeyError(f"no composer for {kind!r}")
    return _add_to_outbox(
        recipient=recipient,
        subject="",
        raw=None,
        kind=kind,
        payload=payload,
        topic=topic,
        now=now,
    )


def _add_to_outbox(now: datetime | None, **fields: Any) -> OutboxMessage:
    now = now or datetime.now(UTC)
    queued = OutboxMessage(
        status=OutboxStatus.PENDING.value,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        last_error="",
        **fields,
    )
    db.session.add(queued)
    return queued


def compose_queued(message: OutboxMessage) -> None:
    """Build a message queued with `enqueue_later`; raises LookupError when it cannot be."""
    composer = _composers.get(message.kind)
    if composer is None:
        raise LookupError(f"no composer for {message.kind!r}")
    built = composer(message.payload or {})
    message.subject = str(built["Subject"])[:300]
    message.raw = _as_text(built)
    message.payload = None


def _as_text(message: EmailMessage) -> str:
    # An address like 用户@example.cn cannot be written in ASCII (RFC 6532); such a
    # message is stored in UTF-8 and sent with SMTPUTF8.
    return message.as_string(policy=SMTP if str(message["To"]).isascii() else SMTPUTF8)


def claim_due_messages(worker: str, limit: int = 20, now: datetime | None = None) -> list[int]:
    """Claim up to `limit` due messages for `worker`; returns the ids this worker now owns."""
    now = now or datetime.now(UTC)
    is_due = or_(
        (OutboxMessage.status == OutboxStatus.PENDING.value)
        & (OutboxMessage.next_attempt_at <= now),
        # A worker that died mid-send leaves its claim to expire.
        (OutboxMessage.status == OutboxStatus.SENDING.value) & (OutboxMessage.claimed_until < now),
    )
    candidates = select(OutboxMessage.id).where(is_due).order_by(OutboxMessage.id).limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    claimed = []
    for message_id in db.session.scalars(candidates).all():
        taken = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, is_due)
            .values(
                status=OutboxStatus.SENDING.value,
                claimed_by=worker,
                claimed_until=now + _claim_lease(),
            )
        )
        if taken.rowcount == 1:
            claimed.append(message_id)
    db.session.commit()
    return claimed


def deliver(raw: str, recipient: str) -> None:
    """Hand one message to SMTP, or write it to the outbox folder when no server is set."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        _write_to_folder(raw)
        return
    timeout = config.get("MAIL_TIMEOUT", 20)
    if config.get("MAIL_USE_SSL"):
        server: smtplib.SMTP = smtplib.SMTP_SSL(
            config["MAIL_SERVER"],
            config["MAIL_PORT"],
            timeout=timeout,
            context=ssl.create_default_context(),
        )
    else:
        server = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout)
    with server:
        if config.get("MAIL_USE_TLS"):
            server.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            server.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        envelope_sender = parseaddr(config["MAIL_DEFAULT_SENDER"])[1]
        # smtplib refuses a non-ASCII address unless SMTPUTF8 is asked for; a server
        # without it answers with SMTPNotSupportedError, which is retried, then marked failed.
        options = [] if recipient.isascii() else ["SMTPUTF8"]
        server.sendmail(envelope_sender, [recipient], raw.encode("utf-8"), mail_options=options)


def _write_to_folder(raw: str) -> None:
    folder = Path(current_app.config["MAIL_OUTBOX_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"{stamp}.eml"
    path.write_text(raw, encoding="utf-8")


def send_due_messages(worker: str, limit: int = 20, now: datetime | None = None) -> int:
    """Send what is due, once; returns how many were sent. Failures are rescheduled.

    A batch can outlast the lease it was claimed with (a slow SMTP server), after which
    another worker may claim the rest. So the claim is renewed, and committed, right
    before each send, and only while this worker still holds it; a message another
    worker has taken over is left to that worker.
    """
    sent = 0
    for message_id in claim_due_messages(worker, limit, now):
        if not _renew_claim(message_id, worker):
            continue
        message = db.session.get(OutboxMessage, message_id)
        if message is None:
            continue
        if message.raw is None:
            try:
                compose_queued(message)
            except LookupError as error:
                # What it was about is gone (e.g. erased); retrying cannot help.
                _record_failure(message, worker, error, final=True)
                db.session.commit()
                continue
            # Kept before sending, so a crash mid-send never composes it differently.
            db.session.commit()
        try:
            deliver(message.raw, message.recipient)
        # ValueError covers UnicodeError: one undeliverable message must not stop the batch.
        except (OSError, smtplib.SMTPException, ValueError) as error:
            _record_failure(message, worker, error)
        else:
            sent += _mark_sent(message_id, worker)
        db.session.commit()
    return sent


def _claim_lease() -> timedelta:
    seconds = current_app.config.get("MAIL_CLAIM_LEASE_SECONDS")
    return timedelta(seconds=seconds) if seconds else CLAIM_LEASE


def _held_by(message_id: int, worker: str) -> Any:
    return (
        (OutboxMessage.id == message_id)
        & (OutboxMessage.claimed_by == worker)
        & (OutboxMessage.status == OutboxStatus.SENDING.value)
    )


def _renew_claim(message_id: int, worker: str) -> bool:
    """Extend this worker's claim for one send, committed; False if it lost the claim."""
    renewed = db.session.execute(
        update(OutboxMessage)
        .where(_held_by(message_id, worker))
        .values(claimed_until=datetime.now(UTC) + _claim_lease())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return renewed.rowcount == 1


def _mark_sent(message_id: int, worker: str) -> int:
    """Record the delivery while the claim is still this worker's; 1 if it was, else 0."""
    marked = db.session.execute(
        update(OutboxMessage)
        .where(_held_by(message_id, worker))
        .values(
            status=OutboxStatus.SENT.value,
            sent_at=datetime.now(UTC),
            attempts=OutboxMessage.attempts + 1,
            claimed_until=None,
        )
        .execution_options(synchronize_session=False)
    )
    return marked.rowcount


def _record_failure(
    message: OutboxMessage, worker: str, error: Exception, final: bool = False
) -> None:
    """Reschedule the message with back-off, or mark it failed, while the claim is ours."""
    attempts = message.attempts + 1
    changes: dict[str, Any] = {
        "attempts": attempts,
        "last_error": f"{type(error).__name__}: {error}"[:2000],
        "claimed_until": None,
    }
    if final or attempts > len(RETRY_DELAYS):
        changes["status"] = OutboxStatus.FAILED.value
    else:
        changes["status"] = OutboxStatus.PENDING.value
        changes["next_attempt_at"] = datetime.now(UTC) + timedelta(
            seconds=RETRY_DELAYS[attempts - 1]
        )
    db.session.execute(
        update(OutboxMessage)
        .where(_held_by(message.id, worker))
        .values(**changes)
        .execution_options(synchronize_session=False)
    )


def failed_messages() -> list[OutboxMessage]:
    """Messages that could not be sent after every retry, for organizers to look at."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.FAILED.value)
            .order_by(OutboxMessage.id)
        )
    )


def retry_message(message: OutboxMessage) -> None:
    """Put a failed message back in the queue now (an organizer fixed the address or server)."""
    message.status = OutboxStatus.PENDING.value
    message.next_attempt_at = datetime.now(UTC)
    message.attempts = 0
