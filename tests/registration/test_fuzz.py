"""The sign-up form under random input: it never fails, and stores only clean, bounded text."""

from __future__ import annotations

import os
import unicodedata
from typing import Any

from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from forum.agenda.models import Session
from forum.editions.models import Edition
from forum.extensions import db
from forum.names import has_east_asian_script
from forum.registration.models import Registration

from .conftest import slot_field_of

# Column limits of what the form stores.
LIMITS = {
    "given_name": 100,
    "family_name": 100,
    "name_zh": 40,
    "email": 254,
    "phone": 32,
    "organization": 200,
    "position": 200,
    "country": 2,
    "preferred_language": 2,
    "dietary_needs": 500,
    "accessibility_needs": 500,
}
MULTILINE = {"dietary_needs", "accessibility_needs"}
# Invisible format characters other than the joiners some scripts need.
JOINERS = set("\u200c\u200d")

TRICKY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\x7f",
    "\u0085",
    "a\r\nb",
    "\r",
    "\t",
    "\u200f",  # right-to-left mark
    "\u202eevil",  # right-to-left override
    "\u2066x\u2069",
    "محمد\u200f",
    "😀" * 30,
    "👩‍👩‍👧‍👦",
    "İ" * 60,
    "ß" * 120,
    "名" * 41,
    "x" * 101,
    "x" * 201,
    "x" * 501,
    "y" * 5000,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%s%(name)s{0}",
]

wild_text = st.one_of(
    st.text(max_size=30),
    st.text(min_size=90, max_size=600),
    st.sampled_from(TRICKY),
    st.tuples(st.text(max_size=10), st.sampled_from(TRICKY), st.text(max_size=10)).map("".join),
)
TEXT_FIELDS = [
    "given_name",
    "family_name",
    "name_zh",
    "organization",
    "position",
    "dietary_needs",
    "accessibility_needs",
]
# Any script, emoji, marks and format characters, but no C0/C1 controls.
printable_text = st.text(
    alphabet=st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=60
)
plain_names = st.sampled_from(
    ["Ana", "Lima", "Zhang Wei", "O'Brien", "Nguyễn Văn", "Müller-Lüdenscheid", "محمد"]
)


@st.composite
def submissions(draw: st.DrawFn, slot_field: str, session_ids: list[str]) -> dict[str, str]:
    """A form as a person might fill it in (text still random), or anything at all."""
    is_careful = draw(st.booleans())
    number = draw(st.integers(min_value=0, max_value=10_000))

    def choice(valid: st.SearchStrategy[str]) -> str:
        return draw(valid if is_careful else st.one_of(valid, valid, valid, wild_text))

    # A careful person's form has at most one field of anything-at-all text.
    wild_field = draw(st.sampled_from([None, *TEXT_FIELDS])) if is_careful else "every"

    def text(name: str, usual: st.SearchStrategy[str] = printable_text) -> str:
        if wild_field in (name, "every"):
            return draw(st.one_of(usual, printable_text, wild_text))
        return draw(st.one_of(usual, printable_text))

    form = {
        "given_name": text("given_name", plain_names),
        "family_name": text("family_name", plain_names),
        "name_zh": text("name_zh", st.just("")),
        "email": choice(st.one_of(st.just(f"person{number}@example.org"), st.emails())),
        "phone": choice(st.sampled_from(["", "+86 138 0013 8000", "+1 202 555 0143"])),
        "organization": text("organization", st.just("City of Recife")),
        "position": text("position"),
        "country": choice(st.sampled_from(["CN", "BR", "US", "FR"])),
        "category": choice(st.sampled_from(["delegate", "resident", "media", "speaker"])),
        "preferred_language": choice(st.sampled_from(["en", "zh"])),
        slot_field: choice(st.sampled_from(["", *session_ids])),
        "consent": choice(st.just("y")),
        "is_family_name_first": draw(st.sampled_from(["", "y"])),
        "dietary_needs": text("dietary_needs"),
        "accessibility_needs": text("accessibility_needs"),
        "website": choice(st.just("")),
    }
    left_out = set() if is_careful else draw(st.sets(st.sampled_from(sorted(form)), max_size=3))
    return {name: value for name, value in form.items() if name not in left_out}


def _has_control_characters(text: str, allow_newlines: bool) -> bool:
    return any(
        (unicodedata.category(character) == "Cc" and not (allow_newlines and character in "\n\t"))
        or (unicodedata.category(character) == "Cf" and character not in JOINERS)
        for character in text
    )


def _registration_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Registration))


def test_register_post_with_random_input_never_fails_and_stores_only_clean_text(
    edition: Edition, sub_forums: list[Session], client: FlaskClient
) -> None:
    session_ids = [str(session.id) for session in sub_forums]
    outcomes: dict[int, int] = {}

    @settings(
        # FORUM_FUZZ_EXAMPLES=5000 for a longer hunt.
        max_examples=int(os.environ.get("FORUM_FUZZ_EXAMPLES", "150")),
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )
    @given(
        form=submissions(slot_field_of(sub_forums), session_ids), lang=st.sampled_from(["en", "zh"])
    )
    def post_anything(form: dict[str, str], lang: str) -> None:
        before = _registration_count()

        response = client.post(f"/{lang}/register", data=form)

        outcomes[response.status_code] = outcomes.get(response.status_code, 0) + 1
        assert response.status_code in (200, 302, 422), response.status_code
        if response.status_code != 302:
            assert _registration_count() == before
            return
        assert _registration_count() == before + 1
        stored = db.session.scalars(select(Registration).order_by(Registration.id.desc())).first()
        _assert_clean(stored)
        assert client.get(response.headers["Location"]).status_code == 200

    post_anything()

    # The run exercised both sides: stored registrations and refused forms.
    assert outcomes.get(302, 0) >= 5, outcomes
    assert outcomes.get(422, 0) >= 5, outcomes


def _assert_clean(registration: Registration) -> None:
    values: dict[str, Any] = {name: getattr(registration, name) for name in LIMITS}
    for name, limit in LIMITS.items():
        value = values[name]
        if value is None:
            continue
        assert len(value) <= limit, (name, value)
        assert not _has_control_characters(value, allow_newlines=name in MULTILINE), (name, value)
        if name not in MULTILINE:
            assert value == value.strip(), (name, value)
    assert values["family_name"] and values["organization"]
    for name in ("given_name", "family_name"):
        assert not has_east_asian_script(values[name]), (name, values[name])
    assert values["preferred_language"] in ("en", "zh")
    assert values["email"] == values["email"].lower()
