"""The invitation import: each encoding and format, each kind of rejected row, all or
nothing, idempotent, invitations in each guest's language, and the export round trip."""

from __future__ import annotations

import email
import io
import re
from email import policy

import pytest
from factories import make_edition, make_registration
from openpyxl import Workbook
from sqlalchemy import func, select

from forum.editions.models import Edition
from forum.extensions import db
from forum.mail import OutboxMessage, compose_queued
from forum.registration.models import ManageToken, Registration
from forum.registration.services import hash_token

from . import test_registrations as shared

BASE = shared.BASE
# The fixtures of the registration tests, shared here.
edition = shared.edition
organizer = shared.organizer

HEADER = "family_name,given_name,name_zh,email,country,organization,preferred_language,category"
GUESTS = [
    "Wang,Fang,王芳,wang.fang@example.cn,CN,星河社区,zh,guest",
    "Okafor,Ngozi,,ngozi@example.ng,NG,City of Lagos,en,guest",
]


def _csv(lines: list[str]) -> str:
    return "\r\n".join([HEADER, *lines]) + "\r\n"


def _xlsx(lines: list[str]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for line in [HEADER, *lines]:
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(client, data: bytes, filename: str, edition_id: int | None = None):
    query = f"?edition={edition_id}" if edition_id else ""
    return client.post(
        f"{BASE}/import{query}",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def _confirm(client, preview_page: str):
    token = re.search(r"/import/([A-Za-z0-9_-]+)/confirm", preview_page).group(1)
    return client.post(f"{BASE}/import/{token}/confirm")


def _count(edition: Edition) -> int:
    return db.session.scalar(select(func.count()).where(Registration.edition_id == edition.id))


@pytest.mark.parametrize(
    ("encoding", "filename"),
    [
        ("utf-8-sig", "guests.csv"),
        ("utf-8", "guests.csv"),
        ("gb18030", "guests.csv"),
        (None, "guests.xlsx"),
    ],
)
def test_each_encoding_and_format_imports_after_the_preview(
    organizer,
    edition: Edition,
    encoding: str | None,
    filename: str,
) -> None:
    data = _xlsx(GUESTS) if encoding is None else _csv(GUESTS).encode(encoding)
    preview = _upload(organizer, data, filename)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "2 rows to import." in page and "王芳" in page and "星河社区" in page
    assert _count(edition) == 0  # nothing written before the confirmation
    assert _confirm(organizer, page).status_code == 302
    guest = db.session.scalars(
        select(Registration).where(Registration.email == "wang.fang@example.cn")
    ).one()
    assert guest.name_zh == "王芳" and guest.category.code == "guest"
    assert guest.status == "confirmed"
    # Each guest is written to in their language, through the outbox.
    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == "wang.fang@example.cn")
    ).one()
    compose_queued(message)
    assert re.search(r"[\u4e00-\u9fff]", message.subject)
    english = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == "ngozi@example.ng")
    ).one()
    compose_queued(english)
    assert not re.search(r"[\u4e00-\u9fff]", english.subject)


@pytest.mark.parametrize("filename", ["guests.csv", "guests.xlsx"])
def test_a_list_of_two_thousand_guests_gets_its_preview(
    organizer, edition: Edition, filename: str
) -> None:
    guests = [
        f"Guest{n},Number,来宾{n},guest{n}@example.cn,CN,北京市政务服务和数据管理局,zh,guest"
        for n in range(2000)
    ]
    data = _xlsx(guests) if filename.endswith("xlsx") else _csv(guests).encode("gb18030")
    if filename.endswith("csv"):
        assert len(data) > 128 * 1024  # more than Werkzeug reads at once, twice over

    preview = _upload(organizer, data, filename)

    assert preview.status_code == 200
    assert "2000 rows to import." in preview.get_data(as_text=True)
    assert _count(edition) == 0


def _composed(recipient: str) -> tuple[OutboxMessage, str, str]:
    """The one outbox message to `recipient`, built as the worker would: (message, text, html)."""
    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == recipient)
    ).one()
    compose_queued(message)
    parsed = email.message_from_string(message.raw, policy=policy.default)
    text = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    return message, text, html


def _manage_token_in(text: str) -> str:
    return re.search(r"/registration/([A-Za-z0-9_-]+)", text).group(1)


