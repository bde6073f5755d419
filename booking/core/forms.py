"""Form pieces every feature uses: field types, filters, and putting service errors on forms.

Input is read one way everywhere: numbers in ASCII or full-width digits only
(booking.core.numbers), dates within EARLIEST_DATE..LATEST_DATE, email addresses any mail server takes,
and single-line fields on one line.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time

import phonenumbers
from babel import support
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, SelectMultipleField, StringField, TextAreaField
from wtforms.i18n import messages_path
from wtforms.validators import Length, ValidationError
from wtforms.widgets import CheckboxInput, DateInput, ListWidget, NumberInput, TextInput, TimeInput

from booking.core.errors import DomainError
from booking.core.numbers import LARGEST_ID, parse_digits
from booking.core.time import JST

# Dates anyone may type: far enough for history and planning, near enough that adding days,
# buffers or time zones never leaves what a date can hold.
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2100, 12, 31)


def record_id(value: object) -> int:
    """`coerce` for choices naming a record by id: a positive whole number a database holds."""
    number = value if isinstance(value, int) and not isinstance(value, bool) else parse_digits(value)
    if number is None or not 1 <= number <= LARGEST_ID:
        raise ValueError(str(_l("Choose from the list.")))
    return number


def _only_plain_digits(text: str) -> bool:
    """No numeric character but ASCII and full-width digits (NFKC would turn ² or ① into 2, 1)."""
    return not any(ch.isnumeric() and not ("0" <= ch <= "9" or "０" <= ch <= "９") for ch in text)


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


class EmailAddress:
    """An address any mail server delivers to; stored in its ASCII form.

    Refuses addresses that need SMTPUTF8 (テスト@example.jp): most servers cannot deliver
    them. An internationalised domain (name@日本.jp) is fine and kept as name@xn--wgv71a.jp.
    """

    def __init__(self, message: str | None = None) -> None:
        self.message = message

    def __call__(self, form: object, field: Field) -> None:
        if not field.data:
            return
        local_part = field.data.rpartition("@")[0]
        if local_part and not local_part.isascii():
            raise ValidationError(
                _l(
                    "Use an address whose part before the @ has only Latin letters, digits and "
                    "symbols: our emails cannot reach an address with Japanese characters there."
                )
            )
        try:
            result = validate_email(field.data, check_deliverability=False, allow_smtputf8=False)
        except EmailNotValidError:
            raise ValidationError(
                self.message or _l("Enter an email address in the right format, like name@example.jp.")
            ) from None
        field.data = result.ascii_email


def max_length(limit: int) -> Length:
    """The field's longest text (its column's length), with a message in the reader's language."""
    return Length(max=limit, message=_l("Please shorten this to %(max)d characters (it is %(length)d now)."))


def whole_number_between(low: int, high: int, message):
    """A validator: the field's number, when there is one, is from `low` to `high`."""

    def check(form, field) -> None:
        if field.data is not None and not low <= field.data <= high:
            raise ValidationError(str(message))

    return check


# Field types that forgive the ways people type ------------------------------------


class LooseDateField(Field):
    """A date typed as 2026-12-03, 2026/12/3 or 2026年12月3日 (full-width digits too).

    Only dates from EARLIEST_DATE to LATEST_DATE are taken.
    """

    widget = DateInput()

    def __init__(self, label=None, validators=None, invalid_message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.invalid_message = invalid_message or _l("Enter the date like 2026-12-03.")

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data.isoformat() if self.data else ""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        raw = valuelist[0] if valuelist else ""
        text = unicodedata.normalize("NFKC", raw).strip()
        if not text:
            self.raw_data = []  # blank counts as missing for InputRequired
            return
        match = re.fullmatch(
            r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*\(.\))?", text, re.ASCII
        )
        try:
            if match is None or not _only_plain_digits(raw):
                raise ValueError
            day = date(*(int(part) for part in match.groups()))
        except ValueError:
            raise ValueError(str(self.invalid_message)) from None
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            raise ValueError(
                str(
                    _l(
                        "Enter a date between %(first)d and %(last)d.",
                        first=EARLIEST_DATE.year,
                        last=LATEST_DATE.year,
                    )
                )
            )
        self.data = day


