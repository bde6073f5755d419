"""Study tours: facilities, groups' visit requests, and the organiser's private page."""

from flask import Blueprint

# Routes carry their whole path, as the lectures' do: public pages under /visits/, staff
# pages under /staff/visits/.
bp = Blueprint("visits", __name__)

from booking.visits.countries import country_name  # noqa: E402
from booking.visits.formatting import visit_time  # noqa: E402
from booking.visits.rules import weekday_names  # noqa: E402

bp.add_app_template_filter(visit_time, "visit_time")
bp.add_app_template_filter(country_name, "country_name")
bp.add_app_template_filter(weekday_names, "open_days")

from booking.visits import (  # noqa: E402,F401
    facility_views,
    views,
    visitor_views,
)
