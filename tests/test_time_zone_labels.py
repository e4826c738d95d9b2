"""Pages name the edition's own time zone, not a hand-written "Beijing time"."""

from __future__ import annotations

from datetime import date

from factories import at, make_edition, make_session
from flask import Flask
from flask.testing import FlaskClient

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
