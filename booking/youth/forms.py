"""Forms of the youth training: the application, the guardian's answer, cohorts and events."""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from booking.core.forms import BaseForm, JapanesePhone, MultiCheckboxField, lower, nfkc_strip, strip
from booking.schools.models import SchoolType
from booking.schools.services import active_schools
from booking.youth.models import GRADES, Cohort, EventKind
from booking.youth.rules import (
    eligible_grades_message,
    essay_length_message,
    grade_label,
    is_katakana,
    normalise_kana,
)

OTHER_SCHOOL = "other"
EMAIL_FORMAT = _l("Enter an email address in the right format, like name@example.jp.")
# The longest essay text accepted at all (far above any cohort's maximum).
ESSAY_HARD_LIMIT = 10_000


def kana_filter(value: object) -> object:
    return normalise_kana(value) if isinstance(value, str) else value


class Katakana:
    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: BaseForm, field: StringField) -> None:
        if field.data and not is_katakana(field.data):
            raise ValidationError(self.message)


def school_choices() -> list[SelectChoice]:
    """High schools of the city, then technical colleges and others, then "not listed"."""
    choices = [SelectChoice("", _l("Choose your school"))]
    highs = active_schools(types={SchoolType.HIGH})
    others = active_schools(types={SchoolType.OTHER})
    choices += [SelectChoice(str(s.id), s.name, optgroup=_l("High schools")) for s in highs]
    choices += [SelectChoice(str(s.id), s.name, optgroup=_l("Technical colleges and others")) for s in others]
    choices.append(SelectChoice(OTHER_SCHOOL, _l("My school is not in this list"), optgroup=_l("Not listed")))
    return choices


