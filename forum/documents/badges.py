"""Badges as PDF: one per page for badge printers, or four badges on an A4 sheet.

Rendering a badge takes WeasyPrint a tenth of a second once its fonts are loaded, and
most of a second in a fresh process. The desk cannot make a queue wait for that, so a
badge is rendered ahead of time (by the worker) and kept in `badge_renders` under a
fingerprint of everything printed on it. A change to anything printed marks the stored
copy stale in the same transaction (`_mark_stale_badges`, a flush hook), so the worker
finds the badges to redraw with one indexed query instead of recomputing them all.

One badge is always exactly one page (or one quarter of an A4 sheet): every box has a
fixed place and size, and `fitting` shrinks, wraps and cuts the texts to fit them.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from flask import current_app
from jinja2 import Template
from markupsafe import Markup
from sqlalchemy import (
    Boolean,
    ForeignKey,
    Insert,
    Integer,
    LargeBinary,
    Select,
    String,
    UniqueConstraint,
    event,
    insert,
    inspect,
    literal,
    select,
    true,
    update,
)
from sqlalchemy.orm import Mapped, Session, defer, mapped_column, selectinload

from forum.columns import UTCDateTime
from forum.documents import fitting
from forum.documents.fonts import (
    CJK_FONT_STACK,
    FONT_STACK,
    MissingFont,
    needs_cjk,
    require_fonts_for,
)
from forum.documents.pdf import BADGE_USER_AGENT_CSS, html_to_pdf, join_pdfs
from forum.documents.qr import make_payload, qr_png_uri
from forum.editions.models import Edition
from forum.extensions import db
from forum.i18n import Translated, collation_key, country_name
from forum.names import latin_name
from forum.registration.models import Category, Registration, RegistrationStatus, Seat

# Bump when the badge template or its CSS changes, so every stored badge is redrawn.
DESIGN_VERSION = "4"
# Badges per WeasyPrint document: one stylesheet and one set of fonts serve them all.
CHUNK_SIZE = 250


class BadgeLayout(StrEnum):
    A6 = "a6"
    CARD_4X3 = "4x3"
    A4_SHEET = "a4"


class BatchOrder(StrEnum):
    NAME = "name"
    REFERENCE = "reference"
    CATEGORY = "category"


@dataclass(frozen=True)
class LayoutSize:
    """The boxes of a badge, in millimetres, and the type sizes allowed in them (pt)."""

    width_mm: float
    height_mm: float
    person_top_mm: float
    person_width_mm: float
    person_height_mm: float
    largest_zh_pt: float
    largest_latin_pt: float
    # No name line is ever smaller than this; it is larger than every other text.
    name_floor_pt: float
    # ...but when all of a name cannot fit otherwise, it may go down to this (pt).
    name_last_resort_pt: float
    detail_pt: float
    detail_floor_pt: float
    detail_lines: int
    country_pt: float
    qr_mm: float
    band_width_mm: float
    largest_band_pt: float


LAYOUT_SIZES = {
    BadgeLayout.A6: LayoutSize(
        width_mm=105,
        height_mm=148,
        person_top_mm=25,
        person_width_mm=89,
        person_height_mm=72,
        largest_zh_pt=40,
        largest_latin_pt=24,
        name_floor_pt=12,
        name_last_resort_pt=12,
        detail_pt=9,
        detail_floor_pt=7,
        detail_lines=3,
        country_pt=8.5,
        qr_mm=30,
        band_width_mm=95,
        largest_band_pt=11.5,
    ),
    BadgeLayout.A4_SHEET: LayoutSize(
        width_mm=90,
        height_mm=130,
        person_top_mm=23,
        person_width_mm=76,
        person_height_mm=62,
        largest_zh_pt=36,
        largest_latin_pt=21,
        name_floor_pt=12,
        name_last_resort_pt=10.5,
        detail_pt=8.5,
        detail_floor_pt=7,
        detail_lines=3,
        country_pt=8,
        qr_mm=28,
        band_width_mm=82,
        largest_band_pt=10,
    ),
    BadgeLayout.CARD_4X3: LayoutSize(
        width_mm=101.6,
        height_mm=76.2,
        person_top_mm=16.5,
        person_width_mm=64,
        person_height_mm=50.5,
        largest_zh_pt=28,
        largest_latin_pt=17,
        name_floor_pt=10,
        name_last_resort_pt=9,
        detail_pt=7.5,
        detail_floor_pt=6.5,
        detail_lines=2,
        country_pt=7,
        qr_mm=24,
        band_width_mm=92,
        largest_band_pt=9,
    ),
}
# The band never prints smaller than this, however long a category's label.
SMALLEST_BAND_PT = 9
# Letter spacing in the band, 0.3 mm a character, counted when fitting its label.
BAND_LETTER_SPACING_MM = 0.3
# Line heights (em) and the space above each line of the person block (mm), as in the CSS.
ZH_LINE_HEIGHT = 1.15
LATIN_LINE_HEIGHT = 1.2
DETAIL_LINE_HEIGHT = 1.3
LATIN_GAP_MM = 1
DETAIL_GAP_MM = 1.5

# A4 sheets: badges and the gutter between them, in millimetres. The gutter holds 3 mm
# of bleed of each neighbour's band; the margins hold the crop marks.
SHEET_GUTTER_MM = 6
BLEED_MM = 3

# Short band labels of the standard categories; organizers may set their own.
DEFAULT_BADGE_LABELS = {
    "delegate": ("DELEGATE", "代表"),
    "media": ("MEDIA", "媒体"),
    "resident": ("RESIDENT", "市民"),
    "speaker": ("SPEAKER", "嘉宾"),
    "guest": ("GUEST", "来宾"),
    "staff": ("STAFF", "工作人员"),
}


@dataclass(frozen=True)
class Badge:
    """Everything printed on one badge, measured and cut to fit its layout."""

    reference: str
    payload: str
    owner: str
    name_zh_lines: tuple[str, ...]
    name_zh_size: float
    latin_name: str
    latin_size: float
    latin_dir: str
    position: str
    position_dir: str
    organization: str
    organization_dir: str
    detail_size: float
    country: str
    band_en: str
    band_zh: str
    band_size: float
    colour: str
    band_text_colour: str
    edition_name_en: str
    edition_name_zh: str
    edition_year: int

    def fingerprint(self, layout: BadgeLayout) -> str:
        content = json.dumps(
            {**asdict(self), "layout": layout.value, "v": DESIGN_VERSION},
            sort_keys=True,
            ensure_ascii=False,
        )
        return hashlib.sha256(content.encode("utf-8")).hexdigest()

    @property
    def printed_texts(self) -> list[str]:
        return [
            *self.name_zh_lines,
            self.latin_name,
            self.position,
            self.organization,
            self.country,
            self.band_en,
            self.band_zh,
            self.reference,
            self.edition_name_en,
            self.edition_name_zh,
        ]


class BadgeRender(db.Model):
    """A badge PDF rendered ahead of time; `is_stale` once anything printed on it changed."""

    __tablename__ = "badge_renders"
    __table_args__ = (UniqueConstraint("registration_id", "layout"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    layout: Mapped[str] = mapped_column(String(10))
    fingerprint: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    rendered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    is_stale: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    design: Mapped[str] = mapped_column(String(10), default=DESIGN_VERSION)


# ------------------------------------------------------------------- what a badge shows


def badge_label(category: Category) -> tuple[str, str]:
    """The category's short band label (English in capitals, Chinese)."""
    label: Translated | None = category.badge_label
    default = DEFAULT_BADGE_LABELS.get(category.code)
    if label is None and default is not None:
        return default
    if label is None:
        label = category.name
    return fitting.upper(label.in_language("en")), label.in_language("zh")


