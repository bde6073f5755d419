"""Forms for the school directory."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Optional

from booking.core.forms import BaseForm, JapanesePhone, LooseTimeField, max_length, nfkc_strip, strip
from booking.schools.models import MAX_PERIODS, SCHOOL_TYPE_LABELS, WARDS, SchoolType
from booking.schools.periods import Period, schedule_problem


def school_type_choices() -> list[SelectChoice]:
    return [SelectChoice(t.value, SCHOOL_TYPE_LABELS[t]) for t in SchoolType]


def ward_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("(not in the city / not set)")), *(SelectChoice(w) for w in WARDS)]


class SchoolForm(BaseForm):
    name = StringField(
        _l("School name"),
        description=_l("The official name, e.g. 北九州市立小倉中央小学校."),
        filters=[strip],
        validators=[DataRequired(_l("Enter the school's name.")), max_length(100)],
    )
    name_kana = StringField(
        _l("Name in kana"),
        description=_l("Used to sort the list."),
        filters=[strip],
        validators=[Optional(), max_length(100)],
    )
    school_type = SelectField(
        _l("Type"), choices=school_type_choices, validators=[DataRequired(_l("Choose the type of school."))]
    )
    ward = SelectField(_l("Ward"), choices=ward_choices, validators=[Optional()])
    address = StringField(_l("Address"), filters=[strip], validators=[Optional(), max_length(200)])
    phone = StringField(
        _l("Phone"), filters=[nfkc_strip], validators=[Optional(), max_length(20), JapanesePhone()]
    )
    active = BooleanField(
        _l("Shown on the forms"),
        description=_l("Untick for a school that has closed or merged; past requests keep it."),
        default=True,
    )


class ImportForm(BaseForm):
    file = FileField(
        _l("CSV file"),
        description=_l(
            "UTF-8 or Shift_JIS, as saved by Excel. The first row names the columns: 学校名 (name), "
            "種別 (type: 小学校, 中学校, 高等学校, 特別支援学校, その他), and optionally 区 (ward), "
            "住所 (address), ふりがな (name_kana), 電話番号 (phone), 校時 (periods: the bell schedule, "
            "e.g. 1=08:45-09:30;2=09:40-10:25;…; left empty, the school keeps its own or its "
            "type's default). A school already in the directory (same name) is updated."
        ),
        validators=[
            FileRequired(_l("Choose a CSV file.")),
            FileAllowed(["csv", "txt"], _l("Choose a file ending in .csv.")),
        ],
    )


class PeriodsForm(BaseForm):
    """A school's bell schedule: the start and end of each period, blank rows for none.

    Fields period_1_start, period_1_end ... period_8_end (Japan time).
    """

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for number in range(1, MAX_PERIODS + 1):
            start, end = self[f"period_{number}_start"], self[f"period_{number}_end"]
            if start.errors or end.errors:
                continue
            if bool(start.data) != bool(end.data):
                (end if start.data else start).errors.append(str(_l("Give both the start and the end.")))
            elif start.data and end.data <= start.data:
                end.errors.append(str(_l("The period must end after it starts.")))
        if not self.has_errors:
            problem = schedule_problem(self.periods())
            if problem:
                self.form_errors_extra.append(
                    str(_l("The periods cannot be saved: %(problem)s.", problem=problem))
                )
        return valid and not self.has_errors

    def periods(self) -> tuple[Period, ...]:
        """The rows filled in, numbered as on the page."""
        return tuple(
            Period(number, self[f"period_{number}_start"].data, self[f"period_{number}_end"].data)
            for number in range(1, MAX_PERIODS + 1)
            if self[f"period_{number}_start"].data and self[f"period_{number}_end"].data
        )

    @staticmethod
    def data_of(periods) -> dict:
        """The form's data for a schedule (to show it)."""
        data = {}
        for period in periods:
            data[f"period_{period.number}_start"] = period.starts_at
            data[f"period_{period.number}_end"] = period.ends_at
        return data


for _number in range(1, MAX_PERIODS + 1):
    setattr(
        PeriodsForm,
        f"period_{_number}_start",
        LooseTimeField(_l("Period %(n)d starts", n=_number), validators=[Optional()]),
    )
    setattr(
        PeriodsForm,
        f"period_{_number}_end",
        LooseTimeField(_l("Period %(n)d ends", n=_number), validators=[Optional()]),
    )
