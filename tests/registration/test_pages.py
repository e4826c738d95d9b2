"""Registration through the browser's eyes, in English and in Chinese."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from email import message_from_string, policy
from typing import Any

import pytest
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import func, select

from forum.agenda.models import Session
from forum.editions.models import Edition
from forum.editions.services import current_edition
from forum.extensions import db
from forum.mail import OutboxMessage, compose_queued
from forum.registration.models import Registration, RegistrationStatus, SeatStatus
from forum.registration.seats import choice_slots
from forum.registration.services import hash_token

from .conftest import slot_field_of, slot_key_of
from .html_forms import read_form

LANGUAGES = ["en", "zh"]
REFERENCE = re.compile(r"\b[34679ACDEFGHJKMNPQRTUVWXY]{4}-[34679ACDEFGHJKMNPQRTUVWXY]{4}\b")

# What each page language shows; written out so a test reads like the page.
SHOWN = {
    "en": {
        "html_lang": 'lang="en"',
        "email_label": "E-mail",
        "china": "China",
        "seats_left": "300 seats left",
        # The demo's window closed on 15 December 2024 at 18:00 in Beijing.
        "closed": ("Registration closed", "15 December 2024", "18:00"),
        "opens": ("Registration opens", "14 March 2031", "09:00"),
        "family_name_error": "Please enter your family name",
        "email_error": "Please enter a valid e-mail address",
        "consent_error": "Please agree to the privacy notice",
        "confirmed": "Confirmed",
        "cancelled": "Cancelled",
        "saved": "Your details have been saved.",
        "check_email": "Check your e-mail",
        "privacy": "Privacy notice",
        "dead_link": "This link no longer works",
        "link_cancelled": "has been cancelled, and its links ended with it",
        "link_unknown": "We do not know this link",
    },
    "zh": {
        "html_lang": 'lang="zh-Hans"',
        "email_label": "电子邮箱",
        "china": "中国",
        "seats_left": "剩余300个名额",
        # The sentence's wording is the translators'; the date is Babel's.
        "closed": ("2024年12月15日", "18:00"),
        "opens": ("2031年3月14日", "09:00"),
        "family_name_error": "请填写姓",
        "email_error": "请输入有效的电子邮箱地址",
        "consent_error": "隐私声明",
        "confirmed": "已确认",
        "cancelled": "已取消",
        "saved": "您的信息已保存。",
        "check_email": "请查收邮件",
        "privacy": "隐私声明",
        "dead_link": "此链接已失效",
        "link_cancelled": "此链接所属的报名已取消",
        "link_unknown": "无法识别此链接",
    },
}


@pytest.fixture(params=LANGUAGES)
def lang(request: pytest.FixtureRequest) -> str:
    return request.param


def _form_data(sub_forum: Session | None, **overrides: str) -> dict[str, str]:
    """What a person types and picks on the sign-up form."""
    data = {
        "given_name": "Ana",
        "family_name": "Lima",
        "name_zh": "安娜",
        "email": "ana.lima@example.org",
        "phone": "+8613800138000",
        "organization": "City of Recife",
        "position": "Ombudsman",
        "country": "BR",
        "category": "delegate",
        "preferred_language": "en",
        "dietary_needs": "Vegetarian",
        "accessibility_needs": "",
        "consent": "y",
        _slot_field(): str(sub_forum.id) if sub_forum else "",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def _slot_field() -> str:
    """The sign-up form's field for the demo's sub-forums."""
    return slot_field_of(choice_slots(current_edition())[0].sessions)


def _manage_path(response: Any) -> str:
    location = response.headers["Location"]
    path = location.split("?", 1)[0]
    assert re.search(r"/(en|zh)/registration/[A-Za-z0-9_-]{32,}$", path)
    return path


def _outbox_to(address: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.recipient == address)
            .order_by(OutboxMessage.id)
        )
    )


def _assert_says(html: str, lang: str, texts: tuple[str, ...]) -> None:
    """The page's main text holds `texts`, and on a Chinese page no English sentence."""
    main = html[html.index("<main") : html.index("</main>")]
    assert all(text in main for text in texts), texts
    if lang == "zh":
        assert "Registration" not in main


