"""Exports of the filtered list: CSV with a BOM for Excel, XLSX, chosen columns, no formulas."""

from __future__ import annotations

import csv
import io

from factories import make_registration
from openpyxl import load_workbook

from forum.editions.models import Edition

from . import test_registrations as shared

BASE = shared.BASE
# The fixtures of the registration tests, shared here.
edition = shared.edition
organizer = shared.organizer


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_has_a_bom_chinese_intact_and_the_filter_applied(
    organizer,
    edition: Edition,
) -> None:
    make_registration(
        edition, "wei@example.cn", family_name="Zhang", name_zh="张伟", phone="+8613800138000"
    )
    make_registration(edition, "guest@example.org", category_code="guest")
    response = organizer.get(
        BASE + "/export.csv", query_string={"q": "张伟", "columns": ["email", "name_zh", "phone"]}
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert _csv_rows(response.data) == [
        ["email", "name_zh", "phone"],
        ["wei@example.cn", "张伟", "+8613800138000"],
    ]


def test_every_column_by_default_and_formulas_neutralized(
    organizer,
    edition: Edition,
) -> None:
    registration = make_registration(
        edition, "f@example.org", organization='=HYPERLINK("http://x")'
    )
    rows = _csv_rows(organizer.get(BASE + "/export.csv").data)
    header, row = rows[0], rows[1]
    assert header[:3] == ["reference", "category", "status"]
    assert row[header.index("reference")] == registration.formatted_reference
    assert row[header.index("organization")] == '\'=HYPERLINK("http://x")'


def test_xlsx_opens_with_text_cells(organizer, edition: Edition) -> None:
    make_registration(edition, "wei@example.cn", name_zh="张伟", phone="+8613800138000")
    response = organizer.get(
        BASE + "/export.xlsx", query_string={"columns": ["name_zh", "phone", "category"]}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["name_zh", "phone", "category"],
        ["张伟", "+8613800138000", "delegate"],
    ]
