"""The outbox and its worker against a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, message_from_string, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import icalendar
import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import select

from forum.editions.services import current_edition
from forum.extensions import db
from forum.mail import (
    RETRY_DELAYS,
    OutboxMessage,
    OutboxStatus,
    claim_due_messages,
    compose,
    enqueue,
    failed_messages,
    retry_message,
    send_due_messages,
)
from forum.registration.seats import choice_slots
from forum.registration.services import RegistrationData, open_registration, register

MAIL_SETTINGS = (
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_USE_TLS",
    "MAIL_USE_SSL",
    "MAIL_OUTBOX_DIR",
    "MAIL_CLAIM_LEASE_SECONDS",
)


class Inbox:
    """An aiosmtpd handler that keeps every envelope it is given."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        return [
            message_from_bytes(envelope.content, policy=policy.default)
            for envelope in self.envelopes
        ]


class SlowInbox(Inbox):
    """A server that takes its time over each message, as a loaded relay does."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(self.seconds)
        return await super().handle_DATA(server, session, envelope)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mail_settings(changes_data: Flask) -> Iterator[dict[str, Any]]:
    """The app's mail settings, put back as they were after the test."""
    saved = {name: changes_data.config.get(name) for name in MAIL_SETTINGS}
    yield changes_data.config
    changes_data.config.update(saved)


def _start_smtp(
    mail_settings: dict[str, Any], inbox: Inbox | None = None, **options: Any
) -> tuple[Controller, Inbox]:
    inbox = inbox or Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port(), **options)
    controller.start()
    mail_settings.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False, MAIL_USE_SSL=False
    )
    return controller, inbox


@pytest.fixture
def inbox(mail_settings: dict[str, Any]) -> Iterator[Inbox]:
    controller, inbox = _start_smtp(mail_settings)
    yield inbox
    controller.stop()


@pytest.fixture
def nobody_listening(mail_settings: dict[str, Any]) -> int:
    """A port on 127.0.0.1 where no SMTP server answers."""
    port = _free_port()
    mail_settings.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False, MAIL_USE_SSL=False
    )
    return port


def _queue(recipient: str, subject: str = "Hello") -> OutboxMessage:
    message = enqueue(compose(recipient, subject, f"Text for {recipient}", "<p>HTML</p>"))
    db.session.commit()
    return message


def _outbox() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


# ------------------------------------------------------------------------------ sending


def test_send_due_messages_delivers_a_confirmation_with_text_html_and_calendar(
    inbox: Inbox,
) -> None:
    edition = current_edition()
    open_registration(edition, timedelta(days=30))
    sub_forum = choice_slots(edition)[0].sessions[2]
    outcome = register(
        edition,
        RegistrationData(
            given_name="Ana",
            family_name="Lima",
            email="ana@example.org",
            country="BR",
            category_code="delegate",
            preferred_language="en",
            consent=True,
            session_ids=[sub_forum.id],
        ),
    )
    db.session.commit()
    (queued,) = _outbox()

    sent = send_due_messages("worker-1")

    assert sent == 1
    assert [envelope.rcpt_tos for envelope in inbox.envelopes] == [["ana@example.org"]]
    (message,) = inbox.messages()
    assert message["To"] == "ana@example.org"
    assert message["Subject"] == queued.subject
    assert outcome.registration.formatted_reference in message["Subject"]
    assert "Dear Ana Lima" in message.get_body(("plain",)).get_content()
    assert message.get_body(("html",)).get_content().lstrip().startswith("<!doctype html>")
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == "forum-2024.ics"
    calendar = icalendar.Calendar.from_ical(attachment.get_content())
    summaries = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    assert sub_forum.title.in_language("en") in summaries
    assert "Opening Ceremony" in summaries
    (stored,) = _outbox()
    assert (stored.status, stored.attempts) == (OutboxStatus.SENT.value, 1)
    assert stored.sent_at is not None
    assert send_due_messages("worker-1") == 0
    assert len(inbox.envelopes) == 1


def test_send_due_messages_to_an_internationalized_address_uses_smtputf8(
    mail_settings: dict[str, Any],
) -> None:
    controller, inbox = _start_smtp(mail_settings, enable_SMTPUTF8=True)
    try:
        _queue("用户@example.org", subject="报名确认")

        sent = send_due_messages("worker-1")
    finally:
        controller.stop()

    assert sent == 1
    assert inbox.envelopes[0].rcpt_tos == ["用户@example.org"]
    (message,) = inbox.messages()
    assert message["To"] == "用户@example.org"
    assert message["Subject"] == "报名确认"


