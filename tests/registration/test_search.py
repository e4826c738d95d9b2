"""The staff search: reference with or without the dash, names in any order and without
accents, a Chinese name in part, e-mail and organization; the folded column stays current."""

from __future__ import annotations

import pytest

from forum.editions.models import Edition
from forum.extensions import db
from forum.registration.folding import fold
from forum.registration.models import Registration
from forum.registration.search import registration_matches, search_registrations

from .committing import register
from .conftest import MakePerson


@pytest.fixture
def people(edition: Edition, person: MakePerson) -> dict[str, Registration]:
    made = {
        "nguyen": register(
            edition,
            person(
                "thi.nguyen@example.org",
                given_name="Thị Hương",
                family_name="Nguyễn",
                organization="Hà Nội People's Committee",
                country="VN",
            ),
        ).registration,
        "zhang": register(
            edition,
            person(
                "wei.zhang@example.cn",
                given_name="Wei",
                family_name="Zhang",
                name_zh="欧阳张伟",
                is_family_name_first=True,
                organization="Beijing Municipal Service Bureau",
                country="CN",
            ),
        ).registration,
        "lima": register(
            edition, person("ana_lima@example.br", organization="City of Recife")
        ).registration,
    }
    return made


def _found(edition: Edition, text: str) -> set[str]:
    return {registration.email for registration in search_registrations(edition, text)}


def test_folding_drops_case_accents_and_extra_spaces() -> None:
    assert fold("  NGUYỄN   Thị ") == "nguyen thi"
    assert fold("Łukasz Đặng Ørsted") == "lukasz dang orsted"
    assert fold("欧阳张伟") == "欧阳张伟"


def test_reference_with_or_without_the_dash(edition: Edition, people: dict) -> None:
    nguyen = people["nguyen"]
    assert _found(edition, nguyen.formatted_reference) == {nguyen.email}
    assert _found(edition, nguyen.reference.lower()) == {nguyen.email}
    assert _found(edition, f" {nguyen.reference[:4]}-{nguyen.reference[4:].lower()} ") == {
        nguyen.email
    }


def test_accented_name_typed_without_accents_in_either_order(
    edition: Edition, people: dict
) -> None:
    for text in ("Nguyen", "nguyen huong", "Huong Nguyen", "NGUYỄN thị", "thi ngu"):
        assert _found(edition, text) == {"thi.nguyen@example.org"}, text


def test_chinese_name_in_part_or_in_full(edition: Edition, people: dict) -> None:
    for text in ("欧阳张伟", "张伟", "欧阳", "伟"):
        assert _found(edition, text) == {"wei.zhang@example.cn"}, text
    assert _found(edition, "张三") == set()


def test_email_and_organization(edition: Edition, people: dict) -> None:
    assert _found(edition, "WEI.ZHANG@example.cn") == {"wei.zhang@example.cn"}
    assert _found(edition, "service bureau") == {"wei.zhang@example.cn"}
    assert _found(edition, "ha noi") == {"thi.nguyen@example.org"}
    # _ and % are letters here, not LIKE wildcards.
    assert _found(edition, "ana_lima") == {"ana_lima@example.br"}
    assert _found(edition, "ana%lima") == set()


def test_every_word_must_match_and_empty_input_finds_nothing(
    edition: Edition, people: dict
) -> None:
    assert _found(edition, "zhang recife") == set()
    assert _found(edition, "   ") == set()
    assert len(search_registrations(edition, "example", limit=2)) == 2


def test_search_stays_within_the_edition(edition: Edition, people: dict) -> None:
    other = db.session.scalars(db.select(Edition).where(Edition.id != edition.id)).first()
    assert other is not None
    assert search_registrations(other, "Nguyen") == []


def test_the_folded_column_follows_edits(edition: Edition, people: dict) -> None:
    lima = people["lima"]
    lima.family_name = "Lima-Müller"
    db.session.commit()
    assert _found(edition, "muller") == {lima.email}
    count = db.session.scalar(
        db.select(db.func.count()).select_from(Registration).where(registration_matches("MÜLLER"))
    )
    assert count == 1
