"""Forms for study tours: the public request, the organiser's page, and the staff's list of
facilities.

They check the shape of what was typed; the rules that need the calendar or the
facilities (lead time, opening hours, capacity) are the services' job.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

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
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from booking.core.feedback import (
    FEEDBACK_COMMENTS_MAX,
    SatisfactionChoices,
    satisfaction_score,
)
from booking.core.forms import (
    BaseForm,
    CandidateDates,
    EmailAddress,
    LooseDateField,
    LooseIntegerField,
    LooseTimeField,
    MultiCheckboxField,
    lower,
    max_length,
    nfkc_strip,
    record_id,
    strip,
    whole_number_between,
)
from booking.core.i18n import current_language
from booking.visits import countries
from booking.visits.formatting import place_of_zone
from booking.visits.models import (
    GROUP_SIZE_MAX,
    TEXT_MAX,
    Facility,
    Interpretation,
)

PHONE = re.compile(r"\+?[0-9][0-9 ()\-.]{5,28}[0-9]", re.ASCII)


class InternationalPhone:
    """A phone number anywhere in the world: digits, spaces, dashes and brackets, an optional +."""

    def __call__(self, form: object, field: Field) -> None:
        if field.data and not PHONE.fullmatch(field.data):
            raise ValidationError(
                str(_l("Enter a phone number with its country code, like +855 23 724 046."))
            )


def _plain_phone(value: object) -> object:
    return unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else value


# The organiser's request --------------------------------------------------------------


class VisitRequestForm(CandidateDates, BaseForm):
    """The study-tour request; field names are part of the public contract (SPEC section 9)."""

    organisation = StringField(
        _l("Organisation"),
        description=_l("e.g. a water utility, a ministry, a university, a JICA training course."),
        filters=[strip],
        validators=[DataRequired(_l("Enter the name of your organisation.")), max_length(200)],
        render_kw={"autocomplete": "organization"},
    )
    country = SelectField(
        _l("Country or region"),
        description=_l("Where the group comes from. Times are also shown in its time zone."),
        validate_choice=False,
        validators=[DataRequired(_l("Choose the country or region of the group."))],
    )
    time_zone = SelectField(
        _l("Your time zone"),
        description=_l("Only for countries with several time zones; otherwise leave it as it is."),
        validate_choice=False,
    )
    purpose = TextAreaField(
        _l("Purpose of the visit"),
        description=_l("What the group would like to see and learn."),
        filters=[strip],
        validators=[DataRequired(_l("Tell us the purpose of the visit.")), max_length(TEXT_MAX)],
    )
    group_size = LooseIntegerField(
        _l("Number of visitors"),
        description=_l("Everyone in the group, including interpreters and escorts."),
        validators=[
            InputRequired(_l("Enter the number of visitors.")),
            whole_number_between(
                1, GROUP_SIZE_MAX, _l("Enter a number from 1 to %(max)d.", max=GROUP_SIZE_MAX)
            ),
        ],
        render_kw={"inputmode": "numeric"},
    )
    facilities = MultiCheckboxField(
        _l("Facilities to visit"),
        description=_l("One or more. The group sees them one after the other."),
        validate_choice=False,
        validators=[DataRequired(_l("Choose at least one facility."))],
    )
    # Candidate dates (Japan time): first choice required, second and third optional.
    # Their messages are named after their choice by validate().
    candidate_1_date = LooseDateField(_l("Date"), validators=[InputRequired(_l("Enter the date."))])
    candidate_1_time = LooseTimeField(
        _l("Start time"), validators=[InputRequired(_l("Enter the start time."))]
    )
    candidate_2_date = LooseDateField(_l("Date"), validators=[Optional()])
    candidate_2_time = LooseTimeField(_l("Start time"), validators=[Optional()])
    candidate_3_date = LooseDateField(_l("Date"), validators=[Optional()])
    candidate_3_time = LooseTimeField(_l("Start time"), validators=[Optional()])
    languages = StringField(
        _l("Languages the group speaks"),
        description=_l("e.g. Khmer, English."),
        filters=[strip],
        validators=[DataRequired(_l("Enter the languages the group speaks.")), max_length(200)],
    )
    interpretation = RadioField(
        _l("Interpretation"),
        choices=[
            SelectChoice(Interpretation.NONE.value, _l("Not needed (the group follows Japanese or English)")),
            SelectChoice(
                Interpretation.NEEDED.value, _l("Needed: please tell us which language in the notes")
            ),
        ],
        validate_choice=False,
        validators=[InputRequired(_l("Tell us whether the group needs an interpreter."))],
    )
    accessibility = TextAreaField(
        _l("Accessibility needs"),
        description=_l("e.g. a wheelchair user, a visitor who cannot climb stairs."),
        filters=[strip],
        validators=[max_length(TEXT_MAX)],
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
        validators=[DataRequired(_l("Enter your email address.")), EmailAddress(), max_length(254)],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )
    contact_phone = StringField(
        _l("Phone number"),
        description=_l("With the country code, e.g. +855 23 724 046."),
        filters=[_plain_phone],
        validators=[DataRequired(_l("Enter a phone number.")), max_length(30), InternationalPhone()],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    notes = TextAreaField(
        _l("Anything else we should know"),
        filters=[strip],
        validators=[max_length(TEXT_MAX)],
    )
    privacy_consent = BooleanField(
        _l("I agree to the way the bureau handles personal information"),
        validators=[
            DataRequired(_l("Please agree to the handling of personal information to send the request."))
        ],
    )
    submission_key = HiddenField()

    def __init__(self, *args, facilities: Sequence[Facility] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        language = current_language()
        self.offered = list(facilities)
        self.facilities.choices = [SelectChoice(str(f.id), f.name) for f in self.offered]
        self.country.choices = [SelectChoice("", _l("Choose…"))] + [
            SelectChoice(
                code,
                name,
                render_kw={
                    "data-zone": countries.default_zone(code),
                    "data-place": place_of_zone(countries.default_zone(code), language),
                },
            )
            for code, name in countries.country_choices(language)
        ]
        self.time_zone.choices = [SelectChoice("", _l("The country's main time zone"))] + [
            SelectChoice(
                zone,
                f"{countries.country_name(code, language)}: {place_of_zone(zone, language)}",
                render_kw={"data-country": code, "data-place": place_of_zone(zone, language)},
            )
            for code in sorted(
                countries.several_zone_countries(), key=lambda c: countries.country_name(c, language)
            )
            for zone in countries.zones_of(code)
        ]

    def validate_country(self, field: Field) -> None:
        if field.data and field.data not in countries.country_codes():
            raise ValidationError(str(_l("Choose the country or region from the list.")))

    def validate_time_zone(self, field: Field) -> None:
        if not field.data or self.country.data not in countries.country_codes():
            return
        if field.data not in countries.zones_of(self.country.data):
            raise ValidationError(
                str(_l("Choose a time zone of the country you chose, or leave the country's main one."))
            )

    def validate_facilities(self, field: Field) -> None:
        offered = {str(f.id) for f in self.offered}
        if any(value not in offered for value in field.data or []):
            raise ValidationError(str(_l("Choose facilities from the list.")))
        if len(set(field.data or [])) != len(field.data or []):
            field.data = list(dict.fromkeys(field.data))

    def validate_interpretation(self, field: Field) -> None:
        if field.data and field.data not in {i.value for i in Interpretation}:
            raise ValidationError(str(_l("Tell us whether the group needs an interpreter.")))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self.check_candidates()
        return valid and not self.has_errors

    @property
    def chosen_facility_ids(self) -> list[int]:
        """The facilities chosen, as ids (only those offered; unknown ones are refused above)."""
        offered = {str(f.id) for f in self.offered}
        return [int(v) for v in dict.fromkeys(self.facilities.data or []) if v in offered]

    @property
    def chosen_zone(self) -> str:
        return countries.zone_for(self.country.data or "", self.time_zone.data)


# The organiser's page --------------------------------------------------------------------


class CancelForm(BaseForm):
    action = HiddenField(default="cancel")
    reason = TextAreaField(
        _l("Why are you cancelling?"),
        description=_l("A short reason helps us plan, e.g. the trip was postponed."),
        filters=[strip],
        validators=[DataRequired(_l("Please give a short reason.")), max_length(TEXT_MAX)],
    )


class ChooseDateForm(BaseForm):
    action = HiddenField(default="choose")
    slot_id = RadioField(
        _l("Dates we propose"),
        coerce=record_id,
        validate_choice=False,
        validators=[InputRequired(_l("Choose one of the dates."))],
    )


class FeedbackForm(SatisfactionChoices, BaseForm):
    """The organiser's short feedback after the visit (fields `satisfaction`, `comments`)."""

    action = HiddenField(default="feedback")
    satisfaction = RadioField(
        _l("How satisfied are you with the visit?"),
        coerce=satisfaction_score,
        validate_choice=False,
        validators=[
            InputRequired(_l("Choose how satisfied you are, from “Very satisfied” to “Very dissatisfied”."))
        ],
    )
    comments = TextAreaField(
        _l("Comments"),
        description=_l(
            "What was useful, what we could do better. Up to %(max)d characters.", max=FEEDBACK_COMMENTS_MAX
        ),
        filters=[strip],
        validators=[
            Optional(),
            Length(
                max=FEEDBACK_COMMENTS_MAX,
                message=_l("Please shorten the comments to %(max)d characters (they are %(length)d now)."),
            ),
        ],
    )


