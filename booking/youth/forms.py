"""Forms of the youth training: the application, the guardian's answer, cohorts and events."""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from booking.core.cache import cached_value
from booking.core.forms import (
    BaseForm,
    EmailAddress,
    JapanesePhone,
    LooseDateField,
    LooseTimeField,
    MultiCheckboxField,
    WholeNumberField,
    lower,
    max_length,
    nfkc_strip,
    parse_digits,
    strip,
)
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
# The longest essay text accepted at all (far above any cohort's maximum), drafts included.
ESSAY_HARD_LIMIT = 10_000
# Longest phone number as typed (a draft keeps it as typed; sent ones are normalised).
PHONE_MAX = 20
PHONE_TOO_LONG = _l("Enter a phone number in Japan, like 093-582-0000 or 090-1234-5678.")


def email_field(label: object, required: object, description: object = "", **render_kw: str) -> EmailField:
    """An email address: NFKC, lower case, the right shape, at most 254 characters."""
    return EmailField(
        label,
        description=description,
        filters=[nfkc_strip, lower],
        validators=[DataRequired(required), EmailAddress(EMAIL_FORMAT), max_length(254)],
        render_kw={"spellcheck": "false", "inputmode": "email", **render_kw},
    )


def phone_field(label: object, required: object, description: object = "", **render_kw: str) -> StringField:
    """A phone number in Japan (full-width digits accepted)."""
    return StringField(
        label,
        description=description,
        filters=[nfkc_strip],
        validators=[
            DataRequired(required),
            Length(max=PHONE_MAX, message=PHONE_TOO_LONG),
            JapanesePhone(),
        ],
        render_kw={"inputmode": "tel", **render_kw},
    )


# Multi-line text staff write (descriptions, prompts): stored as text, kept to a sane size.
LONG_TEXT_MAX = 5000


def kana_filter(value: object) -> object:
    return normalise_kana(value) if isinstance(value, str) else value


class Katakana:
    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: BaseForm, field: StringField) -> None:
        if field.data and not is_katakana(field.data):
            raise ValidationError(self.message)


def _school_names() -> tuple[tuple[tuple[int, str], ...], tuple[tuple[int, str], ...]]:
    """(id, name) of the active high schools, and of the technical colleges and others."""
    return (
        tuple((school.id, school.name) for school in active_schools(types={SchoolType.HIGH})),
        tuple((school.id, school.name) for school in active_schools(types={SchoolType.OTHER})),
    )


def school_choices() -> list[SelectChoice]:
    """High schools of the city, then technical colleges and others, then "not listed"."""
    choices = [SelectChoice("", _l("Choose your school"))]
    highs, others = cached_value("youth.school_choices", _school_names)
    choices += [SelectChoice(str(id_), name, optgroup=_l("High schools")) for id_, name in highs]
    choices += [
        SelectChoice(str(id_), name, optgroup=_l("Technical colleges and others")) for id_, name in others
    ]
    choices.append(SelectChoice(OTHER_SCHOOL, _l("My school is not in this list"), optgroup=_l("Not listed")))
    return choices


