"""Signing up through the service: status, seats, approval, refusals, reference, token, mail."""

from __future__ import annotations

import email
import hashlib
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email import policy
from typing import Any

import pytest
from sqlalchemy import event, func, select, text

from forum.agenda.models import Session
from forum.editions.models import Edition
from forum.editions.services import current_edition
from forum.extensions import db
from forum.mail import OutboxMessage, OutboxStatus, compose_queued
from forum.registration.models import Registration, RegistrationStatus, Seat, SeatStatus
from forum.registration.seats import InvalidChoice, waitlist_position
from forum.registration.services import (
    REFERENCE_ALPHABET,
    AlreadyRegistered,
    RegistrationClosed,
    RegistrationNotFound,
    live_registration_for_email,
    new_reference,
    registration_for_reference,
    registration_for_token,
)

from .committing import approve, cancel, register, reject, set_capacity

AMBIGUOUS = set("0O1IL2Z5S8B")


def _count(model: type[Any]) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _counts() -> dict[str, int]:
    return {
        "registrations": _count(Registration),
        "seats": _count(Seat),
        "outbox": _count(OutboxMessage),
    }


@pytest.fixture
def commits(edition: Edition) -> Iterator[list[set[str]]]:
    """What each commit of the session wrote from now on: model names per transaction."""
    session = db.session()
    transactions: list[set[str]] = [set()]

    def before_flush(session: Any, context: Any, instances: Any) -> None:
        transactions[-1].update(type(instance).__name__ for instance in session.new)

    def after_commit(session: Any) -> None:
        transactions.append(set())

    event.listen(session, "before_flush", before_flush)
    event.listen(session, "after_commit", after_commit)
    yield transactions
    event.remove(session, "before_flush", before_flush)
    event.remove(session, "after_commit", after_commit)


# ------------------------------------------------------------------------------ status


def test_register_delegate_is_confirmed_with_a_seat(
    edition: Edition, sub_forums: list[Session], person: Callable
) -> None:
    chosen = sub_forums[2]

    outcome = register(edition, person("ana@example.org", [chosen.id]))

    registration = outcome.registration
    assert registration.status == RegistrationStatus.CONFIRMED.value
    assert [(seat.session_id, seat.status) for seat in registration.seats] == [
        (chosen.id, SeatStatus.CONFIRMED.value)
    ]
    assert registration.seats[0].confirmed_at is not None
    assert registration.category.code == "delegate"


def test_register_without_a_sub_forum_has_no_seat(edition: Edition, person: Callable) -> None:
    outcome = register(edition, person("ana@example.org", []))

    assert outcome.registration.status == RegistrationStatus.CONFIRMED.value
    assert outcome.registration.seats == []


def test_register_media_stays_pending_with_a_requested_seat(
    edition: Edition, sub_forums: list[Session], person: Callable
) -> None:
    chosen = sub_forums[0]

    outcome = register(edition, person("press@example.org", [chosen.id], category_code="media"))

    registration = outcome.registration
    assert registration.status == RegistrationStatus.PENDING.value
    assert [seat.status for seat in registration.seats] == [SeatStatus.REQUESTED.value]
    assert registration.seats[0].confirmed_at is None
    assert waitlist_position(registration.seats[0]) is None


def test_register_requested_seat_holds_no_place(
    edition: Edition, sub_forums: list[Session], person: Callable
) -> None:
    chosen = sub_forums[0]
    set_capacity(chosen, 1)
    register(edition, person("press@example.org", [chosen.id], category_code="media"))

    delegate = register(edition, person("ana@example.org", [chosen.id])).registration

    assert delegate.seats[0].status == SeatStatus.CONFIRMED.value


def test_approve_pending_with_room_confirms_registration_and_seat(
    edition: Edition, sub_forums: list[Session], person: Callable
) -> None:
    chosen = sub_forums[1]
    pending = register(
        edition, person("press@example.org", [chosen.id], category_code="media")
    ).registration
    outbox_before = _count(OutboxMessage)

    approve(pending)

    assert pending.status == RegistrationStatus.CONFIRMED.value
    assert [seat.status for seat in pending.seats] == [SeatStatus.CONFIRMED.value]
    assert pending.seats[0].confirmed_at is not None
    assert _count(OutboxMessage) == outbox_before + 1