def band_text_colour(colour: str) -> str:
    """Black on light bands, white on dark ones: whichever contrasts more."""
    luminance = relative_luminance(colour)
    return "#fff" if (1.05 / (luminance + 0.05)) >= ((luminance + 0.05) / 0.05) else "#000"


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def printed_latin_name(registration: Registration) -> str:
    """The Latin name with the family name in capitals of its own language."""
    family = fitting.upper(registration.family_name, registration.country)
    parts = [registration.given_name, family]
    if registration.is_family_name_first:
        parts.reverse()
    return " ".join(part for part in parts if part)


def badge_for(registration: Registration, layout: BadgeLayout = BadgeLayout.A6) -> Badge:
    """What goes on a registration's badge, with sizes and line breaks that fit the layout."""
    size = LAYOUT_SIZES[layout]
    category = registration.category
    edition = registration.edition
    band_en, band_zh = badge_label(category)
    band_en, band_size = _band_fit(band_en, band_zh, size)
    texts = _fit_person(
        registration.name_zh or "",
        printed_latin_name(registration),
        registration.position,
        registration.organization,
        size,
    )
    return Badge(
        reference=registration.formatted_reference,
        payload=make_payload(registration.reference),
        owner=f"{latin_name(registration)} ({registration.formatted_reference})",
        name_zh_lines=texts.name_zh_lines,
        name_zh_size=texts.name_zh_size,
        latin_name=texts.latin_name,
        latin_size=texts.latin_size,
        latin_dir=fitting.direction(texts.latin_name),
        position=texts.position,
        position_dir=fitting.direction(texts.position),
        organization=texts.organization,
        organization_dir=fitting.direction(texts.organization),
        detail_size=texts.detail_size,
        country=(
            country_name(registration.country, registration.preferred_language)
            if texts.with_country
            else ""
        ),
        band_en=band_en,
        band_zh=band_zh,
        band_size=band_size,
        colour=category.colour,
        band_text_colour=band_text_colour(category.colour),
        edition_name_en=edition.name.in_language("en"),
        edition_name_zh=edition.name.in_language("zh"),
        edition_year=edition.year,
    )


