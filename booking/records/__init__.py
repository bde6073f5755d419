"""The public track record (実績): lectures held and youth trainings run, year by year."""

from flask import Blueprint

bp = Blueprint("records", __name__)

from booking.records import views  # noqa: E402,F401
