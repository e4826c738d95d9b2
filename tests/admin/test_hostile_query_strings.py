"""Ids in the staff area's query strings and forms: out of range names nothing, never a 500."""

from __future__ import annotations

import pytest

from forum.ids import LARGEST_ID, as_id

HUGE = "9" * 30
OUT_OF_RANGE = ["0", "-1", str(LARGEST_ID + 1), HUGE, "1e3", "١٢", "12abc", ""]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1", 1), (" 42 ", 42), (str(LARGEST_ID), LARGEST_ID), *[(bad, None) for bad in OUT_OF_RANGE]],
)
def test_as_id_takes_only_ids_a_column_can_hold(text: str, expected: int | None) -> None:
    assert as_id(text) == expected


@pytest.mark.parametrize("value", [HUGE, str(LARGEST_ID + 1), "0", "-5", "abc"])
@pytest.mark.parametrize(
    "url",
    [
        "/en/admin/registrations/?edition={}",
        "/zh/admin/registrations/?edition={}",
        "/en/admin/registrations/new?speaker={}",
        "/en/admin/badges/?edition={}",
    ],
)
def test_an_edition_or_speaker_that_cannot_exist_is_not_found(
    login_as, url: str, value: str
) -> None:
    response = login_as("admin").get(url.format(value))

    assert response.status_code == 404
    if url.startswith("/zh/"):
        assert '<html lang="zh-Hans">' in response.get_data(as_text=True)


@pytest.mark.parametrize("value", [HUGE, str(LARGEST_ID + 1), "-1", "x"])
@pytest.mark.parametrize(
    "url",
    [
        "/en/admin/registrations/?category={}&session={}",
        "/en/admin/registrations/?page={}",
        "/en/admin/audit?object_id={}&actor_id={}",
    ],
)
def test_a_filter_that_names_nothing_is_ignored(login_as, url: str, value: str) -> None:
    response = login_as("admin").get(url.format(value, value))

    assert response.status_code == 200
