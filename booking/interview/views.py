"""Public: the interview on the student's private page (the times, the pick) and its .ics.

The student's page is youth's (`/youth/applications/<token>`); the interview adds to it
through youth's hooks what it shows, and answers the pick posted to that same page.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash
from flask_babel import gettext as _

from booking.core.errors import DomainError
from booking.core.i18n import current_language
from booking.interview import bp, services
from booking.interview.forms import PickForm
from booking.youth import hooks
from booking.youth.models import Application, Audience
from booking.youth.services import application_for_token


def _pick(application: Application) -> dict[str, Any] | None:
    """Book or change the interview time; a problem is shown beside the times (422)."""
    form = PickForm()
    if form.validate():
        try:
            services.pick_slot(application, form.slot_id.data)
        except DomainError as error:
            form.add_error(error)
        else:
            flash(_("Your interview time is booked. We have emailed you the details."), "success")
            return None
    elif not form.slot_id.errors:
        form.add_error(_("The page was open too long. Please try again."))
    return {"pick_form": form}


def _context(application: Application) -> dict[str, Any]:
    return {"interview": services.student_view(application)}


hooks.APPLICATION_ACTIONS.update(pick_interview=_pick)
hooks.APPLICATION_CONTEXT.append(_context)


@bp.route("/youth/applications/<token>/interview.ics")
def calendar(token: str):
    """The booked interview as an .ics, for the student's calendar."""
    application = application_for_token(token, Audience.STUDENT) or abort(404)
    data = services.calendar_for(application, current_language()) or abort(404)
    response = Response(data, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="interview.ics"'
    return response
