"""The audit log: who did what to which record, and when. Never personal data itself."""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/staff/audit")

from booking.audit import staff_views  # noqa: E402,F401
