"""Staff pages for study tours: the inbox, a request and what can be done to it, and a
guide's own tours.

Coordinators and admins act; a guide opens the tours they are booked for, read only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from booking.core.auth import Role, role_required
from booking.core.errors import DomainError
from booking.core.exports import csv_response, xlsx_response
from booking.core.i18n import current_language, format_datetime
from booking.core.numbers import page_number
from booking.core.time import JST, now_jst, utcnow
from booking.notifications.services import emails_about
from booking.staff.models import User
from booking.staff.services import users_with_role
from booking.visits import countries
from booking.visits.access import VISIT_READERS, VISIT_STAFF
from booking.visits.guide_days import busy_label, guide_days
from booking.visits.models import OPEN_STATUSES, Action, VisitRequest, VisitStatus
from booking.visits.services import inbox as inbox_service
from booking.visits.services import staff_actions
from booking.visits.staff_forms import (
    VisitCompleteForm,
    VisitProposeForm,
    VisitReasonForm,
    VisitScheduleForm,
)

BOOKED = (VisitStatus.SCHEDULED, VisitStatus.COMPLETED)
# The staff side lives under /staff/visits/, apart from the public pages' /visits/ prefix.
bp = Blueprint("visit_staff", __name__)

from booking.visits import calendar, todo  # noqa: E402,F401  (they register themselves)


def _put_errors(form, error: DomainError, fields: dict[str, str] | None = None) -> None:
    """Each of the service's reasons next to its field (renamed where the form differs)."""
    for problem in error.errors:
        form.add_error(problem.message, field=(fields or {}).get(problem.field or "", problem.field))


def _page(template: str, form, **context):
    return render_template(template, form=form, **context), 422 if form.has_errors else 200


def _visit_or_404(request_id: int) -> VisitRequest:
    visit = inbox_service.get_request(request_id)
    if visit is None:
        abort(404)
    return visit


def _guard(visit: VisitRequest, action: Action):
    """Back to the request with the reason when the action is not possible in its status."""
    try:
        visit.ensure_can(action)
    except DomainError as error:
        flash(str(error), "error")
        return redirect(url_for("visit_staff.show", request_id=visit.id))
    return None


def country_name(code: str) -> str:
    """A country's or region's name in the page's language."""
    return countries.country_name(code, current_language())


def country_choices() -> list[tuple[str, str]]:
    return countries.country_choices(current_language())


@bp.context_processor
def _helpers() -> dict:
    return {"country_name": country_name, "booked": BOOKED}


# The inbox ------------------------------------------------------------------------------


class Country(NamedTuple):
    code: str
    name: str


SORT_LABELS = {
    "newest": _l("Newest first"),
    "oldest": _l("Oldest first"),
    "date": _l("Visit date"),
    "reference": _l("Reference"),
    "organisation": _l("Organisation"),
}


@bp.route("/staff/visits/")
@role_required(*VISIT_STAFF)
def inbox():
    filters = inbox_service.InboxFilters.from_args(request.args)
    counts = inbox_service.status_counts()
    return render_template(
        "visits/staff/inbox.html",
        requests=inbox_service.list_requests(
            filters, utcnow(), page=request.args.get("page", 1, type=page_number)
        ),
        filters=filters,
        counts=counts,
        open_count=sum(counts[status] for status in OPEN_STATUSES),
        all_count=sum(counts.values()),
        statuses=list(VisitStatus),
        facilities=inbox_service.all_facilities(),
        countries=[Country(code, country_name(code)) for code in inbox_service.requested_countries()],
        sorts=SORT_LABELS,
    )


EXPORT_HEADER = [
    _l("Reference"),
    _l("Status"),
    _l("Fiscal year"),
    _l("Received on"),
    _l("Organisation"),
    _l("Country or region"),
    _l("Group size"),
    _l("Facilities"),
    _l("Confirmed date (Japan time)"),
    _l("First choice asked for (Japan time)"),
    _l("Languages"),
    _l("Interpretation needed"),
    _l("Outside interpreter"),
    _l("Purpose"),
    _l("Accessibility"),
    _l("Notes from the organiser"),
    _l("Contact person"),
    _l("Email address"),
    _l("Phone number"),
    _l("Actual visitors"),
    _l("Visitors by country"),
]


def _export_row(visit: VisitRequest) -> list[object]:
    return [
        visit.reference,
        visit.status.label,
        visit.fiscal_year,
        visit.submitted_at,
        visit.organisation,
        country_name(visit.country),
        visit.group_size,
        ", ".join(f.name for f in visit.facilities),
        visit.starts_at if visit.status in BOOKED else None,
        visit.candidates[0].starts_at if visit.candidates else None,
        visit.languages,
        _("Yes") if visit.needs_interpreter else _("No"),
        visit.interpreter_name,
        visit.purpose,
        visit.accessibility,
        visit.notes,
        visit.contact_name,
        visit.contact_email,
        visit.contact_phone,
        visit.actual_visitors,
        ", ".join(f"{country_name(c.country)} {c.visitors}" for c in visit.countries),
    ]


