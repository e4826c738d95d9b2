"""Badges as PDF: one per page for badge printers, or four A6 badges on an A4 sheet.

Rendering a badge takes WeasyPrint a tenth of a second once its fonts are loaded, and
most of a second in a fresh process. The desk cannot make a queue wait for that, so a
badge is rendered ahead of time (by the worker, when a registration is confirmed or
changed) and kept in `badge_renders` under a fingerprint of everything printed on it;
any change to a printed field changes the fingerprint, and the stale copy is ignored.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum

from flask import render_template
from markupsafe import Markup
from sqlalchemy import ForeignKey, Integer, LargeBinary, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, selectinload

from forum.columns import UTCDateTime
from forum.documents.fonts import FONT_STACK, fitting_size, require_fonts_for
from forum.documents.pdf import html_to_pdf, join_pdfs
from forum.documents.qr import make_payload, qr_svg
from forum.extensions import db
from forum.i18n import country_name
from forum.names import latin_name, latin_name_html
from forum.registration.models import Category, Registration, RegistrationStatus, Seat

# Bump when the badge template or its CSS changes, so every stored badge is redrawn.
DESIGN_VERSION = "3"
# WeasyPrint lays out a whole document at once; chunks keep memory flat on big batches.
CHUNK_SIZE = 100


class BadgeLayout(StrEnum):
    A6 = "a6"
    CARD_4X3 = "4x3"
    A4_SHEET = "a4"


@dataclass(frozen=True)
class LayoutSize:
    """Where the name must fit on a layout, in millimetres, and how large it may be."""

    name_width_mm: float
    largest_zh_pt: float
    largest_latin_pt: float
    qr_mm: float
    band_width_mm: float
    largest_band_pt: float


LAYOUT_SIZES = {
    BadgeLayout.A6: LayoutSize(
        name_width_mm=89,
        largest_zh_pt=40,
        largest_latin_pt=24,
        qr_mm=28,
        band_width_mm=95,
        largest_band_pt=13,
    ),
    BadgeLayout.A4_SHEET: LayoutSize(
        name_width_mm=85,
        largest_zh_pt=38,
        largest_latin_pt=22,
        qr_mm=26,
        band_width_mm=95,
        largest_band_pt=13,
    ),
    BadgeLayout.CARD_4X3: LayoutSize(
        name_width_mm=64,
        largest_zh_pt=30,
        largest_latin_pt=18,
        qr_mm=22,
        band_width_mm=92,
        largest_band_pt=10,
    ),
}
# Width and height of one badge on each layout (on A4, a quarter of the sheet).
BADGE_SIZES = {
    BadgeLayout.A6: ("105mm", "148mm"),
    BadgeLayout.A4_SHEET: ("105mm", "148.5mm"),
    BadgeLayout.CARD_4X3: ("101.6mm", "76.2mm"),
}
# Letter spacing in the band, 0.4 mm a character, counted when fitting its label.
BAND_LETTER_SPACING_MM = 0.4


@dataclass(frozen=True)
class Badge:
    """Everything printed on one badge, ready for the template."""

    reference: str
    payload: str
    latin_name: str
    latin_name_html: str
    latin_size: float
    name_zh: str | None
    name_zh_size: float
    position: str
    organization: str
    country: str
    category_en: str
    category_zh: str
    category_size: float
    colour: str
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


class BadgeRender(db.Model):
    """A badge PDF rendered ahead of time, valid while its fingerprint matches."""

    __tablename__ = "badge_renders"
    __table_args__ = (UniqueConstraint("registration_id", "layout"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    layout: Mapped[str] = mapped_column(String(10))
    fingerprint: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    rendered_at: Mapped[datetime] = mapped_column(UTCDateTime)


def badge_for(registration: Registration, layout: BadgeLayout = BadgeLayout.A6) -> Badge:
    """What goes on a registration's badge, with name sizes that fit the layout."""
    size = LAYOUT_SIZES[layout]
    name = latin_name(registration)
    category = registration.category
    edition = registration.edition
    return Badge(
        reference=registration.formatted_reference,
        payload=make_payload(registration.reference),
        latin_name=name,
        latin_name_html=str(latin_name_html(registration)),
        latin_size=fitting_size(name.upper(), size.name_width_mm, size.largest_latin_pt, 9),
        name_zh=registration.name_zh,
        name_zh_size=(
            # The template sets the Chinese name in Noto Sans CJK SC, so measure it in that font.
            fitting_size(
                registration.name_zh,
                size.name_width_mm,
                size.largest_zh_pt,
                12,
                cjk_first=True,
            )
            if registration.name_zh
            else 0
        ),
        position=registration.position,
        organization=registration.organization,
        country=country_name(registration.country, registration.preferred_language),
        category_en=category.name.in_language("en"),
        category_zh=category.name.in_language("zh"),
        category_size=_band_size(
            category.name.in_language("en").upper(), category.name.in_language("zh"), size
        ),
        colour=category.colour,
        edition_name_en=edition.name.in_language("en"),
        edition_name_zh=edition.name.in_language("zh"),
        edition_year=edition.year,
    )


