"""The card a scan shows: every state, and codes that are forged, damaged or mistyped."""

from __future__ import annotations

import pytest
from factories import make_edition

from forum.audit import Actor
from forum.documents.qr import make_payload
from forum.editions.models import Edition
from forum.extensions import db
from forum.registration.checkin import CardState, card_for_code, check_in

from .conftest import MakeRegistration, moment


@pytest.mark.parametrize(
    ("status", "state"),
    [
        ("confirmed", CardState.OK),
        ("cancelled", CardState.CANCELLED),
        ("rejected", CardState.REJECTED),
        ("pending", CardState.PENDING),
    ],
)
def test_card_for_a_scanned_payload_shows_the_registration_state(
    edition: Edition, make_registration: MakeRegistration, status: str, state: CardState
) -> None:
    registration = make_registration(status)

    card = card_for_code(edition, make_payload(registration.reference))

    assert card.state == state
    assert card.registration == registration


def test_card_for_someone_checked_in_says_when_where_and_by_whom(
    edition: Edition, make_registration: MakeRegistration, desk_actor: Actor
) -> None:
    registration = make_registration()
    check_in(registration, "East hall 2", desk_actor, "n-1", moment())
    db.session.commit()

    card = card_for_code(edition, make_payload(registration.reference) + "\n")

    assert card.state == CardState.ALREADY_CHECKED_IN
    assert (card.admission.desk, card.admission.at, card.admission.actor_name) == (
        "East hall 2",
        moment(),
        "checkin",
    )


def test_card_for_a_badge_of_another_edition_says_so(
    edition: Edition, make_registration: MakeRegistration
) -> None:
    registration = make_registration()
    other = make_edition()

    card = card_for_code(other, make_payload(registration.reference))

    assert card.state == CardState.OTHER_EDITION


def test_card_for_a_signed_reference_nobody_holds_is_unknown(edition: Edition) -> None:
    assert card_for_code(edition, make_payload("ZZZZZZZZ")).state == CardState.UNKNOWN


def test_card_for_a_typed_reference_finds_the_registration(
    edition: Edition, make_registration: MakeRegistration
) -> None:
    registration = make_registration()
    typed = f" {registration.reference[:4].lower()}-{registration.reference[4:]} "

    card = card_for_code(edition, typed)

    assert (card.state, card.registration) == (CardState.OK, registration)


@pytest.mark.parametrize(
    "damage",
    [
        lambda payload: payload[:-1] + ("0" if payload[-1] != "0" else "1"),  # one digit off
        lambda payload: payload[:-3],  # cut short
        lambda payload: payload.replace(".", "", 1),  # a separator lost
        lambda payload: payload + ".extra",
        lambda payload: "BJF1." + "ZZZZZZZZ" + payload[-13:],  # another reference, old HMAC
        lambda payload: "BJF1.<script>.abc",
        lambda payload: "BJF1." + "é" * 8 + ".000000000000",
    ],
)
def test_card_for_a_forged_or_damaged_payload_is_forged_never_a_match(
    edition: Edition, make_registration: MakeRegistration, damage
) -> None:
    registration = make_registration()

    card = card_for_code(edition, damage(make_payload(registration.reference)))

    assert card.state == CardState.FORGED
    assert card.registration is None
