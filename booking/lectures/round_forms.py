"""Forms for busy-term rounds (staff): opening a round, and re-running an allocation."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from booking.core.forms import (
    BaseForm,
    LooseDateField,
    WholeNumberField,
    max_length,
    strip,
    whole_number_between,
)
from booking.lectures.round_models import ROUND_NAME_MAX, ROUND_PER_DAY_MAX

SEED = re.compile(r"[0-9a-f]{1,64}")


class RoundForm(BaseForm):
    name = StringField(
        _l("Round name"),
        description=_l("e.g. Autumn term 2026."),
        filters=[strip],
        validators=[DataRequired(_l("Give the round a name.")), max_length(ROUND_NAME_MAX)],
    )
    first_day = LooseDateField(
        _l("First lecture day"), validators=[InputRequired(_l("Enter the first lecture day."))]
    )
    last_day = LooseDateField(
        _l("Last lecture day"),
        description=_l("Included."),
        validators=[InputRequired(_l("Enter the last lecture day."))],
    )
    closes_on = LooseDateField(
        _l("Requests close on"),
        description=_l(
            "The last day requests join the round (before its first lecture day). "
            "Close the round and allocate it after this day."
        ),
        validators=[InputRequired(_l("Enter the day requests close."))],
    )
    per_day = WholeNumberField(
        _l("Lectures a day"),
        description=_l(
            "How many lectures each day can take in the round, lectures already booked included "
            "(never more than the bureau's daily cap)."
        ),
        validators=[
            InputRequired(_l("Enter how many lectures a day.")),
            whole_number_between(1, ROUND_PER_DAY_MAX, _l("Enter a number from 1 to 20.")),
        ],
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        first, last, closes = self.first_day.data, self.last_day.data, self.closes_on.data
        if first and last and last < first:
            self.last_day.errors.append(str(_l("The last day must not be before the first day.")))
        if first and closes and closes >= first:
            self.closes_on.errors.append(str(_l("Requests must close before the round's first lecture day.")))
        return valid and not self.has_errors


class RerunForm(BaseForm):
    """Sent by GET: nothing changes, so no CSRF token is needed."""

    class Meta(BaseForm.Meta):
        csrf = False

    seed = StringField(
        _l("Seed"),
        description=_l("The seed recorded in the audit log (letters a–f and digits)."),
        filters=[strip, lambda value: value.lower() if isinstance(value, str) else value],
        validators=[
            Optional(),
            Length(max=64),
            Regexp(
                SEED.pattern + "$", message=_l("Enter the seed as recorded: up to 64 letters a–f and digits.")
            ),
        ],
    )