def _registration_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Registration))


@pytest.fixture
def registered(
    edition: Edition, sub_forums: list[Session], client: FlaskClient, lang: str
) -> dict[str, Any]:
    """Someone who signed up on the page; their manage page's path and registration."""
    response = client.post(
        f"/{lang}/register", data=_form_data(sub_forums[2], preferred_language=lang)
    )
    assert response.status_code == 302
    path = _manage_path(response)
    registration = db.session.scalars(select(Registration)).one()
    return {"path": path, "registration": registration, "sub_forums": sub_forums}


# ----------------------------------------------------------------------- the sign-up form


def test_register_page_shows_the_form_in_the_page_language(
    edition: Edition, sub_forums: list[Session], client: FlaskClient, lang: str
) -> None:
    response = client.get(f"/{lang}/register")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    shown = SHOWN[lang]
    assert shown["html_lang"] in html
    form = read_form(html)
    assert form.labels["email"].startswith(shown["email_label"])
    assert ("CN", shown["china"]) in form.options["country"]
    assert form.selected.get("country", "") == ""
    assert form.radios[slot_field_of(sub_forums)] == [
        "",
        *(str(session.id) for session in sub_forums),
    ]
    for session in sub_forums:
        assert escape(session.title.in_language(lang)) in html
    assert shown["seats_left"] in html
    assert form.radios["category"] == ["delegate", "media", "resident"]
    assert form.checked["preferred_language"] == [lang]


def test_register_page_after_the_window_closed_says_so(
    changes_data: Any, client: FlaskClient, lang: str
) -> None:
    response = client.get(f"/{lang}/register")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    _assert_says(html, lang, SHOWN[lang]["closed"])
    assert 'name="family_name"' not in html


def test_register_page_before_the_window_opens_says_when_it_opens(
    changes_data: Any, client: FlaskClient, lang: str
) -> None:
    edition = current_edition()
    edition.registration_opens_at = datetime(2031, 3, 14, 1, 0, tzinfo=UTC)  # 09:00 in Beijing
    edition.registration_closes_at = datetime(2031, 4, 14, 1, 0, tzinfo=UTC)
    db.session.commit()

    response = client.get(f"/{lang}/register")

    html = response.get_data(as_text=True)
    _assert_says(html, lang, SHOWN[lang]["opens"])
    assert 'name="family_name"' not in html


def test_register_post_to_a_closed_window_stores_nothing(
    changes_data: Any, client: FlaskClient, lang: str
) -> None:
    response = client.post(f"/{lang}/register", data=_form_data(None))

    assert response.status_code == 200
    _assert_says(response.get_data(as_text=True), lang, SHOWN[lang]["closed"])
    assert _registration_count() == 0


def test_register_post_with_errors_keeps_every_typed_value_and_explains_in_the_page_language(
    edition: Edition, sub_forums: list[Session], client: FlaskClient, lang: str
) -> None:
    typed = _form_data(
        sub_forums[4],
        family_name="",
        email="ana.lima(at)example.org",
        consent=None,
        organization='Bureau "A" & <B>',
        preferred_language="zh",
        dietary_needs="No pork\nNo peanuts",
        accessibility_needs="Wheelchair access",
        is_family_name_first="y",
    )

    response = client.post(f"/{lang}/register", data=typed)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    form = read_form(html)
    for name in (
        "given_name",
        "name_zh",
        "email",
        "phone",
        "organization",
        "position",
        "dietary_needs",
        "accessibility_needs",
    ):
        assert form.values[name] == typed[name], name
    assert form.selected["country"] == "BR"
    assert form.checked["category"] == ["delegate"]
    assert form.checked["preferred_language"] == ["zh"]
    assert form.checked[slot_field_of(sub_forums)] == [str(sub_forums[4].id)]
    assert form.checked["is_family_name_first"] == ["y"]
    assert "consent" not in form.checked
    shown = SHOWN[lang]
    assert set(form.errors) == {"family_name", "email", "consent"}
    assert shown["family_name_error"] in form.errors["family_name"][0]
    assert shown["email_error"] in form.errors["email"][0]
    assert shown["consent_error"] in form.errors["consent"][0]
    assert 'aria-invalid="true"' in html
    assert _registration_count() == 0


