"""Forms for the school directory."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Optional

from booking.core.forms import BaseForm, JapanesePhone, max_length, nfkc_strip, strip
from booking.schools.models import SCHOOL_TYPE_LABELS, WARDS, SchoolType


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
            "住所 (address), ふりがな (name_kana), 電話番号 (phone). A school already in the "
            "directory (same name) is updated."
        ),
        validators=[
            FileRequired(_l("Choose a CSV file.")),
            FileAllowed(["csv", "txt"], _l("Choose a file ending in .csv.")),
        ],
    )