def _band_size(english: str, chinese: str, size: LayoutSize) -> float:
    """A category label as large as fits on one line of the band (long ones shrink)."""
    label = f"{english} · {chinese}"
    spacing = BAND_LETTER_SPACING_MM * len(label)
    width = max(size.band_width_mm - spacing, 10)
    return fitting_size(label, width, size.largest_band_pt, 5)


def badges_html(badges: Sequence[Badge], layout: BadgeLayout) -> str:
    """The HTML WeasyPrint turns into the badges' PDF."""
    size = LAYOUT_SIZES[layout]
    codes = {badge.payload: qr_svg(badge.payload, size.qr_mm) for badge in badges}
    return render_template(
        "documents/badges.html",
        badges=badges,
        layout=layout.value,
        codes=codes,
        font_stack=Markup(FONT_STACK),
        badge_width=BADGE_SIZES[layout][0],
        badge_height=BADGE_SIZES[layout][1],
        title=f"Badges {badges[0].edition_year}" if badges else "Badges",
    )


def _check_fonts(badges: Sequence[Badge]) -> None:
    texts = []
    for badge in badges:
        texts += [
            badge.latin_name,
            badge.name_zh or "",
            badge.position,
            badge.organization,
            badge.country,
            badge.category_zh,
        ]
    require_fonts_for(texts)


def render_badges(badges: Sequence[Badge], layout: BadgeLayout) -> bytes:
    """One PDF with every badge in order; raises MissingFont rather than print tofu."""
    if not badges:
        raise ValueError("no badges to render")
    _check_fonts(badges)
    # Whole A4 sheets per chunk, so a chunk boundary never splits a sheet.
    chunks = [badges[start : start + CHUNK_SIZE] for start in range(0, len(badges), CHUNK_SIZE)]
    if len(chunks) == 1:
        return html_to_pdf(badges_html(badges, layout))
    pages = [badges_html(chunk, layout) for chunk in chunks]
    return join_pdfs(_render_in_parallel(pages), title=f"Badges {badges[0].edition_year}")


def _render_in_parallel(documents: list[str]) -> list[bytes]:
    """PDFs of several HTML documents, in order, using every core for big batches.

    WeasyPrint is pure Python and holds the GIL, so only processes run it in parallel.
    The children are forked: they inherit the loaded fonts and need no app of their own.
    """
    processes = min(len(documents), os.cpu_count() or 1)
    if processes < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [html_to_pdf(html) for html in documents]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
        return list(pool.map(html_to_pdf, documents))


def badge_pdf(registration: Registration, layout: BadgeLayout = BadgeLayout.A6) -> bytes:
    """The registration's badge: the stored copy when it is current, else rendered now."""
    badge = badge_for(registration, layout)
    fingerprint = badge.fingerprint(layout)
    stored = db.session.scalars(
        select(BadgeRender).where(
            BadgeRender.registration_id == registration.id, BadgeRender.layout == layout.value
        )
    ).first()
    if stored is not None and stored.fingerprint == fingerprint:
        return stored.pdf
    pdf = render_badges([badge], layout)
    _store(registration, layout, fingerprint, pdf, stored)
    return pdf


def _store(
    registration: Registration,
    layout: BadgeLayout,
    fingerprint: str,
    pdf: bytes,
    stored: BadgeRender | None,
) -> None:
    if stored is None:
        stored = BadgeRender(registration_id=registration.id, layout=layout.value)
        db.session.add(stored)
    stored.fingerprint = fingerprint
    stored.pdf = pdf
    stored.rendered_at = datetime.now(UTC)
    db.session.commit()


def prerender_badges(layout: BadgeLayout = BadgeLayout.A6, limit: int = 50) -> int:
    """Render the badges of confirmed registrations whose stored copy is missing or stale.

    The worker calls this between e-mails; returns how many badges it rendered.
    """
    rendered = 0
    stored = {
        render.registration_id: render
        for render in db.session.scalars(
            select(BadgeRender).where(BadgeRender.layout == layout.value)
        )
    }
    for registration in confirmed_registrations():
        badge = badge_for(registration, layout)
        fingerprint = badge.fingerprint(layout)
        current = stored.get(registration.id)
        if current is not None and current.fingerprint == fingerprint:
            continue
        _store(registration, layout, fingerprint, render_badges([badge], layout), current)
        rendered += 1
        if rendered >= limit:
            break
    return rendered


def confirmed_registrations(edition_id: int | None = None) -> list[Registration]:
    query = (
        select(Registration)
        .where(Registration.status == RegistrationStatus.CONFIRMED.value)
        .options(selectinload(Registration.category), selectinload(Registration.edition))
        .order_by(Registration.id)
    )
    if edition_id is not None:
        query = query.where(Registration.edition_id == edition_id)
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class BadgeFilter:
    """Which registrations a batch prints; every criterion given must hold."""

    edition_id: int
    category_code: str | None = None
    session_id: int | None = None
    only_unprinted: bool = False


def registrations_for_batch(criteria: BadgeFilter) -> list[Registration]:
    """Confirmed registrations matching the filter, ordered by family and given name."""
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
    query = query.order_by(Registration.family_name, Registration.given_name, Registration.id)
    return list(db.session.scalars(query))


def record_prints(registrations: Iterable[Registration]) -> None:
    """Count a print for each registration (the 'not yet printed' filter reads it); commits."""
    for registration in registrations:
        registration.badge_prints += 1
    db.session.commit()