def test_register_post_with_a_session_not_offered_returns_422(
    edition: Edition, client: FlaskClient, lang: str
) -> None:
    response = client.post(f"/{lang}/register", data=_form_data(None, **{_slot_field(): "999999"}))

    assert response.status_code == 422
    assert _slot_field() in read_form(response.get_data(as_text=True)).errors
    assert _registration_count() == 0


@pytest.mark.parametrize("blank", [" ", "\t", "\u3000"])
def test_register_post_with_a_blank_session_choice_returns_422(
    edition: Edition, client: FlaskClient, lang: str, blank: str
) -> None:
    # Found by test_fuzz: Optional() took the blank for "no answer" and wiped the
    # "not a valid choice" error, then int(" ") failed with a 500.
    response = client.post(f"/{lang}/register", data=_form_data(None, **{_slot_field(): blank}))

    assert response.status_code == 422
    assert _slot_field() in read_form(response.get_data(as_text=True)).errors
    assert _registration_count() == 0


def test_register_post_filled_in_by_a_robot_is_refused(
    edition: Edition, client: FlaskClient, lang: str
) -> None:
    response = client.post(f"/{lang}/register", data=_form_data(None, website="http://spam"))

    assert response.status_code == 422
    assert _registration_count() == 0


# --------------------------------------------------------------------------- manage page


def test_register_valid_post_redirects_to_the_manage_page_with_reference_status_and_seat(
    edition: Edition, sub_forums: list[Session], client: FlaskClient, lang: str
) -> None:
    response = client.post(
        f"/{lang}/register",
        data=_form_data(sub_forums[1], preferred_language=lang, phone="+86 138 0013 8000"),
    )

    assert response.status_code == 302
    assert f"/{lang}/registration/" in response.headers["Location"]
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    registration = db.session.scalars(select(Registration)).one()
    assert REFERENCE.search(html).group(0) == registration.formatted_reference
    assert SHOWN[lang]["confirmed"] in html
    assert escape(sub_forums[1].title.in_language(lang)) in html
    assert "seat--confirmed" in html
    assert page.headers["Cache-Control"] == "no-store"
    assert registration.email == "ana.lima@example.org"
    assert registration.phone == "+8613800138000"
    assert registration.preferred_language == lang
    assert [(seat.session_id, seat.status) for seat in registration.seats] == [
        (sub_forums[1].id, SeatStatus.CONFIRMED.value)
    ]


def test_manage_page_saves_corrected_details(
    registered: dict[str, Any], client: FlaskClient, lang: str
) -> None:
    corrected = _form_data(
        None,
        given_name="Ana Maria",
        family_name="Lima Souza",
        organization="Recife City Hall",
        country="PT",
        preferred_language="zh",
        dietary_needs="Halal",
    )

    response = client.post(f"{registered['path']}/details", data=corrected)

    assert response.status_code == 302
    page = client.get(registered["path"]).get_data(as_text=True)
    assert SHOWN[lang]["saved"] in page
    registration = registered["registration"]
    db.session.refresh(registration)
    assert (registration.given_name, registration.family_name) == ("Ana Maria", "Lima Souza")
    assert (registration.organization, registration.country) == ("Recife City Hall", "PT")
    assert (registration.preferred_language, registration.dietary_needs) == ("zh", "Halal")
    assert registration.email == "ana.lima@example.org"


