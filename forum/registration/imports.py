"""Importing invited guests from a spreadsheet: read, preview, then import all or nothing.

Files: CSV in UTF-8 (with or without a BOM) or GB18030 (as Chinese Excel saves it), and
XLSX. The header row names the columns by the keys the export writes (`family_name`,
`email`...) or by their usual Chinese headings (姓, 名, 邮箱...). The preview finds, per
row and field: a missing required field, a bad e-mail, an unknown category, country or
language, a duplicate within the file. A row whose address is already registered in the
edition is shown and skipped, so importing the same file twice changes nothing. A rejected
row can be corrected on the preview page (`correct_rows`) and checked again, without
uploading the file again; still nothing is written until the organizer confirms.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime

from babel import Locale
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from forum.audit import Actor
from forum.editions.models import Edition
from forum.extensions import db
from forum.registration.forms import e164_phone
from forum.registration.models import Category, Registration, RegistrationStatus
from forum.registration.services import RegistrationData
from forum.registration.staff import register_by_organizer

MAX_ROWS = 5000
REQUIRED = ("family_name", "email", "country")
FIELDS = (
    "given_name",
    "family_name",
    "name_zh",
    "is_family_name_first",
    "email",
    "phone",
    "organization",
    "position",
    "country",
    "preferred_language",
    "category",
    "dietary_needs",
    "accessibility_needs",
)
HEADINGS = {
    "名": "given_name",
    "姓": "family_name",
    "中文姓名": "name_zh",
    "姓在前": "is_family_name_first",
    "邮箱": "email",
    "电子邮箱": "email",
    "手机": "phone",
    "电话": "phone",
    "单位": "organization",
    "职务": "position",
    "国家或地区": "country",
    "语言": "preferred_language",
    "类别": "category",
    "饮食要求": "dietary_needs",
    "无障碍需求": "accessibility_needs",
}
LIMITS = {
    "given_name": 100,
    "family_name": 100,
    "name_zh": 40,
    "organization": 200,
    "position": 200,
    "dietary_needs": 2000,
    "accessibility_needs": 2000,
}
DEFAULT_CATEGORY = "guest"
YES = {"yes", "y", "true", "1", "是"}


class ImportFileError(ValueError):
    """The file as a whole cannot be read; `message` says why, in the page's language."""

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message


# --------------------------------------------------------------------------- reading


def read_table(data: bytes, filename: str) -> list[dict[str, str]]:
    """The file's rows as {field: text}, by header; raises ImportFileError."""
    if filename.lower().endswith(".xlsx"):
        table = _xlsx_rows(data)
    else:
        table = list(csv.reader(io.StringIO(_decode(data))))
    table = [row for row in table if any(cell.strip() for cell in row)]
    if not table:
        raise ImportFileError(_l("The file is empty."))
    header = [_field_of(cell) for cell in table[0]]
    if "email" not in header or "family_name" not in header:
        raise ImportFileError(
            _l("The first row must name the columns, with at least family_name and email.")
        )
    if len(table) - 1 > MAX_ROWS:
        raise ImportFileError(_l("Please import at most %(n)d rows at a time.", n=MAX_ROWS))
    return [
        {name: _unquote(cell.strip()) for name, cell in zip(header, row, strict=False) if name}
        for row in table[1:]
    ]


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        _l("This file is neither UTF-8 nor GB18030 text. Please save it as CSV UTF-8 or XLSX.")
    )


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook  # slow to import; only imports of XLSX files need it

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ImportFileError(_l("This is not an XLSX file we can read.")) from None
    sheet = workbook.worksheets[0]
    rows = [
        ["" if value is None else str(value) for value in row]
        for row in sheet.iter_rows(values_only=True)
    ]
    workbook.close()
    return rows


def _field_of(heading: str) -> str | None:
    heading = heading.strip().lstrip("\ufeff")
    if heading in FIELDS:
        return heading
    if heading == "category_code":
        return "category"
    return HEADINGS.get(heading)


def _unquote(text: str) -> str:
    """Undo the export's quote before a would-be formula ('=...)."""
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@"):
        return text[1:]
    return text


# --------------------------------------------------------------------------- preview


@dataclass
class PreviewRow:
    line: int
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    already_registered: bool = False

    @property
    def is_importable(self) -> bool:
        return not self.errors and not self.already_registered


@dataclass
class ImportPreview:
    rows: list[PreviewRow]

    @property
    def rejected(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.errors]

    @property
    def to_import(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.is_importable]

    @property
    def skipped(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.already_registered and not row.errors]

    @property
    def can_confirm(self) -> bool:
        return not self.rejected and bool(self.to_import)


