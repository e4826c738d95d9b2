"""The desk's pages as a desk uses them: scan, card, check in, print, undo, counts."""

from __future__ import annotations

import pytest
from admin.conftest import LoginAs
from flask.testing import FlaskClient
from sqlalchemy import func, select

from forum.audit import history_of
from forum.documents.qr import make_payload
from forum.editions.models import Edition
from forum.extensions import db
from forum.registration.checkin import CheckIn, history
from forum.registration.models import Registration

from .conftest import MakeRegistration


def _desk(
    login_as: LoginAs, role: str = "checkin", name: str = "East hall 2", *, prints: bool = False
) -> FlaskClient:
    client = login_as(role)
    settings = {"desk": name, "point": "entrance", "layout": "a6"}
    if prints:
        settings["print_on_check_in"] = "1"
    client.post("/en/desk/settings", data=settings)
    return client


def _admit(client: FlaskClient, registration: Registration, nonce: str, **headers: str):
    return client.post(
        f"/en/desk/registrations/{registration.id}/check-in",
        data={"nonce": nonce},
        headers=headers,
    )


def test_desk_without_a_name_asks_for_one_first(login_as: LoginAs) -> None:
    page = login_as("checkin").get("/en/desk/").get_data(as_text=True)

    assert "Name this desk first" in page


def test_a_badge_scanned_into_the_desk_name_field_is_not_taken_as_the_name(
    login_as: LoginAs, make_registration: MakeRegistration
) -> None:
    client = login_as("checkin")
    payload = make_payload(make_registration().reference)

    answer = client.post(
        "/zh/desk/settings", data={"desk": payload, "point": "entrance", "layout": "a6"}
    )
    page = client.get("/zh/desk/").get_data(as_text=True)

    assert answer.status_code == 303
    assert "forum_desk=" not in answer.headers.get("Set-Cookie", "")
    assert "这是胸卡上的二维码，不是签到台名称" in page
    assert "请先为本签到台命名" in page  # still unnamed, still asked for a name


def test_desk_scan_shows_the_card_ok_to_enter_with_the_attendee(
    login_as: LoginAs, make_registration: MakeRegistration
) -> None:
    registration = make_registration(dietary_needs="Vegetarian")
    client = _desk(login_as)

    response = client.get("/en/desk/", query_string={"q": make_payload(registration.reference)})

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "OK to enter" in page
    assert registration.family_name in page
    assert "Vegetarian" in page
    assert "East hall 2" in page


def test_desk_scan_of_a_forged_code_says_forged_in_chinese(
    login_as: LoginAs, make_registration: MakeRegistration
) -> None:
    registration = make_registration()
    forged = make_payload(registration.reference)[:-1] + "x"
    client = _desk(login_as)

    page = client.get("/zh/desk/", query_string={"q": forged}).get_data(as_text=True)

    assert "伪造或损坏" in page
    assert registration.family_name not in page


def test_desk_check_in_then_a_second_scan_shows_already_with_the_first_desk(
    login_as: LoginAs, make_registration: MakeRegistration
) -> None:
    registration = make_registration()
    east = _desk(login_as, name="East hall 2")
    west = _desk(login_as, name="West hall")

    first = _admit(east, registration, "nonce-east")
    second = west.get("/en/desk/", query_string={"q": make_payload(registration.reference)})

    assert "Checked in now: let them in" in first.get_data(as_text=True)
    page = second.get_data(as_text=True)
    assert "Already checked in" in page
    assert "at East hall 2 by checkin" in page


def test_desk_check_in_retried_with_its_nonce_answers_json_and_admits_once(
    login_as: LoginAs, make_registration: MakeRegistration
) -> None:
    registration = make_registration()
    client = _desk(login_as)

    answers = [
        _admit(client, registration, "lost-answer", Accept="application/json").get_json()
        for _ in range(3)
    ]

    assert [answer["is_admitted"] for answer in answers] == [True, True, True]
    assert all("Checked in now: let them in" in answer["html"] for answer in answers)
    other_desk = _admit(client, registration, "another-nonce", Accept="application/json")
    assert other_desk.get_json()["is_admitted"] is False
    assert "Already checked in" in other_desk.get_json()["html"]
    count = db.session.scalar(
        select(func.count()).select_from(CheckIn).where(CheckIn.registration_id == registration.id)
    )
    assert count == 1


