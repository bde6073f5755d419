"""Youth training: cohorts, essay applications from students, and their guardians' consent."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from booking.core.auth import Role
from booking.core.navigation import register_nav

bp = Blueprint("youth", __name__)

register_nav(
    "youth.staff_cohorts", _l("Youth training"), (Role.COORDINATOR,), order=300, prefixes=("/staff/youth/",)
)

from booking.youth import calendar, staff_views, todo, views  # noqa: E402,F401