def test_send_due_messages_to_an_internationalized_address_without_smtputf8_is_retried_later(
    mail_settings: dict[str, Any],
) -> None:
    controller, inbox = _start_smtp(mail_settings, enable_SMTPUTF8=False)
    _queue("用户@example.org")
    _queue("ana@example.org")
    try:
        sent = send_due_messages("worker-1")
    finally:
        controller.stop()

    # The server cannot take the first; the second still goes out in the same round.
    assert sent == 1
    first, second = _outbox()
    assert (first.status, first.attempts) == (OutboxStatus.PENDING.value, 1)
    assert "SMTPUTF8" in first.last_error
    assert second.status == OutboxStatus.SENT.value
    assert [envelope.rcpt_tos for envelope in inbox.envelopes] == [["ana@example.org"]]


def test_send_due_messages_sends_nothing_before_it_is_due(inbox: Inbox) -> None:
    message = enqueue(
        compose("ana@example.org", "Later", "Text"), now=datetime.now(UTC) + timedelta(hours=1)
    )
    db.session.commit()

    assert send_due_messages("worker-1") == 0
    assert inbox.envelopes == []
    assert message.status == OutboxStatus.PENDING.value


# ------------------------------------------------------------------------------ failures


def test_send_due_messages_with_no_server_listening_reschedules_the_message(
    nobody_listening: int,
) -> None:
    _queue("ana@example.org")
    started = datetime.now(UTC)

    sent = send_due_messages("worker-1")

    assert sent == 0
    (message,) = _outbox()
    assert message.status == OutboxStatus.PENDING.value
    assert message.attempts == 1
    assert message.next_attempt_at >= started + timedelta(seconds=RETRY_DELAYS[0])
    assert "ConnectionRefusedError" in message.last_error
    assert message.claimed_until is None
    # Not due again yet: a second round right away leaves it alone.
    assert send_due_messages("worker-1") == 0
    assert _outbox()[0].attempts == 1


def test_send_due_messages_after_every_retry_marks_the_message_failed(
    nobody_listening: int,
) -> None:
    _queue("ana@example.org")
    _queue("ben@example.org")
    rounds = len(RETRY_DELAYS) + 1

    for attempt in range(1, rounds + 1):
        # Each round runs after the longest back-off has passed.
        later = datetime.now(UTC) + timedelta(days=attempt)
        assert send_due_messages("worker-1", now=later) == 0
        assert {message.attempts for message in _outbox()} == {attempt}

    messages = _outbox()
    assert {message.status for message in messages} == {OutboxStatus.FAILED.value}
    assert [message.id for message in failed_messages()] == [message.id for message in messages]
    assert all(message.last_error for message in messages)
    # A failed message stays failed: it is for organizers to look at.
    assert send_due_messages("worker-1", now=datetime.now(UTC) + timedelta(days=30)) == 0
    assert {message.attempts for message in _outbox()} == {rounds}


def test_retry_message_puts_a_failed_message_back_in_the_queue_now(
    nobody_listening: int,
) -> None:
    _queue("ana@example.org")
    for attempt in range(1, len(RETRY_DELAYS) + 2):
        send_due_messages("worker-1", now=datetime.now(UTC) + timedelta(days=attempt))
    (message,) = failed_messages()

    retry_message(message)
    db.session.commit()

    assert failed_messages() == []
    assert message.status == OutboxStatus.PENDING.value
    assert message.attempts == 0
    assert message.next_attempt_at <= datetime.now(UTC)


# ------------------------------------------------------------------------- two workers


def _run_workers(app: Flask, count: int, work: Any) -> dict[str, Any]:
    """Runs `work(name)` in `count` threads at once, each in its own app context."""
    barrier = threading.Barrier(count)
    results: dict[str, Any] = {}
    errors: list[BaseException] = []

    def run(name: str) -> None:
        with app.app_context():
            try:
                barrier.wait()
                results[name] = work(name)
            except BaseException as error:
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(f"worker-{n}",)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


