"""Signed session cookies: the signer is reused across requests, and follows the keys."""

from __future__ import annotations

from flask import Flask

from forum.security import SignerReusingSessionInterface


def _cookie_signed_with(app: Flask, key: str) -> str:
    saved = app.secret_key
    app.secret_key = key
    try:
        return app.session_interface.get_signing_serializer(app).dumps({"user": "organizer"})
    finally:
        app.secret_key = saved


def _session_from(app: Flask, cookie: str) -> dict:
    name = app.config["SESSION_COOKIE_NAME"]
    with app.test_request_context(headers={"Cookie": f"{name}={cookie}"}) as context:
        return dict(app.session_interface.open_session(app, context.request))


def test_the_app_signs_sessions_with_one_signer_per_set_of_keys(app: Flask) -> None:
    interface = app.session_interface

    assert isinstance(interface, SignerReusingSessionInterface)
    assert interface.get_signing_serializer(app) is interface.get_signing_serializer(app)


def test_a_rotated_key_takes_effect_at_once(app: Flask) -> None:
    saved_key, saved_fallbacks = app.secret_key, app.config.get("SECRET_KEY_FALLBACKS")
    old_cookie = _cookie_signed_with(app, "the-old-key-" + "x" * 32)
    try:
        app.secret_key = "the-new-key-" + "y" * 32
        app.config["SECRET_KEY_FALLBACKS"] = ["the-old-key-" + "x" * 32]
        assert _session_from(app, old_cookie) == {"user": "organizer"}

        app.config["SECRET_KEY_FALLBACKS"] = []
        assert _session_from(app, old_cookie) == {}
    finally:
        app.secret_key, app.config["SECRET_KEY_FALLBACKS"] = saved_key, saved_fallbacks
