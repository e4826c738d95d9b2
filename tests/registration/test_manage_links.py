"""Manage links belong to their owner: several live at once, hashed, ended only on purpose."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from email import message_from_string, policy

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from forum.editions.models import Edition
from forum.extensions import db
from forum.mail import OutboxMessage, compose_queued
from forum.registration.models import ManageToken
from forum.registration.services import (
    LINK_EMAILS_PER_HOUR,
    LIVE_MANAGE_LINKS,
    DeadLink,
    RegistrationNotFound,
    registration_for_token,
)

from .committing import cancel, register, revoke_manage_links, send_manage_link


def _link_emails_to(address: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.recipient == address, OutboxMessage.kind != "")
            .order_by(OutboxMessage.id)
        )
    )


def _an_hour_passes() -> None:
    """Every e-mail queued so far moves an hour and a minute into the past."""
    for message in db.session.scalars(select(OutboxMessage)):
        message.created_at -= timedelta(hours=1, minutes=1)
    db.session.commit()


def _token_in(message: OutboxMessage) -> str:
    compose_queued(message)
    body = message_from_string(message.raw, policy=policy.default).get_body(("plain",))
    return re.search(r"/registration/([A-Za-z0-9_-]{32,})", body.get_content()).group(1)


def test_send_manage_link_adds_a_link_and_the_first_keeps_working(
    edition: Edition, person: Callable
) -> None:
    outcome = register(edition, person("ana@example.org"))

    assert send_manage_link(outcome.registration) is True

    (confirmation, link_mail) = _link_emails_to("ana@example.org")
    first, second = _token_in(confirmation), _token_in(link_mail)
    assert first == outcome.manage_token
    assert first != second
    assert registration_for_token(first).id == outcome.registration.id
    assert registration_for_token(second).id == outcome.registration.id


def test_send_manage_link_keeps_only_the_newest_links(edition: Edition, person: Callable) -> None:
    outcome = register(edition, person("ana@example.org"))
    registration = outcome.registration
    tokens = [outcome.manage_token]
    # One an hour, so the hourly limit does not stop them.
    for _ in range(LIVE_MANAGE_LINKS + 1):
        _an_hour_passes()
        assert send_manage_link(registration)
        tokens.append(_token_in(_link_emails_to("ana@example.org")[-1]))

    assert len(tokens) == LIVE_MANAGE_LINKS + 2
    for dropped in tokens[:-LIVE_MANAGE_LINKS]:
        with pytest.raises(RegistrationNotFound):
            registration_for_token(dropped)
    for kept in tokens[-LIVE_MANAGE_LINKS:]:
        assert registration_for_token(kept).id == registration.id
    stored = db.session.scalar(
        select(func.count()).where(ManageToken.registration_id == registration.id)
    )
    assert stored == LIVE_MANAGE_LINKS


def test_send_manage_link_over_the_hourly_limit_sends_nothing(
    edition: Edition, person: Callable
) -> None:
    registration = register(edition, person("ana@example.org")).registration
    # The confirmation counts: it carries a link too.
    sent = [send_manage_link(registration) for _ in range(LINK_EMAILS_PER_HOUR + 2)]

    assert sent == [True] * (LINK_EMAILS_PER_HOUR - 1) + [False] * 3
    assert len(_link_emails_to("ana@example.org")) == LINK_EMAILS_PER_HOUR
    # An hour later the address may be sent a link again.
    _an_hour_passes()
    assert send_manage_link(registration)


def test_cancel_ends_every_link_with_an_explanation(edition: Edition, person: Callable) -> None:
    outcome = register(edition, person("ana@example.org"))
    send_manage_link(outcome.registration)
    second = _token_in(_link_emails_to("ana@example.org")[-1])

    cancel(outcome.registration)

    for token in (outcome.manage_token, second):
        with pytest.raises(DeadLink) as dead:
            registration_for_token(token)
        assert dead.value.was_cancelled


def test_revoke_manage_links_ends_them_and_a_new_one_works(
    edition: Edition, person: Callable
) -> None:
    outcome = register(edition, person("ana@example.org"))

    assert revoke_manage_links(outcome.registration) == 1

    with pytest.raises(DeadLink) as dead:
        registration_for_token(outcome.manage_token)
    assert not dead.value.was_cancelled
    assert send_manage_link(outcome.registration)
    fresh = _token_in(_link_emails_to("ana@example.org")[-1])
    assert registration_for_token(fresh).id == outcome.registration.id


# ---------------------------------------------------------------------------- the pages


def _sign_up(client: FlaskClient, email: str, lang: str = "en") -> str:
    response = client.post(
        f"/{lang}/register",
        data={
            "given_name": "Ana",
            "family_name": "Lima",
            "email": email,
            "organization": "City of Recife",
            "country": "BR",
            "category": "delegate",
            "preferred_language": lang,
            "consent": "y",
        },
    )
    assert response.status_code == 302, response.status_code
    return response.headers["Location"].split("?", 1)[0]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_lost_link_form_repeated_by_someone_else_never_breaks_the_attendees_link(
    edition: Edition, client: FlaskClient, lang: str
) -> None:
    path = _sign_up(client, "ana@example.org", lang)

    for _ in range(LINK_EMAILS_PER_HOUR + 3):
        answer = client.post(f"/{lang}/register/lost-link", data={"email": "ana@example.org"})
        assert answer.status_code == 200

    assert client.get(path).status_code == 200
    # The inbox got no more than the hourly limit, the confirmation included.
    assert len(_link_emails_to("ana@example.org")) == LINK_EMAILS_PER_HOUR


def test_register_again_with_the_address_is_limited_too_and_never_breaks_the_link(
    edition: Edition, client: FlaskClient
) -> None:
    path = _sign_up(client, "ana@example.org")

    for _ in range(LINK_EMAILS_PER_HOUR + 2):
        again = client.post(
            "/en/register",
            data={
                "given_name": "Mallory",
                "family_name": "X",
                "email": "Ana@Example.org",
                "organization": "Elsewhere",
                "country": "BR",
                "category": "delegate",
                "preferred_language": "en",
                "consent": "y",
            },
        )
        assert again.status_code == 200

    assert client.get(path).status_code == 200
    assert len(_link_emails_to("ana@example.org")) == LINK_EMAILS_PER_HOUR


@pytest.mark.parametrize(
    ("lang", "explained"),
    [
        ("en", "The organizers have ended this link"),
        ("zh", "主办方已停用此链接"),
    ],
)
def test_manage_page_of_a_revoked_link_explains_and_offers_a_new_one(
    edition: Edition, person: Callable, client: FlaskClient, lang: str, explained: str
) -> None:
    outcome = register(edition, person("ana@example.org"))
    revoke_manage_links(outcome.registration)

    response = client.get(f"/{lang}/registration/{outcome.manage_token}")

    assert response.status_code == 410
    html = response.get_data(as_text=True)
    assert explained in html
    assert f'action="/{lang}/register/lost-link"' in html
    assert response.headers["Cache-Control"] == "no-store"


def test_cli_revoke_links_ends_the_links_of_a_registration(
    edition: Edition, person: Callable, client: FlaskClient
) -> None:
    outcome = register(edition, person("ana@example.org"))
    reference = outcome.registration.formatted_reference

    result = client.application.test_cli_runner().invoke(
        args=["forum", "revoke-links", reference.lower()]
    )

    assert result.exit_code == 0, result.output
    assert f"1 link(s) of {reference} revoked." in result.output
    db.session.expire_all()
    with pytest.raises(DeadLink):
        registration_for_token(outcome.manage_token)
    unknown = client.application.test_cli_runner().invoke(
        args=["forum", "revoke-links", "AAAA-AAAA"]
    )
    assert unknown.exit_code != 0
    assert "No registration has the reference AAAA-AAAA" in unknown.output
