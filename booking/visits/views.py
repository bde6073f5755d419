"""The public pages of study tours: the facilities, the request form, the organiser's page."""

from __future__ import annotations

import re
import secrets

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from booking.core.cache import Lazy, cached_page
from booking.core.errors import DomainError
from booking.core.feedback import FEEDBACK_EDIT_DAYS
from booking.core.i18n import current_language
from booking.core.ratelimit import SubmissionLimits, public_form_limit
from booking.core.time import utcnow
from booking.settings.models import BureauSettings
from booking.settings.services import current_settings
from booking.visits import bp, notifications, services
from booking.visits.formatting import visit_time
from booking.visits.forms import CancelForm, ChooseDateForm, FeedbackForm, VisitRequestForm
from booking.visits.models import Facility, Interpretation
from booking.visits.services.requests import Candidate, FeedbackData, Saved, VisitData

SUBMISSION_KEY = re.compile(r"[A-Za-z0-9_-]{32,64}")
REQUEST_LIMITS = SubmissionLimits("visits.request")


@bp.route("/visits/")
@cached_page(Facility, BureauSettings)
def index():
    return render_template(
        "visits/index.html",
        facilities=Lazy(services.facilities.active_facilities),
        settings=Lazy(current_settings),
    )


def _visit_data(form: VisitRequestForm) -> VisitData:
    key = form.submission_key.data or ""
    return VisitData(
        organisation=form.organisation.data,
        country=form.country.data,
        contact_name=form.contact_name.data,
        contact_email=form.contact_email.data,
        contact_phone=form.contact_phone.data,
        purpose=form.purpose.data,
        group_size=form.group_size.data,
        facility_ids=tuple(form.chosen_facility_ids),
        candidates=tuple(Candidate(rank, day, at) for rank, day, at, _periods in form.candidates()),
        # A missing or odd key still makes one request; it just cannot be recognised if resent.
        submission_key=key if SUBMISSION_KEY.fullmatch(key) else secrets.token_urlsafe(32),
        languages=form.languages.data,
        interpretation=Interpretation(form.interpretation.data),
        accessibility=form.accessibility.data or "",
        notes=form.notes.data or "",
        language=current_language(),
        time_zone=form.time_zone.data or None,
    )


def _checkable_problems(form: VisitRequestForm) -> list[DomainError]:
    """The facilities' and calendar's rules, for what a form with mistakes says clearly."""
    candidates = [
        Candidate(rank, day, at)
        for rank, day, at, _periods in form.candidates()
        if not form[f"candidate_{rank}_date"].errors and not form[f"candidate_{rank}_time"].errors
    ]
    facility_ids = [] if form.facilities.errors else form.chosen_facility_ids
    size = None if form.group_size.errors else form.group_size.data
    return services.requests.request_problems(facility_ids, size, candidates)


@bp.route("/visits/request", methods=["GET", "POST"])
def new_request():
    facilities = services.facilities.active_facilities()
    form = VisitRequestForm(facilities=facilities)
    refused = REQUEST_LIMITS.address_attempt() if request.method == "POST" else None
    if request.method == "GET":
        form.submission_key.data = secrets.token_urlsafe(32)
        chosen = request.args.get("facility", "")
        if chosen in {str(f.id) for f in facilities}:
            form.facilities.data = [chosen]
    if refused is None and form.is_submitted() and not form.validate():
        for problem in _checkable_problems(form):
            form.add_error(problem)
    elif refused is None and form.is_submitted():
        refused = REQUEST_LIMITS.email_attempt(form.contact_email.data)
        if refused is None:
            response = _submit(form)
            if response is not None:
                return response
    if refused is not None:
        form.add_error(refused.message)
    status = 429 if refused is not None else 422 if form.has_errors else 200
    return render_template(
        "visits/request.html", form=form, facilities=facilities, settings=current_settings()
    ), status


def _submit(form: VisitRequestForm):
    """Send the request; a redirect to the organiser's page, or None with the reasons on the form."""
    try:
        result = services.requests.submit_request(_visit_data(form))
    except DomainError as error:
        for problem in error.errors:
            form.add_error(problem)
        return None
    if result.repeated:
        REQUEST_LIMITS.give_back_email(form.contact_email.data)
        flash(_("This request had already been sent: here it is."), "success")
    else:
        flash(
            _("Thank you. We have received your request %(reference)s.", reference=result.visit.reference),
            "success",
        )
    return redirect(url_for("visits.manage", token=result.token))


def _feedback_form(visit, formdata) -> FeedbackForm:
    given = visit.feedback
    data = {"satisfaction": given.satisfaction, "comments": given.comments} if given else None
    return FeedbackForm(formdata=formdata, data=None if formdata is not None else data)


def _act(visit, form) -> tuple[str, str | None]:
    """Run the one service the submitted form asks for; the message to show and where to land."""
    if isinstance(form, CancelForm):
        services.requests.cancel_by_organiser(visit.id, form.reason.data)
        return _("The request is cancelled. We have emailed you a confirmation."), None
    if isinstance(form, ChooseDateForm):
        services.requests.choose_proposed_date(visit.id, form.slot_id.data)
        return _("Thank you: the visit is booked for the date you chose."), None
    saved = services.requests.give_feedback(
        visit.id, FeedbackData(form.satisfaction.data, form.comments.data or "")
    )
    messages = {
        Saved.CREATED: _("Thank you for your feedback."),
        Saved.CHANGED: _("Your changed answers are saved. Thank you."),
        Saved.UNCHANGED: _("Thank you: we had already received these answers."),
    }
    return messages[saved], "feedback"


@bp.route("/visits/manage/<token>", methods=["GET", "POST"])
@public_form_limit()
def manage(token: str):
    visit = services.requests.find_by_token(token)
    if visit is None:
        abort(404)
    action = request.form.get("action") if request.method == "POST" else None
    posted = {name: request.form if action == name else None for name in ("cancel", "choose", "feedback")}
    cancel_form = CancelForm(formdata=posted["cancel"])
    choose_form = ChooseDateForm(formdata=posted["choose"])
    choose_form.slot_id.choices = [
        SelectChoice(slot.id, visit_time(slot.starts_at, slot.ends_at, visit.time_zone))
        for slot in visit.proposals
    ]
    feedback_form = _feedback_form(visit, posted["feedback"])
    form = {"cancel": cancel_form, "choose": choose_form, "feedback": feedback_form}.get(action or "")
    if request.method == "POST" and form is None:
        abort(400)
    if form is not None and form.validate_on_submit():
        try:
            message, anchor = _act(visit, form)
        except DomainError as error:
            for problem in error.errors:
                form.add_error(problem)
        else:
            flash(message, "success")
            return redirect(url_for("visits.manage", token=token, _anchor=anchor))
    failed = form is not None and form.has_errors
    return render_template(
        "visits/manage.html",
        visit=visit,
        token=token,
        cancel_form=cancel_form,
        choose_form=choose_form,
        feedback_form=feedback_form,
        form=form,
        now=utcnow(),
        edit_days=FEEDBACK_EDIT_DAYS,
    ), 422 if failed else 200


@bp.route("/visits/manage/<token>/calendar.ics")
def calendar(token: str):
    visit = services.requests.find_by_token(token)
    if visit is None or not visit.has_calendar():
        abort(404)
    data = notifications.calendar_file(visit, current_language(), notifications.manage_url(token))
    response = Response(data, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{visit.reference}.ics"'
    return response
