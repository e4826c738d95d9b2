"""Forms of the programme editor. Times are typed in the edition's zone (ZonedForm)."""

from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from forum.admin.fields import (
    TranslatedField,
    ZonedDateTimeField,
    ZonedForm,
    clean_multiline,
    clean_text,
    no_control_characters,
)
from forum.agenda.labels import ROLE_LABELS, SESSION_KIND_LABELS, TALK_KIND_LABELS
from forum.registration.forms import DetailsForm, email_field, registration_data
from forum.registration.models import Category
from forum.registration.services import RegistrationData


def _text(label: Any, max_length: int, required: bool = False) -> StringField:
    presence = DataRequired(_l("Please fill this in.")) if required else Optional()
    return StringField(
        label,
        filters=[clean_text],
        validators=[presence, Length(max=max_length), no_control_characters],
    )


def _notes() -> TextAreaField:
    return TextAreaField(
        _l("Staff notes (never shown to visitors)"),
        filters=[clean_multiline],
        validators=[Optional(), Length(max=5000), no_control_characters],
    )


def _capacity(label: Any) -> IntegerField:
    return IntegerField(
        label,
        validators=[
            Optional(),
            NumberRange(min=0, max=100000, message=_l("Please enter 0 or more.")),
        ],
    )


class VersionedForm(ZonedForm):
    # The version the form was loaded at; a save over a newer one is refused.
    version = HiddenField()

    def expected_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None

    def values(self) -> dict[str, Any]:
        """What the services take: field name -> value, times in UTC."""
        skip = {"version", "csrf_token"}
        values: dict[str, Any] = {}
        for field in self:
            if field.name in skip or isinstance(field, FileField):
                continue
            values[field.name] = field.utc if isinstance(field, ZonedDateTimeField) else field.data
        return values


def _valid_timezone(form: Any, field: Any) -> None:
    if field.data not in available_timezones():
        raise ValidationError(_l("Please give a time zone such as Asia/Shanghai."))


class EditionForm(VersionedForm):
    year = IntegerField(
        _l("Year"),
        validators=[DataRequired(_l("Please fill this in.")), NumberRange(min=2000, max=2100)],
    )
    name = TranslatedField(_l("Forum name"), required=True, max_length=200)
    starts_on = DateField(_l("First day"), validators=[DataRequired(_l("Please fill this in."))])
    ends_on = DateField(_l("Last day"), validators=[DataRequired(_l("Please fill this in."))])
    timezone = _text(_l("Time zone"), 64, required=True)
    venue = TranslatedField(_l("Venue"), required=True, max_length=200)
    city = TranslatedField(_l("City"), required=True, max_length=100)
    permanent_theme = TranslatedField(_l("Permanent theme"), required=True, max_length=200)
    special_theme = TranslatedField(_l("Special theme"), max_length=300)
    introduction = TranslatedField(_l("Introduction"), multiline=True, max_length=5000)
    registration_opens_at = ZonedDateTimeField(_l("Registration opens"), validators=[Optional()])
    registration_closes_at = ZonedDateTimeField(_l("Registration closes"), validators=[Optional()])
    are_attendee_badges_open = BooleanField(_l("Attendees may download their badges"))
    staff_notes = _notes()

    def validate_timezone(self, field: Any) -> None:
        _valid_timezone(self, field)


class RoomForm(VersionedForm):
    code = _text(_l("Short code"), 40, required=True)
    name = TranslatedField(_l("Room name"), required=True, max_length=200)
    capacity = _capacity(_l("Seats"))


class SessionForm(VersionedForm):
    kind = SelectField(_l("Kind"), choices=[])
    title = TranslatedField(_l("Title"), required=True, max_length=300)
    summary = TranslatedField(_l("Summary"), multiline=True, max_length=5000)
    starts_at = ZonedDateTimeField(
        _l("Starts"), validators=[DataRequired(_l("Please fill this in."))]
    )
    ends_at = ZonedDateTimeField(_l("Ends"), validators=[DataRequired(_l("Please fill this in."))])
    room_id = SelectField(
        _l("Room"), choices=[], coerce=lambda value: int(value) if value else None
    )
    capacity = _capacity(_l("Capacity (empty: no limit)"))
    is_published = BooleanField(_l("Published"))
    staff_notes = _notes()

    def fill_choices(self, rooms: list[Any]) -> None:
        self.kind.choices = [
            (kind.value, str(label)) for kind, label in SESSION_KIND_LABELS.items()
        ]
        self.room_id.choices = [
            SelectChoice("", str(_l("No room"))),
            *(SelectChoice(room.id, str(room.name)) for room in rooms),
        ]