def test_manage_page_with_invalid_details_returns_422_and_keeps_the_old_ones(
    registered: dict[str, Any], client: FlaskClient, lang: str
) -> None:
    response = client.post(
        f"{registered['path']}/details", data=_form_data(None, family_name="", given_name="X")
    )

    assert response.status_code == 422
    assert "family_name" in read_form(response.get_data(as_text=True)).errors
    registration = registered["registration"]
    db.session.refresh(registration)
    assert (registration.given_name, registration.family_name) == ("Ana", "Lima")


def test_manage_page_changes_the_sub_forum(
    registered: dict[str, Any], client: FlaskClient, lang: str
) -> None:
    new_session = registered["sub_forums"][5]
    key = slot_key_of(registered["sub_forums"])

    response = client.post(
        f"{registered['path']}/sessions/{key}", data={f"slot_{key}-session": str(new_session.id)}
    )

    assert response.status_code == 302
    registration = registered["registration"]
    db.session.refresh(registration)
    assert [(seat.session_id, seat.status) for seat in registration.seats] == [
        (new_session.id, SeatStatus.CONFIRMED.value)
    ]
    page = client.get(registered["path"]).get_data(as_text=True)
    assert read_form(page).checked[f"slot_{key}-session"] == [str(new_session.id)]


def test_manage_page_with_a_blank_sub_forum_choice_keeps_the_seat(
    registered: dict[str, Any], client: FlaskClient
) -> None:
    key = slot_key_of(registered["sub_forums"])
    response = client.post(
        f"{registered['path']}/sessions/{key}", data={f"slot_{key}-session": " "}
    )

    assert response.status_code == 302
    registration = registered["registration"]
    db.session.refresh(registration)
    assert [seat.session_id for seat in registration.seats] == [registered["sub_forums"][2].id]


def test_manage_page_downloads_the_data_as_a_private_attachment(
    registered: dict[str, Any], client: FlaskClient
) -> None:
    response = client.get(f"{registered['path']}/data.json")

    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    registration = registered["registration"]
    assert data["email"] == "ana.lima@example.org"
    assert data["reference"] == registration.formatted_reference
    assert [seat["status"] for seat in data["seats"]] == ["confirmed"]
    assert "manage_token_hash" not in json.dumps(data)


def test_manage_page_cancels_after_a_confirmation_page(
    registered: dict[str, Any], client: FlaskClient, lang: str
) -> None:
    confirm = client.get(f"{registered['path']}/cancel")

    assert confirm.status_code == 200
    assert 'method="post"' in confirm.get_data(as_text=True)
    registration = registered["registration"]
    db.session.refresh(registration)
    assert registration.status == RegistrationStatus.CONFIRMED.value

    response = client.post(f"{registered['path']}/cancel")

    assert response.status_code == 302
    db.session.refresh(registration)
    assert registration.status == RegistrationStatus.CANCELLED.value
    assert registration.seats == []
    # The link died with the registration; the page behind it says why.
    dead = client.get(registered["path"])
    assert dead.status_code == 410
    assert dead.headers["Cache-Control"] == "no-store"
    _assert_says(dead.get_data(as_text=True), lang, (SHOWN[lang]["link_cancelled"],))
    assert client.get(f"{registered['path']}/data.json").status_code == 410
    topics = [message.topic for message in _outbox_to(registration.email)]
    assert topics[-1] == f"cancelled {registration.reference}"
    # Cancelling again from a second tab ends on the same explanation.
    again = client.post(f"{registered['path']}/cancel")
    assert again.status_code == 410
    assert SHOWN[lang]["link_cancelled"] in again.get_data(as_text=True)


@pytest.mark.parametrize("suffix", ["", "/cancel", "/data.json"])
def test_manage_url_with_a_wrong_token_is_404(
    registered: dict[str, Any], client: FlaskClient, lang: str, suffix: str
) -> None:
    wrong = f"/{lang}/registration/{'A' * 43}{suffix}"

    response = client.get(wrong)

    assert response.status_code == 404
    # Not the generic 404: a page that explains and offers to send a new link.
    html = response.get_data(as_text=True)
    _assert_says(html, lang, (SHOWN[lang]["dead_link"], SHOWN[lang]["link_unknown"]))
    assert f'action="/{lang}/register/lost-link"' in html
    assert client.post(f"/{lang}/registration/{'A' * 43}/details").status_code == 404
    assert client.get(f"/{lang}/registration/{'A' * 500}").status_code == 404


