"""Form fields of the staff area: an English | 中文 pair and times in an edition's zone."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, Field, Form
from wtforms.utils import unset_value
from wtforms.validators import StopValidation, ValidationError

from forum.i18n import LANGUAGE_NAMES, LANGUAGES, Translated

_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _has_control_characters(text: str, multiline: bool) -> bool:
    allowed = "\n\t" if multiline else ""
    return any(
        (unicodedata.category(char) == "Cc" and char not in allowed) or char in _BIDI_CONTROLS
        for char in text
    )


def _clean(text: str, multiline: bool) -> str:
    if multiline:
        return text.replace("\r\n", "\n").strip()
    return re.sub(r"\s+", " ", text).strip()


class TranslatedField(Field):
    """Two inputs side by side, `<name>-en` and `<name>-zh`, edited as one `Translated`.

    Leaving one language empty is allowed (the site falls back to the other); the form
    reports it through `is_half_translated` so the page can warn, never refuse.
    """

    def __init__(
        self,
        label: Any = None,
        validators: Any = None,
        *,
        required: bool = False,
        multiline: bool = False,
        max_length: int = 300,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, validators, **kwargs)
        self.required = required
        self.multiline = multiline
        self.max_length = max_length
        self.texts: dict[str, str] = dict.fromkeys(LANGUAGES, "")

    def input_name(self, lang: str) -> str:
        return f"{self.name}-{lang}"

    def input_id(self, lang: str) -> str:
        return f"{self.id}-{lang}"

    def language_name(self, lang: str) -> str:
        return LANGUAGE_NAMES[lang]

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        self.process_errors = []
        if data is unset_value:
            data = self.default() if callable(self.default) else self.default
        self.object_data = data
        if isinstance(data, Mapping):
            self.texts = {lang: data.get(lang) or "" for lang in LANGUAGES}
        if formdata is not None and any(self.input_name(lang) in formdata for lang in LANGUAGES):
            self.texts = {
                lang: _clean(formdata.get(self.input_name(lang)) or "", self.multiline)
                for lang in LANGUAGES
            }
        self.data = Translated(self.texts) or None

    def pre_validate(self, form: Form) -> None:
        if self.required and not self.data:
            raise StopValidation(_l("Please fill this in, in English or Chinese or both."))
        for text in self.texts.values():
            if len(text) > self.max_length:
                raise StopValidation(
                    _l("Please keep this under %(n)d characters.", n=self.max_length)
                )
            if _has_control_characters(text, self.multiline):
                raise StopValidation(_l("Please remove the invisible control characters."))

    @property
    def is_half_translated(self) -> bool:
        return len(self.data or {}) == 1

    def populate_obj(self, obj: Any, name: str) -> None:
        setattr(obj, name, self.data)


def no_control_characters(form: Form, field: Field) -> None:
    if isinstance(field.data, str) and _has_control_characters(field.data, multiline=True):
        raise ValidationError(_l("Please remove the invisible control characters."))


def clean_text(value: Any) -> Any:
    return _clean(value, multiline=False) if isinstance(value, str) else value


def clean_multiline(value: Any) -> Any:
    return _clean(value, multiline=True) if isinstance(value, str) else value


class ZonedDateTimeField(DateTimeLocalField):
    """A date and time typed in the edition's time zone, handed to services in UTC.

    The zone is the form's `zone_name` (see `ZonedForm`); the browser shows its own
    date-time picker.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("format", ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
        super().__init__(*args, **kwargs)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(getattr(self._form, "zone_name", "UTC"))

    def process_data(self, value: Any) -> None:
        if isinstance(value, datetime) and value.tzinfo is not None:
            value = value.astimezone(self.zone).replace(tzinfo=None)
        super().process_data(value)

    @property
    def utc(self) -> datetime | None:
        """The typed moment in UTC (None when empty)."""
        if self.data is None:
            return None
        return self.data.replace(tzinfo=self.zone).astimezone(UTC)


class ZonedForm(FlaskForm):
    """A form whose ZonedDateTimeFields are read and shown in `zone_name`."""

    def __init__(self, *args: Any, zone_name: str = "UTC", **kwargs: Any) -> None:
        self.zone_name = zone_name
        super().__init__(*args, **kwargs)

    def half_translated_fields(self) -> list[str]:
        """Labels of the English | 中文 fields filled in one language only."""
        return [
            str(field.label.text)
            for field in self
            if isinstance(field, TranslatedField) and field.is_half_translated
        ]