def _band_fit(english: str, chinese: str, size: LayoutSize) -> tuple[str, float]:
    """The band's English label (cut if it must be) and the size both languages fit at."""
    box_pt = size.band_width_mm * fitting.PT_PER_MM

    def width(label: str, points: float) -> float:
        text = f"{label} · {chinese}"
        spacing = BAND_LETTER_SPACING_MM * fitting.PT_PER_MM * len(text)
        return fitting.width_pt(text, points, bold=True) + spacing

    points = size.largest_band_pt
    while points > SMALLEST_BAND_PT and width(english, points) > box_pt:
        points = round(points - 0.5, 1)
    while len(english) > 1 and width(english, points) > box_pt:
        english = english[:-2].rstrip() + fitting.ELLIPSIS
    return english, points


@dataclass(frozen=True)
class PersonTexts:
    name_zh_lines: tuple[str, ...]
    name_zh_size: float
    latin_name: str
    latin_size: float
    position: str
    organization: str
    detail_size: float
    with_country: bool = True


# Each step of squeezing a crowded badge: the scale of the largest name sizes, how many
# lines each detail may take, and whether the country still shows.
SQUEEZE_STEPS = [
    (1.0, None, True),
    (1.0, 2, True),
    (0.85, 2, True),
    (0.7, 2, True),
    (0.7, 1, True),
    (0.55, 1, True),
    (0.4, 1, True),
    (0.4, 1, False),
    (0.4, 0, False),
]


