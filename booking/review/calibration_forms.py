"""Forms of the calibration: an essay of the set with its reference scores, a reviewer's scores."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField

from booking.core.forms import max_length, nfkc_strip, strip
from booking.review.forms import ScoreFieldsForm


class CalibrationEssayForm(ScoreFieldsForm):
    """A past essay by its applicant code, or a sample essay's text; the reference scores follow."""

    code = StringField(
        _l("Applicant code of a past essay"),
        description=_l("For example Y-2025-017. The essay of a past cohort whose results are published."),
        filters=[nfkc_strip],
        validators=[max_length(20)],
    )
    sample_text = TextAreaField(
        _l("Or a sample essay"),
        description=_l(
            "An essay written for calibration. Write it without real names, schools or places a reader "
            "could trace. It gets the code S-1, S-2 and so on."
        ),
        filters=[strip],
        validators=[max_length(4000)],
    )


class ReferenceScoresForm(ScoreFieldsForm):
    """The reference scores of an essay already in the set."""


class CalibrationScoreForm(ScoreFieldsForm):
    """A reviewer's scores of a calibration essay."""
