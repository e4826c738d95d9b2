"""What a badge's QR code says: the reference and an HMAC of it, no personal data.

`BJF1.K7Q2M9XP.3f9a1c2d5e7b` — a version tag, the reference, and the first 12 hex
digits of an HMAC-SHA256 under a key derived from SECRET_KEY. The desk accepts a code
only when the HMAC matches, so a code cannot be made up from a guessed reference.
"""

from __future__ import annotations

import hashlib
import hmac

import segno
from flask import current_app
from markupsafe import Markup

PREFIX = "BJF1"
SIGNATURE_LENGTH = 12
# A separate key per purpose, so the QR signature can never stand in for a session cookie.
KEY_PURPOSE = b"forum.documents.qr.v1"
# The white margin around the code, in modules: ISO/IEC 18004 asks for 4.
QUIET_ZONE_MODULES = 4


def _key() -> bytes:
    secret = current_app.config["SECRET_KEY"]
    secret_bytes = secret.encode("utf-8") if isinstance(secret, str) else secret
    return hmac.new(secret_bytes, KEY_PURPOSE, hashlib.sha256).digest()


def _signature(reference: str) -> str:
    digest = hmac.new(_key(), reference.encode("ascii"), hashlib.sha256).hexdigest()
    return digest[:SIGNATURE_LENGTH]


def make_payload(reference: str) -> str:
    """The text to put in a badge's QR code for a registration reference."""
    return f"{PREFIX}.{reference}.{_signature(reference)}"


def verify_payload(text: str) -> str | None:
    """The reference in a scanned code, or None when the code is not one of ours."""
    parts = text.strip().split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        return None
    _, reference, signature = parts
    if not reference.isascii() or not reference.isalnum() or len(reference) > 16:
        return None
    expected = _signature(reference)
    if not hmac.compare_digest(expected, signature.lower()):
        return None
    return reference


def qr_svg(payload: str, size_mm: float) -> Markup:
    """The code as inline SVG of the given size, for HTML and WeasyPrint alike."""
    code = segno.make(payload, error="m", micro=False)
    svg = code.svg_inline(
        scale=1, border=QUIET_ZONE_MODULES, dark="#000", light="#fff", omitsize=True
    )
    return Markup(svg.replace("<svg ", f'<svg width="{size_mm}mm" height="{size_mm}mm" ', 1))


def qr_png_uri(payload: str) -> str:
    """The code as a PNG data URI, one pixel a module, for badges.

    WeasyPrint draws an image far faster than it parses and fills an SVG path, which
    made a third of a badge's rendering time; the badge CSS scales it up without
    smoothing (image-rendering: pixelated), so the modules stay sharp.
    """
    code = segno.make(payload, error="m", micro=False)
    return code.png_data_uri(scale=1, border=QUIET_ZONE_MODULES, dark="#000", light="#fff")