def test_desk_refuses_to_admit_a_cancelled_registration(
    login_as: LoginAs, make_registration: MakeRegistration
) -> None:
    registration = make_registration("cancelled")

    response = _admit(_desk(login_as), registration, "n-1")

    assert response.status_code == 409
    assert "cannot be admitted" in response.get_data(as_text=True)
    db.session.refresh(registration)
    assert registration.checked_in_at is None


def test_desk_search_by_name_without_accents_lists_the_registration(
    login_as: LoginAs, make_registration: MakeRegistration
) -> None:
    registration = make_registration(given_name="José", family_name="Ñúñez-Desk")

    page = _desk(login_as).get("/en/desk/", query_string={"q": "nunez-desk jose"})

    text = page.get_data(as_text=True)
    assert f"/en/desk/registrations/{registration.id}" in text
    assert "1 registration found" in text


def test_desk_search_with_no_match_says_so(login_as: LoginAs, edition: Edition) -> None:
    page = _desk(login_as).get("/en/desk/", query_string={"q": "nobody-by-this-name"})

    assert "No registration matches" in page.get_data(as_text=True)


def test_desk_print_badge_sends_the_pdf_and_counts_the_print_not_an_entry(
    login_as: LoginAs, make_registration: MakeRegistration
) -> None:
    registration = make_registration()
    client = _desk(login_as)

    responses = [
        client.post(f"/en/desk/registrations/{registration.id}/badge.pdf") for _ in range(2)
    ]

    assert [response.mimetype for response in responses] == ["application/pdf"] * 2
    assert responses[0].data.startswith(b"%PDF")
    db.session.refresh(registration)
    assert registration.badge_prints == 2
    assert registration.checked_in_at is None
    prints = [row for row in history(registration) if row.kind == "print"]
    assert [(row.desk, row.actor_name) for row in prints] == [("East hall 2", "checkin")] * 2
    actions = [event.action for event in history_of("registration", registration.id)]
    assert actions.count("registration.print_badge") == 2


def test_desk_undo_by_an_organizer_lets_the_person_check_in_again(
    login_as: LoginAs, make_registration: MakeRegistration
) -> None:
    registration = make_registration()
    _admit(_desk(login_as), registration, "n-1")
    organizer = _desk(login_as, role="organizer", name="Office")

    response = organizer.post(f"/en/desk/registrations/{registration.id}/undo")

    assert "Check-in undone." in response.get_data(as_text=True)
    assert "OK to enter" in response.get_data(as_text=True)
    db.session.refresh(registration)
    assert registration.checked_in_at is None


def test_desk_counts_json_has_checked_in_against_expected(
    login_as: LoginAs, make_registration: MakeRegistration
) -> None:
    registration = make_registration()
    client = _desk(login_as)
    before = {row["category"]: row for row in client.get("/en/desk/counts.json").json["entrance"]}
    _admit(client, registration, "n-1")

    after = {row["category"]: row for row in client.get("/en/desk/counts.json").json["entrance"]}

    assert after["delegate"]["checked_in"] == before["delegate"]["checked_in"] + 1
    assert after["delegate"]["expected"] == before["delegate"]["expected"]


def test_desk_at_a_door_records_the_seat_and_not_an_entrance(
    login_as: LoginAs, make_registration: MakeRegistration, edition: Edition
) -> None:
    from forum.registration.seats import choice_slots

    (slot,) = choice_slots(edition)
    door = slot.sessions[0]
    registration = make_registration(session_ids=[door.id])
    client = login_as("checkin")
    client.post("/en/desk/settings", data={"desk": "Door A", "point": str(door.id)})

    page = _admit(client, registration, "door-1").get_data(as_text=True)

    assert "Confirmed seat in this session" in page
    counts = {row["session"]: row for row in client.get("/en/desk/counts.json").json["doors"]}
    assert counts[door.id]["attended"] == 1
    db.session.refresh(registration)
    assert registration.checked_in_at is None


