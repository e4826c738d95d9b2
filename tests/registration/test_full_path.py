"""From the sign-up page to the e-mail, the manage link, a change, a cancellation, a promotion.

A real SMTP server (aiosmtpd on 127.0.0.1) receives what the outbox worker sends, and the
test follows the link it finds in the e-mail, as the attendee would.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from forum.agenda.models import Session
from forum.editions.models import Edition
from forum.extensions import db
from forum.i18n import HTML_LANG
from forum.mail import send_due_messages
from forum.registration.models import Registration, RegistrationStatus, SeatStatus

from .committing import register, set_capacity
from .conftest import Inbox, slot_field_of, slot_key_of

# The subject of the e-mail that tells someone a seat became theirs, by language.
PROMOTED_SUBJECT = {"en": "A seat is now yours: {title}", "zh": "您已获得席位：{title}"}
WAITING = {"en": "on the waiting list, position 1", "zh": "候补中，排第1位"}


def _text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def _manage_path_in(message: EmailMessage) -> str:
    url = re.search(r"https?://\S+/registration/[A-Za-z0-9_-]+", _text_of(message)).group(0)
    return urlsplit(url).path


def _only_message_to(inbox: Inbox, address: str) -> EmailMessage:
    (message,) = inbox.messages_to(address)
    return message


def _registration_of(address: str) -> Registration:
    db.session.expire_all()
    return db.session.scalars(select(Registration).where(Registration.email == address)).one()


@pytest.mark.parametrize(("lang", "other_lang"), [("en", "zh"), ("zh", "en")])
def test_full_path_from_waiting_list_to_cancellation_promotes_the_next_person(
    edition: Edition,
    sub_forums: list[Session],
    person: Callable,
    client: FlaskClient,
    smtp_inbox: Inbox,
    lang: str,
    other_lang: str,
) -> None:
    wanted, other = sub_forums[0], sub_forums[1]
    set_capacity(wanted, 1)
    set_capacity(other, 1)
    register(edition, person("holder@example.org", [wanted.id]))
    send_due_messages("worker")

    # Sign up on the page for a sub-forum whose only seat is taken.
    response = client.post(
        f"/{lang}/register",
        data={
            "given_name": "Mei",
            "family_name": "Chen",
            "name_zh": "陈梅",
            "email": "Mei.Chen@Example.org",
            "organization": "Haidian District",
            "country": "CN",
            "category": "delegate",
            "preferred_language": lang,
            slot_field_of(sub_forums): str(wanted.id),
            "consent": "y",
        },
    )
    assert response.status_code == 302
    assert send_due_messages("worker") == 1

    # The confirmation e-mail says where she stands and carries the manage link.
    confirmation = _only_message_to(smtp_inbox, "mei.chen@example.org")
    mine = _registration_of("mei.chen@example.org")
    assert mine.formatted_reference in confirmation["Subject"]
    assert WAITING[lang] in _text_of(confirmation)
    path = _manage_path_in(confirmation)
    assert path.startswith(f"/{lang}/registration/")
    page = client.get(path)
    assert page.status_code == 200
    assert mine.formatted_reference in page.get_data(as_text=True)
    assert "seat--waitlisted" in page.get_data(as_text=True)

    # She moves to a sub-forum with a free seat.
    key = slot_key_of(sub_forums)
    moved = client.post(f"{path}/sessions/{key}", data={f"slot_{key}-session": str(other.id)})
    assert moved.status_code == 302
    mine = _registration_of("mei.chen@example.org")
    assert [(seat.session_id, seat.status) for seat in mine.seats] == [
        (other.id, SeatStatus.CONFIRMED.value)
    ]

    # Someone writing in the other language now waits for that seat.
    waiting = client.post(
        f"/{other_lang}/register",
        data={
            "family_name": "Okafor",
            "given_name": "Ngozi",
            "email": "ngozi@example.org",
            "organization": "Lagos State",
            "country": "NG",
            "category": "resident",
            "preferred_language": other_lang,
            slot_field_of(sub_forums): str(other.id),
            "consent": "y",
        },
    )
    assert waiting.status_code == 302
    assert _registration_of("ngozi@example.org").seats[0].status == SeatStatus.WAITLISTED.value

    # She cancels: a confirmation page first, then the button.
    assert client.get(f"{path}/cancel").status_code == 200
    assert client.post(f"{path}/cancel").status_code == 302
    assert _registration_of("mei.chen@example.org").status == RegistrationStatus.CANCELLED.value

    send_due_messages("worker")

    # The next in line has the seat and an e-mail about it in her own language.
    promoted = _registration_of("ngozi@example.org")
    assert promoted.seats[0].status == SeatStatus.CONFIRMED.value
    messages = smtp_inbox.messages_to("ngozi@example.org")
    assert len(messages) == 2
    promotion = messages[-1]
    title = other.title.in_language(other_lang)
    assert promotion["Subject"] == PROMOTED_SUBJECT[other_lang].format(title=title)
    html_tag = f'<html lang="{HTML_LANG[other_lang]}">'
    assert html_tag in promotion.get_body(("html",)).get_content()
    (calendar,) = list(promotion.iter_attachments())
    assert calendar.get_content_type() == "text/calendar"
    # The one who cancelled is told too, and the holder of the first seat hears nothing new.
    assert len(smtp_inbox.messages_to("mei.chen@example.org")) == 2
    assert len(smtp_inbox.messages_to("holder@example.org")) == 1
