"""Forms of selection: a decision, a decline, a feedback note, attendance at an event, the activity report."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional

from booking.core.forms import LARGEST_ID, BaseForm, WholeNumberField, max_length, strip, whole_number_between
from booking.selection.models import FEEDBACK_NOTE_MAX, AttendanceStatus
from booking.youth.models import Application, ApplicationStatus

DECISION_CHOICES = [
    SelectChoice(ApplicationStatus.ACCEPTED.value, _l("Select")),
    SelectChoice(ApplicationStatus.WAITLISTED.value, _l("Waiting list")),
    SelectChoice(ApplicationStatus.NOT_SELECTED.value, _l("Not selected")),
    SelectChoice(ApplicationStatus.SUBMITTED.value, _l("Undecided")),
]


class DecisionForm(BaseForm):
    application_id = WholeNumberField(
        validators=[InputRequired(), whole_number_between(1, LARGEST_ID, _l("Choose from the list."))]
    )
    decision = SelectField(choices=DECISION_CHOICES, validators=[DataRequired()])


class DeclineForm(BaseForm):
    """The student's decline of an offered place, confirmed with a box."""

    confirm_decline = BooleanField(
        validators=[
            DataRequired(_l("To decline, tick the box to confirm that your place goes to another student."))
        ]
    )


class FeedbackNoteForm(BaseForm):
    """The coordinator's note to one student not selected; empty removes it."""

    application_id = WholeNumberField(
        validators=[InputRequired(), whole_number_between(1, LARGEST_ID, _l("Choose from the list."))]
    )
    note = TextAreaField(
        _l("Note to the student"),
        description=_l(
            "Optional. A few encouraging sentences in the student's language, sent with the result. "
            "Do not quote reviewers' comments."
        ),
        filters=[strip],
        validators=[Optional(), max_length(FEEDBACK_NOTE_MAX)],
    )


class ReportForm(BaseForm):
    title_ja = StringField(
        _l("Title (Japanese)"),
        filters=[strip],
        validators=[DataRequired(_l("Enter the title in Japanese.")), max_length(200)],
    )
    title_en = StringField(_l("Title (English)"), filters=[strip], validators=[max_length(200)])
    body_ja = TextAreaField(
        _l("Report (Japanese)"),
        description=_l("A few paragraphs on what the students did and learned. No names of students."),
        filters=[strip],
        validators=[DataRequired(_l("Write the report in Japanese.")), max_length(5000)],
    )
    body_en = TextAreaField(_l("Report (English)"), filters=[strip], validators=[max_length(5000)])


def mark_field_name(application: Application) -> str:
    return f"mark_{application.id}"


class _AttendanceFormBase(BaseForm):
    rows: list[Application]

    def marks(self) -> dict[int, AttendanceStatus | None]:
        found: dict[int, AttendanceStatus | None] = {}
        for application in self.rows:
            value = self[mark_field_name(application)].data
            found[application.id] = AttendanceStatus(value) if value in set(AttendanceStatus) else None
        return found


def attendance_form(rows: list[Application], **kwargs: object) -> _AttendanceFormBase:
    """Present / absent / excused for each participant."""

    class AttendanceForm(_AttendanceFormBase):
        pass

    for application in rows:
        setattr(
            AttendanceForm,
            mark_field_name(application),
            RadioField(
                application.code,
                choices=[SelectChoice(s.value, s.label) for s in AttendanceStatus],
                validators=[Optional()],
            ),
        )
    form = AttendanceForm(**kwargs)
    form.rows = rows
    return form