# Staff: the facilities -----------------------------------------------------------------------

WEEKDAY_CHOICES = [
    SelectChoice("1", _l("Monday")),
    SelectChoice("2", _l("Tuesday")),
    SelectChoice("3", _l("Wednesday")),
    SelectChoice("4", _l("Thursday")),
    SelectChoice("5", _l("Friday")),
    SelectChoice("6", _l("Saturday")),
    SelectChoice("7", _l("Sunday")),
]


def _text(label, required_message=None, limit: int = 5000, area: bool = True):
    validators = [DataRequired(required_message)] if required_message else [Optional()]
    kind = TextAreaField if area else StringField
    return kind(label, filters=[strip], validators=[*validators, max_length(limit)])


class FacilityForm(BaseForm):
    code = StringField(
        _l("Short code"),
        description=_l("Lower-case letters, digits and dashes, e.g. water-plaza."),
        filters=[strip, lower],
        validators=[DataRequired(_l("Enter a short code.")), max_length(40)],
    )
    name_ja = _text(_l("Name in Japanese"), _l("Enter the name in Japanese."), 100, area=False)
    name_en = _text(_l("Name in English"), _l("Enter the name in English."), 100, area=False)
    description_ja = _text(_l("Description in Japanese"))
    description_en = _text(_l("Description in English"))
    capacity = LooseIntegerField(
        _l("Visitors at once"),
        validators=[
            InputRequired(_l("Enter how many visitors the facility holds at once.")),
            whole_number_between(1, 1000, _l("Enter a number from 1 to 1000.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    open_weekdays = MultiCheckboxField(
        _l("Open on"),
        choices=WEEKDAY_CHOICES,
        validators=[DataRequired(_l("Choose the days it is open."))],
    )
    opens_at = LooseTimeField(_l("Opens at"), validators=[InputRequired(_l("Enter the opening time."))])
    closes_at = LooseTimeField(_l("Closes at"), validators=[InputRequired(_l("Enter the closing time."))])
    visit_minutes = LooseIntegerField(
        _l("Length of a visit (minutes)"),
        validators=[
            InputRequired(_l("Enter the length of a visit in minutes.")),
            whole_number_between(15, 480, _l("Enter a number from 15 to 480.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    photo_policy_ja = _text(_l("Photo policy in Japanese"))
    photo_policy_en = _text(_l("Photo policy in English"))
    meeting_point_ja = _text(_l("Meeting point in Japanese"))
    meeting_point_en = _text(_l("Meeting point in English"))
    directions_ja = _text(_l("Directions in Japanese"))
    directions_en = _text(_l("Directions in English"))
    position = LooseIntegerField(
        _l("Order in the list"),
        description=_l("Smaller numbers come first."),
        default=0,
        validators=[Optional(), whole_number_between(0, 999, _l("Enter a number from 0 to 999."))],
        render_kw={"inputmode": "numeric"},
    )
    active = BooleanField(_l("Open for requests"), default=True)

    def validate_code(self, field: Field) -> None:
        if field.data and not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", field.data):
            raise ValidationError(str(_l("Use lower-case letters, digits and dashes only.")))

    def validate_open_weekdays(self, field: Field) -> None:
        if any(value not in {"1", "2", "3", "4", "5", "6", "7"} for value in field.data or []):
            raise ValidationError(str(_l("Choose the days it is open.")))

    def validate_closes_at(self, field: Field) -> None:
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError(str(_l("The closing time must be after the opening time.")))
