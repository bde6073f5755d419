"""The staff calendar (month, week and day) and each person's private calendar feed.

The calendar knows no program: lectures, youth training and later study tours each
register a source of entries (see booking.calendar.sources), so this package sits below
them and never imports them.
"""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from booking.core.auth import Role
from booking.core.navigation import register_nav

bp = Blueprint("calendar", __name__)

# Who opens the calendar: coordinators and admins see everyone's entries, a lecturer or guide their own.
CALENDAR_VIEWERS = (Role.ADMIN, Role.COORDINATOR, Role.LECTURER, Role.GUIDE)
# Who sees every person's entries, and may void anyone's feed.
CALENDAR_STAFF = (Role.ADMIN, Role.COORDINATOR)

register_nav("calendar.calendar", _l("Calendar"), CALENDAR_VIEWERS, order=105)

from booking.calendar.formatting import entry_span, local_times, time_on, weekday_names  # noqa: E402

bp.add_app_template_filter(entry_span, "entry_span")
bp.add_app_template_filter(local_times, "local_times")
bp.add_app_template_filter(time_on, "time_on")
bp.add_app_template_global(weekday_names, "weekday_names")

from booking.calendar import staff_views, views  # noqa: E402,F401