def _fit_person(
    name_zh: str, latin: str, position: str, organization: str, size: LayoutSize
) -> PersonTexts:
    """Names as large as fit, details shrunk then cut, all within the person box.

    Names never go below the layout's floor, which is above every other text on the
    badge; they are never cut.
    """
    box_pt = size.person_width_mm * fitting.PT_PER_MM
    height_pt = size.person_height_mm * fitting.PT_PER_MM
    for scale, detail_lines, with_country in SQUEEZE_STEPS:
        texts = _person_texts(
            name_zh,
            latin,
            position,
            organization,
            size,
            scale,
            size.detail_lines if detail_lines is None else detail_lines,
            with_country,
            size.name_floor_pt,
        )
        if _person_height_pt(texts, size, box_pt) <= height_pt:
            return texts
    # Names at their limits on a small card: below the floor, but still above the band.
    floor = size.name_floor_pt
    while floor > size.name_last_resort_pt:
        floor = round(floor - 0.5, 1)
        texts = _person_texts(name_zh, latin, "", "", size, 0, 0, False, floor)
        if _person_height_pt(texts, size, box_pt) <= height_pt:
            break
    return texts


def _person_texts(
    name_zh: str,
    latin: str,
    position: str,
    organization: str,
    size: LayoutSize,
    scale: float,
    detail_lines: int,
    with_country: bool,
    floor: float,
) -> PersonTexts:
    box_pt = size.person_width_mm * fitting.PT_PER_MM
    zh_lines: tuple[str, ...] = ()
    zh_size = 0.0
    if name_zh:
        zh_largest = max(size.largest_zh_pt * scale, floor)
        zh_size, zh_lines = _name_zh_fit(name_zh, zh_largest, floor, box_pt)
    latin_size = _latin_fit(latin, max(size.largest_latin_pt * scale, floor), floor, box_pt)
    detail = size.detail_pt
    while detail > size.detail_floor_pt and any(
        len(fitting.wrap(text, detail, box_pt)) > detail_lines for text in (position, organization)
    ):
        detail = round(detail - 0.5, 1)
    if detail_lines == 0:
        position = organization = ""
    return PersonTexts(
        name_zh_lines=zh_lines,
        name_zh_size=zh_size,
        latin_name=latin,
        latin_size=latin_size,
        position=fitting.ellipsized(position, detail, box_pt, detail_lines, bold=False),
        organization=fitting.ellipsized(organization, detail, box_pt, detail_lines, bold=True),
        detail_size=detail,
        with_country=with_country,
    )


def _name_zh_fit(
    name: str, largest: float, floor: float, box_pt: float
) -> tuple[float, tuple[str, ...]]:
    """A Chinese name's size and lines: one line if it is big enough there, else broken at ·."""
    points = largest
    # One line while it stays at least half the largest size, then more lines.
    wanted = max(floor, largest / 2)
    while points > floor:
        lines = fitting.name_lines(name, points, box_pt)
        widest = max(fitting.width_pt(line, points, True, True) for line in lines)
        if widest <= box_pt and (len(lines) == 1 or points <= wanted or len(lines) <= 3):
            return points, lines
        points = round(points - 0.5, 1)
    return floor, fitting.name_lines(name, floor, box_pt)


def _latin_fit(name: str, largest: float, floor: float, box_pt: float) -> float:
    """The largest size at which the Latin name takes at most two lines (or the floor)."""
    points = largest
    while points > floor and len(fitting.wrap(name, points, box_pt, bold=True)) > (
        1 if points > largest * 0.7 else 2
    ):
        points = round(points - 0.5, 1)
    return max(points, floor)


def _person_height_pt(texts: PersonTexts, size: LayoutSize, box_pt: float) -> float:
    mm = fitting.PT_PER_MM
    height = 0.0
    for line in texts.name_zh_lines:
        # A line still too wide at the floor wraps between characters in the PDF.
        count = len(fitting.wrap(line, texts.name_zh_size, box_pt, bold=True))
        height += count * texts.name_zh_size * ZH_LINE_HEIGHT
    latin_lines = len(fitting.wrap(texts.latin_name, texts.latin_size, box_pt, bold=True))
    height += LATIN_GAP_MM * mm + latin_lines * texts.latin_size * LATIN_LINE_HEIGHT
    for text, bold in ((texts.position, False), (texts.organization, True)):
        if text:
            lines = len(fitting.wrap(text, texts.detail_size, box_pt, bold))
            height += DETAIL_GAP_MM * mm + lines * texts.detail_size * DETAIL_LINE_HEIGHT
    if texts.with_country:
        height += DETAIL_GAP_MM * mm + size.country_pt * DETAIL_LINE_HEIGHT
    return height