def test_approve_pending_when_session_is_full_puts_it_on_the_waiting_list(
    edition: Edition, sub_forums: list[Session], person: Callable
) -> None:
    chosen = sub_forums[1]
    set_capacity(chosen, 1)
    pending = register(
        edition, person("press@example.org", [chosen.id], category_code="media")
    ).registration
    register(edition, person("ana@example.org", [chosen.id]))

    approve(pending)

    assert pending.status == RegistrationStatus.CONFIRMED.value
    seat = pending.seats[0]
    assert seat.status == SeatStatus.WAITLISTED.value
    assert waitlist_position(seat) == 1


def test_reject_pending_frees_its_requested_seat(
    edition: Edition, sub_forums: list[Session], person: Callable
) -> None:
    chosen = sub_forums[1]
    pending = register(
        edition, person("press@example.org", [chosen.id], category_code="media")
    ).registration

    reject(pending)

    assert pending.status == RegistrationStatus.REJECTED.value
    assert pending.seats == []
    assert db.session.scalar(select(func.count()).where(Seat.session_id == chosen.id)) == 0


# ------------------------------------------------------------------------------ refusals


def test_register_same_email_in_other_case_raises_already_registered_and_creates_nothing(
    edition: Edition, sub_forums: list[Session], person: Callable
) -> None:
    first = register(edition, person("Ana.Lima@Example.org", [sub_forums[0].id])).registration
    before = _counts()

    with pytest.raises(AlreadyRegistered) as raised:
        register(edition, person("ana.lima@example.ORG", [sub_forums[1].id]))

    assert raised.value.email == "ana.lima@example.org"
    assert live_registration_for_email(edition, raised.value.email).id == first.id
    assert _counts() == before


def test_register_same_email_again_after_cancelling_is_allowed(
    edition: Edition, person: Callable
) -> None:
    first = register(edition, person("ana@example.org")).registration
    cancel(first)

    second = register(edition, person("ana@example.org")).registration

    assert second.id != first.id
    assert second.status == RegistrationStatus.CONFIRMED.value


def test_register_two_sub_forums_of_one_slot_raises_invalid_choice(
    edition: Edition, sub_forums: list[Session], person: Callable
) -> None:
    before = _counts()

    with pytest.raises(InvalidChoice):
        register(edition, person("ana@example.org", [sub_forums[0].id, sub_forums[1].id]))

    assert _counts() == before


def test_register_session_of_another_edition_raises_invalid_choice(
    edition: Edition, person: Callable
) -> None:
    other = db.session.scalars(
        select(Session).where(Session.edition_id != edition.id, Session.kind == "sub_forum")
    ).first()

    with pytest.raises(InvalidChoice):
        register(edition, person("ana@example.org", [other.id]))

    assert _count(Registration) == 0


@pytest.mark.parametrize("category_code", ["speaker", "staff", "guest", "nonexistent"])
def test_register_in_a_category_not_offered_raises_invalid_choice(
    edition: Edition, person: Callable, category_code: str
) -> None:
    with pytest.raises(InvalidChoice):
        register(edition, person("ana@example.org", category_code=category_code))

    assert _counts() == {"registrations": 0, "seats": 0, "outbox": 0}


def test_register_after_the_window_closed_raises_registration_closed(
    changes_data: Any, person: Callable
) -> None:
    edition = current_edition()  # the demo's window closed in December 2024

    with pytest.raises(RegistrationClosed):
        register(edition, person("ana@example.org"))

    assert _count(Registration) == 0


def test_register_before_the_window_opens_raises_registration_closed(
    changes_data: Any, person: Callable
) -> None:
    edition = current_edition()
    edition.registration_opens_at = datetime.now(UTC) + timedelta(days=1)
    edition.registration_closes_at = datetime.now(UTC) + timedelta(days=10)
    db.session.commit()

    with pytest.raises(RegistrationClosed):
        register(edition, person("ana@example.org"))

    assert _count(Registration) == 0


