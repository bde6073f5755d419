"""Forms of the review: rubric criteria, declared conflicts, the assignment run, scores."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import (
    DecimalField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from booking.core.forms import (
    LARGEST_ID,
    BaseForm,
    MultiCheckboxField,
    WholeNumberField,
    max_length,
    parse_digits,
    record_id,
    strip,
    whole_number_between,
)
from booking.review.models import NOTE_MAX_LENGTH, REASON_MAX_LENGTH, Criterion

# Criteria scored out of this much or less are answered with radio buttons; above, a number.
RADIO_UP_TO = 10
NO_SUCH = _l("Choose from the list.")


class CriterionForm(BaseForm):
    name_ja = StringField(
        _l("Name (Japanese)"),
        filters=[strip],
        validators=[DataRequired(_l("Enter the criterion's name in Japanese.")), max_length(100)],
    )
    name_en = StringField(_l("Name (English)"), filters=[strip], validators=[max_length(100)])
    description_ja = TextAreaField(
        _l("What reviewers look for (Japanese)"),
        description=_l("Shown beside the score while reviewers read."),
        filters=[strip],
        validators=[max_length(2000)],
    )
    description_en = TextAreaField(
        _l("What reviewers look for (English)"), filters=[strip], validators=[max_length(2000)]
    )
    level_low_ja = TextAreaField(
        _l("Lowest level (Japanese)"), filters=[strip], validators=[max_length(1000)]
    )
    level_low_en = TextAreaField(_l("Lowest level (English)"), filters=[strip], validators=[max_length(1000)])
    level_mid_ja = TextAreaField(
        _l("Middle level (Japanese)"), filters=[strip], validators=[max_length(1000)]
    )
    level_mid_en = TextAreaField(_l("Middle level (English)"), filters=[strip], validators=[max_length(1000)])
    level_high_ja = TextAreaField(
        _l("Highest level (Japanese)"), filters=[strip], validators=[max_length(1000)]
    )
    level_high_en = TextAreaField(
        _l("Highest level (English)"), filters=[strip], validators=[max_length(1000)]
    )
    max_score = WholeNumberField(
        _l("Maximum score"),
        description=_l("Scores go from 0 to this number."),
        default=5,
        validators=[
            InputRequired(_l("Enter the maximum score.")),
            NumberRange(1, 100, _l("The maximum score must be between 1 and 100.")),
        ],
    )
    weight = DecimalField(
        _l("Weight"),
        description=_l("How much this criterion counts, e.g. 2 counts twice as much as 1."),
        default=Decimal("1"),
        places=2,
        validators=[
            InputRequired(_l("Enter the weight.")),
            NumberRange(Decimal("0.01"), Decimal("99"), _l("The weight must be above 0 and at most 99.")),
        ],
    )


class ConflictsForm(BaseForm):
    schools = MultiCheckboxField(
        _l("Schools you are connected to"),
        description=_l(
            "For example where you work or teach, or where your child or a close relative studies. "
            "You are never given an essay from these schools."
        ),
        coerce=record_id,
        validate_choice=False,
    )


class AssignmentForm(BaseForm):
    reviewers = MultiCheckboxField(_l("Reviewers taking part"), coerce=record_id, validate_choice=False)


class AddReviewerForm(BaseForm):
    application_id = WholeNumberField(
        validators=[InputRequired(), whole_number_between(1, LARGEST_ID, NO_SUCH)]
    )
    reviewer_id = WholeNumberField(
        _l("Reviewer"), validators=[InputRequired(), whole_number_between(1, LARGEST_ID, NO_SUCH)]
    )


def score_field_name(criterion: Criterion) -> str:
    return f"score_{criterion.id}"


class ScoreFieldsForm(BaseForm):
    """A form holding one score field per criterion (added by `score_form`)."""

    criteria: list[Criterion]

    def score_fields(self) -> list[tuple[Criterion, object]]:
        return [(c, self[score_field_name(c)]) for c in self.criteria]

    def values(self) -> dict[int, int | None]:
        found: dict[int, int | None] = {}
        for criterion, form_field in self.score_fields():
            data = form_field.data
            if data in (None, ""):
                found[criterion.id] = None
            else:
                found[criterion.id] = data if isinstance(data, int) else parse_digits(data)
        return found


class _ScoreFormBase(ScoreFieldsForm):
    comment = TextAreaField(
        _l("Comment"),
        description=_l("For the discussion among reviewers and coordinators. The student never sees it."),
        filters=[strip],
        validators=[max_length(4000)],
    )


class AmendFormBase(ScoreFieldsForm):
    """The scores again during the discussion, with the reason; the comment stays as it was."""

    reason = TextAreaField(
        _l("Why you change your scores"),
        description=_l("Coordinators see it in the essay's history."),
        filters=[strip],
        validators=[DataRequired(_l("Give the reason for the change.")), max_length(REASON_MAX_LENGTH)],
    )


class NoteForm(BaseForm):
    body = TextAreaField(
        _l("Your note"),
        description=_l(
            "Seen by the coordinators and this essay's reviewers. Refer to the essay by its code only."
        ),
        filters=[strip],
        validators=[DataRequired(_l("Write the note.")), max_length(NOTE_MAX_LENGTH)],
    )


def amend_form(criteria: list[Criterion], **kwargs: object) -> ScoreFieldsForm:
    return score_form(criteria, base=AmendFormBase, **kwargs)


def score_form(
    criteria: list[Criterion], base: type[ScoreFieldsForm] = _ScoreFormBase, **kwargs: object
) -> ScoreFieldsForm:
    """A form (`base` and its fields) with one score field per criterion; the service checks the values."""

    class ScoreForm(base):
        pass

    for criterion in criteria:
        label = criterion.name()
        if criterion.max_score <= RADIO_UP_TO:
            form_field = RadioField(
                label,
                choices=[SelectChoice(str(n), str(n)) for n in range(criterion.max_score + 1)],
                validators=[Optional()],
                validate_choice=False,
            )
        else:
            form_field = WholeNumberField(
                label,
                validators=[
                    Optional(),
                    NumberRange(0, criterion.max_score, _l("Enter a score between 0 and the maximum.")),
                ],
            )
        setattr(ScoreForm, score_field_name(criterion), form_field)
    form = ScoreForm(**kwargs)
    form.criteria = criteria
    return form


class MaskForm(BaseForm):
    phrase = StringField(
        _l("Words to mask"),
        description=_l(
            "Copy them from the essay as they are written; every occurrence is masked. "
            "Full- and half-width, hiragana and katakana are treated alike."
        ),
        filters=[strip],
        validators=[
            DataRequired(_l("Type the words to mask, as they appear in the essay.")),
            max_length(100),
        ],
    )
