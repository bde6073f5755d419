"""Forms staff fill in to handle a study-tour request: propose dates, schedule (guides and an
interpreter), reschedule, decline, cancel, record as held.

They check the shape of what was typed; the opening hours, the facilities' room and the
guides' diaries are the services' job.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional

from booking.core.forms import (
    BaseForm,
    LooseDateField,
    LooseIntegerField,
    LooseTimeField,
    MultiCheckboxField,
    ProposedDates,
    max_length,
    record_id,
    strip,
    whole_number_between,
)
from booking.core.time import JST
from booking.visits.models import VisitRequest

# Rows for the visitors' countries when a visit is recorded as held.
COUNTRY_ROWS = 6
# No group is larger (the request form's own limit is lower still).
MAX_VISITORS = 1000
NO_INTERPRETER = ""
INTERPRETER_NAME_MAX = VisitRequest.__table__.c.interpreter_name.type.length
# The slot value of the visit's date as booked now (rescheduling: to change staff only).
CURRENT = "current"


def _message_field(label, description, required: bool = False) -> TextAreaField:
    validators = [DataRequired(_l("Write a short message to the organiser."))] if required else []
    return TextAreaField(
        label, description=description, filters=[strip], validators=[*validators, max_length(2000)]
    )


def _optional_id(value: object) -> int | None:
    """`coerce` for a select whose first choice is "none"."""
    if value in (None, "", NO_INTERPRETER):
        return None
    return record_id(value)


class VisitScheduleForm(BaseForm):
    """Schedule or reschedule: a date (a candidate, a proposed date or another), guides, interpreter."""

    slot = RadioField(_l("Date"), validate_choice=False, validators=[InputRequired(_l("Choose a date."))])
    other_date = LooseDateField(_l("Other date"), validators=[Optional()])
    other_time = LooseTimeField(_l("Start time (Japan time)"), validators=[Optional()])
    guide_ids = MultiCheckboxField(
        _l("Guides"), coerce=record_id, validators=[DataRequired(_l("Choose at least one guide."))]
    )
    interpreter_id = SelectField(
        _l("Interpreter from the staff"),
        coerce=_optional_id,
        validate_choice=False,
        description=_l("Booked like a guide: they must be free at that time."),
    )
    interpreter_name = StringField(
        _l("Or an outside interpreter (name)"),
        description=_l("A person or agency the bureau engages; not booked in the staff diaries."),
        filters=[strip],
        validators=[max_length(INTERPRETER_NAME_MAX)],
    )
    message = _message_field(
        _l("Message to the organiser"), _l("Optional; it goes in the email and on the organiser's page.")
    )

    def __init__(
        self, *args, slots: list[SelectChoice], guides, interpreters, rescheduling: bool = False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.slot.choices = [*slots, SelectChoice("other", _l("Another date and time"))]
        self.slot_values = {choice.value for choice in slots} | {"other"}
        self.guide_ids.choices = guides
        self.interpreter_id.choices = [(NO_INTERPRETER, _l("No staff interpreter")), *interpreters]
        self.interpreter_values = {value for value, _label in interpreters}
        self.rescheduling = rescheduling
        if rescheduling:
            # A moved visit is always explained to the organiser; changing staff only needs no word.
            self.message.label.text = str(_l("Reason for the change (to the organiser)"))
            self.message.description = _l(
                "Needed when the date or time changes; it goes in the email and on the organiser's page."
            )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.slot.data == "other":
            if not self.other_date.data and not self.other_date.errors:
                self.other_date.errors.append(str(_l("Enter the date.")))
            if not self.other_time.data and not self.other_time.errors:
                self.other_time.errors.append(str(_l("Enter the start time.")))
        elif self.slot.data and self.slot.data not in self.slot_values:
            self.slot.errors.append(str(_l("Choose a date.")))
        chosen = self.interpreter_id.data
        if chosen is not None and chosen not in self.interpreter_values and not self.interpreter_id.errors:
            self.interpreter_id.errors.append(str(_l("Choose from the list.")))
        if chosen is not None and self.interpreter_name.data:
            self.interpreter_name.errors.append(
                str(_l("Give either a staff interpreter or an outside one, not both."))
            )
        if chosen is not None and chosen in (self.guide_ids.data or []):
            self.interpreter_id.errors.append(str(_l("A guide cannot also be the interpreter.")))
        if self.rescheduling and self.slot.data != CURRENT and not self.message.data:
            self.message.errors.append(str(_l("Tell the organiser why the visit is moved.")))
        return valid and not self.has_errors

    def starts_at(self, slot_times: dict[str, datetime]) -> datetime:
        if self.slot.data == "other":
            return datetime.combine(self.other_date.data, self.other_time.data, tzinfo=JST)
        return slot_times[self.slot.data]


class VisitProposeForm(ProposedDates, BaseForm):
    """Up to three other dates for the organiser to choose from."""

    date_1 = LooseDateField(_l("Date"), validators=[InputRequired(_l("Enter at least one date."))])
    time_1 = LooseTimeField(
        _l("Start time (Japan time)"), validators=[InputRequired(_l("Enter the start time."))]
    )
    date_2 = LooseDateField(_l("Date"), validators=[Optional()])
    time_2 = LooseTimeField(_l("Start time (Japan time)"), validators=[Optional()])
    date_3 = LooseDateField(_l("Date"), validators=[Optional()])
    time_3 = LooseTimeField(_l("Start time (Japan time)"), validators=[Optional()])
    guide_ids = MultiCheckboxField(
        _l("Guides"),
        coerce=record_id,
        description=_l(
            "Optional: checked against every date now, and booked when the organiser chooses one. "
            "Without them, assign guides after the organiser has chosen."
        ),
    )
    message = _message_field(
        _l("Message to the organiser"),
        _l("Why other dates, and anything the organiser should know. It goes in the email."),
        required=True,
    )

    def __init__(self, *args, guides, **kwargs):
        super().__init__(*args, **kwargs)
        self.guide_ids.choices = guides

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self.check_proposed_dates()
        return valid and not self.has_errors


class VisitReasonForm(BaseForm):
    reason = TextAreaField(
        _l("Reason"),
        description=_l("The organiser reads it in the email and on their page."),
        filters=[strip],
        validators=[DataRequired(_l("Give the reason.")), max_length(2000)],
    )


class VisitCompleteForm(BaseForm):
    """The visit took place: how many came, from which countries, and a note for staff."""

    actual_visitors = LooseIntegerField(
        _l("Actual number of visitors"),
        validators=[
            InputRequired(_l("Enter how many visitors came.")),
            whole_number_between(0, MAX_VISITORS, _l("Enter a number from 0 to %(max)d.", max=MAX_VISITORS)),
        ],
        render_kw={"inputmode": "numeric"},
    )
    held_note = TextAreaField(
        _l("Notes"),
        description=_l("How it went, questions asked, what to do differently. Staff only."),
        filters=[strip],
        validators=[max_length(4000)],
    )

    def __init__(self, *args, countries: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.country_codes = {code for code, _name in countries}
        for n in range(1, COUNTRY_ROWS + 1):
            self[f"country_{n}"].choices = [("", _l("Choose a country or region")), *countries]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        seen: dict[str, int] = {}
        total = 0
        for n, code_field, count_field in self.country_rows():
            code, count = code_field.data or "", count_field.data
            if code_field.errors or count_field.errors:
                continue
            if code and code not in self.country_codes:
                code_field.errors.append(str(_l("Choose from the list.")))
            elif code and count is None:
                count_field.errors.append(str(_l("Enter how many visitors came from there.")))
            elif count is not None and not code:
                code_field.errors.append(str(_l("Choose the country or region.")))
            elif code in seen:
                code_field.errors.append(str(_l("This is the same as row %(n)d.", n=seen[code])))
            elif code:
                seen[code] = n
                total += count
        if (
            seen
            and self.actual_visitors.data is not None
            and not self.actual_visitors.errors
            and total != self.actual_visitors.data
        ):
            self.actual_visitors.errors.append(
                str(
                    _l(
                        "The visitors by country add up to %(total)d, not %(n)d.",
                        total=total,
                        n=self.actual_visitors.data,
                    )
                )
            )
        return valid and not self.has_errors

    def country_rows(self):
        for n in range(1, COUNTRY_ROWS + 1):
            yield n, self[f"country_{n}"], self[f"visitors_{n}"]

    def counts(self) -> dict[str, int]:
        """Visitors by country as entered (valid forms only)."""
        return {f.data: c.data for _n, f, c in self.country_rows() if f.data and c.data is not None}


for _n in range(1, COUNTRY_ROWS + 1):
    setattr(
        VisitCompleteForm,
        f"country_{_n}",
        SelectField(_l("Country or region %(n)d", n=_n), validate_choice=False, default=""),
    )
    setattr(
        VisitCompleteForm,
        f"visitors_{_n}",
        LooseIntegerField(
            _l("Visitors from there"),
            validators=[
                Optional(),
                whole_number_between(
                    0, MAX_VISITORS, _l("Enter a number from 0 to %(max)d.", max=MAX_VISITORS)
                ),
            ],
            render_kw={"inputmode": "numeric"},
        ),
    )
del _n