# --------------------------------------------------------------------- twice, lost link


def test_register_twice_with_one_email_sends_a_new_link_and_the_old_one_keeps_working(
    registered: dict[str, Any], client: FlaskClient, lang: str
) -> None:
    first = registered["registration"]

    response = client.post(
        f"/{lang}/register",
        data=_form_data(
            registered["sub_forums"][0],
            email="ANA.Lima@Example.org",
            given_name="Mallory",
            organization="Elsewhere",
        ),
    )

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "ana.lima@example.org" in html
    for secret in (first.formatted_reference, first.reference, "City of Recife", "Ombudsman"):
        assert secret not in html
    assert not REFERENCE.search(html)
    assert _registration_count() == 1
    messages = _outbox_to("ana.lima@example.org")
    assert [message.topic.split()[0] for message in messages] == ["confirmation", "manage_link"]
    db.session.refresh(first)
    assert first.given_name == "Ana"
    assert len(first.manage_tokens) == 2
    # Whoever knows the address cannot break the attendee's link: it still works.
    assert client.get(registered["path"]).status_code == 200


def test_lost_link_gives_the_same_answer_for_a_registered_and_an_unknown_address(
    registered: dict[str, Any], client: FlaskClient, lang: str
) -> None:
    known = client.post(f"/{lang}/register/lost-link", data={"email": "ana.lima@example.org"})
    unknown = client.post(f"/{lang}/register/lost-link", data={"email": "nobody@example.org"})

    assert known.status_code == unknown.status_code == 200
    known_html = known.get_data(as_text=True).replace("ana.lima@example.org", "ADDRESS")
    unknown_html = unknown.get_data(as_text=True).replace("nobody@example.org", "ADDRESS")
    assert known_html == unknown_html
    assert SHOWN[lang]["check_email"] in known_html
    assert len(_outbox_to("ana.lima@example.org")) == 2
    assert _outbox_to("nobody@example.org") == []


def test_lost_link_sends_a_link_that_opens_the_registration(
    registered: dict[str, Any], client: FlaskClient, lang: str
) -> None:
    client.post(f"/{lang}/register/lost-link", data={"email": "Ana.Lima@example.org"})

    message = _outbox_to("ana.lima@example.org")[-1]
    compose_queued(message)
    body = message_from_string(message.raw, policy=policy.default).get_body(("plain",))
    token = re.search(r"/registration/([A-Za-z0-9_-]{32,})", body.get_content()).group(1)
    registration = registered["registration"]
    db.session.refresh(registration)
    assert hash_token(token) in {link.token_hash for link in registration.manage_tokens}
    assert client.get(f"/{lang}/registration/{token}").status_code == 200
    assert client.get(registered["path"]).status_code == 200


def test_lost_link_with_an_invalid_address_returns_422(
    edition: Edition, client: FlaskClient, lang: str
) -> None:
    response = client.post(f"/{lang}/register/lost-link", data={"email": "not an address"})

    assert response.status_code == 422
    assert SHOWN[lang]["email_error"] in response.get_data(as_text=True)


def test_privacy_page_is_shown(client: FlaskClient, lang: str) -> None:
    response = client.get(f"/{lang}/privacy")

    assert response.status_code == 200
    assert SHOWN[lang]["privacy"] in response.get_data(as_text=True)


def test_register_media_on_the_page_is_pending(
    edition: Edition, sub_forums: list[Session], client: FlaskClient
) -> None:
    response = client.post("/en/register", data=_form_data(sub_forums[0], category="media"))

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "status--pending" in page
    assert "seat--requested" in page