@bp.route("/staff/visits/export.<any(csv, xlsx):kind>")
@role_required(*VISIT_STAFF)
def export(kind: str):
    visits = inbox_service.export_requests(
        inbox_service.InboxFilters.from_args(request.args), utcnow(), current_user
    )
    rows = (_export_row(v) for v in visits)  # read while the download streams
    header = [str(h) for h in EXPORT_HEADER]
    name = _("study-tours") + now_jst().strftime("-%Y%m%d")
    if kind == "csv":
        return csv_response(f"{name}.csv", header, rows)
    return xlsx_response(f"{name}.xlsx", _("Study tours"), header, rows)


# One request ------------------------------------------------------------------------------


@bp.route("/staff/visits/<int:request_id>")
@role_required(*VISIT_READERS)
def show(request_id: int):
    visit = _visit_or_404(request_id)
    manages = current_user.has_any_role(*VISIT_STAFF)
    if not manages and not inbox_service.is_booked(visit.id, current_user.id):
        abort(403)
    inbox_service.view_request(visit, current_user)
    return render_template(
        "visits/staff/show.html",
        visit=visit,
        manages=manages,
        staffed=inbox_service.booked_staff(visit.id),
        names=inbox_service.people_names(visit.events),
        emails=emails_about("visit_request", visit.id) if manages else [],
        now=utcnow(),
    )


@bp.route("/staff/visits/mine")
@role_required(Role.GUIDE)
def mine():
    since = datetime.combine(now_jst().date() - timedelta(days=30), datetime.min.time(), tzinfo=JST)
    return render_template("visits/staff/mine.html", visits=inbox_service.tours_of(current_user, since))


@dataclass(frozen=True)
class BookedNow:
    """The visit's date as booked, offered first when rescheduling (to change guides only)."""

    starts_at: datetime
    ends_at: datetime
    id: str = "current"
    kind: None = None
    rank: int = 0


def slot_label(slot) -> str:
    if slot.kind is None:
        prefix = _("Booked now")
    elif slot.kind.value == "requested":
        prefix = _("Choice %(n)d", n=slot.rank)
    else:
        prefix = _("Proposed date %(n)d", n=slot.rank)
    return prefix + _(": ") + format_datetime(slot.starts_at)


def _staff_choices(people: list[User]) -> list[tuple[int, str]]:
    return [(u.id, u.name) for u in people]


def _interpreters() -> list[User]:
    found: dict[int, User] = {}
    for role in (Role.GUIDE, Role.LECTURER, Role.COORDINATOR):
        for user in users_with_role(role):
            found.setdefault(user.id, user)
    return sorted(found.values(), key=lambda u: (u.name, u.id))


def _booking_page(visit: VisitRequest, action: Action):
    """Schedule and reschedule share a page: a date, guides, an interpreter, their diaries."""
    refused = _guard(visit, action)
    if refused:
        return refused
    rescheduling = action == Action.RESCHEDULE
    slots = [*visit.proposals, *visit.candidates]
    if rescheduling and visit.starts_at and visit.ends_at:
        slots = [BookedNow(visit.starts_at, visit.ends_at), *slots]
    guides = users_with_role(Role.GUIDE)
    interpreters = _interpreters()
    booked = inbox_service.booked_staff(visit.id)
    defaults = {
        "guide_ids": [b.person_id for b in booked if b.role.value == "guide"],
        "interpreter_id": next((b.person_id for b in booked if b.role.value == "interpreter"), None),
        "interpreter_name": visit.interpreter_name,
    }
    if rescheduling:
        defaults["slot"] = BookedNow.id
    form = VisitScheduleForm(
        slots=[SelectChoice(str(slot.id), slot_label(slot)) for slot in slots],
        guides=_staff_choices(guides),
        interpreters=_staff_choices(interpreters),
        rescheduling=rescheduling,
        data=None if request.method == "POST" else defaults,
    )
    if form.validate_on_submit():
        data = staff_actions.VisitBookingData(
            starts_at=form.starts_at({str(slot.id): slot.starts_at for slot in slots}).astimezone(UTC),
            guide_ids=tuple(form.guide_ids.data),
            interpreter_id=form.interpreter_id.data,
            interpreter_name=form.interpreter_name.data or "",
            message=form.message.data or "",
        )
        act = staff_actions.reschedule_visit if rescheduling else staff_actions.schedule_visit
        try:
            act(visit.id, data, current_user)
        except DomainError as error:
            date_field = "other_date" if form.slot.data == "other" else "slot"
            _put_errors(
                form, error, {"starts_at": date_field, "facilities": date_field, "people": "guide_ids"}
            )
        else:
            done = (
                _(
                    "The date of %(reference)s is changed. The organiser is emailed.",
                    reference=visit.reference,
                )
                if rescheduling
                else _("%(reference)s is scheduled. The organiser is emailed.", reference=visit.reference)
            )
            flash(done, "success")
            return redirect(url_for("visit_staff.show", request_id=visit.id))
    return _page(
        "visits/staff/schedule.html",
        form,
        visit=visit,
        rescheduling=rescheduling,
        rows=guide_days(visit.id, slots, guides),
        busy_label=busy_label,
        guides=guides,
        slot_label=slot_label,
    )


