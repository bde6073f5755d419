"""The staff calendar page, and the buttons that renew or void a private feed link."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from booking.calendar import CALENDAR_STAFF, CALENDAR_VIEWERS, bp, services
from booking.calendar.forms import FeedActionForm
from booking.calendar.periods import Period, ViewKind, parse_day, parse_view
from booking.calendar.services import PEOPLE_ROLES
from booking.core.auth import role_required
from booking.core.errors import DomainError
from booking.core.numbers import record_number
from booking.core.security import safe_next_url
from booking.core.time import today_jst
from booking.staff.models import User


def _person(people: list[User]) -> User | None:
    """The person asked for: None for everyone; 404 for an id that is no one on the calendar."""
    if not services.sees_everyone(current_user):
        return current_user
    if not request.args.get("person"):
        return None
    person_id = request.args.get("person", type=record_number)
    person = next((p for p in people if p.id == person_id), None)
    return person or abort(404)


@bp.route("/staff/calendar")
@role_required(*CALENDAR_VIEWERS)
def calendar():
    people = services.people() if services.sees_everyone(current_user) else []
    person = _person(people)
    period = Period(parse_view(request.args.get("view")), parse_day(request.args.get("date")) or today_jst())
    return render_template(
        "calendar/calendar.html",
        page=services.calendar_page(period, current_user, person),
        people=people,
        views=list(ViewKind),
        today=today_jst(),
    )


def _feed_action() -> tuple[bool, str]:
    """Whether the button's form is sound, and the page (on this site) to go back to."""
    form = FeedActionForm()
    valid = form.validate_on_submit()
    return valid, safe_next_url(form.next.data if valid else None, url_for("calendar.calendar"))


@bp.route("/staff/calendar/feed/renew", methods=["POST"])
@role_required(*PEOPLE_ROLES)
def renew_feed():
    valid, back = _feed_action()
    if valid:
        try:
            replaced = services.renew_feed(current_user, current_user)
        except DomainError as error:
            flash(str(error), "error")
        else:
            if replaced:
                flash(_("Your calendar feed has a new link. The old link no longer works."), "success")
            else:
                flash(_("Your calendar feed link is ready. Add it to your calendar program."), "success")
    return redirect(back)


@bp.route("/staff/calendar/feeds/<int:user_id>/void", methods=["POST"])
@role_required(*CALENDAR_STAFF)
def void_feed(user_id: int):
    owner = services.person(user_id) or abort(404)
    valid, back = _feed_action()
    if valid:
        if services.void_feed(owner, current_user):
            flash(
                _("The calendar feed link is stopped. Calendar programs that used it get nothing more."),
                "success",
            )
        else:
            flash(_("There was no calendar feed link to stop."), "info")
    return redirect(back)
