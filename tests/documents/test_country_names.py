"""Badges name countries as the host does: through the one territory-names layer."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from forum.documents.badges import BadgeLayout, badge_for, render_badges
from forum.editions.services import current_edition
from forum.extensions import db
from forum.registration.models import Registration

from .attendees import Person, add_registration
from .reading import squeezed, text


def test_badge_of_an_attendee_from_taiwan_prints_taiwan_china(
    changes_data: Flask, tmp_path: Path
) -> None:
    attendee = add_registration(
        current_edition(), Person(given_name="Mei", family_name="Lin", country="TW")
    )
    registration = db.session.get(Registration, attendee.id)

    badge = badge_for(registration)
    pdf = tmp_path / "badge.pdf"
    pdf.write_bytes(render_badges([badge], BadgeLayout.A6))

    assert badge.country == "Taiwan, China"
    assert squeezed("Taiwan, China") in squeezed(text(pdf))
