"""The staff area: sign-in, sessions, the dashboard and user administration."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user

from booking.core.auth import Role
from booking.core.navigation import register_nav
from booking.staff.models import SessionEnd, User

bp = Blueprint("staff", __name__, url_prefix="/staff")

register_nav("staff.dashboard", _l("Dashboard"), tuple(Role), order=0)
register_nav("staff.users", _l("Users"), (Role.ADMIN,), order=900)


def load_session_user(session_id: str) -> User | None:
    """Flask-Login's loader: the cookie's session id must name a live server-side session.

    An unknown id (signed out, deactivated, new password) or a session that is over
    gives no user; enforce_session_limits then signs the browser out and says why.
    """
    staff_session, ended = services.find_session(session_id)
    if staff_session is None or ended is not None:
        g.staff_session_ended = ended
        return None
    g.staff_session = staff_session
    user = staff_session.user
    user.session_token = session_id
    return user


@bp.before_app_request
def enforce_session_limits():
    """Sign staff out after SESSION_IDLE_MINUTES without a request, or SESSION_MAX_HOURS in all."""
    if request.endpoint == "static" or "_user_id" not in session:
        # No staff session (every public visitor): nothing to load or check.
        return None
    if current_user.is_authenticated:
        services.record_activity(g.staff_session)
        return None
    if "_user_id" not in session:
        return None
    # The cookie names a session the server no longer accepts.
    ended = g.pop("staff_session_ended", None)
    logout_user()
    session.clear()
    if ended is None:
        return None
    config = current_app.config
    if ended == SessionEnd.IDLE:
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


from booking.staff import services, staff_views, views  # noqa: E402,F401