# ----------------------------------------------------------------------------- rendering


def badges_html(badges: Sequence[Badge], layout: BadgeLayout) -> str:
    """The HTML WeasyPrint turns into the badges' PDF."""
    return _badges_html(current_app.jinja_env.get_template(BADGES_TEMPLATE), badges, layout)


BADGES_TEMPLATE = "documents/badges.html"


def _badges_html(template: Template, badges: Sequence[Badge], layout: BadgeLayout) -> str:
    size = LAYOUT_SIZES[layout]
    # Encoding a QR code takes segno 2 ms: done here, in the process that renders.
    codes = {badge.payload: qr_png_uri(badge.payload) for badge in badges}
    return template.render(
        badges=badges,
        layout=layout.value,
        size=size,
        codes=codes,
        font_stack=Markup(FONT_STACK),
        cjk_font_stack=Markup(CJK_FONT_STACK),
        sheet=_sheet_geometry(size),
        bleed=BLEED_MM,
        title=f"Badges {badges[0].edition_year}" if badges else "Badges",
    )


@dataclass(frozen=True)
class SheetGeometry:
    """Where the four badges of an A4 sheet and their cut lines are, in millimetres."""

    lefts: tuple[float, float]
    tops: tuple[float, float]
    cuts_x: tuple[float, ...]
    cuts_y: tuple[float, ...]
    margin_x: float
    margin_y: float


def _sheet_geometry(size: LayoutSize) -> SheetGeometry:
    margin_x = (210 - 2 * size.width_mm - SHEET_GUTTER_MM) / 2
    margin_y = (297 - 2 * size.height_mm - SHEET_GUTTER_MM) / 2
    lefts = (margin_x, margin_x + size.width_mm + SHEET_GUTTER_MM)
    tops = (margin_y, margin_y + size.height_mm + SHEET_GUTTER_MM)
    return SheetGeometry(
        lefts=lefts,
        tops=tops,
        cuts_x=tuple(x for left in lefts for x in (left, left + size.width_mm)),
        cuts_y=tuple(y for top in tops for y in (top, top + size.height_mm)),
        margin_x=margin_x,
        margin_y=margin_y,
    )


def _check_fonts(badges: Sequence[Badge]) -> None:
    for badge in badges:
        require_fonts_for(badge.printed_texts, owner=badge.owner)


def render_badges(badges: Sequence[Badge], layout: BadgeLayout) -> bytes:
    """One PDF with every badge in order; raises MissingFont rather than print tofu."""
    if not badges:
        raise ValueError("no badges to render")
    _check_fonts(badges)
    # Whole A4 sheets per chunk (CHUNK_SIZE is a multiple of 4); one document per chunk
    # keeps each process's memory to what a chunk needs.
    chunks = [badges[start : start + CHUNK_SIZE] for start in range(0, len(badges), CHUNK_SIZE)]
    if len(chunks) == 1:
        return html_to_pdf(badges_html(badges, layout), BADGE_USER_AGENT_CSS)
    template = current_app.jinja_env.get_template(BADGES_TEMPLATE)
    # Joining reads each chunk as it arrives, while the later chunks are still rendering.
    pdfs = _render_in_parallel(template, [(chunk, layout) for chunk in chunks])
    return join_pdfs(pdfs, title=f"Badges {badges[0].edition_year}")


# The template of the batch being rendered, for the forked processes that render it:
# they inherit it with the rest of the parent's memory and need no app of their own.
_forked_template: Template | None = None


