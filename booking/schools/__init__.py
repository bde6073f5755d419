"""The school directory: the city's schools, which requests and applications pick from."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from booking.core.auth import Role
from booking.core.navigation import register_nav

bp = Blueprint("schools", __name__, url_prefix="/staff/schools")

# Who reads the coverage: the coordinators who choose which schools to favour, and admins.
COVERAGE_READERS = (Role.ADMIN, Role.COORDINATOR)

register_nav("schools.index", _l("Schools"), (Role.ADMIN,), order=920)
register_nav("schools.coverage_list", _l("Coverage"), COVERAGE_READERS, order=915)

from booking.schools.periods import schedule_of  # noqa: E402

bp.add_app_template_global(schedule_of, "school_periods")

from booking.schools import staff_views  # noqa: E402,F401