class ApplicationForm(BaseForm):
    """The student's form. The same form resumes a draft and edits a sent application."""

    family_name = StringField(
        _l("Family name"),
        filters=[strip],
        validators=[DataRequired(_l("Enter your family name.")), Length(max=50)],
        render_kw={"autocomplete": "family-name"},
    )
    given_name = StringField(
        _l("Given name"),
        filters=[strip],
        validators=[DataRequired(_l("Enter your given name.")), Length(max=50)],
        render_kw={"autocomplete": "given-name"},
    )
    family_name_kana = StringField(
        _l("Family name in kana"),
        description=_l("Katakana or hiragana, e.g. ヤマダ"),
        filters=[kana_filter],
        validators=[
            DataRequired(_l("Enter your family name in kana.")),
            Katakana(_l("Write your family name in katakana or hiragana only, e.g. ヤマダ.")),
            Length(max=50),
        ],
    )
    given_name_kana = StringField(
        _l("Given name in kana"),
        description=_l("Katakana or hiragana, e.g. ハナコ"),
        filters=[kana_filter],
        validators=[
            DataRequired(_l("Enter your given name in kana.")),
            Katakana(_l("Write your given name in katakana or hiragana only, e.g. ハナコ.")),
            Length(max=50),
        ],
    )
    school_id = SelectField(
        _l("School"),
        choices=school_choices,
        validators=[DataRequired(_l("Choose your school, or “My school is not in this list”."))],
    )
    school_name = StringField(
        _l("School name (if not in the list)"),
        description=_l("Only when you chose “My school is not in this list”."),
        filters=[strip],
        validators=[Length(max=100)],
    )
    grade = RadioField(
        _l("Year at school"),
        choices=[SelectChoice(str(g), str(g)) for g in GRADES],
        validators=[InputRequired(_l("Choose your year at school."))],
        validate_choice=False,
    )
    email = EmailField(
        _l("Your email address"),
        description=_l("Your private link and every message about the application go here."),
        filters=[nfkc_strip, lower],
        validators=[
            DataRequired(_l("Enter your email address.")),
            Email(EMAIL_FORMAT, check_deliverability=False),
            Length(max=254),
        ],
        render_kw={"autocomplete": "email", "spellcheck": "false", "inputmode": "email"},
    )
    phone = StringField(
        _l("Your phone number"),
        description=_l("Mobile or home, e.g. 090-1234-5678."),
        filters=[nfkc_strip],
        validators=[DataRequired(_l("Enter your phone number.")), JapanesePhone()],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    guardian_name = StringField(
        _l("Guardian's name"),
        filters=[strip],
        validators=[DataRequired(_l("Enter your guardian's name.")), Length(max=100)],
    )
    guardian_relationship = StringField(
        _l("Relationship to you"),
        description=_l("e.g. mother, father, grandparent"),
        filters=[strip],
        validators=[DataRequired(_l("Enter how your guardian is related to you.")), Length(max=30)],
    )
    guardian_email = EmailField(
        _l("Guardian's email address"),
        description=_l("Your guardian is asked for consent at this address. It must be their own address."),
        filters=[nfkc_strip, lower],
        validators=[
            DataRequired(_l("Enter your guardian's email address.")),
            Email(EMAIL_FORMAT, check_deliverability=False),
            Length(max=254),
        ],
        render_kw={"spellcheck": "false", "inputmode": "email"},
    )
    guardian_phone = StringField(
        _l("Guardian's phone number"),
        filters=[nfkc_strip],
        validators=[DataRequired(_l("Enter your guardian's phone number.")), JapanesePhone()],
        render_kw={"inputmode": "tel"},
    )
    essay = TextAreaField(
        _l("Essay"),
        validators=[DataRequired(_l("Write your essay.")), Length(max=ESSAY_HARD_LIMIT)],
        render_kw={"rows": 16},
    )
    attest_eligibility = BooleanField(
        _l("I am a high-school student in the city, in one of the years this training is open to."),
        validators=[DataRequired(_l("Confirm that you can apply."))],
    )
    attest_schedule = BooleanField(
        _l("I can take part on every date of the program listed above."),
        validators=[DataRequired(_l("Confirm that you can take part on every date."))],
    )
    privacy_consent = BooleanField(
        _l("I have read how my personal information is handled and agree."),
        validators=[DataRequired(_l("Agree to the handling of personal information to apply."))],
    )
    submission_key = HiddenField()

    def __init__(self, cohort: Cohort, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        if not self.submission_key.data:
            self.submission_key.data = secrets.token_urlsafe(24)
        self.grade.choices = [SelectChoice(str(g), grade_label(g)) for g in GRADES]

    def validate_for_draft(self) -> bool:
        """A draft keeps whatever is typed; only the address for its link must be right."""
        if self.email.validate(self):
            return True
        self.email.errors = [
            _l("To save a draft, enter your email address: the link to come back to it is sent there.")
        ]
        return False

    def validate_school_name(self, field: StringField) -> None:
        if self.school_id.data == OTHER_SCHOOL and not field.data:
            raise ValidationError(_l("Enter the name of your school."))

    def validate_grade(self, field: RadioField) -> None:
        grade = int(field.data) if (field.data or "").isdigit() else None
        if grade not in GRADES:
            raise ValidationError(_l("Choose your year at school."))
        if not self.cohort.is_eligible_grade(grade):
            raise ValidationError(eligible_grades_message(self.cohort))

    def validate_guardian_email(self, field: EmailField) -> None:
        if field.data and self.email.data and field.data == self.email.data:
            raise ValidationError(
                _l("Enter your guardian's own address: it must differ from your email address.")
            )

    def validate_essay(self, field: TextAreaField) -> None:
        message = essay_length_message(self.cohort, field.data)
        if message:
            raise ValidationError(message)


class ResendLinkForm(BaseForm):
    email = EmailField(
        _l("Your email address"),
        filters=[nfkc_strip, lower],
        validators=[
            DataRequired(_l("Enter your email address.")),
            Email(EMAIL_FORMAT, check_deliverability=False),
        ],
        render_kw={"autocomplete": "email", "spellcheck": "false", "inputmode": "email"},
    )


class ConsentForm(BaseForm):
    decision = RadioField(
        _l("Your answer"),
        choices=[
            SelectChoice(
                "given",
                _l("I consent to this application and to my child taking part, travel abroad included."),
            ),
            SelectChoice("refused", _l("I do not consent.")),
        ],
        validators=[InputRequired(_l("Choose whether you consent."))],
        validate_choice=False,
    )
    signed_name = StringField(
        _l("Your full name"),
        description=_l("Type your name as your signature."),
        filters=[strip],
        validators=[DataRequired(_l("Type your full name to sign your answer.")), Length(max=100)],
        render_kw={"autocomplete": "name"},
    )

    def validate_decision(self, field: RadioField) -> None:
        if field.data not in ("given", "refused"):
            raise ValidationError(_l("Choose whether you consent."))


# Staff ---------------------------------------------------------------------------------


class CohortForm(BaseForm):
    fiscal_year = IntegerField(
        _l("Fiscal year"),
        description=_l("April to March; e.g. 2026 for April 2026 to March 2027."),
        validators=[InputRequired(_l("Enter the fiscal year.")), NumberRange(2000, 2100)],
    )
    title_ja = StringField(
        _l("Title (Japanese)"),
        filters=[strip],
        validators=[DataRequired(_l("Enter the title.")), Length(max=200)],
    )
    title_en = StringField(_l("Title (English)"), filters=[strip], validators=[Optional(), Length(max=200)])
    destination_ja = StringField(
        _l("Destination (Japanese)"),
        filters=[strip],
        validators=[DataRequired(_l("Enter the destination.")), Length(max=200)],
    )
    destination_en = StringField(
        _l("Destination (English)"), filters=[strip], validators=[Optional(), Length(max=200)]
    )
    description_ja = TextAreaField(_l("Description (Japanese)"), filters=[strip], validators=[Optional()])
    description_en = TextAreaField(_l("Description (English)"), filters=[strip], validators=[Optional()])
    places = IntegerField(
        _l("Places"),
        default=6,
        validators=[InputRequired(_l("Enter the number of places.")), NumberRange(1, 100)],
    )
    waitlist_length = IntegerField(
        _l("Waiting list length"),
        default=3,
        validators=[InputRequired(_l("Enter the waiting list length.")), NumberRange(0, 100)],
    )
    opens_date = DateField(_l("Applications open on"), validators=[InputRequired(_l("Enter the date."))])
    opens_time = TimeField(_l("at (Japan time)"), validators=[InputRequired(_l("Enter the time."))])
    closes_date = DateField(_l("Applications close on"), validators=[InputRequired(_l("Enter the date."))])
    closes_time = TimeField(_l("at (Japan time)"), validators=[InputRequired(_l("Enter the time."))])
    eligible_grades = MultiCheckboxField(
        _l("Eligible years"),
        choices=[SelectChoice(str(g), str(g)) for g in GRADES],
        validators=[DataRequired(_l("Choose at least one year."))],
    )
    essay_prompt_ja = TextAreaField(
        _l("Essay prompt (Japanese)"),
        filters=[strip],
        validators=[DataRequired(_l("Enter the essay prompt."))],
    )
    essay_prompt_en = TextAreaField(_l("Essay prompt (English)"), filters=[strip], validators=[Optional()])
    essay_min_chars = IntegerField(
        _l("Essay length: at least (characters)"),
        default=600,
        validators=[InputRequired(_l("Enter the minimum length.")), NumberRange(1, 10_000)],
    )
    essay_max_chars = IntegerField(
        _l("Essay length: at most (characters)"),
        default=800,
        validators=[InputRequired(_l("Enter the maximum length.")), NumberRange(1, 10_000)],
    )
    reviewers_per_application = IntegerField(
        _l("Reviewers per application"),
        default=2,
        validators=[InputRequired(_l("Enter the number of reviewers.")), NumberRange(1, 10)],
    )
    offer_days = IntegerField(
        _l("Days to answer an offer"),
        default=7,
        validators=[InputRequired(_l("Enter the number of days.")), NumberRange(1, 60)],
    )
    consent_reminder_days = IntegerField(
        _l("Remind guardians who have not answered, days before the window closes"),
        default=5,
        validators=[InputRequired(_l("Enter the number of days.")), NumberRange(0, 60)],
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.eligible_grades.choices = [SelectChoice(str(g), grade_label(g)) for g in GRADES]

    def validate_essay_max_chars(self, field: IntegerField) -> None:
        if (
            field.data is not None
            and self.essay_min_chars.data is not None
            and field.data < self.essay_min_chars.data
        ):
            raise ValidationError(_l("The maximum must not be below the minimum."))


def event_kind_choices() -> list[SelectChoice]:
    return [SelectChoice(kind.value, kind.label) for kind in EventKind]


class EventForm(BaseForm):
    kind = SelectField(_l("Kind"), choices=event_kind_choices, validators=[DataRequired()])
    title_ja = StringField(
        _l("Title (Japanese)"),
        filters=[strip],
        validators=[DataRequired(_l("Enter the title.")), Length(max=200)],
    )
    title_en = StringField(_l("Title (English)"), filters=[strip], validators=[Optional(), Length(max=200)])
    start_date = DateField(_l("Starts on"), validators=[InputRequired(_l("Enter the date."))])
    start_time = TimeField(_l("at (Japan time)"), validators=[InputRequired(_l("Enter the time."))])
    end_date = DateField(_l("Ends on"), validators=[InputRequired(_l("Enter the date."))])
    end_time = TimeField(_l("at (Japan time)"), validators=[InputRequired(_l("Enter the time."))])
    place_ja = StringField(_l("Place (Japanese)"), filters=[strip], validators=[Optional(), Length(max=200)])
    place_en = StringField(_l("Place (English)"), filters=[strip], validators=[Optional(), Length(max=200)])
