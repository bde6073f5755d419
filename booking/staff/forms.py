"""Forms of the staff area: sign-in, passwords, users."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from booking.core.auth import ROLE_LABELS, Role
from booking.core.forms import (
    BaseForm,
    EmailAddress,
    MultiCheckboxField,
    lower,
    max_length,
    nfkc_strip,
    strip,
)
from booking.core.i18n import LANGUAGE_NAMES
from booking.core.time import common_zones, is_valid_zone

EMAIL_REQUIRED = _l("Enter your email address.")
EMAIL_FORMAT = _l("Enter an email address in the right format, like name@example.jp.")
# Long passphrases are welcome; megabytes of one are not (hashing reads all of it).
PASSWORD_MAX = 1000


class LoginForm(BaseForm):
    email = EmailField(
        _l("Email address"),
        filters=[nfkc_strip, lower],
        validators=[DataRequired(EMAIL_REQUIRED), EmailAddress(EMAIL_FORMAT), max_length(254)],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), max_length(PASSWORD_MAX)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class ForgotPasswordForm(BaseForm):
    email = EmailField(
        _l("Email address"),
        filters=[nfkc_strip, lower],
        validators=[DataRequired(EMAIL_REQUIRED), EmailAddress(EMAIL_FORMAT), max_length(254)],
        render_kw={"autocomplete": "username"},
    )


class SetPasswordForm(BaseForm):
    password = PasswordField(
        _l("New password"),
        description=_l("At least 12 characters. A short sentence you can remember works well."),
        validators=[
            DataRequired(_l("Enter a new password.")),
            Length(min=12, message=_l("Use at least 12 characters.")),
            max_length(PASSWORD_MAX),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(_l("Enter the new password again.")),
            EqualTo("password", message=_l("The two passwords are not the same.")),
            max_length(PASSWORD_MAX),
        ],
        render_kw={"autocomplete": "new-password"},
    )


def _validate_zone(form: BaseForm, field: SelectField) -> None:
    if not is_valid_zone(field.data or ""):
        raise ValidationError(_l("Choose a time zone from the list."))


def _language_choices() -> list[SelectChoice]:
    return [SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()]


def _zone_choices() -> list[SelectChoice]:
    return [SelectChoice(zone) for zone in common_zones()]


# Field factories: each form lists its fields in page order (the error summary follows it).
def _language_field() -> SelectField:
    return SelectField(_l("Language for emails"), choices=_language_choices)


def _time_zone_field() -> SelectField:
    return SelectField(
        _l("Time zone"),
        description=_l("Times are shown in Japan time and, when yours differs, also in yours."),
        choices=_zone_choices,
        validate_choice=False,
        validators=[_validate_zone],
    )


def _name_field() -> StringField:
    return StringField(
        _l("Name"),
        filters=[strip],
        validators=[DataRequired(_l("Enter the person's name.")), max_length(100)],
    )


def _roles_field() -> MultiCheckboxField:
    return MultiCheckboxField(
        _l("Roles"),
        description=_l("A person may hold several roles."),
        choices=[SelectChoice(role.value, ROLE_LABELS[role]) for role in Role],
        validators=[DataRequired(_l("Choose at least one role."))],
    )


class PreferencesForm(BaseForm):
    language = _language_field()
    time_zone = _time_zone_field()


class UserForm(BaseForm):
    name = _name_field()
    roles = _roles_field()
    language = _language_field()
    time_zone = _time_zone_field()


class InviteForm(BaseForm):
    email = EmailField(
        _l("Email address"),
        description=_l("The invitation with a link to set a password goes to this address."),
        filters=[nfkc_strip, lower],
        validators=[
            DataRequired(_l("Enter the person's email address.")),
            EmailAddress(EMAIL_FORMAT),
            max_length(254),
        ],
    )
    name = _name_field()
    roles = _roles_field()
    language = _language_field()
    time_zone = _time_zone_field()