def _render_chunk(chunk: tuple[Sequence[Badge], BadgeLayout]) -> bytes:
    assert _forked_template is not None
    return html_to_pdf(_badges_html(_forked_template, *chunk), BADGE_USER_AGENT_CSS)


def _render_in_parallel(
    template: Template, chunks: list[tuple[Sequence[Badge], BadgeLayout]]
) -> Iterator[bytes]:
    """PDFs of several chunks of badges, in order, as each is done, using every core.

    WeasyPrint is pure Python and holds the GIL, so only processes run it in parallel.
    The children are forked: they inherit the loaded fonts and the template.
    """
    global _forked_template
    processes = min(len(chunks), os.cpu_count() or 1)
    if processes < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for chunk in chunks:
            yield html_to_pdf(_badges_html(template, *chunk), BADGE_USER_AGENT_CSS)
        return
    _forked_template = template
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
            yield from pool.map(_render_chunk, chunks)
    finally:
        _forked_template = None


# ------------------------------------------------------------------------ stored badges


def badge_pdf(registration: Registration, layout: BadgeLayout = BadgeLayout.A6) -> bytes:
    """The registration's badge: the stored copy when it is current, else rendered now.

    A stored copy is current unless a change marked it stale (`_mark_stale_badges`) or
    the design changed since, so the desk reads it without measuring anything. A fresh
    render is added to the session (flushed); the caller commits.
    """
    stored = db.session.scalars(
        select(BadgeRender).where(
            BadgeRender.registration_id == registration.id, BadgeRender.layout == layout.value
        )
    ).first()
    if stored is not None and not stored.is_stale and stored.design == DESIGN_VERSION:
        return stored.pdf
    badge = badge_for(registration, layout)
    pdf = render_badges([badge], layout)
    _store(registration.id, layout, badge.fingerprint(layout), pdf, stored)
    return pdf


def _store(
    registration_id: int,
    layout: BadgeLayout,
    fingerprint: str,
    pdf: bytes,
    stored: BadgeRender | None,
) -> None:
    if stored is None:
        stored = BadgeRender(registration_id=registration_id, layout=layout.value)
        db.session.add(stored)
    stored.fingerprint = fingerprint
    stored.pdf = pdf
    stored.rendered_at = datetime.now(UTC)
    stored.is_stale = False
    stored.design = DESIGN_VERSION
    db.session.flush()


