"""Fixtures of the registration tests: an edition open for sign-up, people, an SMTP inbox."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from forum.agenda.models import Session
from forum.editions.models import Edition
from forum.editions.services import current_edition
from forum.extensions import db
from forum.registration.seats import choice_slots
from forum.registration.services import RegistrationData, open_registration

MakePerson = Callable[..., RegistrationData]


@pytest.fixture
def edition(changes_data: Flask) -> Edition:
    """The demo's current edition with its registration window open for 30 days."""
    edition = current_edition()
    open_registration(edition, timedelta(days=30))
    db.session.commit()
    return edition


@pytest.fixture
def sub_forums(edition: Edition) -> list[Session]:
    """The six sub-forums of the demo edition, which run at the same time."""
    (slot,) = choice_slots(edition)
    return slot.sessions


def slot_key_of(sessions: list[Session]) -> int:
    """How forms name a time slot: by the smallest id of its sessions, not its position."""
    return min(session.id for session in sessions)


def slot_field_of(sessions: list[Session]) -> str:
    """The sign-up form's field for the time slot of `sessions`."""
    return f"slot_{slot_key_of(sessions)}"


@pytest.fixture
def person() -> MakePerson:
    """Builds what someone types into the sign-up form; every field may be overridden."""

    def make(email: str, session_ids: list[int] | None = None, **fields: Any) -> RegistrationData:
        values: dict[str, Any] = {
            "given_name": "Ana",
            "family_name": "Lima",
            "email": email,
            "country": "BR",
            "category_code": "delegate",
            "preferred_language": "en",
            "consent": True,
            "organization": "City of Recife",
            "session_ids": list(session_ids or []),
        }
        values.update(fields)
        return RegistrationData(**values)

    return make


# ------------------------------------------------------------------------------- mail


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages_to(self, address: str) -> list[EmailMessage]:
        return [
            message_from_bytes(envelope.content, policy=policy.default)
            for envelope in self.envelopes
            if address in envelope.rcpt_tos
        ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_inbox(app: Flask) -> Iterator[Inbox]:
    """A real SMTP server on 127.0.0.1 that the app sends to while the test runs."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    names = ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USE_SSL", "MAIL_USERNAME")
    saved = {name: app.config.get(name) for name in names}
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=controller.port,
        MAIL_USE_TLS=False,
        MAIL_USE_SSL=False,
        MAIL_USERNAME=None,
    )
    try:
        yield inbox
    finally:
        app.config.update(saved)
        controller.stop()
