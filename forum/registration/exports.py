"""The organizers' list as a spreadsheet: CSV (UTF-8 with a BOM) and XLSX, chosen columns.

The header row holds each column's key (`given_name`, `email`...), the same in both
languages, so a file can be read back by the invitation import. Cells a spreadsheet would
run as a formula (=, +, -, @ before anything but a phone number) get a leading quote.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from forum.editions.models import Edition
from forum.extensions import db
from forum.registration.listing import RegistrationFilters, filtered_registrations
from forum.registration.models import Registration, SeatStatus


@dataclass(frozen=True)
class Column:
    key: str
    value: Callable[[Registration], str]


def _seats(status: SeatStatus) -> Callable[[Registration], str]:
    def codes(registration: Registration) -> str:
        return " ".join(
            seat.session.code for seat in registration.seats if seat.status == status.value
        )

    return codes


def _moment(name: str) -> Callable[[Registration], str]:
    def iso(registration: Registration) -> str:
        moment = getattr(registration, name)
        return moment.isoformat() if moment else ""

    return iso


def _field(name: str) -> Callable[[Registration], str]:
    def text(registration: Registration) -> str:
        value = getattr(registration, name)
        if isinstance(value, bool):
            return "yes" if value else "no"
        return "" if value is None else str(value)

    return text


COLUMNS = {
    column.key: column
    for column in (
        Column("reference", lambda r: r.formatted_reference),
        Column("category", lambda r: r.category.code),
        Column("status", _field("status")),
        Column("given_name", _field("given_name")),
        Column("family_name", _field("family_name")),
        Column("name_zh", _field("name_zh")),
        Column("is_family_name_first", _field("is_family_name_first")),
        Column("email", _field("email")),
        Column("phone", _field("phone")),
        Column("organization", _field("organization")),
        Column("position", _field("position")),
        Column("country", _field("country")),
        Column("preferred_language", _field("preferred_language")),
        Column("dietary_needs", _field("dietary_needs")),
        Column("accessibility_needs", _field("accessibility_needs")),
        Column("sessions", _seats(SeatStatus.CONFIRMED)),
        Column("waiting_for", _seats(SeatStatus.WAITLISTED)),
        Column("created_at", _moment("created_at")),
        Column("checked_in_at", _moment("checked_in_at")),
        Column("badge_prints", _field("badge_prints")),
    )
}
DEFAULT_COLUMNS = tuple(COLUMNS)

_PHONE = re.compile(r"^\+[0-9 ]+$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def chosen_columns(keys: Iterable[str]) -> list[Column]:
    """The known columns among `keys`, in the order asked; all of them for none."""
    columns = [COLUMNS[key] for key in dict.fromkeys(keys) if key in COLUMNS]
    return columns or list(COLUMNS.values())


def safe_cell(text: str) -> str:
    """Text a spreadsheet shows as typed, never runs: "=HYPERLINK(...)" gets a quote."""
    if text.startswith(_FORMULA_START) and not _PHONE.match(text):
        return "'" + text
    return text


def _rows(
    edition: Edition, filters: RegistrationFilters, columns: list[Column]
) -> Iterator[list[str]]:
    query = filtered_registrations(edition, filters)
    # Chunks keep memory flat on a big edition; selectinload runs once per chunk.
    for registration in db.session.scalars(query.execution_options(yield_per=500)):
        yield [safe_cell(column.value(registration)) for column in columns]


def export_csv(edition: Edition, filters: RegistrationFilters, columns: list[Column]) -> bytes:
    """UTF-8 with a byte-order mark: Excel then opens Chinese text intact."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.key for column in columns])
    writer.writerows(_rows(edition, filters, columns))
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def export_xlsx(edition: Edition, filters: RegistrationFilters, columns: list[Column]) -> bytes:
    # openpyxl takes a twentieth of a second to import: loaded by exports, not at start-up.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(f"{edition.year}")
    sheet.append([column.key for column in columns])
    for row in _rows(edition, filters, columns):
        cells = []
        for text in row:
            # Every value stays text (a phone number is not a number to add up).
            cell = WriteOnlyCell(sheet, value=text)
            cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