def test_claim_due_messages_by_concurrent_workers_never_claims_one_twice(
    changes_data: Flask,
) -> None:
    for number in range(60):
        enqueue(compose(f"person{number}@example.org", "Hello", "Text"))
    db.session.commit()
    all_ids = {message.id for message in _outbox()}

    def claim_until_none_left(name: str) -> list[int]:
        claimed: list[int] = []
        while batch := claim_due_messages(name, limit=3):
            claimed.extend(batch)
        return claimed

    claims = _run_workers(changes_data, 4, claim_until_none_left)

    every_claim = [message_id for batch in claims.values() for message_id in batch]
    assert len(every_claim) == len(set(every_claim))
    assert set(every_claim) == all_ids
    owners = {message.id: message.claimed_by for message in _outbox()}
    for name, batch in claims.items():
        assert all(owners[message_id] == name for message_id in batch)


def test_send_due_messages_by_two_workers_sends_every_message_exactly_once(
    inbox: Inbox, changes_data: Flask
) -> None:
    recipients = [f"person{number}@example.org" for number in range(40)]
    for recipient in recipients:
        enqueue(compose(recipient, "Hello", "Text"))
    db.session.commit()

    def send_until_none_left(name: str) -> int:
        total = 0
        while sent := send_due_messages(name, limit=2):
            total += sent
        return total

    sent = _run_workers(changes_data, 2, send_until_none_left)

    assert sum(sent.values()) == len(recipients)
    delivered = Counter(rcpt for envelope in inbox.envelopes for rcpt in envelope.rcpt_tos)
    assert delivered == Counter(recipients)
    assert {message.status for message in _outbox()} == {OutboxStatus.SENT.value}


def test_send_due_messages_with_a_slow_server_never_sends_one_twice(
    mail_settings: dict[str, Any], changes_data: Flask
) -> None:
    controller, inbox = _start_smtp(mail_settings, SlowInbox(seconds=0.4))
    # A lease shorter than the batch: the second worker takes over what the first has
    # not reached yet, as it would after a crash.
    mail_settings["MAIL_CLAIM_LEASE_SECONDS"] = 1
    recipients = [f"person{number}@example.org" for number in range(6)]
    for recipient in recipients:
        enqueue(compose(recipient, "Hello", "Text"))
    db.session.commit()

    def send_all_then_take_over(name: str) -> int:
        if name == "worker-1":
            time.sleep(1.3)
        total = 0
        while sent := send_due_messages(name, limit=len(recipients)):
            total += sent
        return total

    try:
        sent = _run_workers(changes_data, 2, send_all_then_take_over)
    finally:
        controller.stop()

    delivered = Counter(rcpt for envelope in inbox.envelopes for rcpt in envelope.rcpt_tos)
    assert delivered == Counter(recipients)
    assert sum(sent.values()) == len(recipients)
    assert sent["worker-1"] > 0, "the second worker never took over: the test proved nothing"
    assert {message.status for message in _outbox()} == {OutboxStatus.SENT.value}


def test_send_due_messages_sends_what_a_dead_worker_claimed_once_its_lease_ends(
    inbox: Inbox,
) -> None:
    _queue("ana@example.org")
    claimed_at = datetime.now(UTC)
    assert claim_due_messages("worker-that-died", now=claimed_at)

    too_early = send_due_messages("worker-alive", now=claimed_at + timedelta(minutes=1))
    after_lease = send_due_messages("worker-alive", now=claimed_at + timedelta(minutes=6))

    assert (too_early, after_lease) == (0, 1)
    assert [envelope.rcpt_tos for envelope in inbox.envelopes] == [["ana@example.org"]]
    (message,) = _outbox()
    assert (message.status, message.claimed_by) == (OutboxStatus.SENT.value, "worker-alive")


# ---------------------------------------------------------------------- folder outbox


def test_send_due_messages_without_mail_server_writes_eml_files(
    mail_settings: dict[str, Any], tmp_path: Path
) -> None:
    folder = tmp_path / "outbox"
    mail_settings.update(MAIL_SERVER=None, MAIL_OUTBOX_DIR=str(folder))
    _queue("ana@example.org", subject="First")
    _queue("ben@example.org", subject="Second")

    sent = send_due_messages("worker-1")

    assert sent == 2
    files = sorted(folder.glob("*.eml"))
    assert len(files) == 2
    written = [
        message_from_string(path.read_text(encoding="utf-8"), policy=policy.default)
        for path in files
    ]
    assert sorted((message["To"], message["Subject"]) for message in written) == [
        ("ana@example.org", "First"),
        ("ben@example.org", "Second"),
    ]
    assert {message.status for message in _outbox()} == {OutboxStatus.SENT.value}