def stale_registration_ids(layout: BadgeLayout, limit: int) -> list[int]:
    """Confirmed registrations whose stored badge in `layout` is stale (or a placeholder).

    One query on the is_stale index: its cost grows with the stale badges, not with the
    registrations. Badges still missing are queued by `queue_missing_badges`.
    """
    query = (
        select(BadgeRender.registration_id)
        .join(Registration, Registration.id == BadgeRender.registration_id)
        .where(
            BadgeRender.is_stale,
            BadgeRender.layout == layout.value,
            Registration.status == RegistrationStatus.CONFIRMED.value,
        )
        .order_by(BadgeRender.registration_id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def queue_missing_badges(layout: BadgeLayout = BadgeLayout.A6) -> int:
    """Queue for rendering every confirmed registration's badge that is missing or of an
    older design (a stale placeholder row each); flushes, returns how many were queued.

    The worker runs this once when it starts, which catches up with rows written before
    the flush hook existed or behind the ORM's back; from then on the hooks keep the
    queue current, so the rounds never look at every registration again.
    """
    outdated = list(
        db.session.scalars(
            update(BadgeRender)
            .where(BadgeRender.layout == layout.value, BadgeRender.design != DESIGN_VERSION)
            .values(is_stale=True)
            .returning(BadgeRender.id)
        )
    )
    missing = list(db.session.scalars(_without_render(layout)))
    if missing:
        chosen = select(Registration.id).where(Registration.id.in_(missing))
        db.session.execute(_insert_placeholders(layout, chosen))
    db.session.flush()
    return len(outdated) + len(missing)


def _without_render(layout: BadgeLayout) -> Select:
    rendered = select(BadgeRender.id).where(
        BadgeRender.registration_id == Registration.id, BadgeRender.layout == layout.value
    )
    return select(Registration.id).where(
        Registration.status == RegistrationStatus.CONFIRMED.value, ~rendered.exists()
    )


def _insert_placeholders(layout: BadgeLayout, registration_ids: Select) -> Insert:
    """Stale, empty badge rows for the registrations `registration_ids` selects."""
    ids = registration_ids.subquery()
    return insert(BadgeRender).from_select(
        ["registration_id", "layout", "fingerprint", "pdf", "rendered_at", "is_stale", "design"],
        select(
            ids.c.id,
            literal(layout.value),
            literal(""),
            literal(b"", LargeBinary),
            literal(datetime(2000, 1, 1, tzinfo=UTC), UTCDateTime),
            true(),
            literal(DESIGN_VERSION),
        ),
    )


def prerender_badges(layout: BadgeLayout = BadgeLayout.A6, limit: int = 50) -> int:
    """Render the badges of confirmed registrations whose stored copy is missing or stale.

    The worker calls this between e-mails and commits; returns how many badges it rendered.
    A round with nothing to do is one indexed query.
    """
    ids = stale_registration_ids(layout, limit)
    if not ids:
        return 0
    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.id.in_(ids))
        .options(selectinload(Registration.category), selectinload(Registration.edition))
        .order_by(Registration.id)
    ).all()
    stored = {
        render.registration_id: render
        for render in db.session.scalars(
            select(BadgeRender)
            .where(BadgeRender.layout == layout.value, BadgeRender.registration_id.in_(ids))
            .options(defer(BadgeRender.pdf))
        )
    }
    rendered = 0
    for registration in registrations:
        badge = badge_for(registration, layout)
        try:
            pdf = render_badges([badge], layout)
        except MissingFont as missing:
            # Set aside, not retried every round (it would hold up the queue): the desk
            # gets the error when it asks, and a worker retries it when it next starts.
            current_app.logger.warning("Badge not rendered: %s", missing)
            _set_aside(stored.get(registration.id))
            continue
        _store(registration.id, layout, badge.fingerprint(layout), pdf, stored.get(registration.id))
        rendered += 1
    return rendered


# The design of a badge the installed fonts cannot print: never served, requeued by
# `queue_missing_badges` (it is not the current design).
UNPRINTABLE = "no-font"


def _set_aside(stored: BadgeRender | None) -> None:
    if stored is not None:
        stored.is_stale = False
        stored.design = UNPRINTABLE
        db.session.flush()


# Fields of each model that a badge prints; a change to one stales the badges it is on.
PRINTED_FIELDS = {
    Registration: (
        "given_name",
        "family_name",
        "name_zh",
        "is_family_name_first",
        "organization",
        "position",
        "country",
        "preferred_language",
        "category_id",
        "reference",
    ),
    Category: ("name", "badge_label", "colour"),
    Edition: ("name", "year"),
}


@event.listens_for(Session, "before_flush")
def _mark_stale_badges(session: Session, _context: object, _instances: object) -> None:
    """Mark stored badges stale in the transaction that changes what they print."""
    changed: dict[type, list[int]] = {}
    for instance in session.dirty:
        fields = PRINTED_FIELDS.get(type(instance))
        if fields is None or instance.id is None:
            continue
        state = inspect(instance)
        if any(state.attrs[field].history.has_changes() for field in fields):
            changed.setdefault(type(instance), []).append(instance.id)
    if not changed:
        return
    column = {
        Registration: BadgeRender.registration_id,
        Category: BadgeRender.registration_id.in_(
            select(Registration.id).where(Registration.category_id.in_(changed.get(Category, [])))
        ),
        Edition: BadgeRender.registration_id.in_(
            select(Registration.id).where(Registration.edition_id.in_(changed.get(Edition, [])))
        ),
    }
    for model, ids in changed.items():
        condition = column[model].in_(ids) if model is Registration else column[model]
        session.execute(
            update(BadgeRender)
            .where(condition)
            .values(is_stale=True)
            .execution_options(synchronize_session=False)
        )


