"""Public: a participant downloads the program's events from their private page."""

from __future__ import annotations

from flask import Response, abort

from booking.core.i18n import current_language
from booking.selection import bp, services
from booking.youth.models import ApplicationStatus, Audience
from booking.youth.services import application_for_token


@bp.route("/youth/applications/<token>/calendar.ics")
def calendar(token: str):
    """One .ics with a VEVENT per event of the program; only for students taking part."""
    application = application_for_token(token, Audience.STUDENT) or abort(404)
    if application.status != ApplicationStatus.CONFIRMED:
        abort(404)
    response = Response(services.calendar_for(application, current_language()), mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="youth-training.ics"'
    return response
