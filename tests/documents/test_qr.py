"""What a badge's QR code says, and that the desk accepts only codes the site made."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from config import TestingConfig
from forum import create_app
from forum.documents.qr import make_payload, qr_svg, verify_payload

REFERENCE = "K7Q2M9XP"
OTHER_REFERENCE = "K7Q2M9XQ"


def _with_last_character_changed(text: str) -> str:
    return text[:-1] + ("0" if text[-1] != "0" else "1")


def test_payload_round_trip_returns_reference(app_context: Flask) -> None:
    payload = make_payload(REFERENCE)

    assert verify_payload(payload) == REFERENCE


def test_payload_carries_only_reference_and_signature(app_context: Flask) -> None:
    payload = make_payload(REFERENCE)

    assert re.fullmatch(rf"BJF1\.{REFERENCE}\.[0-9a-f]{{12}}", payload)


def test_payload_read_with_line_end_or_in_upper_case_is_accepted(app_context: Flask) -> None:
    payload = make_payload(REFERENCE)

    # Scanners in keyboard mode end a code with Enter; some send letters in upper case.
    assert verify_payload(payload + "\r\n") == REFERENCE
    assert verify_payload(payload.upper()) == REFERENCE


def test_payload_with_tampered_reference_is_rejected(app_context: Flask) -> None:
    signature = make_payload(REFERENCE).rsplit(".", 1)[1]

    assert verify_payload(f"BJF1.{OTHER_REFERENCE}.{signature}") is None


def test_payload_with_tampered_signature_is_rejected(app_context: Flask) -> None:
    payload = make_payload(REFERENCE)

    assert verify_payload(_with_last_character_changed(payload)) is None


def test_payload_with_truncated_signature_is_rejected(app_context: Flask) -> None:
    payload = make_payload(REFERENCE)

    # A comparison that stopped at the shorter string would let these through.
    assert verify_payload(payload[:-1]) is None
    assert verify_payload(payload[: payload.rindex(".") + 1]) is None


def test_payload_with_wrong_prefix_is_rejected(app_context: Flask) -> None:
    payload = make_payload(REFERENCE)

    assert verify_payload(payload.replace("BJF1.", "BJF2.", 1)) is None
    assert verify_payload(payload.replace("BJF1.", "", 1)) is None


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "   ",
        "hello",
        "BJF1",
        "BJF1..",
        f"BJF1.{REFERENCE}",
        f"BJF1.{REFERENCE}.",
        f"BJF1.{REFERENCE}.zzzzzzzzzzzz",
        "BJF1.K7Q2-M9XP.3f9a1c2d5e7b",
        "BJF1.张伟.3f9a1c2d5e7b",
        "BJF1." + "A" * 200 + ".3f9a1c2d5e7b",
        f"BJF1.{REFERENCE}.3f9a1c2d5e7b.extra",
        "https://example.org/BJF1",
        "\x00\xff",
    ],
)
def test_payload_garbage_is_rejected(app_context: Flask, garbage: str) -> None:
    assert verify_payload(garbage) is None


def test_payload_made_under_another_secret_key_is_rejected(app_context: Flask) -> None:
    class OtherSite(TestingConfig):
        SECRET_KEY = "another-site-entirely"

    with create_app(OtherSite).app_context():
        foreign = make_payload(REFERENCE)

    assert foreign != make_payload(REFERENCE)
    assert verify_payload(foreign) is None


def test_qr_svg_has_the_size_asked_for(app_context: Flask) -> None:
    svg = str(qr_svg(make_payload(REFERENCE), 28))

    assert svg.startswith('<svg width="28mm" height="28mm" ')
    assert "<script" not in svg
