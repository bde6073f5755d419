"""The youth training's optional interview round: shortlist, slots, interview scores, combined ranking."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from booking.core.auth import Role
from booking.core.navigation import register_nav

bp = Blueprint("interview", __name__)

register_nav(
    "interview.home",
    _l("Interviews"),
    (Role.REVIEWER, Role.COORDINATOR),
    order=315,
    prefixes=("/staff/interview/",),
)

from booking.interview import staff_views, views  # noqa: E402,F401
