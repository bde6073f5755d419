"""Form pieces every feature uses: field types, filters, and putting service errors on forms."""

from __future__ import annotations

import unicodedata

import phonenumbers
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from booking.core.errors import DomainError


def strip(value: object) -> object:
    """Trim surrounding spaces (including full-width ones) from text input."""
    if isinstance(value, str):
        return value.strip(" \t\r\n\u3000")
    return value


def nfkc_strip(value: object) -> object:
    """Normalise full-width digits and letters (e.g. in emails or phone numbers), then trim."""
    if isinstance(value, str):
        return unicodedata.normalize("NFKC", value).strip()
    return value


def lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def normalise_phone(value: str) -> str | None:
    """A Japanese phone number written the usual way (093-582-0000, 090-1234-5678), or None."""
    digits = unicodedata.normalize("NFKC", value or "").strip()
    try:
        number = phonenumbers.parse(digits, "JP")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    if number.country_code == 81:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class JapanesePhone:
    """Accepts landline and mobile numbers in Japanese formats; stores them normalised."""

    def __init__(self, message: str | None = None) -> None:
        self.message = message

    def __call__(self, form: object, field: object) -> None:
        if not field.data:
            return
        normalised = normalise_phone(field.data)
        if normalised is None:
            raise ValidationError(
                self.message or _l("Enter a phone number in Japan, like 093-582-0000 or 090-1234-5678.")
            )
        field.data = normalised


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes; the macro renders it as a fieldset."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class BaseForm(FlaskForm):
    """Adds a place for messages that belong to the whole form, not one field."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.form_errors_extra: list[str] = []

    def add_error(self, error: DomainError | str, field: str | None = None) -> None:
        """Show a service's refusal next to its field, or at the top of the form."""
        message = str(error)
        name = field or (error.field if isinstance(error, DomainError) else None)
        target = getattr(self, name, None) if name else None
        if target is not None and hasattr(target, "errors"):
            if not isinstance(target.errors, list):
                target.errors = list(target.errors)
            target.errors.append(message)
        else:
            self.form_errors_extra.append(message)

    @property
    def all_errors(self) -> list[tuple[str | None, str]]:
        """(field id or None, message) for the error summary at the top of the page."""
        found: list[tuple[str | None, str]] = [(None, m) for m in self.form_errors_extra]
        for field in self:
            for message in field.errors if isinstance(field.errors, list) else []:
                if not isinstance(message, dict | list | tuple):  # skip nested forms' errors
                    found.append((field.id, str(message)))
        return found

    @property
    def has_errors(self) -> bool:
        return bool(self.all_errors)
