"""Pages name the edition's own time zone, not a hand-written "Beijing time"."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from factories import at, make_edition, make_session
from flask import Flask
from flask.testing import FlaskClient

from forum.editions.services import current_edition
from forum.extensions import db
from forum.i18n import speaking, time_zone_label, utc_offset


def test_offsets_are_written_with_sign_and_minutes_only_when_needed(app_context) -> None:
    assert utc_offset("Asia/Shanghai", date(2024, 12, 18)) == "UTC+8"
    assert utc_offset("America/New_York", date(2024, 7, 1)) == "UTC-4"
    assert utc_offset("Asia/Kolkata", date(2024, 7, 1)) == "UTC+5:30"


def test_beijing_is_called_beijing_time_in_both_languages(app_context) -> None:
    with speaking("en"):
        english = time_zone_label("Asia/Shanghai")
    with speaking("zh"):
        chinese = time_zone_label("Asia/Shanghai")

    assert (english, chinese) == ("Beijing time (UTC+8)", "北京时间（UTC+8）")


def test_an_edition_elsewhere_shows_its_own_zone_on_the_agenda(
    changes_data: Flask, client: FlaskClient
) -> None:
    edition = make_edition(timezone="Europe/Berlin")
    make_session(edition, starts_at=at(18, "08:00"), ends_at=at(18, "09:00"))
    db.session.commit()

    pages = {}
    for lang in ("en", "zh"):
        # Each request in an app context of its own, as in production (Babel caches the
        # locale on the app context).
        with changes_data.app_context():
            pages[lang] = client.get(f"/{lang}/editions/{edition.year}/agenda").get_data(
                as_text=True
            )
    english, chinese = pages["en"], pages["zh"]

    assert "All times are Germany (Berlin) Time (UTC+1)." in english
    assert "09:00" in english  # 08:00 UTC is 09:00 in Berlin in December
    assert "Beijing time" not in english
    assert "所有时间均为德国（柏林）时间（UTC+1）。" in chinese


def _registration_pages_in_berlin(app: Flask, client: FlaskClient, opens_in: timedelta) -> str:
    edition = current_edition()
    edition.timezone = "Europe/Berlin"
    now = datetime.now(UTC)
    edition.registration_opens_at = now + opens_in
    edition.registration_closes_at = now + timedelta(days=30)
    db.session.commit()
    with app.app_context():
        return client.get("/en/register").get_data(as_text=True)


def test_registration_window_names_the_editions_zone(
    changes_data: Flask, client: FlaskClient
) -> None:
    page = _registration_pages_in_berlin(changes_data, client, opens_in=timedelta(days=2))

    assert "Registration opens on" in page
    assert "Germany (Berlin) Time." in page
    assert "Beijing time" not in page


def test_registration_form_names_the_editions_zone_on_its_deadline_and_slots(
    changes_data: Flask, client: FlaskClient
) -> None:
    page = _registration_pages_in_berlin(changes_data, client, opens_in=-timedelta(days=1))

    assert "Registration is open until" in page
    assert page.count("Germany (Berlin) Time") >= 2
    assert "Beijing time" not in page
