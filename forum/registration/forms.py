"""The sign-up form and the forms behind the manage link."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    Form,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from forum.i18n import LANGUAGE_NAMES, country_names
from forum.registration.models import Category
from forum.registration.seats import ChoiceSlot
from forum.registration.services import RegistrationData

# Bidirectional overrides can make a name display as something else on a badge or list.
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def clean_text(value: Any) -> Any:
    """Trim and fold runs of white space; leave non-strings alone."""
    if not isinstance(value, str):
        return value
    return re.sub(r"\s+", " ", value).strip()


def clean_multiline(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    return value.replace("\r\n", "\n").strip()


def has_control_characters(text: str, allow_newlines: bool = False) -> bool:
    for character in text:
        if allow_newlines and character in "\n\t":
            continue
        if unicodedata.category(character) == "Cc" or character in _BIDI_CONTROLS:
            return True
    return False


def no_control_characters(form: Form, field: Field) -> None:
    if field.data and has_control_characters(field.data):
        raise ValidationError(_l("Please remove the invisible control characters."))


def no_control_characters_multiline(form: Form, field: Field) -> None:
    if field.data and has_control_characters(field.data, allow_newlines=True):
        raise ValidationError(_l("Please remove the invisible control characters."))


def valid_email(form: Form, field: Field) -> None:
    try:
        checked = validate_email(field.data or "", check_deliverability=False)
    except EmailNotValidError:
        raise ValidationError(
            _l("Please enter a valid e-mail address, such as name@example.com.")
        ) from None
    # Addresses differ by case only in theory; one registration per mailbox in practice.
    field.data = checked.normalized.lower()


def international_phone(form: Form, field: Field) -> None:
    if not field.data:
        field.data = None
        return
    try:
        number = phonenumbers.parse(field.data, None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _l(
                "Please enter the number in international format, starting with + and the "
                "country code, e.g. +86 138 0013 8000."
            )
        )
    field.data = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def empty(form: Form, field: Field) -> None:
    """The honeypot: people never see this field, so only robots fill it in."""
    if field.data:
        raise ValidationError("")


def text_field(
    label: str,
    max_length: int,
    required: str | None = None,
    description: str | None = None,
) -> StringField:
    """A one-line text field: trimmed, length-limited, no control characters.

    `required` is the message shown when it is left empty; without it the field is optional.
    """
    presence = DataRequired(required) if required else Optional()
    return StringField(
        label,
        filters=[clean_text],
        validators=[presence, Length(max=max_length), no_control_characters],
        description=description,
    )


def notes_field(label: str) -> TextAreaField:
    """A few optional lines of free text (needs we should know about)."""
    return TextAreaField(
        label,
        filters=[clean_multiline],
        validators=[Optional(), Length(max=500), no_control_characters_multiline],
    )


def email_field(description: str | None = None) -> EmailField:
    """A required e-mail address, checked and normalized (see `valid_email`)."""
    return EmailField(
        _l("E-mail"),
        filters=[clean_text],
        validators=[
            DataRequired(_l("Please enter your e-mail address.")),
            Length(max=254),
            valid_email,
        ],
        description=description,
    )


def honeypot_field() -> StringField:
    """Hidden from people by CSS and named to tempt robots; filled in, the post fails."""
    return StringField(_l("Leave this field empty"), validators=[empty])


class DetailsForm(FlaskForm):
    """The attendee's own details: used on sign-up and when correcting them later."""

    given_name = text_field(
        _l("Given name"), 100, description=_l("In Latin letters, as in your passport.")
    )
    family_name = text_field(
        _l("Family name"),
        100,
        required=_l("Please enter your family name (or your only name)."),
        description=_l(
            "In Latin letters, as in your passport. If you have only one name, enter it here."
        ),
    )
    name_zh = text_field(
        _l("Name in Chinese characters"),
        40,
        description=_l("Optional. Printed on your badge as you write it, e.g. 张伟."),
    )
    is_family_name_first = BooleanField(_l("Write my family name first (e.g. Zhang Wei)"))
    phone = StringField(
        _l("Mobile phone"),
        filters=[clean_text],
        validators=[Optional(), Length(max=32), international_phone],
        description=_l("Optional. International format, e.g. +86 138 0013 8000."),
    )
    organization = text_field(
        _l("Organization"), 200, required=_l("Please enter your organization, or “none”.")
    )
    position = text_field(_l("Position"), 200)
    country = SelectField(
        _l("Country or region"),
        validators=[InputRequired(_l("Please choose your country or region."))],
        validate_choice=True,
    )
    preferred_language = RadioField(
        _l("Language for e-mails and your badge"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()],
        validators=[InputRequired(_l("Please choose a language."))],
    )
    dietary_needs = notes_field(_l("Dietary requirements"))
    accessibility_needs = notes_field(_l("Accessibility needs"))

    def fill_choices(self, lang: str) -> None:
        self.country.choices = [("", _l("Choose…")), *country_names(lang)]