class LooseTimeField(Field):
    """A time typed as 10:30, 1030, 10時30分 or 10時 (Japan time)."""

    widget = TimeInput()

    def __init__(self, label=None, validators=None, invalid_message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.invalid_message = invalid_message or _l("Enter the time like 10:30.")

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%H:%M") if self.data else ""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        raw = valuelist[0] if valuelist else ""
        text = unicodedata.normalize("NFKC", raw).strip().replace(" ", "")
        if not text:
            self.raw_data = []  # blank counts as missing for InputRequired
            return
        match = (
            re.fullmatch(r"(\d{1,2})[:時](\d{2})(?::\d{2})?分?", text, re.ASCII)
            or re.fullmatch(r"(\d{1,2})(\d{2})", text, re.ASCII)
            or re.fullmatch(r"(\d{1,2})時()", text, re.ASCII)
        )
        try:
            if match is None or not _only_plain_digits(raw):
                raise ValueError
            hour, minute = match.group(1), match.group(2) or "0"
            self.data = time(int(hour), int(minute))
        except ValueError:
            raise ValueError(str(self.invalid_message)) from None


class LooseIntegerField(Field):
    """A whole number, typed with full-width digits or a unit (120人) if need be."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, invalid_message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.invalid_message = invalid_message or _l("Enter a whole number, like 120.")

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return str(self.data) if self.data is not None else ""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        text = (valuelist[0] if valuelist else "").strip(" \t\r\n\u3000")
        text = re.sub(r"[\s\u3000]*(人|名|people|persons?)$", "", text)
        text = text.replace(",", "").replace("，", "")
        if not text:
            self.raw_data = []  # blank counts as missing for InputRequired
            return
        number = parse_digits(text)
        if number is None:
            raise ValueError(str(self.invalid_message))
        self.data = number


class WholeNumberField(LooseIntegerField):
    """LooseIntegerField shown as a number input (staff forms)."""

    widget = NumberInput()


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes; the macro renders it as a fieldset."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class _WTFormsTranslations:
    """WTForms' own messages in the visitor's language, each catalog read once per process.

    Flask-WTF reads and parses WTForms' catalog again for every request that builds a form.
    """

    def __init__(self) -> None:
        self._loaded: dict[str, support.Translations] = {}

    def _catalog(self) -> support.Translations | None:
        locale = get_locale()
        if locale is None:
            return None
        key = str(locale)
        found = self._loaded.get(key)
        if found is None:
            found = self._loaded[key] = support.Translations.load(messages_path(), [locale], domain="wtforms")
        return found

    def gettext(self, string: str) -> str:
        catalog = self._catalog()
        return string if catalog is None else catalog.ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        catalog = self._catalog()
        if catalog is None:
            return singular if n == 1 else plural
        return catalog.ungettext(singular, plural, n)


_wtforms_translations = _WTFormsTranslations()


class BaseForm(FlaskForm):
    """Adds a place for messages that belong to the whole form, not one field."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return _wtforms_translations

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.form_errors_extra: list[str] = []

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return self.check_single_lines() and valid

    def check_single_lines(self) -> bool:
        """Line breaks only in multi-line fields (text areas); a name or title is one line."""
        valid = True
        for field in self:
            if (
                isinstance(field, StringField)
                and not isinstance(field, TextAreaField)
                and isinstance(field.data, str)
                and ("\n" in field.data or "\r" in field.data)
            ):
                if not isinstance(field.errors, list):
                    field.errors = list(field.errors)
                field.errors.append(str(_l("Write this on one line.")))
                valid = False
        return valid

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


class CandidateDates:
    """Up to three candidates (first required), as the request form asks: a date with its start
    time or, where the form offers them, its periods (never both); no two candidates alike.

    For forms holding the request form's fields candidate_1_date ... candidate_3_time (and
    perhaps candidate_N_periods).
    """

    periods_offered = False

    def _periods_field(self, rank: int) -> Field | None:
        """The candidate's periods field, if the form has one: its `run` is (first, last) or None."""
        return self._fields.get(f"candidate_{rank}_periods")

    def check_candidates(self) -> None:
        seen: dict[tuple, int] = {}
        for rank in (1, 2, 3):
            day_field, time_field = self[f"candidate_{rank}_date"], self[f"candidate_{rank}_time"]
            periods_field = self._periods_field(rank)
            run = periods_field.run if periods_field is not None and not periods_field.errors else None
            if periods_field is not None and periods_field.errors:
                continue
            if time_field.errors:
                continue
            if time_field.data and run:
                periods_field.errors.append(str(_l("Give either a start time or the periods, not both.")))
                continue
            when = time_field.data or run
            if rank == 1 and not when:
                time_field.errors.append(
                    str(
                        _l("Enter the start time, or choose the periods.")
                        if self.periods_offered
                        else _l("Enter the start time.")
                    )
                )
                continue
            if day_field.errors:
                continue
            if rank > 1 and day_field.data and not when:
                time_field.errors.append(
                    str(
                        _l("Enter a start time or the periods for this date too.")
                        if self.periods_offered
                        else _l("Enter a start time for this date too.")
                    )
                )
            elif when and not day_field.data:
                day_field.errors.append(str(_l("Enter a date for this time too.")))
            elif day_field.data and when:
                key = (day_field.data, when)
                if key in seen:
                    day_field.errors.append(
                        str(
                            _l(
                                "This is the same as choice %(n)d. Give a different date or time.",
                                n=seen[key],
                            )
                        )
                    )
                else:
                    seen[key] = rank
        self._name_the_choices()

    def _name_the_choices(self) -> None:
        """Each candidate's messages start with its choice ("Choice 3: ..."), so the summary
        at the top says which of the three dates or times is meant."""
        for rank in (1, 2, 3):
            for part in ("date", "time", "periods"):
                name = f"candidate_{rank}_{part}"
                if name not in self:
                    continue
                field = self[name]
                field.errors = [
                    str(_l("Choice %(n)d: %(problem)s", n=rank, problem=message)) for message in field.errors
                ]

    def candidates(self) -> list[tuple[int, date, time | None, tuple[int, int] | None]]:
        """(rank, date, start time, periods) of each candidate given; time or periods is None."""
        found = []
        for rank in (1, 2, 3):
            day, at = self[f"candidate_{rank}_date"].data, self[f"candidate_{rank}_time"].data
            periods_field = self._periods_field(rank)
            run = periods_field.run if periods_field is not None else None
            if day and (at or run):
                found.append((rank, day, None if run else at, run))
        return found

    def well_formed_candidates(self) -> list[tuple[int, date, time | None, tuple[int, int] | None]]:
        """The candidates typed clearly enough to be judged by the calendar's rules."""
        return [
            found
            for found in self.candidates()
            if not any(
                self[name].errors
                for name in (f"candidate_{found[0]}_{part}" for part in ("date", "time", "periods"))
                if name in self
            )
        ]


class ProposedDates:
    """Up to three dates staff offer instead (fields date_1, time_1 ... date_3, time_3, Japan
    time; the first required by the form): each given whole, no two alike."""

    def check_proposed_dates(self) -> None:
        seen: dict[tuple[date, time], int] = {}
        for n in (1, 2, 3):
            day_field, time_field = self[f"date_{n}"], self[f"time_{n}"]
            if day_field.errors or time_field.errors:
                continue
            if bool(day_field.data) != bool(time_field.data):
                (time_field if day_field.data else day_field).errors.append(
                    str(_l("Give both the date and the start time."))
                )
            elif day_field.data:
                key = (day_field.data, time_field.data)
                if key in seen:
                    day_field.errors.append(str(_l("This is the same as date %(n)d.", n=seen[key])))
                seen[key] = n

    def times(self) -> list[datetime]:
        return [at for _n, at in self.numbered_times()]

    def numbered_times(self) -> list[tuple[int, datetime]]:
        """(n, start) of each date given whole and without a mistake of its own."""
        return [
            (n, datetime.combine(self[f"date_{n}"].data, self[f"time_{n}"].data, tzinfo=JST))
            for n in (1, 2, 3)
            if self[f"date_{n}"].data
            and self[f"time_{n}"].data
            and not self[f"date_{n}"].errors
            and not self[f"time_{n}"].errors
        ]


class ConfirmForm(BaseForm):
    """A bare form for POST buttons (CSRF token only)."""
