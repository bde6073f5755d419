"""Outreach lectures: the catalog, schools' requests, scheduling with lecturers, the inbox."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from booking.core.auth import Role
from booking.core.navigation import register_nav

bp = Blueprint("lectures", __name__)

# Who runs the lecture inbox, schedules, and keeps the catalog.
LECTURE_STAFF = (Role.ADMIN, Role.COORDINATOR)

register_nav("lectures.inbox", _l("Lectures"), LECTURE_STAFF, order=100, prefixes=("/staff/lectures/",))
register_nav("lectures.my_schedule", _l("My lectures"), (Role.LECTURER,), order=110)

from booking.core.i18n import zone_name  # noqa: E402
from booking.lectures.formatting import slot_span, time_off_span, time_span  # noqa: E402

bp.add_app_template_filter(time_span, "time_span")
bp.add_app_template_filter(time_off_span, "time_off_span")
bp.add_app_template_filter(slot_span, "slot_span")
bp.add_app_template_filter(zone_name, "zone_name")

from booking.lectures import (  # noqa: E402,F401
    calendar,
    coverage,
    round_models,
    round_views,
    running_views,
    staff_views,
    todo,
    views,
)