class ApplicationForm(BaseForm):
    """The student's form. The same form resumes a draft and edits a sent application."""

    family_name = StringField(
        _l("Family name"),
        filters=[strip],
        validators=[DataRequired(_l("Enter your family name.")), max_length(50)],
        render_kw={"autocomplete": "family-name"},
    )
    given_name = StringField(
        _l("Given name"),
        filters=[strip],
        validators=[DataRequired(_l("Enter your given name.")), max_length(50)],
        render_kw={"autocomplete": "given-name"},
    )
    family_name_kana = StringField(
        _l("Family name in kana"),
        description=_l("Katakana or hiragana, e.g. ヤマダ"),
        filters=[kana_filter],
        validators=[
            DataRequired(_l("Enter your family name in kana.")),
            Katakana(_l("Write your family name in katakana or hiragana only, e.g. ヤマダ.")),
            max_length(50),
        ],
    )
    given_name_kana = StringField(
        _l("Given name in kana"),
        description=_l("Katakana or hiragana, e.g. ハナコ"),
        filters=[kana_filter],
        validators=[
            DataRequired(_l("Enter your given name in kana.")),
            Katakana(_l("Write your given name in katakana or hiragana only, e.g. ハナコ.")),
            max_length(50),
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
        validators=[max_length(100)],
    )
    grade = RadioField(
        _l("Year at school"),
        choices=[SelectChoice(str(g), str(g)) for g in GRADES],
        validators=[InputRequired(_l("Choose your year at school."))],
        validate_choice=False,
    )
    email = email_field(
        _l("Your email address"),
        _l("Enter your email address."),
        description=_l("Your private link and every message about the application go here."),
        autocomplete="email",
    )
    phone = phone_field(
        _l("Your phone number"),
        _l("Enter your phone number."),
        description=_l("Mobile or home, e.g. 090-1234-5678."),
        autocomplete="tel",
    )
    guardian_name = StringField(
        _l("Guardian's name"),
        filters=[strip],
        validators=[DataRequired(_l("Enter your guardian's name.")), max_length(100)],
    )
    guardian_relationship = StringField(
        _l("Relationship to you"),
        description=_l("e.g. mother, father, grandparent"),
        filters=[strip],
        validators=[DataRequired(_l("Enter how your guardian is related to you.")), max_length(30)],
    )
    guardian_email = email_field(
        _l("Guardian's email address"),
        _l("Enter your guardian's email address."),
        description=_l("Your guardian is asked for consent at this address. It must be their own address."),
    )
    guardian_phone = phone_field(_l("Guardian's phone number"), _l("Enter your guardian's phone number."))
    essay = TextAreaField(
        _l("Essay"),
        validators=[
            DataRequired(_l("Write your essay.")),
            Length(
                max=ESSAY_HARD_LIMIT,
                message=_l("Your essay is too long to save: shorten it to %(max)d characters or fewer."),
            ),
        ],
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
    # Recognises a form sent twice; the column holds 64 characters.
    submission_key = HiddenField(
        validators=[Length(max=64, message=_l("This form is out of date. Reload the page and try again."))]
    )

    def __init__(self, cohort: Cohort, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        if not self.submission_key.data:
            self.renew_submission_key()
        self.grade.choices = [SelectChoice(str(g), grade_label(g)) for g in GRADES]

    def renew_submission_key(self) -> None:
        """A fresh key, so that sending the form again is recognised once more."""
        self.submission_key.data = secrets.token_urlsafe(24)

    def validate_for_draft(self) -> bool:
        """A draft keeps whatever is typed, within what can be stored; its address must be right."""
        valid = self.email.validate(self)
        if not valid:
            self.email.errors = [
                _l("To save a draft, enter your email address: the link to come back to it is sent there.")
            ]
        for field in self:
            if field is self.email or field.data in (None, "", []):
                continue
            errors = [str(error) for error in field.process_errors]
            try:
                field.pre_validate(self)  # a choice from the list
                for limit in (v for v in field.validators if isinstance(v, Length)):
                    limit(self, field)
            except (ValidationError, ValueError) as error:
                errors.append(str(error))
            if field is self.grade and parse_digits(field.data) not in GRADES:
                errors.append(str(_l("Choose your year at school.")))
            if errors:
                field.errors = errors
                valid = False
        return self.check_single_lines() and valid

    def validate_school_name(self, field: StringField) -> None:
        if self.school_id.data == OTHER_SCHOOL and not field.data:
            raise ValidationError(_l("Enter the name of your school."))

    def validate_grade(self, field: RadioField) -> None:
        grade = parse_digits(field.data)
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


class ContactForm(BaseForm):
    """Staff correct the student's and the guardian's email address and phone number."""

    email = email_field(_l("Student's email address"), _l("Enter the student's email address."))
    phone = phone_field(_l("Student's phone number"), _l("Enter the student's phone number."))
    guardian_email = email_field(
        _l("Guardian's email address"),
        _l("Enter the guardian's email address."),
        description=_l(
            "If it changes, the consent links sent to the old address stop working and a new one is sent."
        ),
    )
    guardian_phone = phone_field(_l("Guardian's phone number"), _l("Enter the guardian's phone number."))


class ResendLinkForm(BaseForm):
    email = email_field(_l("Your email address"), _l("Enter your email address."), autocomplete="email")


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
        validators=[DataRequired(_l("Type your full name to sign your answer.")), max_length(100)],
        render_kw={"autocomplete": "name"},
    )

    def validate_decision(self, field: RadioField) -> None:
        if field.data not in ("given", "refused"):
            raise ValidationError(_l("Choose whether you consent."))


# Staff ---------------------------------------------------------------------------------


class CohortForm(BaseForm):
    fiscal_year = WholeNumberField(
        _l("Fiscal year"),
        description=_l("April to March; e.g. 2026 for April 2026 to March 2027."),
        validators=[InputRequired(_l("Enter the fiscal year.")), NumberRange(2000, 2100)],
    )
    title_ja = StringField(
        _l("Title (Japanese)"),
        filters=[strip],
        validators=[DataRequired(_l("Enter the title.")), max_length(200)],
    )
    title_en = StringField(_l("Title (English)"), filters=[strip], validators=[Optional(), max_length(200)])
    destination_ja = StringField(
        _l("Destination (Japanese)"),
        filters=[strip],
        validators=[DataRequired(_l("Enter the destination.")), max_length(200)],
    )
    destination_en = StringField(
        _l("Destination (English)"), filters=[strip], validators=[Optional(), max_length(200)]
    )
    description_ja = TextAreaField(
        _l("Description (Japanese)"), filters=[strip], validators=[Optional(), max_length(LONG_TEXT_MAX)]
    )
    description_en = TextAreaField(
        _l("Description (English)"), filters=[strip], validators=[Optional(), max_length(LONG_TEXT_MAX)]
    )
    places = WholeNumberField(
        _l("Places"),
        default=6,
        validators=[InputRequired(_l("Enter the number of places.")), NumberRange(1, 100)],
    )
    waitlist_length = WholeNumberField(
        _l("Waiting list length"),
        default=3,
        validators=[InputRequired(_l("Enter the waiting list length.")), NumberRange(0, 100)],
    )
    opens_date = LooseDateField(_l("Applications open on"), validators=[InputRequired(_l("Enter the date."))])
    opens_time = LooseTimeField(_l("at (Japan time)"), validators=[InputRequired(_l("Enter the time."))])
    closes_date = LooseDateField(
        _l("Applications close on"), validators=[InputRequired(_l("Enter the date."))]
    )
    closes_time = LooseTimeField(_l("at (Japan time)"), validators=[InputRequired(_l("Enter the time."))])
    eligible_grades = MultiCheckboxField(
        _l("Eligible years"),
        choices=[SelectChoice(str(g), str(g)) for g in GRADES],
        validators=[DataRequired(_l("Choose at least one year."))],
    )
    essay_prompt_ja = TextAreaField(
        _l("Essay prompt (Japanese)"),
        filters=[strip],
        validators=[DataRequired(_l("Enter the essay prompt.")), max_length(LONG_TEXT_MAX)],
    )
    essay_prompt_en = TextAreaField(
        _l("Essay prompt (English)"), filters=[strip], validators=[Optional(), max_length(LONG_TEXT_MAX)]
    )
    essay_min_chars = WholeNumberField(
        _l("Essay length: at least (characters)"),
        default=600,
        validators=[InputRequired(_l("Enter the minimum length.")), NumberRange(1, 10_000)],
    )
    essay_max_chars = WholeNumberField(
        _l("Essay length: at most (characters)"),
        default=800,
        validators=[InputRequired(_l("Enter the maximum length.")), NumberRange(1, 10_000)],
    )
    reviewers_per_application = WholeNumberField(
        _l("Reviewers per application"),
        default=2,
        validators=[InputRequired(_l("Enter the number of reviewers.")), NumberRange(1, 10)],
    )
    offer_days = WholeNumberField(
        _l("Days to answer an offer"),
        default=7,
        validators=[InputRequired(_l("Enter the number of days.")), NumberRange(1, 60)],
    )
    consent_reminder_days = WholeNumberField(
        _l("Remind guardians who have not answered, days before the window closes"),
        default=5,
        validators=[InputRequired(_l("Enter the number of days.")), NumberRange(0, 60)],
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.eligible_grades.choices = [SelectChoice(str(g), grade_label(g)) for g in GRADES]

    def validate_essay_max_chars(self, field: WholeNumberField) -> None:
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
        validators=[DataRequired(_l("Enter the title.")), max_length(200)],
    )
    title_en = StringField(_l("Title (English)"), filters=[strip], validators=[Optional(), max_length(200)])
    start_date = LooseDateField(_l("Starts on"), validators=[InputRequired(_l("Enter the date."))])
    start_time = LooseTimeField(_l("at (Japan time)"), validators=[InputRequired(_l("Enter the time."))])
    end_date = LooseDateField(_l("Ends on"), validators=[InputRequired(_l("Enter the date."))])
    end_time = LooseTimeField(_l("at (Japan time)"), validators=[InputRequired(_l("Enter the time."))])
    place_ja = StringField(_l("Place (Japanese)"), filters=[strip], validators=[Optional(), max_length(200)])
    place_en = StringField(_l("Place (English)"), filters=[strip], validators=[Optional(), max_length(200)])
