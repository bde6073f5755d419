"""Public: the result and the offer on the student's private page, the calendar, the reports.

The student's page is youth's (`/youth/applications/<token>`); selection adds to it through
youth's hooks what it shows of the result, and answers the offer posted to that same page.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, request
from flask_babel import gettext as _

from booking.core.cache import Lazy
from booking.core.errors import DomainError
from booking.core.i18n import current_language
from booking.selection import bp, services
from booking.selection.forms import DeclineForm
from booking.selection.models import ActivityReport
from booking.youth import hooks
from booking.youth.models import Application, ApplicationStatus, Audience
from booking.youth.services import application_for_token


def _answer_offer(application: Application) -> dict[str, Any] | None:
    """Accept or decline the offered place; a decline must be confirmed with its checkbox."""
    accept = request.form.get("action") == "accept_offer"
    if not accept:
        form = DeclineForm()
        if not form.validate():
            # Shown in the page's error summary (focused) and beside the box.
            return {"action_form": form, "decline_error": form.all_errors[0][1]}
    try:
        services.answer_offer(application, accept=accept)
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash(
            _("Thank you. You have accepted your place; we have emailed you the dates.")
            if accept
            else _("Your answer is recorded: you have declined the place. Thank you for telling us."),
            "success",
        )
    return None


hooks.APPLICATION_ACTIONS.update(accept_offer=_answer_offer, decline_offer=_answer_offer)
hooks.APPLICATION_CONTEXT.append(lambda application: {"offer": services.offer_view(application)})
hooks.INDEX_CONTEXT.append(lambda: {"reports": Lazy(services.published_reports)})
hooks.INDEX_SOURCES.append(ActivityReport)


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