# The layout the worker renders ahead of time (the desk's and the attendee's badge).
PRERENDERED_LAYOUT = BadgeLayout.A6


@event.listens_for(Session, "after_flush")
def _queue_new_badges(session: Session, _context: object) -> None:
    """Queue the badge of a registration confirmed in this transaction (new or changed)."""
    confirmed = [
        instance.id
        for instance in [*session.new, *session.dirty]
        if isinstance(instance, Registration)
        and instance.status == RegistrationStatus.CONFIRMED.value
        and (instance in session.new or inspect(instance).attrs.status.history.has_changes())
    ]
    if confirmed:
        missing = _without_render(PRERENDERED_LAYOUT).where(Registration.id.in_(confirmed))
        session.execute(_insert_placeholders(PRERENDERED_LAYOUT, missing))


# ------------------------------------------------------------------------------ batches


@dataclass(frozen=True)
class BadgeFilter:
    """Which registrations a batch prints; every criterion given must hold."""

    edition_id: int
    category_code: str | None = None
    session_id: int | None = None
    only_unprinted: bool = False
    order: BatchOrder = BatchOrder.NAME


def filing_key(registration: Registration) -> tuple:
    """The order the desk files badges in, the speaker index's: by family name, accents
    and case aside ("von Hohenzollern" among the V), a family name in Chinese characters
    by its pinyin (张 among the Z)."""
    family = registration.family_name
    lang = "zh" if needs_cjk(family) else "en"
    return (
        collation_key(family, lang),
        collation_key(registration.given_name, lang),
        registration.reference,
    )


def batch_sort_key(order: BatchOrder) -> Callable[[Registration], Any]:
    """The order a batch prints in: the desk's filing order by name (the speaker index's
    collation, pinyin for Chinese family names), by reference, or by category then name."""
    if order is BatchOrder.REFERENCE:
        return lambda registration: registration.reference
    if order is BatchOrder.CATEGORY:
        return lambda registration: (
            registration.category.position,
            registration.category.code,
            filing_key(registration),
        )
    return filing_key


def registrations_for_batch(criteria: BadgeFilter) -> list[Registration]:
    """Confirmed registrations matching the filter, in the order asked for (name by default)."""
    query = (
        select(Registration)
        .where(
            Registration.edition_id == criteria.edition_id,
            Registration.status == RegistrationStatus.CONFIRMED.value,
        )
        .options(selectinload(Registration.category), selectinload(Registration.edition))
    )
    if criteria.category_code:
        query = query.join(Registration.category).where(Category.code == criteria.category_code)
    if criteria.session_id:
        query = query.where(
            Registration.id.in_(
                select(Seat.registration_id).where(
                    Seat.session_id == criteria.session_id, Seat.status == "confirmed"
                )
            )
        )
    if criteria.only_unprinted:
        query = query.where(Registration.badge_prints == 0)
    return sorted(db.session.scalars(query), key=batch_sort_key(criteria.order))


def record_prints(registrations: Iterable[Registration]) -> None:
    """Count a print for each registration, atomically (two desks may print at once); flushes.

    One `UPDATE ... SET badge_prints = badge_prints + 1`: no read, so no lost count.
    """
    registrations = list(registrations)
    ids = [registration.id for registration in registrations]
    if not ids:
        return
    db.session.execute(
        update(Registration)
        .where(Registration.id.in_(ids))
        .values(badge_prints=Registration.badge_prints + 1)
        .execution_options(synchronize_session=False)
    )
    for registration in registrations:
        db.session.expire(registration, ["badge_prints"])
