"""Email: the outbox written in the caller's transaction, the sender, calendar files."""

from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/staff/outbox")

from booking.notifications import staff_views, todo  # noqa: E402,F401
