"""Forms for lecture requests (public) and for the staff who handle them.

They check the shape of what was typed; the rules that need the calendar, the
catalog or the diary (lead time, holidays, clashes...) are the services' job.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, ValidationError

from booking.core.feedback import (
    FEEDBACK_COMMENTS_MAX,
    SatisfactionChoices,
    satisfaction_score,
)
from booking.core.forms import (
    BaseForm,
    CandidateDates,
    EmailAddress,
    JapanesePhone,
    LooseDateField,
    LooseIntegerField,
    LooseTimeField,
    MultiCheckboxField,
    ProposedDates,
    lower,
    max_length,
    nfkc_strip,
    record_id,
    strip,
    whole_number_between,
)
from booking.core.time import JST
from booking.lectures.models import (
    CLASS_COUNT_MAX,
    FORMAT_LABELS,
    GRADE_BAND_LABELS,
    MEETING_HOST_LABELS,
    MEETING_URL_MAX,
    PLATFORM_LABELS,
    LectureFormat,
    Program,
)
from booking.schools.models import SCHOOL_TYPE_LABELS, School, SchoolType
from booking.schools.periods import Period, parse_run, periods_label, run_span, run_value, runs

if TYPE_CHECKING:
    from booking.lectures.services import ProgramChoice

OTHER_SCHOOL = "other"

# The school's request -----------------------------------------------------------


def _required_when(form: BaseForm, field: Field, when: bool, message) -> None:
    """A field required only in some cases (the other school's name, the online details...)."""
    if when and not field.data:
        raise ValidationError(str(message))


class PeriodsField(SelectField):
    """Consecutive periods (校時) of the school's day, as "3-4" or "5"; typed variants such as
    "３－４", "3–4" or "3・4校時" read the same. Its `run` is (first, last) or None."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, validate_choice=False, choices=[], **kwargs)
        self.run: tuple[int, int] | None = None

    def process_formdata(self, valuelist: list[str]) -> None:
        self.run = None
        raw = valuelist[0] if valuelist else ""
        self.data = raw
        if not raw.strip(" \t\u3000"):
            self.data = ""
            return
        self.run = parse_run(raw)  # a ValueError becomes the field's message
        self.data = run_value(*self.run)


def period_choices(periods: Sequence[Period]) -> list[SelectChoice]:
    """Every run of consecutive periods a lecture can take, e.g. "3・4校時 (10:45–12:25)"."""
    choices = []
    for first, last in runs(periods):
        starts, ends = run_span(periods, first, last)
        label = f"{periods_label(first, last)} ({starts.strftime('%H:%M')}–{ends.strftime('%H:%M')})"
        choices.append(SelectChoice(run_value(first, last), label))
    return choices


class RequestForm(CandidateDates, BaseForm):
    """The lecture request; field names are part of the public contract (SPEC section 9)."""

    program_id = SelectField(
        _l("Lecture"),
        validators=[DataRequired(_l("Choose a lecture."))],
    )
    format = RadioField(
        _l("How the lecture is given"),
        choices=[
            SelectChoice(LectureFormat.IN_PERSON.value, _l("At your school (a lecturer visits)")),
            SelectChoice(
                LectureFormat.ONLINE.value, _l("Online (a video call, sometimes live from Cambodia)")
            ),
        ],
        validate_choice=False,
        validators=[
            InputRequired(_l("Choose how the lecture is given.")),
            AnyOf([f.value for f in LectureFormat], message=_l("Choose how the lecture is given.")),
        ],
    )
    online_platform = RadioField(
        _l("Video call service"),
        choices=[SelectChoice(key.value, label) for key, label in PLATFORM_LABELS.items()],
        validate_choice=False,
    )
    meeting_link_by = RadioField(
        _l("Who sends the meeting link?"),
        choices=[SelectChoice(key.value, label) for key, label in MEETING_HOST_LABELS.items()],
        validate_choice=False,
    )
    connection_test = BooleanField(
        _l("We would like a connection test a few days before"),
        description=_l("We agree on a time for it by email."),
    )
    venue = StringField(
        _l("Room"),
        description=_l("e.g. the gym, the science room."),
        filters=[strip],
        validators=[max_length(200)],
    )
    equipment = TextAreaField(
        _l("Equipment in the room"),
        description=_l("e.g. projector and screen, microphone, Wi-Fi."),
        filters=[strip],
        validators=[max_length(500)],
    )
    # Not a <select> of the whole directory: the page offers the chosen school and the
    # matches of a search (at most a few dozen), plus "not in the list".
    school_id = RadioField(
        _l("School"),
        description=_l(
            "Search for your school above, then choose it here. "
            "Another school: choose “My school is not in the list”."
        ),
        validate_choice=False,
        validators=[DataRequired(_l("Choose your school."))],
    )
    school_query = StringField(
        _l("Find your school"),
        description=_l("Part of the name is enough, e.g. 思永 or 小倉."),
        filters=[strip],
        validators=[max_length(100)],
    )
    school_name = StringField(
        _l("School name"),
        description=_l("Only if your school is not in the list."),
        filters=[strip],
        validators=[max_length(100)],
        render_kw={"autocomplete": "organization"},
    )
    school_address = StringField(
        _l("School address"),
        description=_l("Only if your school is not in the list."),
        filters=[strip],
        validators=[max_length(200)],
        render_kw={"autocomplete": "street-address"},
    )
    school_type = SelectField(
        _l("Type of school"),
        description=_l("Only if your school is not in the list."),
        choices=lambda: (
            [SelectChoice("", _l("Choose…"))]
            + [SelectChoice(t.value, SCHOOL_TYPE_LABELS[t]) for t in SchoolType]
        ),
    )
    grade = StringField(
        _l("Grade and classes"),
        description=_l("e.g. 5th grade, all three classes"),
        filters=[strip],
        validators=[DataRequired(_l("Enter the grade of the listeners.")), max_length(100)],
    )
    audience_size = LooseIntegerField(
        _l("Number of listeners"),
        description=_l("Students and teachers together, roughly."),
        validators=[
            InputRequired(_l("Enter the number of listeners.")),
            whole_number_between(1, 2000, _l("Enter a number from 1 to 2000.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    # Candidate dates: first choice required, second and third optional.
    # Their messages are named after their choice by validate().
    candidate_1_date = LooseDateField(_l("Date"), validators=[InputRequired(_l("Enter the date."))])
    # Required for the first choice unless periods are given (see check_candidates).
    candidate_1_time = LooseTimeField(_l("Start time"), validators=[Optional()])
    candidate_2_date = LooseDateField(_l("Date"), validators=[Optional()])
    candidate_2_time = LooseTimeField(_l("Start time"), validators=[Optional()])
    candidate_3_date = LooseDateField(_l("Date"), validators=[Optional()])
    candidate_3_time = LooseTimeField(_l("Start time"), validators=[Optional()])
    # Only for a school in the directory: its periods, offered by offer_periods().
    candidate_1_periods = PeriodsField(_l("Or periods (校時)"))
    candidate_2_periods = PeriodsField(_l("Or periods (校時)"))
    candidate_3_periods = PeriodsField(_l("Or periods (校時)"))
    class_count = LooseIntegerField(
        _l("Number of classes"),
        description=_l("How many classes listen together, e.g. 3."),
        validators=[
            Optional(),
            whole_number_between(
                1, CLASS_COUNT_MAX, _l("Enter a number from 1 to %(max)d.", max=CLASS_COUNT_MAX)
            ),
        ],
        render_kw={"inputmode": "numeric"},
    )
    contact_name = StringField(
        _l("Your name"),
        filters=[strip],
        validators=[DataRequired(_l("Enter your name.")), max_length(100)],
        render_kw={"autocomplete": "name"},
    )
    contact_email = EmailField(
        _l("Email address"),
        description=_l("We send the reference number and your private link to this address."),
        filters=[nfkc_strip, lower],
        validators=[
            DataRequired(_l("Enter your email address.")),
            EmailAddress(),
            max_length(254),
        ],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )
    contact_phone = StringField(
        _l("Phone number"),
        description=_l("Where we can reach you during the school day, e.g. 093-582-0000."),
        filters=[nfkc_strip],
        validators=[DataRequired(_l("Enter a phone number.")), JapanesePhone()],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    notes = TextAreaField(
        _l("Anything else we should know"),
        description=_l("e.g. what the class is learning, what you would like the lecture to cover."),
        filters=[strip],
        validators=[max_length(2000)],
    )
    privacy_consent = BooleanField(
        _l("I agree to the way the bureau handles personal information"),
        validators=[
            DataRequired(_l("Please agree to the handling of personal information to send the request."))
        ],
    )
    submission_key = HiddenField()

    def __init__(
        self, *args, programs: Sequence[Program | ProgramChoice], schools: list[School] = (), **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.programs = programs
        self.program_id.choices = [SelectChoice("", _l("Choose a lecture…"))] + [
            SelectChoice(str(p.id), p.title(), render_kw={"data-formats": " ".join(p.formats)})
            for p in programs
        ]
        self.offer_schools(schools)
        self.offer_periods(None)

    def offer_periods(self, periods: Sequence[Period] | None) -> None:
        """Each candidate's choice of the school's runs of periods, e.g. "3・4校時 (10:45–12:25)";
        none (the start time alone) while the school is not one of the directory's."""
        self.periods_offered = bool(periods)
        choices = [SelectChoice("", _l("— a start time instead —")), *period_choices(periods or ())]
        for rank in (1, 2, 3):
            self[f"candidate_{rank}_periods"].choices = choices

    def offer_schools(self, schools: list[School]) -> None:
        """The schools to choose from: the one chosen and a search's matches, never the directory."""
        self.school_id.choices = [
            *(SelectChoice(str(school.id), school.name) for school in schools),
            SelectChoice(OTHER_SCHOOL, _l("My school is not in the list")),
        ]

    def validate_school_id(self, field: Field) -> None:
        if field.data and field.data != OTHER_SCHOOL:
            try:
                record_id(field.data)
            except ValueError:
                raise ValidationError(str(_l("Choose your school."))) from None

    @property
    def is_other_school(self) -> bool:
        return self.school_id.data == OTHER_SCHOOL

    @property
    def chosen_format(self) -> LectureFormat | None:
        return (
            LectureFormat(self.format.data) if self.format.data in {f.value for f in LectureFormat} else None
        )

    def validate_school_name(self, field: Field) -> None:
        _required_when(self, field, self.is_other_school, _l("Enter the name of your school."))

    def validate_school_address(self, field: Field) -> None:
        _required_when(self, field, self.is_other_school, _l("Enter the address of your school."))

    def validate_school_type(self, field: Field) -> None:
        _required_when(self, field, self.is_other_school, _l("Choose the type of your school."))
        if field.data and field.data not in {t.value for t in SchoolType}:
            raise ValidationError(str(_l("Choose the type of your school.")))

    def validate_online_platform(self, field: Field) -> None:
        online = self.chosen_format == LectureFormat.ONLINE
        _required_when(self, field, online, _l("Choose the video call service."))
        if online and field.data not in {key.value for key in PLATFORM_LABELS}:
            raise ValidationError(str(_l("Choose the video call service.")))

    def validate_meeting_link_by(self, field: Field) -> None:
        online = self.chosen_format == LectureFormat.ONLINE
        _required_when(self, field, online, _l("Choose who sends the meeting link."))
        if online and field.data not in {key.value for key in MEETING_HOST_LABELS}:
            raise ValidationError(str(_l("Choose who sends the meeting link.")))

    def validate_venue(self, field: Field) -> None:
        in_person = self.chosen_format == LectureFormat.IN_PERSON
        _required_when(self, field, in_person, _l("Enter the room where the lecture will be held."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self.check_candidates()
        return valid and not self.has_errors


# Staff: the catalog -------------------------------------------------------------------


class ProgramForm(BaseForm):
    title_ja = StringField(
        _l("Title in Japanese"),
        filters=[strip],
        validators=[DataRequired(_l("Enter the lecture's title in Japanese.")), max_length(200)],
    )
    title_en = StringField(
        _l("Title in English"),
        filters=[strip],
        validators=[DataRequired(_l("Enter the title in English.")), max_length(200)],
    )
    summary_ja = TextAreaField(
        _l("Summary in Japanese"),
        filters=[strip],
        validators=[DataRequired(_l("Enter a summary in Japanese.")), max_length(5000)],
    )
    summary_en = TextAreaField(
        _l("Summary in English"),
        filters=[strip],
        validators=[DataRequired(_l("Enter a summary in English.")), max_length(5000)],
    )
    target_grades = MultiCheckboxField(
        _l("For"),
        choices=[SelectChoice(band.value, label) for band, label in GRADE_BAND_LABELS.items()],
        validators=[DataRequired(_l("Choose who the lecture is for."))],
    )
    formats = MultiCheckboxField(
        _l("Given"),
        choices=[SelectChoice(f.value, FORMAT_LABELS[f]) for f in LectureFormat],
        validators=[DataRequired(_l("Offer the lecture in person, online, or both."))],
    )
    duration_minutes = LooseIntegerField(
        _l("Length (minutes)"),
        validators=[
            InputRequired(_l("Enter the length in minutes.")),
            whole_number_between(15, 240, _l("Enter a number from 15 to 240.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    max_audience = LooseIntegerField(
        _l("Listeners at most"),
        validators=[
            InputRequired(_l("Enter the largest audience.")),
            whole_number_between(1, 2000, _l("Enter a number from 1 to 2000.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    position = LooseIntegerField(
        _l("Order in the catalog"),
        description=_l("Smaller numbers come first."),
        default=0,
        validators=[Optional(), whole_number_between(0, 999, _l("Enter a number from 0 to 999."))],
        render_kw={"inputmode": "numeric"},
    )
    active = BooleanField(_l("Shown in the catalog"), default=True)


# Staff: handling a request ----------------------------------------------------------------


def _override_fields():
    override = BooleanField(
        _l("Book outside the usual rules"),
        description=_l(
            "Only for the lead time, the horizon, weekends and national holidays, and a lecturer "
            "based abroad at a school; never for a clash or time off. The reason is kept in the history."
        ),
    )
    reason = StringField(
        _l("Reason for booking outside the rules"), filters=[strip], validators=[max_length(500)]
    )
    return override, reason


def _lecturers_field() -> MultiCheckboxField:
    return MultiCheckboxField(
        _l("Lecturers"), coerce=record_id, validators=[DataRequired(_l("Choose at least one lecturer."))]
    )


class ScheduleForm(BaseForm):
    slot = RadioField(_l("Date"), validate_choice=False, validators=[InputRequired(_l("Choose a date."))])
    other_date = LooseDateField(_l("Other date"), validators=[Optional()])
    other_time = LooseTimeField(_l("Start time (Japan time)"), validators=[Optional()])
    lecturer_ids = _lecturers_field()
    override, override_reason = _override_fields()
    message = TextAreaField(
        _l("Message to the school"),
        description=_l("Optional; it goes in the email and on the school's page."),
        filters=[strip],
        validators=[max_length(2000)],
    )

    def __init__(self, *args, slots: list[SelectChoice], lecturers, require_message: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.slot.choices = [*slots, SelectChoice("other", _l("Another date and time"))]
        self.slot_values = {choice.value for choice in slots} | {"other"}
        self.lecturer_ids.choices = lecturers
        self.require_message = require_message
        if require_message:
            # Marked required as it is: a moved lecture is always explained to the school.
            self.message.flags.required = True
            self.message.label.text = str(_l("Reason for the change (to the school)"))
            self.message.description = _l("It goes in the email and on the school's page.")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.slot.data == "other":
            if not self.other_date.data and not self.other_date.errors:
                self.other_date.errors.append(str(_l("Enter the date.")))
            if not self.other_time.data and not self.other_time.errors:
                self.other_time.errors.append(str(_l("Enter the start time.")))
        elif self.slot.data and self.slot.data not in self.slot_values:
            self.slot.errors.append(str(_l("Choose a date.")))
        if self.override.data and not self.override_reason.data:
            self.override_reason.errors.append(str(_l("Give the reason for booking outside the rules.")))
        if self.require_message and not self.message.data:
            self.message.errors.append(str(_l("Tell the school why the lecture is moved.")))
        return valid and not self.has_errors

    def starts_at(self, slot_times: dict[str, datetime]) -> datetime:
        if self.slot.data == "other":
            return datetime.combine(self.other_date.data, self.other_time.data, tzinfo=JST)
        return slot_times[self.slot.data]


class ProposeForm(ProposedDates, BaseForm):
    date_1 = LooseDateField(_l("Date"), validators=[InputRequired(_l("Enter at least one date."))])
    time_1 = LooseTimeField(
        _l("Start time (Japan time)"), validators=[InputRequired(_l("Enter the start time."))]
    )
    date_2 = LooseDateField(_l("Date"), validators=[Optional()])
    time_2 = LooseTimeField(_l("Start time (Japan time)"), validators=[Optional()])
    date_3 = LooseDateField(_l("Date"), validators=[Optional()])
    time_3 = LooseTimeField(_l("Start time (Japan time)"), validators=[Optional()])
    lecturer_ids = _lecturers_field()
    message = TextAreaField(
        _l("Message to the school"),
        description=_l("Why other dates, and anything the school should know. It goes in the email."),
        filters=[strip],
        validators=[DataRequired(_l("Write a short message to the school.")), max_length(2000)],
    )
    override, override_reason = _override_fields()

    def __init__(self, *args, lecturers, **kwargs):
        super().__init__(*args, **kwargs)
        self.lecturer_ids.choices = lecturers

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self.check_proposed_dates()
        if self.override.data and not self.override_reason.data:
            self.override_reason.errors.append(str(_l("Give the reason for booking outside the rules.")))
        return valid and not self.has_errors


class ReasonForm(BaseForm):
    reason = TextAreaField(
        _l("Reason"),
        description=_l("The school reads it in the email and on its page."),
        filters=[strip],
        validators=[DataRequired(_l("Give the reason.")), max_length(2000)],
    )


class CompleteForm(BaseForm):
    actual_audience = LooseIntegerField(
        _l("Actual number of listeners"),
        validators=[
            InputRequired(_l("Enter how many listened.")),
            whole_number_between(0, 5000, _l("Enter a number from 0 to 5000.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    notes = TextAreaField(
        _l("Notes"),
        description=_l("How it went, questions asked, what to do differently. Staff only."),
        filters=[strip],
        validators=[max_length(4000)],
    )


WHOLE_DAYS, FROM_TO_TIMES = "days", "times"


class UnavailabilityForm(BaseForm):
    """Time off, as whole days (Japan time, both days included) or from one date and time to
    another (in the lecturer's own zone)."""

    span = RadioField(
        _l("Time off for"),
        choices=[
            SelectChoice(WHOLE_DAYS, _l("Whole days (Japan time)")),
            SelectChoice(FROM_TO_TIMES, _l("From a date and time to a date and time")),
        ],
        default=WHOLE_DAYS,
        validate_choice=False,
    )
    start_date = LooseDateField(_l("From (date)"), validators=[InputRequired(_l("Enter the first day."))])
    start_time = LooseTimeField(
        _l("From (time)"), description=_l("Only when not whole days."), validators=[Optional()]
    )
    end_date = LooseDateField(
        _l("To (date)"),
        description=_l("For whole days, the last day off (included)."),
        validators=[InputRequired(_l("Enter the last day."))],
    )
    end_time = LooseTimeField(
        _l("To (time)"), description=_l("Only when not whole days."), validators=[Optional()]
    )
    reason = StringField(
        _l("Reason"),
        description=_l("e.g. leave, overseas duty in Phnom Penh."),
        filters=[strip],
        validators=[max_length(200)],
    )

    @property
    def whole_days(self) -> bool:
        if self.span.data in (WHOLE_DAYS, FROM_TO_TIMES):
            return self.span.data == WHOLE_DAYS
        return not (self.start_time.data or self.end_time.data)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.whole_days:
            for field in (self.start_time, self.end_time):
                if not field.data and not field.errors:
                    field.errors.append(str(_l("Enter the time, or choose whole days.")))
        if self.span.data and self.span.data not in (WHOLE_DAYS, FROM_TO_TIMES):
            self.span.errors.append(str(_l("Choose whole days, or from a time to a time.")))
        period = self.period_in(JST) if not self.has_errors else None
        if period is not None and period[1] <= period[0]:
            self.end_date.errors.append(str(_l("The end must be after the start.")))
        return valid and not self.has_errors

    def period_in(self, zone) -> tuple[datetime, datetime] | None:
        """The period as aware datetimes: whole days from midnight to the midnight after the
        last day in Japan; date-times read as wall-clock times in `zone` (the lecturer's).
        """
        if not (self.start_date.data and self.end_date.data):
            return None
        if self.whole_days:
            start = datetime.combine(self.start_date.data, time(0, 0), tzinfo=JST)
            return start, datetime.combine(self.end_date.data, time(0, 0), tzinfo=JST) + timedelta(days=1)
        if not (self.start_time.data and self.end_time.data):
            return None
        start = datetime.combine(self.start_date.data, self.start_time.data, tzinfo=zone)
        return start, datetime.combine(self.end_date.data, self.end_time.data, tzinfo=zone)


class PostingForm(BaseForm):
    """A posting abroad: where, from which day, until which day (or until further notice)."""

    place = StringField(
        _l("Posted to"),
        description=_l("The city, e.g. Phnom Penh."),
        filters=[strip],
        validators=[DataRequired(_l("Enter the place, e.g. Phnom Penh.")), max_length(100)],
    )
    first_day = LooseDateField(_l("First day"), validators=[InputRequired(_l("Enter the first day."))])
    last_day = LooseDateField(
        _l("Last day"),
        description=_l("Leave empty while the return is not fixed."),
        validators=[Optional()],
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        first, last = self.first_day.data, self.last_day.data
        if first and last and last < first:
            self.last_day.errors.append(str(_l("The last day must not be before the first day.")))
        return valid and not self.has_errors


# The teacher's page -----------------------------------------------------------------------


class CancelForm(BaseForm):
    action = HiddenField(default="cancel")
    reason = TextAreaField(
        _l("Why are you cancelling?"),
        description=_l("A short reason helps us plan, e.g. the school schedule changed."),
        filters=[strip],
        validators=[DataRequired(_l("Please give a short reason.")), max_length(2000)],
    )


class ChooseDateForm(BaseForm):
    action = HiddenField(default="choose")
    slot_id = RadioField(
        _l("Dates we propose"),
        coerce=record_id,
        validate_choice=False,
        validators=[InputRequired(_l("Choose one of the dates."))],
    )


class OtherDatesForm(CandidateDates, BaseForm):
    """None of the proposed dates suit: new candidates, with the request form's fields and rules."""

    action = HiddenField(default="other_dates")
    candidate_1_date = RequestForm.candidate_1_date
    candidate_1_time = RequestForm.candidate_1_time
    candidate_2_date = RequestForm.candidate_2_date
    candidate_2_time = RequestForm.candidate_2_time
    candidate_3_date = RequestForm.candidate_3_date
    candidate_3_time = RequestForm.candidate_3_time
    message = TextAreaField(
        _l("Message to the bureau"),
        description=_l("e.g. which days of the week or times suit the class best."),
        filters=[strip],
        validators=[max_length(2000)],
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self.check_candidates()
        return valid and not self.has_errors


def _one_line_breaks(value: object) -> object:
    """Line breaks as one character, so the length shown and the length counted agree."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


COMMENTS_MAX_TEXT = f"{FEEDBACK_COMMENTS_MAX:,}"  # 1,000


class FeedbackForm(SatisfactionChoices, BaseForm):
    """The teacher's short feedback after a held lecture (fields `satisfaction`, `comments`)."""

    action = HiddenField(default="feedback")
    satisfaction = RadioField(
        _l("How satisfied are you with the lecture?"),
        coerce=satisfaction_score,
        validate_choice=False,
        validators=[
            InputRequired(_l("Choose how satisfied you are, from “Very satisfied” to “Very dissatisfied”."))
        ],
    )
    comments = TextAreaField(
        _l("Comments"),
        description=_l(
            "What went well, what we could do better, how the students reacted. Up to %(max)s characters.",
            max=COMMENTS_MAX_TEXT,
        ),
        filters=[_one_line_breaks, strip],
        validators=[
            Optional(),
            Length(
                max=FEEDBACK_COMMENTS_MAX,
                message=_l("Please shorten the comments to %(max)d characters (they are %(length)d now)."),
            ),
        ],
    )


def _meeting_link(form: BaseForm, field: Field) -> None:
    """The shape of a meeting link (see lectures/meeting_links.py)."""
    from booking.lectures.meeting_links import meeting_link_problem

    if field.data and len(field.data) <= MEETING_URL_MAX:  # a longer one has its message already
        problem = meeting_link_problem(field.data)
        if problem:
            raise ValidationError(problem)


def _meeting_url_field(required: bool) -> StringField:
    presence = DataRequired(_l("Paste the meeting link.")) if required else Optional()
    return StringField(
        _l("Meeting link"),
        description=_l("The address to join the video call, as the service gives it (https://…)."),
        filters=[strip],
        validators=[presence, max_length(MEETING_URL_MAX), _meeting_link],
        render_kw={"inputmode": "url", "autocomplete": "off", "spellcheck": "false"},
    )


class MeetingForm(BaseForm):
    """Staff keep an online lecture's meeting link and its connection test's time (Japan time)."""

    meeting_url = _meeting_url_field(required=False)
    test_date = LooseDateField(_l("Connection test (date)"), validators=[Optional()])
    test_time = LooseTimeField(
        _l("Connection test (time)"),
        description=_l("Japan time. Leave the date and time empty when no test is planned."),
        validators=[Optional()],
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if (self.test_date.data is None) != (self.test_time.data is None) and not (
            self.test_date.errors or self.test_time.errors
        ):
            missing = self.test_time if self.test_date.data is not None else self.test_date
            self.add_error(str(_l("Give both the date and the time of the connection test.")), missing.name)
            valid = False
        return valid

    def connection_test_at(self) -> datetime | None:
        """The test's time (aware, Japan time), or None when none is given."""
        if self.test_date.data is None or self.test_time.data is None:
            return None
        return datetime.combine(self.test_date.data, self.test_time.data, tzinfo=JST)


class SchoolMeetingForm(BaseForm):
    """The teacher gives the meeting link their school issued."""

    meeting_url = _meeting_url_field(required=True)
