"""Study tours: facilities, groups' visit requests, and the organiser's private page."""

from flask import Blueprint

bp = Blueprint("visits", __name__, url_prefix="/visits")

from booking.visits import facility_views, views  # noqa: E402,F401
