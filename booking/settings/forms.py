"""Forms for the bureau's settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from booking.core.forms import BaseForm, LooseDateField, LooseTimeField, WholeNumberField, max_length, strip

WHOLE_NUMBER = _l("Enter a whole number.")


def _days(label, description, low: int, high: int) -> WholeNumberField:
    return WholeNumberField(
        label,
        description=description,
        validators=[
            InputRequired(WHOLE_NUMBER),
            NumberRange(low, high, _l("Enter a number from %(min)s to %(max)s.")),
        ],
        render_kw={"inputmode": "numeric"},
    )


class SettingsForm(BaseForm):
    lead_time_days = _days(
        _l("Lead time (days)"),
        _l("Schools must ask at least this many days before the lecture."),
        0,
        365,
    )
    horizon_days = _days(
        _l("Horizon (days)"), _l("Schools can ask for dates up to this many days ahead."), 1, 730
    )
    school_day_start = LooseTimeField(
        _l("Earliest start"),
        description=_l("Japan time, e.g. 08:30."),
        validators=[InputRequired(_l("Enter a time like 08:30."))],
    )
    school_day_end = LooseTimeField(
        _l("Latest start"),
        description=_l("Japan time, e.g. 16:30."),
        validators=[InputRequired(_l("Enter a time like 16:30."))],
    )
    in_person_buffer_minutes = _days(
        _l("Buffer around in-person lectures (minutes)"),
        _l("Travel time a lecturer needs before and after a lecture at a school."),
        0,
        240,
    )
    online_buffer_minutes = _days(
        _l("Buffer around online lectures (minutes)"),
        _l("Time to set up and close an online lecture."),
        0,
        240,
    )
    daily_cap = _days(
        _l("Lectures a day at most"), _l("For the whole bureau, all lecturers together."), 1, 50
    )
    reminder_days = _days(
        _l("Reminder (days before)"),
        _l("Teachers and lecturers are reminded this many days before a lecture."),
        0,
        30,
    )
    visit_lead_days = _days(
        _l("Lead time for study tours (days)"),
        _l("Groups must ask for a visit at least this many days ahead."),
        0,
        365,
    )


class BlackoutDayForm(BaseForm):
    day = LooseDateField(
        _l("Date"),
        validators=[DataRequired(_l("Enter the date like 2026-12-28."))],
    )
    reason = StringField(
        _l("Reason"),
        description=_l("Shown to teachers who pick this day, e.g. year-end closing."),
        filters=[strip],
        validators=[Optional(), max_length(100)],
    )
