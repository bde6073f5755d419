"""Selection for the youth training: decisions, publication, offers, participants, reports."""

from flask import Blueprint

bp = Blueprint("selection", __name__)

from booking.selection import staff_views, views  # noqa: E402,F401