def preview_import(edition: Edition, rows: list[dict[str, str]]) -> ImportPreview:
    """Check every row; writes nothing."""
    categories = set(db.session.scalars(select(Category.code)))
    countries = set(Locale.parse("en").territories)
    registered = set(
        db.session.scalars(
            select(Registration.email).where(
                Registration.edition_id == edition.id,
                Registration.status != RegistrationStatus.CANCELLED.value,
            )
        )
    )
    seen: dict[str, int] = {}
    preview = ImportPreview(rows=[])
    for number, values in enumerate(rows, start=2):
        row = PreviewRow(line=number, values=values)
        _check(row, categories, countries)
        email = values.get("email", "")
        if "email" not in row.errors:
            if email in seen:
                row.errors["email"] = str(
                    _l("The same address as row %(line)d of the file.", line=seen[email])
                )
            else:
                seen[email] = number
                row.already_registered = email in registered
        preview.rows.append(row)
    return preview


def _check(row: PreviewRow, categories: set[str], countries: set[str]) -> None:
    values = row.values
    for name in REQUIRED:
        if not values.get(name):
            row.errors[name] = str(_l("Missing; this column is required."))
    for name, limit in LIMITS.items():
        if len(values.get(name, "")) > limit:
            row.errors[name] = str(_l("Longer than %(n)d characters.", n=limit))
    if values.get("email"):
        try:
            checked = validate_email(values["email"], check_deliverability=False)
            values["email"] = checked.normalized.lower()
        except EmailNotValidError:
            row.errors["email"] = str(_l("Not a valid e-mail address."))
    country = values.get("country", "").upper()
    values["country"] = country
    if country and (len(country) != 2 or country not in countries):
        row.errors["country"] = str(_l("Not a known two-letter country code (CN, DE, BR...)."))
    values["category"] = values.get("category") or DEFAULT_CATEGORY
    if values["category"] not in categories:
        row.errors["category"] = str(_l("No category has this code."))
    language = values.get("preferred_language") or ("zh" if country == "CN" else "en")
    values["preferred_language"] = language
    if language not in ("en", "zh"):
        row.errors["preferred_language"] = str(_l("The language must be en or zh."))
    if values.get("phone") and e164_phone(values["phone"]) is None:
        row.errors["phone"] = str(_l("Not an international phone number (+86 138 0013 8000)."))


def correct_rows(
    rows: list[dict[str, str]], corrections: dict[int, dict[str, str]]
) -> list[dict[str, str]]:
    """The rows with the organizer's corrections made on the preview page; writes nothing.

    `corrections` maps a row's line in the file (2 for the first row under the header,
    as the preview numbers them) to new field values. Lines outside the file and unknown
    fields are ignored; every row is checked again by the next preview.
    """
    corrected = [dict(values) for values in rows]
    for line, values in corrections.items():
        index = line - 2
        if not 0 <= index < len(corrected):
            continue
        for name, value in values.items():
            if name in FIELDS:
                corrected[index][name] = value.strip()
    return corrected


# ---------------------------------------------------------------------------- import


class NothingToImport(ValueError):
    """The preview has rejected rows, or nothing new."""


def import_guests(
    edition: Edition, rows: list[dict[str, str]], actor: Actor, now: datetime | None = None
) -> int:
    """Check the rows again and register every new one, or none (the caller commits once).

    Each guest gets an invitation e-mail, in their language, through the outbox.
    Raises NothingToImport when any row is rejected. Returns how many were registered.
    """
    preview = preview_import(edition, rows)
    if preview.rejected:
        raise NothingToImport(len(preview.rejected))
    now = now or datetime.now(UTC)
    for row in preview.to_import:
        register_by_organizer(edition, _data(row.values), actor, now, is_invitation=True)
    return len(preview.to_import)


def _data(values: dict[str, str]) -> RegistrationData:
    return RegistrationData(
        given_name=values.get("given_name", ""),
        family_name=values["family_name"],
        name_zh=values.get("name_zh") or None,
        is_family_name_first=values.get("is_family_name_first", "").lower() in YES,
        email=values["email"],
        phone=e164_phone(values.get("phone")),
        organization=values.get("organization", ""),
        position=values.get("position", ""),
        country=values["country"],
        preferred_language=values["preferred_language"],
        category_code=values["category"],
        dietary_needs=values.get("dietary_needs", ""),
        accessibility_needs=values.get("accessibility_needs", ""),
        consent=True,
    )