@bp.route("/staff/visits/<int:request_id>/schedule", methods=["GET", "POST"])
@role_required(*VISIT_STAFF)
def schedule(request_id: int):
    return _booking_page(_visit_or_404(request_id), Action.SCHEDULE)


@bp.route("/staff/visits/<int:request_id>/reschedule", methods=["GET", "POST"])
@role_required(*VISIT_STAFF)
def reschedule(request_id: int):
    return _booking_page(_visit_or_404(request_id), Action.RESCHEDULE)


@bp.route("/staff/visits/<int:request_id>/propose", methods=["GET", "POST"])
@role_required(*VISIT_STAFF)
def propose(request_id: int):
    visit = _visit_or_404(request_id)
    refused = _guard(visit, Action.PROPOSE)
    if refused:
        return refused
    form = VisitProposeForm(guides=_staff_choices(users_with_role(Role.GUIDE)))
    valid = form.validate_on_submit()
    numbered = form.numbered_times()
    fields = {f"date_{index}": f"date_{n}" for index, (n, _at) in enumerate(numbered, start=1)}
    times = tuple(at.astimezone(UTC) for _n, at in numbered)
    if form.is_submitted() and not valid:
        # The opening hours too, with the form's own mistakes: all in one pass.
        guide_ids = () if form.guide_ids.errors else tuple(form.guide_ids.data or ())
        problems = staff_actions.proposal_problems(visit, times, guide_ids)
        if problems:
            _put_errors(form, DomainError.several(problems), fields)
    elif valid:
        try:
            staff_actions.propose_dates(
                visit.id,
                staff_actions.VisitProposalData(times, form.message.data, tuple(form.guide_ids.data or ())),
                current_user,
            )
        except DomainError as error:
            _put_errors(form, error, fields)
        else:
            flash(_("The dates are proposed. The organiser is emailed a link to choose one."), "success")
            return redirect(url_for("visit_staff.show", request_id=visit.id))
    return _page("visits/staff/propose.html", form, visit=visit)


def _reason_page(request_id: int, action: Action):
    visit = _visit_or_404(request_id)
    refused = _guard(visit, action)
    if refused:
        return refused
    form = VisitReasonForm()
    if form.validate_on_submit():
        act = staff_actions.decline_visit if action == Action.DECLINE else staff_actions.cancel_visit
        try:
            act(visit.id, form.reason.data, current_user)
        except DomainError as error:
            _put_errors(form, error)
        else:
            done = _("The request is declined.") if action == Action.DECLINE else _("The visit is cancelled.")
            flash(done + " " + _("The organiser is emailed."), "success")
            return redirect(url_for("visit_staff.show", request_id=visit.id))
    return _page("visits/staff/reason.html", form, visit=visit, action=action.value)


@bp.route("/staff/visits/<int:request_id>/decline", methods=["GET", "POST"])
@role_required(*VISIT_STAFF)
def decline(request_id: int):
    return _reason_page(request_id, Action.DECLINE)


@bp.route("/staff/visits/<int:request_id>/cancel", methods=["GET", "POST"])
@role_required(*VISIT_STAFF)
def cancel(request_id: int):
    return _reason_page(request_id, Action.CANCEL)


@bp.route("/staff/visits/<int:request_id>/complete", methods=["GET", "POST"])
@role_required(*VISIT_STAFF)
def complete(request_id: int):
    visit = _visit_or_404(request_id)
    refused = _guard(visit, Action.COMPLETE)
    if refused:
        return refused
    defaults = {
        "actual_visitors": visit.group_size,
        "country_1": visit.country,
        "visitors_1": visit.group_size,
    }
    form = VisitCompleteForm(countries=country_choices(), data=None if request.method == "POST" else defaults)
    if form.validate_on_submit():
        data = staff_actions.HeldData(form.actual_visitors.data, form.counts(), form.held_note.data or "")
        try:
            staff_actions.complete_visit(visit.id, data, current_user)
        except DomainError as error:
            _put_errors(form, error)
        else:
            flash(_("%(reference)s is recorded as held.", reference=visit.reference), "success")
            return redirect(url_for("visit_staff.show", request_id=visit.id))
    return _page("visits/staff/complete.html", form, visit=visit)