def test_imported_guests_get_an_invitation_in_their_language(
    organizer,
    edition: Edition,
) -> None:
    page = _upload(organizer, _csv(GUESTS).encode("utf-8"), "guests.csv").get_data(as_text=True)
    _confirm(organizer, page)

    message, text, html = _composed("ngozi@example.ng")
    guest = db.session.scalars(
        select(Registration).where(Registration.email == "ngozi@example.ng")
    ).one()
    assert message.kind == "registration.invitation"
    assert message.subject == (
        f"Your invitation to the {edition.year} forum: {guest.formatted_reference}"
    )
    assert "we are pleased to invite you to the" in text
    assert edition.name.in_language("en") in text and "18 December" in text
    assert guest.formatted_reference in text and "Guest" in text  # reference, category
    assert "Thank you for registering" not in text  # they never signed up themselves
    assert "the organizers invited you to the forum at this address" in html
    # The manage link works: its token is one of the guest's live tokens.
    token = _manage_token_in(text)
    assert f"/en/registration/{token}" in text
    assert (
        db.session.scalars(
            select(ManageToken.registration_id).where(ManageToken.token_hash == hash_token(token))
        ).one()
        == guest.id
    )

    message, text, html = _composed("wang.fang@example.cn")
    assert message.subject.endswith("年论坛参会邀请：" + _reference_of("wang.fang@example.cn"))
    assert "诚挚邀请您于" in text and "2024年12月18日" in text
    assert "/zh/registration/" in text and "主办方通过此邮箱地址向您发出了邀请" in html


def _reference_of(address: str) -> str:
    return (
        db.session.scalars(select(Registration).where(Registration.email == address))
        .one()
        .formatted_reference
    )


def test_each_kind_of_rejected_row_and_nothing_is_written(
    organizer,
    edition: Edition,
) -> None:
    rows = [
        *GUESTS,
        "Bad,Mail,,not-an-address,CN,,zh,guest",
        "Unknown,Category,,u@example.org,CN,,zh,astronaut",
        "Dup,Licate,,ngozi@example.ng,NG,,en,guest",
        ",Nofamily,,nofamily@example.org,CN,,zh,guest",
        "Far,Away,,far@example.org,XX,,en,guest",
    ]
    page = _upload(organizer, _csv(rows).encode("utf-8"), "guests.csv").get_data(as_text=True)
    assert "5 rows rejected." in page
    assert "Not a valid e-mail address." in page
    assert "No category has this code." in page
    assert "The same address as row 3 of the file." in page
    assert "Missing; this column is required." in page
    assert "Not a known two-letter country code" in page
    assert "/confirm" not in page
    assert "Please fix the rejected rows" in page
    assert _count(edition) == 0


def _token_of(page: str, action: str) -> str:
    return re.search(rf"/import/([A-Za-z0-9_-]+)/{action}", page).group(1)


def _recheck(client, preview_page: str, corrections: dict[str, str]):
    token = _token_of(preview_page, "recheck")
    return client.post(f"{BASE}/import/{token}/recheck", data=corrections, follow_redirects=True)


def _input(page: str, input_id: str) -> str:
    """The <input> tag with this id on the page."""
    return re.search(rf'<input [^>]*id="{input_id}"[^>]*>', page).group(0)


BAD_ROW = "Bad,Mail,王五,not-an-address,CN,星河社区,zh,guest"  # row 4 of the file


def test_a_rejected_row_is_corrected_on_the_page_and_imported_with_the_others(
    organizer,
    edition: Edition,
) -> None:
    page = _upload(organizer, _csv([*GUESTS, BAD_ROW]).encode("gb18030"), "guests.csv")
    page = page.get_data(as_text=True)
    assert "1 row rejected." in page and "/confirm" not in page
    # The rejected row's fields, as in the file, with the error next to the wrong one.
    email = _input(page, "row-4-email")
    assert 'value="not-an-address"' in email and 'aria-invalid="true"' in email
    assert 'aria-describedby="row-4-email-error"' in email
    assert re.search(r'id="row-4-email-error">Not a valid e-mail address.<', page)
    assert 'value="王五"' in _input(page, "row-4-name_zh")
    assert "aria-invalid" not in _input(page, "row-4-name_zh")
    assert "row-2-email" not in page  # rows without errors are not editable

    # A correction that is still wrong is shown again; nothing is written either time.
    still_bad = _recheck(organizer, page, {"row-4-email": "still wrong"}).get_data(as_text=True)
    assert "1 row rejected." in still_bad and 'value="still wrong"' in still_bad
    assert _count(edition) == 0

    fixed = _recheck(organizer, still_bad, {"row-4-email": " wang.wu@example.cn "})
    fixed_page = fixed.get_data(as_text=True)
    assert fixed.status_code == 200
    assert "3 rows to import." in fixed_page and "0 rows rejected." in fixed_page
    assert "wang.wu@example.cn" in fixed_page and "row-4-email" not in fixed_page
    assert _count(edition) == 0
    # The previews before the correction can no longer be confirmed or corrected.
    old = _token_of(still_bad, "recheck")
    assert organizer.post(f"{BASE}/import/{old}/confirm").status_code == 404
    assert organizer.post(f"{BASE}/import/{old}/recheck").status_code == 404

    assert _confirm(organizer, fixed_page).status_code == 302
    guest = db.session.scalars(
        select(Registration).where(Registration.email == "wang.wu@example.cn")
    ).one()
    assert (guest.name_zh, guest.family_name, guest.organization) == ("王五", "Bad", "星河社区")
    assert _count(edition) == 3


