"""Blind review of the youth training's essays: rubric, conflicts, assignment, scores, ranking."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from booking.core.auth import Role
from booking.core.navigation import register_nav

bp = Blueprint("review", __name__)

register_nav(
    "review.queue", _l("Essays to review"), (Role.REVIEWER,), order=310, prefixes=("/staff/review/",)
)
register_nav(
    "review.cohorts",
    _l("Review and selection"),
    (Role.COORDINATOR,),
    order=320,
    prefixes=("/staff/review/cohorts", "/staff/review/reviewers", "/staff/selection/"),
)

from booking.review import staff_views  # noqa: E402,F401  isort: skip
from booking.review import (  # noqa: E402,F401  isort: skip
    agreement_views,
    calibration_views,
    discussion_views,
    masking_views,
)
