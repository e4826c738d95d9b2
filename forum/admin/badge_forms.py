"""The form that orders a badge batch: the registrations list's filters, a layout, an order.

Every choice is a closed list: a value that is not one of them (a forged or stale form)
fails validation and the page answers 422 with the form, in the visitor's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from forum.admin.fields import clean_text, no_control_characters
from forum.agenda.models import Session
from forum.documents.badges import BadgeLayout, BatchOrder
from forum.documents.batches import BatchCriteria
from forum.registration.labels import registration_status_label
from forum.registration.listing import STATUSES, SessionState
from forum.registration.models import Category

SEARCH_LENGTH = 200

LAYOUT_LABELS = {
    BadgeLayout.A6.value: _l("A6, one badge per page (badge printer)"),
    BadgeLayout.CARD_4X3.value: _l("4 × 3 in card, one per page (badge printer)"),
    BadgeLayout.A4_SHEET.value: _l("A4 sheets of four badges (office printer)"),
}

ORDER_LABELS = {
    BatchOrder.NAME.value: _l("Family name, as the desk files them"),
    BatchOrder.REFERENCE.value: _l("Reference"),
    BatchOrder.CATEGORY.value: _l("Category, then family name"),
}

SEAT_LABELS = {
    "": _l("Seat or waiting"),
    SessionState.CONFIRMED.value: _l("Seat confirmed"),
    SessionState.WAITING.value: _l("On the waiting list"),
}


def _choices(labels: dict[str, Any]) -> list[SelectChoice]:
    return [SelectChoice(value, str(label)) for value, label in labels.items()]


def _any() -> SelectChoice:
    return SelectChoice("", str(_l("Any")))


def _yes_no_choices() -> list[SelectChoice]:
    return [_any(), SelectChoice("yes", str(_l("yes"))), SelectChoice("no", str(_l("no")))]


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def _number(value: str | None) -> int | None:
    return int(value) if value else None


class BadgeBatchForm(FlaskForm):
    # The names are the registrations list's, so its query string fills this form.
    q = StringField(
        _l("Search"),
        filters=[clean_text],
        validators=[Length(max=SEARCH_LENGTH), no_control_characters],
    )
    status = SelectField(_l("Status"), default="")
    category = SelectField(_l("Category"), default="")
    session = SelectField(_l("Sub-forum"), default="")
    session_state = SelectField(_l("Seat"), default="")
    checked_in = SelectField(_l("Checked in"), default="")
    badge_printed = SelectField(_l("Badge printed"), default="")
    layout = SelectField(_l("Layout"), default=BadgeLayout.A6.value)
    order = SelectField(_l("Order"), default=BatchOrder.NAME.value)

    def fill_choices(
        self, categories: Sequence[Category], sessions: Sequence[Session], lang: str
    ) -> None:
        """Every choice, with the edition's categories and sub-forums, in the page's language."""
        self.status.choices = [_any()] + [
            SelectChoice(status, registration_status_label(status)) for status in STATUSES
        ]
        self.category.choices = [_any()] + [
            SelectChoice(str(category.id), category.name.in_language(lang))
            for category in categories
        ]
        self.session.choices = [_any()] + [
            SelectChoice(str(session.id), session.title.in_language(lang)) for session in sessions
        ]
        self.session_state.choices = _choices(SEAT_LABELS)
        self.checked_in.choices = _yes_no_choices()
        self.badge_printed.choices = _yes_no_choices()
        self.layout.choices = _choices(LAYOUT_LABELS)
        self.order.choices = _choices(ORDER_LABELS)

    def criteria(self) -> BatchCriteria:
        """What a valid form asks for."""
        return BatchCriteria(
            text=self.q.data or "",
            status=self.status.data or None,
            category_id=_number(self.category.data),
            session_id=_number(self.session.data),
            session_state=self.session_state.data or None,
            checked_in=_yes_no(self.checked_in.data),
            badge_printed=_yes_no(self.badge_printed.data),
            order=BatchOrder(self.order.data),
        )

    def chosen_layout(self) -> BadgeLayout:
        return BadgeLayout(self.layout.data)
