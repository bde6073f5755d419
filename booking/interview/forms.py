"""Forms of the interview round: settings, slots, a meeting link, the rubric, scores, the student's pick."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from booking.core.forms import (
    LARGEST_ID,
    BaseForm,
    LooseDateField,
    LooseTimeField,
    MultiCheckboxField,
    WholeNumberField,
    max_length,
    record_id,
    strip,
    whole_number_between,
)
from booking.review.forms import CriterionForm

NO_SUCH = _l("Choose one of the times listed.")


class SettingsForm(BaseForm):
    enabled = BooleanField(_l("This cohort has an interview round"))
    essay_weight = WholeNumberField(
        _l("Weight of the essay (%)"),
        default=60,
        validators=[
            InputRequired(_l("Enter the weight of the essay.")),
            whole_number_between(0, 100, _l("Enter a weight from 0 to 100.")),
        ],
    )
    interview_weight = WholeNumberField(
        _l("Weight of the interview (%)"),
        description=_l("The two weights add up to 100, e.g. 60 and 40."),
        default=40,
        validators=[
            InputRequired(_l("Enter the weight of the interview.")),
            whole_number_between(0, 100, _l("Enter a weight from 0 to 100.")),
        ],
    )
    shortlist_size = WholeNumberField(
        _l("Students invited to the interview"),
        description=_l("The shortlist is drawn from the top of the essay ranking; you can adjust it."),
        default=12,
        validators=[
            InputRequired(_l("Enter how many students are invited.")),
            whole_number_between(1, 500, _l("Enter a shortlist size from 1 to 500.")),
        ],
    )
    interviewers = MultiCheckboxField(
        _l("Interviewers"),
        description=_l("Reviewers and coordinators who score the interviews."),
        coerce=record_id,
        validate_choice=False,
    )


class SlotForm(BaseForm):
    day = LooseDateField(_l("Date"), validators=[InputRequired(_l("Enter the date."))])
    start_time = LooseTimeField(
        _l("Starts at (Japan time)"), validators=[InputRequired(_l("Enter the start time."))]
    )
    end_time = LooseTimeField(
        _l("Ends at (Japan time)"), validators=[InputRequired(_l("Enter the end time."))]
    )
    online = BooleanField(_l("Online interview"))
    place_ja = StringField(
        _l("Place (Japanese)"),
        description=_l("For an interview in person, e.g. the bureau's meeting room."),
        filters=[strip],
        validators=[max_length(200)],
    )
    place_en = StringField(_l("Place (English)"), filters=[strip], validators=[max_length(200)])
    meeting_url = StringField(
        _l("Meeting link"),
        description=_l("For an online interview; it can also be given later."),
        filters=[strip],
        validators=[max_length(500)],
    )
    capacity = WholeNumberField(
        _l("Students in this time"),
        default=1,
        validators=[
            InputRequired(_l("Enter how many students this time takes.")),
            whole_number_between(1, 50, _l("Enter a number of students from 1 to 50.")),
        ],
    )


class MeetingLinkForm(BaseForm):
    meeting_url = StringField(_l("Meeting link"), filters=[strip], validators=[max_length(500)])


class ShortlistForm(BaseForm):
    application_id = WholeNumberField(
        validators=[
            InputRequired(),
            whole_number_between(1, LARGEST_ID, _l("Choose an application from the list.")),
        ]
    )


class InterviewCriterionForm(CriterionForm):
    description_ja = TextAreaField(
        _l("What interviewers look for (Japanese)"),
        description=_l("Shown beside the score while interviewers score."),
        filters=[strip],
        validators=[max_length(2000)],
    )
    description_en = TextAreaField(
        _l("What interviewers look for (English)"), filters=[strip], validators=[max_length(2000)]
    )


class PickForm(BaseForm):
    """The student's choice of an interview time (checked against the slots by the service)."""

    slot_id = RadioField(
        _l("Choose a time for your interview"),
        coerce=record_id,
        validate_choice=False,
        validators=[Optional()],
    )