def test_desk_print_badge_of_a_cancelled_registration_is_refused(
    login_as: LoginAs, make_registration: MakeRegistration
) -> None:
    registration = make_registration("cancelled")

    response = _desk(login_as).post(f"/en/desk/registrations/{registration.id}/badge.pdf")

    assert response.status_code == 409
    assert "Only confirmed registrations get a badge." in response.get_data(as_text=True)
    db.session.refresh(registration)
    assert registration.badge_prints == 0


@pytest.mark.parametrize(
    "typed",
    ["王小明", "xiaoming.w@example.org", "Haidian Service", "WANG xiaoming", "reference"],
)
def test_desk_search_finds_by_each_field(
    login_as: LoginAs, make_registration: MakeRegistration, typed: str
) -> None:
    registration = make_registration(
        given_name="Xiaoming",
        family_name="Wang",
        name_zh="王小明",
        email="xiaoming.w@example.org",
        organization="Haidian Service Centre",
    )
    if typed == "reference":
        typed = registration.formatted_reference.lower()

    page = _desk(login_as).get("/en/desk/", query_string={"q": typed}).get_data(as_text=True)

    if typed == registration.formatted_reference.lower():
        # A reference opens the card at once.
        assert "OK to enter" in page
        assert registration.formatted_reference in page
    else:
        assert f"/en/desk/registrations/{registration.id}" in page


PRINT_NOW = "data-print-now"


def test_desk_print_on_check_in_is_a_setting_kept_by_the_device(login_as: LoginAs) -> None:
    client = _desk(login_as, prints=True)

    page = client.get("/en/desk/").get_data(as_text=True)
    client.post("/en/desk/settings", data={"desk": "East hall 2", "point": "entrance"})
    turned_off = client.get("/en/desk/").get_data(as_text=True)

    assert " checked" in _print_checkbox(page)
    assert "Prints on check-in" in page
    assert client.get_cookie("forum_desk_print").value == "0"
    assert " checked" not in _print_checkbox(turned_off)
    assert "Prints on check-in" not in turned_off


def _print_checkbox(page: str) -> str:
    """The tag of the "Print the badge on check-in" checkbox."""
    start = page.index('<input id="desk-print"')
    return page[start : page.index(">", start) + 1]


def test_desk_that_prints_on_check_in_asks_for_the_badge_after_an_admission(
    login_as: LoginAs, make_registration: MakeRegistration
) -> None:
    registration = make_registration()
    client = _desk(login_as, prints=True)

    answer = _admit(client, registration, "n-print", Accept="application/json").get_json()

    assert answer["is_admitted"] is True
    form = answer["html"].split('<form class="desk-print"')[1].split(">")[0]
    assert f'action="/en/desk/registrations/{registration.id}/badge.pdf"' in form
    assert PRINT_NOW in form


def test_desk_that_prints_on_check_in_does_not_print_when_already_checked_in(
    login_as: LoginAs, make_registration: MakeRegistration
) -> None:
    registration = make_registration()
    client = _desk(login_as, prints=True)
    _admit(client, registration, "n-first")

    second = _admit(client, registration, "n-second", Accept="application/json").get_json()
    scan = client.get("/en/desk/", query_string={"q": make_payload(registration.reference)})

    assert second["is_admitted"] is False
    assert "Already checked in" in second["html"]
    assert PRINT_NOW not in second["html"]
    assert PRINT_NOW not in scan.get_data(as_text=True)


def test_desk_that_does_not_print_on_check_in_only_offers_the_button(
    login_as: LoginAs, make_registration: MakeRegistration
) -> None:
    registration = make_registration()

    answer = _admit(_desk(login_as), registration, "n-1", Accept="application/json").get_json()

    assert answer["is_admitted"] is True
    assert "Print badge" in answer["html"]
    assert PRINT_NOW not in answer["html"]