class TalkForm(VersionedForm):
    kind = SelectField(_l("Kind"), choices=[])
    title = TranslatedField(_l("Title"), required=True, max_length=300)
    summary = TranslatedField(_l("Summary"), multiline=True, max_length=5000)
    starts_at = ZonedDateTimeField(_l("Starts (empty: with the session)"), validators=[Optional()])
    ends_at = ZonedDateTimeField(_l("Ends"), validators=[Optional()])

    def fill_choices(self) -> None:
        self.kind.choices = [
            SelectChoice(kind.value, str(label)) for kind, label in TALK_KIND_LABELS.items()
        ]


PARTICIPANT_ROWS = 8


def role_choices() -> list[tuple[str, str]]:
    return [(role.value, str(label)) for role, label in ROLE_LABELS.items()]


class SpeakerForm(VersionedForm):
    given_name = _text(_l("Given name (Latin script)"), 120)
    family_name = _text(_l("Family name (Latin script)"), 120, required=True)
    name_zh = _text(_l("Chinese name"), 60)
    is_family_name_first = BooleanField(_l("Family name first in Latin script (Zhang Wei)"))
    honorific = TranslatedField(_l("Honorific"), max_length=60)
    position = TranslatedField(_l("Position"), max_length=300)
    affiliation = TranslatedField(_l("Organization"), max_length=300)
    bio = TranslatedField(_l("Biography"), multiline=True, max_length=5000)
    country = SelectField(_l("Country"), choices=[], validators=[Optional()])
    is_published = BooleanField(_l("Published"))
    staff_notes = _notes()
    photo_upload = FileField(_l("Photo (JPEG, PNG or WebP, at most 5 MB)"))

    def fill_choices(self, countries: tuple[tuple[str, str], ...]) -> None:
        self.country.choices = [
            SelectChoice("", "—"),
            *(SelectChoice(code, name) for code, name in countries),
        ]

    def values(self) -> dict[str, Any]:
        values = super().values()
        values["country"] = values.get("country") or None
        values["name_zh"] = values.get("name_zh") or None
        return values


# ---------------------------------------------------------------------- registrations


class StaffRegistrationForm(DetailsForm):
    """An organizer's registration form: the attendee's details, any category, no consent
    box (the organizer registers them on their behalf) and no rate limit."""

    email = email_field()
    category = SelectField(_l("Category"), validators=[DataRequired()], validate_choice=True)

    def fill_staff_choices(self, lang: str, categories: list[Category]) -> None:
        self.fill_choices(lang)
        self.category.choices = [
            (category.code, category.name.in_language(lang)) for category in categories
        ]

    def to_data(self) -> RegistrationData:
        return registration_data(
            self, email=self.email.data, category=self.category.data, consent=True
        )


class MoveForm(FlaskForm):
    session = SelectField(_l("Move to"), coerce=int, validate_choice=True)
    override_capacity = BooleanField(_l("Seat them even if the session is full"))


class ActionForm(FlaskForm):
    """A button with CSRF protection."""


class CategoryForm(FlaskForm):
    code = StringField(
        _l("Code (letters, digits and dashes; not shown to attendees)"),
        filters=[clean_text],
        validators=[
            DataRequired(_l("Please fill this in.")),
            Length(max=40),
            Regexp(r"^[a-z0-9-]+$", message=_l("Use lower-case letters, digits and dashes.")),
        ],
    )
    name = TranslatedField(_l("Name"), required=True, max_length=200)
    badge_label = TranslatedField(_l("Short label on the badge"), max_length=20)
    colour = StringField(
        _l("Badge colour"),
        validators=[
            DataRequired(_l("Please fill this in.")),
            Regexp(r"^#[0-9a-fA-F]{6}$", message=_l("A colour as #rrggbb, e.g. #2563eb.")),
        ],
    )
    is_public = BooleanField(_l("Offered on the public registration form"))
    needs_approval = BooleanField(_l("Registrations need the organizers' approval"))
    position = IntegerField(_l("Position in lists"), default=0, validators=[Optional()])

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name.data,
            "badge_label": self.badge_label.data,
            "colour": self.colour.data.lower(),
            "is_public": bool(self.is_public.data),
            "needs_approval": bool(self.needs_approval.data),
            "position": self.position.data or 0,
        }


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV or XLSX file of guests"),
        validators=[FileRequired(_l("Please choose a file."))],
    )


class CapacityForm(FlaskForm):
    capacity = _capacity(_l("Capacity"))
