"""The staff area: sign-in, sessions, the dashboard and user administration."""

from __future__ import annotations

import time

from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user

from booking.core.auth import Role
from booking.core.navigation import register_nav

bp = Blueprint("staff", __name__, url_prefix="/staff")

register_nav("staff.dashboard", _l("Dashboard"), tuple(Role), order=0)
register_nav("staff.users", _l("Users"), (Role.ADMIN,), order=900)


@bp.before_app_request
def enforce_session_limits():
    """Sign staff out after SESSION_IDLE_MINUTES without a request, or SESSION_MAX_HOURS in all."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    config = current_app.config
    now = time.time()
    idle = now - session.get("seen_at", 0) > config["SESSION_IDLE_MINUTES"] * 60
    too_long = now - session.get("signed_in_at", 0) > config["SESSION_MAX_HOURS"] * 3600
    if idle or too_long:
        logout_user()
        session.clear()
        if idle:
            message = _(
                "You were signed out after %(n)d minutes without activity. Please sign in again.",
                n=config["SESSION_IDLE_MINUTES"],
            )
        else:
            message = _(
                "For your security, sessions end after %(n)d hours. Please sign in again.",
                n=config["SESSION_MAX_HOURS"],
            )
        flash(message, "info")
        if request.path.startswith("/staff"):
            return redirect(url_for("staff.login", next=request.full_path.rstrip("?")))
        return None
    session["seen_at"] = now
    return None


from booking.staff import staff_views, views  # noqa: E402,F401
