"""The public front: home page, language switch, health check."""

from flask import Blueprint

bp = Blueprint("home", __name__)

from booking.home import views  # noqa: E402,F401
