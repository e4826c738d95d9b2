"""The desk's short walk-in form: enough to register, admit and print a badge."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.validators import InputRequired

from forum.i18n import country_names
from forum.registration.forms import email_field, text_field
from forum.registration.models import Category
from forum.registration.services import RegistrationData


class WalkInForm(FlaskForm):
    given_name = text_field(_l("Given name"), 100, latin=True)
    family_name = text_field(
        _l("Family name"),
        100,
        required=_l("Please enter the family name (or the only name)."),
        latin=True,
    )
    name_zh = text_field(_l("Name in Chinese characters"), 40)
    email = email_field()
    organization = text_field(_l("Organization"), 200)
    country = SelectField(
        _l("Country or region"),
        validators=[InputRequired(_l("Please choose a country or region."))],
        validate_choice=True,
    )
    category = SelectField(
        _l("Category"),
        validators=[InputRequired(_l("Please choose a category."))],
        validate_choice=True,
    )
    nonce = HiddenField()

    def fill_choices(self, lang: str, categories: list[Category]) -> None:
        self.country.choices = [("", _l("Choose…")), *country_names(lang)]
        self.category.choices = [(category.code, str(category.name)) for category in categories]

    def to_data(self, lang: str) -> RegistrationData:
        return RegistrationData(
            given_name=self.given_name.data or "",
            family_name=self.family_name.data or "",
            name_zh=self.name_zh.data or None,
            email=self.email.data or "",
            organization=self.organization.data or "",
            country=self.country.data,
            category_code=self.category.data,
            preferred_language=lang,
            # Asked aloud at the desk before the form is filled in.
            consent=True,
        )