def test_the_same_file_corrected_the_same_way_twice_changes_nothing(
    organizer,
    edition: Edition,
) -> None:
    data = _csv([*GUESTS, BAD_ROW]).encode("utf-8")
    for _attempt in range(2):
        page = _upload(organizer, data, "guests.csv").get_data(as_text=True)
        page = _recheck(organizer, page, {"row-4-email": "wang.wu@example.cn"})
        page = page.get_data(as_text=True)
        if _attempt == 0:
            _confirm(organizer, page)
            before = (_count(edition), db.session.scalar(select(func.count(OutboxMessage.id))))
    assert "Nothing new to import." in page and "/confirm" not in page
    assert (_count(edition), db.session.scalar(select(func.count(OutboxMessage.id)))) == before


def test_a_correction_outside_the_file_or_its_columns_is_ignored(
    organizer,
    edition: Edition,
) -> None:
    page = _upload(organizer, _csv([*GUESTS, BAD_ROW]).encode("utf-8"), "guests.csv")
    corrections = {
        "row-99-email": "x@example.org",
        "row-1-email": "header@example.org",
        "row-4-status": "confirmed",
        "row-4-email": "wang.wu@example.cn",
        "something-else": "ignored",
    }
    page = _recheck(organizer, page.get_data(as_text=True), corrections).get_data(as_text=True)
    assert "3 rows to import." in page
    assert "x@example.org" not in page and "header@example.org" not in page
    assert organizer.post(f"{BASE}/import/not-a-token/recheck").status_code == 404


def test_a_wrong_encoding_or_a_file_without_header_is_refused_clearly(
    organizer,
    edition: Edition,
) -> None:
    page = _upload(organizer, b"\xff\xfe\xff" * 10, "guests.csv").get_data(as_text=True)
    assert "neither UTF-8 nor GB18030" in page
    page = _upload(organizer, b"a,b\r\n1,2\r\n", "guests.csv").get_data(as_text=True)
    assert "The first row must name the columns" in page
    page = _upload(organizer, b"not a zip", "guests.xlsx").get_data(as_text=True)
    assert "This is not an XLSX file we can read." in page


def test_importing_the_same_file_twice_changes_nothing(
    organizer,
    edition: Edition,
) -> None:
    make_registration(edition, "ngozi@example.ng")  # already registered: shown and skipped
    data = _csv(GUESTS).encode("utf-8-sig")
    page = _upload(organizer, data, "guests.csv").get_data(as_text=True)
    assert "1 row to import." in page and "1 already registered, skipped." in page
    _confirm(organizer, page)
    before = (_count(edition), db.session.scalar(select(func.count(OutboxMessage.id))))
    page = _upload(organizer, data, "guests.csv").get_data(as_text=True)
    assert "Nothing new to import." in page and "/confirm" not in page
    after = (_count(edition), db.session.scalar(select(func.count(OutboxMessage.id))))
    assert after == before


def test_export_then_import_into_an_empty_edition_gives_the_same_registrations(
    organizer,
    edition: Edition,
) -> None:
    make_registration(
        edition,
        "a@example.org",
        given_name="Thị",
        family_name="Nguyễn",
        country="VN",
        phone="+84912345678",
        position="Director",
        dietary_needs="Vegetarian",
    )
    make_registration(
        edition,
        "b@example.cn",
        family_name="Zhang",
        given_name="Wei",
        name_zh="张伟",
        is_family_name_first=True,
        country="CN",
        preferred_language="zh",
        category_code="speaker",
        organization="=cmd|' /C calc'!A0",
    )
    make_registration(
        edition, "c@example.org", category_code="media", accessibility_needs="Wheelchair"
    )
    exported = organizer.get(f"{BASE}/export.csv?edition={edition.id}").data
    empty = make_edition()
    db.session.commit()
    page = _upload(organizer, exported, "export.csv", empty.id).get_data(as_text=True)
    assert "3 rows to import." in page, page
    _confirm(organizer, page)

    fields = (
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
        "dietary_needs",
        "accessibility_needs",
        "category_id",
        "status",
    )

    def people(of: Edition) -> set[tuple]:
        rows = db.session.scalars(select(Registration).where(Registration.edition_id == of.id))
        return {tuple(getattr(row, name) for name in fields) for row in rows}

    assert people(empty) == people(edition)
    assert len(people(empty)) == 3


def test_the_preview_and_its_corrections_read_in_chinese(organizer, edition: Edition) -> None:
    uploaded = organizer.post(
        "/zh/admin/registrations/import",
        data={"file": (io.BytesIO(_csv([*GUESTS, BAD_ROW]).encode("gb18030")), "来宾.csv")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 302
    assert uploaded.headers["Location"].startswith("/zh/admin/registrations/import/")
    page = organizer.get(uploaded.headers["Location"]).get_data(as_text=True)
    assert "修正有误的行" in page and "第4行" in page and "重新检查" in page
    assert re.search(r'id="row-4-email-error">[^<]*[\u4e00-\u9fff]', page)
    # The other language's link shows the same preview, not an empty form.
    assert f'href="{uploaded.headers["Location"].replace("/zh/", "/en/", 1)}"' in page