class RegistrationForm(DetailsForm):
    email = email_field(
        _l("We send your confirmation and the link to manage your registration here.")
    )
    category = RadioField(
        _l("I am attending as"),
        validators=[InputRequired(_l("Please choose how you are attending."))],
    )
    consent = BooleanField(
        _l("I have read the privacy notice and agree that my data is used to run the forum."),
        validators=[DataRequired(_l("Please agree to the privacy notice to register."))],
    )
    website = honeypot_field()

    def fill_registration_choices(
        self, lang: str, categories: list[Category], slots: list[ChoiceSlot]
    ) -> None:
        self.fill_choices(lang)
        self.category.choices = [
            (category.code, category.name.in_language(lang)) for category in categories
        ]
        self.slot_fields = []
        for index, slot in enumerate(slots):
            field = self._fields.get(f"slot_{index}")
            if field is None:
                continue
            field.choices = [("", _l("None of them"))] + [
                (str(session.id), session.title.in_language(lang)) for session in slot.sessions
            ]
            self.slot_fields.append((slot, field))

    def chosen_session_ids(self) -> list[int]:
        return [int(field.data) for _, field in self.slot_fields if field.data]

    def to_data(self) -> RegistrationData:
        return registration_data(
            self,
            email=self.email.data,
            category=self.category.data,
            consent=bool(self.consent.data),
            session_ids=self.chosen_session_ids(),
        )


@cache
def registration_form_class(slot_count: int) -> type[RegistrationForm]:
    """The sign-up form with one choice per time slot of parallel sessions.

    Built once per number of slots: the fields are unbound declarations, and WTForms
    caches a form class's field list on the class.
    """
    # No Optional(): it would take " " for no answer and wipe the "not a valid choice"
    # error; "" is itself a choice ("none of them"), so the choice check suffices.
    fields = {
        f"slot_{index}": RadioField(_l("Sub-forum"), default="", validate_choice=True)
        for index in range(slot_count)
    }
    return type("RegistrationFormWithSlots", (RegistrationForm,), fields)


def registration_data(form: DetailsForm, **extra: Any) -> RegistrationData:
    """The form's fields as the service's input."""
    return RegistrationData(
        given_name=form.given_name.data or "",
        family_name=form.family_name.data or "",
        name_zh=form.name_zh.data or None,
        is_family_name_first=bool(form.is_family_name_first.data),
        phone=form.phone.data or None,
        organization=form.organization.data or "",
        position=form.position.data or "",
        country=form.country.data,
        preferred_language=form.preferred_language.data,
        dietary_needs=form.dietary_needs.data or "",
        accessibility_needs=form.accessibility_needs.data or "",
        email=extra.pop("email", ""),
        category_code=extra.pop("category", ""),
        consent=extra.pop("consent", False),
        **extra,
    )


class SessionChoiceForm(FlaskForm):
    """Switch to another session of one time slot, or to none."""

    # Without Optional(), for the reason given in registration_form_class.
    session = RadioField(_l("Sub-forum"), validate_choice=True)


class ConfirmForm(FlaskForm):
    """A button with CSRF protection, for cancelling."""


class LostLinkForm(FlaskForm):
    email = email_field()
    website = honeypot_field()
