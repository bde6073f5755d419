"""The bureau's settings: the rules behind lecture requests and scheduling, and blackout days."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from booking.core.auth import Role
from booking.core.navigation import register_nav

bp = Blueprint("settings", __name__, url_prefix="/staff/settings")

# Blackout days are kept by coordinators too; the other settings by administrators only.
BLACKOUT_KEEPERS = (Role.ADMIN, Role.COORDINATOR)

register_nav("settings.blackout_days", _l("Blackout days"), BLACKOUT_KEEPERS, order=905)
register_nav("settings.edit", _l("Settings"), (Role.ADMIN,), order=910)

from booking.settings import staff_views  # noqa: E402,F401