# --------------------------------------------------------------------- reference, token


@pytest.mark.parametrize("typed", ["{ref}", "{dashed}", " {lower} ", "{lower_dashed}"])
def test_registration_for_reference_finds_it_however_it_was_typed(
    edition: Edition, person: Callable, typed: str
) -> None:
    outcome = register(edition, person("ana@example.org"))
    registration = outcome.registration
    text = typed.format(
        ref=registration.reference,
        dashed=registration.formatted_reference,
        lower=registration.reference.lower(),
        lower_dashed=registration.formatted_reference.lower(),
    )

    assert registration_for_reference(text).id == registration.id


def test_registration_for_reference_unknown_raises_not_found(edition: Edition) -> None:
    with pytest.raises(RegistrationNotFound):
        registration_for_reference("AAAA-AAAA")


def test_reference_alphabet_has_no_ambiguous_characters() -> None:
    assert not AMBIGUOUS & set(REFERENCE_ALPHABET)
    assert len(set(REFERENCE_ALPHABET)) == len(REFERENCE_ALPHABET)


def test_new_reference_is_eight_characters_of_the_alphabet() -> None:
    references = [new_reference() for _ in range(2000)]

    assert all(len(reference) == 8 for reference in references)
    assert set("".join(references)) <= set(REFERENCE_ALPHABET)
    # 25**8 possibilities: two thousand draws do not repeat.
    assert len(set(references)) == len(references)


def test_register_reference_is_formatted_as_two_groups_of_four(
    edition: Edition, person: Callable
) -> None:
    registrations = [
        register(edition, person(f"person{number}@example.org")).registration for number in range(5)
    ]

    pattern = re.compile(f"^[{REFERENCE_ALPHABET}]{{4}}-[{REFERENCE_ALPHABET}]{{4}}$")
    for registration in registrations:
        assert len(registration.reference) == 8
        assert pattern.match(registration.formatted_reference)
        assert registration.formatted_reference.replace("-", "") == registration.reference


def test_register_stores_the_sha256_of_the_manage_token_not_the_token(
    edition: Edition, person: Callable
) -> None:
    outcome = register(edition, person("ana@example.org"))
    token = outcome.manage_token

    registration_id = {"id": outcome.registration.id}
    row = (
        db.session.execute(text("SELECT * FROM registrations WHERE id = :id"), registration_id)
        .mappings()
        .one()
    )
    links = (
        db.session.execute(
            text("SELECT * FROM manage_tokens WHERE registration_id = :id"), registration_id
        )
        .mappings()
        .all()
    )

    assert len(token) >= 32
    assert [link["token_hash"] for link in links] == [hashlib.sha256(token.encode()).hexdigest()]
    for stored in (row, *links):
        assert all(token not in str(value) for value in stored.values())
    assert registration_for_token(token).id == outcome.registration.id


# -------------------------------------------------------------------------------- mail


def test_register_queues_one_message_to_the_attendee_in_the_same_transaction(
    edition: Edition, sub_forums: list[Session], person: Callable, commits: list[set[str]]
) -> None:
    outcome = register(edition, person("ana@example.org", [sub_forums[0].id]))

    messages = list(db.session.scalars(select(OutboxMessage)))
    assert len(messages) == 1
    (message,) = messages
    assert message.recipient == "ana@example.org"
    assert message.status == OutboxStatus.PENDING.value
    # The worker composes it; the request only queued what it is about.
    assert message.raw is None
    compose_queued(message)
    assert outcome.registration.formatted_reference in message.subject
    body = email.message_from_string(message.raw, policy=policy.default).get_body(("plain",))
    assert outcome.manage_token in body.get_content()
    # One commit wrote the registration, its seat and its e-mail together.
    written = [transaction for transaction in commits if transaction]
    assert written == [{"Registration", "Seat", "ManageToken", "OutboxMessage"}]
