"""The short feedback form after a held lecture or visit, as both programs ask it.

Satisfaction is a score from 1 to 5 (5 is best) with the same five answers everywhere;
comments are optional and short. The answer can be changed for FEEDBACK_EDIT_DAYS after it
was first sent. Each program keeps its answers in its own table (one per lecture or
visit), made of `FeedbackAnswers`, and its form is made with `SatisfactionChoices`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import Field, SelectChoice
from wtforms.validators import ValidationError

from booking.core.numbers import parse_digits
from booking.core.time import utcnow

# Satisfaction, as the public and the staff pages word it (5 is best).
SATISFACTION_LABELS = {
    5: _l("Very satisfied"),
    4: _l("Satisfied"),
    3: _l("Neither satisfied nor dissatisfied"),
    2: _l("Dissatisfied"),
    1: _l("Very dissatisfied"),
}
FEEDBACK_COMMENTS_MAX = 1000
# The teacher or organiser can change the answers for this long after first sending them.
FEEDBACK_EDIT_DAYS = 7


class FeedbackAnswers:
    """The columns and questions every feedback table shares (mixed into a model)."""

    satisfaction: Mapped[int]
    comments: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @staticmethod
    def checks() -> tuple[sa.CheckConstraint, ...]:
        """The table's checks: a score from 1 to 5, comments within the limit."""
        return (
            sa.CheckConstraint("satisfaction BETWEEN 1 AND 5", name="satisfaction"),
            sa.CheckConstraint(f"length(comments) <= {FEEDBACK_COMMENTS_MAX}", name="comments_length"),
        )

    @property
    def satisfaction_label(self) -> str:
        return str(SATISFACTION_LABELS.get(self.satisfaction, ""))

    @property
    def editable_until(self) -> datetime:
        return self.submitted_at + timedelta(days=FEEDBACK_EDIT_DAYS)

    def can_edit(self, now: datetime) -> bool:
        return now < self.editable_until


def satisfaction_score(value: object) -> int | None:
    """The `coerce` of a satisfaction field: a score as typed, or None."""
    return value if isinstance(value, int) else parse_digits(value)


class SatisfactionChoices:
    """For a feedback form with a `satisfaction` radio field: the five answers, best first."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.satisfaction.choices = [
            SelectChoice(score, str(_l("%(score)d – %(label)s", score=score, label=label)))
            for score, label in sorted(SATISFACTION_LABELS.items(), reverse=True)
        ]

    def validate_satisfaction(self, field: Field) -> None:
        if field.data not in SATISFACTION_LABELS:
            raise ValidationError(_l("Choose one of the five answers."))
