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
from forum.names import LatinName, has_east_asian_script, pinyin_spelling, suggested_latin_name
from forum.registration.models import Category
from forum.registration.seats import ChoiceSlot
from forum.registration.services import RegistrationData

# Invisible format characters (Unicode category Cf) make a name look like another, sort
# and search wrongly, or display reversed (bidirectional overrides). Only the joiners
# are part of how some scripts are written (Persian, Indic, emoji): they stay.
_JOINERS = frozenset("\u200c\u200d")


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
    """Control characters (Cc), except new lines and tabs where several lines are allowed."""
    return any(
        unicodedata.category(character) == "Cc" and not (allow_newlines and character in "\n\t")
        for character in text
    )


def has_format_characters(text: str) -> bool:
    """Invisible format characters (Cf: zero-width space, direction marks, BOM...) other
    than the zero-width joiner and non-joiner."""
    return any(
        unicodedata.category(character) == "Cf" and character not in _JOINERS for character in text
    )


def _refuse_invisible(text: str | None, allow_newlines: bool) -> None:
    if not text:
        return
    if has_control_characters(text, allow_newlines=allow_newlines):
        raise ValidationError(_l("Please remove the invisible control characters."))
    if has_format_characters(text):
        raise ValidationError(
            _l(
                "Please remove the invisible characters (such as zero-width spaces or "
                "direction marks), which often come along when text is copied."
            )
        )


def no_control_characters(form: Form, field: Field) -> None:
    _refuse_invisible(field.data, allow_newlines=False)


def no_control_characters_multiline(form: Form, field: Field) -> None:
    _refuse_invisible(field.data, allow_newlines=True)


def latin_letters(form: Form, field: Field) -> None:
    """Refuse Chinese characters, kana and Hangul in a name the help text asks in Latin
    letters, suggesting the pinyin of the Chinese name when there is one."""
    if not field.data or not has_east_asian_script(field.data):
        return
    spelled = None
    suggestion = suggested_latin_name(form.name_zh.data) if "name_zh" in form else None
    if suggestion is not None:
        spelled = suggestion.family_name if field.name == "family_name" else suggestion.given_name
    spelled = spelled or pinyin_spelling(field.data)
    if spelled:
        raise ValidationError(
            _l(
                "Please write this name in Latin letters, as in your passport; "
                "in pinyin it would be “%(pinyin)s”.",
                pinyin=spelled,
            )
        )
    raise ValidationError(_l("Please write this name in Latin letters, as in your passport."))


def valid_email(form: Form, field: Field) -> None:
    try:
        checked = validate_email(field.data or "", check_deliverability=False)
    except EmailNotValidError:
        raise ValidationError(
            _l("Please enter a valid e-mail address, such as name@example.com.")
        ) from None
    # Addresses differ by case only in theory; one registration per mailbox in practice.
    field.data = checked.normalized.lower()


def e164_phone(typed: str | None) -> str | None:
    """A phone number as typed ("+86 138 0013 8000") in E.164 ("+8613800138000"), for
    storing; None when it is empty or not a valid international number."""
    if not typed:
        return None
    try:
        number = phonenumbers.parse(typed, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def international_phone(form: Form, field: Field) -> None:
    # The field keeps what was typed, so a page shown again after an error gives it back
    # as the person wrote it; `registration_data` stores the E.164 form.
    if field.data and e164_phone(field.data) is None:
        raise ValidationError(
            _l(
                "Please enter the number in international format, starting with + and the "
                "country code, e.g. +86 138 0013 8000."
            )
        )


def empty(form: Form, field: Field) -> None:
    """The honeypot: people never see this field, so only robots fill it in."""
    if field.data:
        raise ValidationError("")


def text_field(
    label: str,
    max_length: int,
    required: str | None = None,
    description: str | None = None,
    latin: bool = False,
) -> StringField:
    """A one-line text field: trimmed, length-limited, no control or format characters.

    `required` is the message shown when it is left empty; without it the field is optional.
    `latin` refuses Chinese characters, kana and Hangul (for names asked in Latin letters).
    """
    presence = DataRequired(required) if required else Optional()
    validators = [presence, Length(max=max_length), no_control_characters]
    if latin:
        validators.append(latin_letters)
    return StringField(label, filters=[clean_text], validators=validators, description=description)


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
        _l("Given name"), 100, description=_l("In Latin letters, as in your passport."), latin=True
    )
    family_name = text_field(
        _l("Family name"),
        100,
        required=_l("Please enter your family name (or your only name)."),
        description=_l(
            "In Latin letters, as in your passport. If you have only one name, enter it here."
        ),
        latin=True,
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
        validators=[Optional(), Length(max=32), no_control_characters, international_phone],
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

    def latin_name_suggestion(self) -> LatinName | None:
        """The pinyin of the Chinese name typed, offered when the Latin name needs it:
        it is missing, or it was refused for being written in Chinese characters."""
        suggestion = suggested_latin_name(self.name_zh.data)
        if suggestion is None or self.name_zh.errors:
            return None
        latin_fields = (self.family_name, self.given_name)
        if any(field.errors for field in latin_fields) or not self.family_name.data:
            return suggestion
        return None


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
        for slot in slots:
            field = self._fields.get(slot_field_name(slot))
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


def slot_key(slot: ChoiceSlot) -> int:
    """A time slot by the smallest id of its sessions, not by its place in the programme:
    a form opened before an organizer adds, moves or reorders sub-forums still means the
    slot it meant when it is posted."""
    return min(session.id for session in slot.sessions)


def slot_field_name(slot: ChoiceSlot) -> str:
    return f"slot_{slot_key(slot)}"


def registration_form_for(slots: list[ChoiceSlot]) -> type[RegistrationForm]:
    """The sign-up form with one choice per time slot of parallel sessions."""
    return _registration_form_class(tuple(slot_field_name(slot) for slot in slots))


@cache
def _registration_form_class(field_names: tuple[str, ...]) -> type[RegistrationForm]:
    # Built once per set of slots: the fields are unbound declarations, and WTForms
    # caches a form class's field list on the class.
    # No Optional(): it would take " " for no answer and wipe the "not a valid choice"
    # error; "" is itself a choice ("none of them"), so the choice check suffices.
    fields = {
        name: RadioField(_l("Sub-forum"), default="", validate_choice=True) for name in field_names
    }
    return type("RegistrationFormWithSlots", (RegistrationForm,), fields)


def registration_data(form: DetailsForm, **extra: Any) -> RegistrationData:
    """The form's fields as the service's input."""
    return RegistrationData(
        given_name=form.given_name.data or "",
        family_name=form.family_name.data or "",
        name_zh=form.name_zh.data or None,
        is_family_name_first=bool(form.is_family_name_first.data),
        phone=e164_phone(form.phone.data),
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
