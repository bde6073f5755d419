"""The school directory: the city's schools, which requests and applications pick from."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from booking.core.auth import Role
from booking.core.navigation import register_nav

bp = Blueprint("schools", __name__, url_prefix="/staff/schools")

register_nav("schools.index", _l("Schools"), (Role.ADMIN,), order=920)

from booking.schools.periods import schedule_of  # noqa: E402

bp.add_app_template_global(schedule_of, "school_periods")

from booking.schools import staff_views  # noqa: E402,F401
