"""Public pages: the catalog, the request form, and the teacher's private page."""

from __future__ import annotations

import re
import secrets
from datetime import date

from flask import Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from booking.core.cache import Lazy, cached_page, cached_value
from booking.core.errors import DomainError
from booking.core.feedback import FEEDBACK_EDIT_DAYS
from booking.core.i18n import current_language, format_datetime
from booking.core.numbers import parse_digits
from booking.core.ratelimit import SubmissionLimits, public_form_limit
from booking.core.time import today_jst, utcnow
from booking.extensions import limiter
from booking.lectures import availability, bp, feedback, notifications, services
from booking.lectures.forms import (
    OTHER_SCHOOL,
    CancelForm,
    ChooseDateForm,
    FeedbackForm,
    OtherDatesForm,
    RequestForm,
    SchoolMeetingForm,
    period_choices,
)
from booking.lectures.models import LectureFormat, MeetingHost, OnlinePlatform, Program
from booking.schools.models import School, SchoolType
from booking.schools.periods import schedule_of
from booking.schools.services import get_school, search_schools
from booking.settings.models import BlackoutDay, BureauSettings
from booking.settings.services import current_settings

SUBMISSION_KEY = re.compile(r"[A-Za-z0-9_-]{32,64}")


@bp.route("/lectures/")
@cached_page(Program, BureauSettings, BlackoutDay)
def catalog():
    # Read only when the cached page is missing (a change, a new worker).
    return render_template(
        "lectures/catalog.html", programs=Lazy(services.active_programs), settings=Lazy(current_settings)
    )


@bp.route("/lectures/availability")
@cached_page(*availability.SOURCES)
def open_days():
    """The month's school days, open, nearly full or full by format (`?month=YYYY-MM`)."""
    today = today_jst()
    months = cached_value(
        "lectures.availability.window", lambda: availability.window(current_settings(), today), today
    )
    asked = request.args.get("month") or None  # "?month=" is no month asked for
    month = availability.parse_month(asked)
    notice = None
    if asked is not None and month is None:
        notice = _("We could not read the month asked for, so this is the first month open for requests.")
    elif month is not None and not months.contains(month):
        notice = _(
            "Open days are shown from %(first)s to %(last)s, so this is the first month open for requests.",
            first=months.first.title(),
            last=months.last.title(),
        )
    shown = month if month is not None and notice is None else months.opening
    # Read only when the cached page is missing (a change, a new day, a new worker).
    view = Lazy(lambda: availability.month_view(shown, current_settings(), today))
    return render_template(
        "lectures/availability.html",
        month=shown,
        months=months,
        view=view,
        notice=notice,
        today=today,
        formats=availability.FORMATS,
        states=availability.DayState,
        settings=Lazy(current_settings),
    )


def _request_data(form: RequestForm) -> services.RequestData:
    online = form.chosen_format == LectureFormat.ONLINE
    key = form.submission_key.data or ""
    return services.RequestData(
        program_id=parse_digits(form.program_id.data),
        format=form.chosen_format,
        school_id=None if form.is_other_school else parse_digits(form.school_id.data),
        school_name=form.school_name.data or "",
        school_address=form.school_address.data or "",
        school_type=SchoolType(form.school_type.data) if form.is_other_school else None,
        contact_name=form.contact_name.data,
        contact_email=form.contact_email.data,
        contact_phone=form.contact_phone.data,
        grade=form.grade.data,
        audience_size=form.audience_size.data,
        class_count=form.class_count.data,
        candidates=tuple(services.Candidate(*found) for found in form.candidates()),
        # A missing or odd key still makes one request; it just cannot be recognised if resent.
        submission_key=key if SUBMISSION_KEY.fullmatch(key) else secrets.token_urlsafe(32),
        language=current_language(),
        online_platform=OnlinePlatform(form.online_platform.data) if online else None,
        meeting_link_by=MeetingHost(form.meeting_link_by.data) if online else None,
        connection_test=online and form.connection_test.data,
        venue="" if online else form.venue.data or "",
        equipment="" if online else form.equipment.data or "",
        notes=form.notes.data or "",
    )


def _well_formed_candidates(form) -> list:
    """The candidates typed clearly enough to be judged by the calendar's rules."""
    return [services.Candidate(*found) for found in form.well_formed_candidates()]


def _checkable(form: RequestForm) -> dict:
    """What a form with mistakes still says clearly enough to be judged by the rules."""
    program = "" if form.program_id.errors else form.program_id.data or ""
    school = "" if form.school_id.errors else form.school_id.data or ""
    return {
        "program_id": parse_digits(program),
        "fmt": None if form.format.errors else form.chosen_format,
        "audience_size": None if form.audience_size.errors else form.audience_size.data,
        "school_id": parse_digits(school),
        "candidates": _well_formed_candidates(form),
    }


def _chosen_school(form: RequestForm) -> School | None:
    """The directory's school the form names, if any (and shown)."""
    number = None if form.is_other_school else parse_digits(form.school_id.data)  # None beyond any record
    chosen = get_school(number) if number is not None else None
    return chosen if chosen is not None and chosen.active else None


def _offered_schools(form: RequestForm, matches: list[School]) -> list[School]:
    """The school already chosen (if it is one of the directory's), then the search's matches."""
    chosen = _chosen_school(form)
    offered = [chosen] if chosen is not None else []
    return offered + [school for school in matches if school not in offered]


PREFILL_DAYS = 400  # a date further off (or past) is not filled in: the form stays empty


def _prefilled_date() -> date | None:
    """`?date=YYYY-MM-DD` (from the availability page): the first choice's date, if usable."""
    given = request.args.get("date", "")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", given, re.ASCII):
        return None
    try:
        day = date.fromisoformat(given)
    except ValueError:
        return None
    return day if 0 <= (day - today_jst()).days <= PREFILL_DAYS else None


def _empty_form_page(choices: list) -> str:
    """The form as nobody has filled it in yet, with what a link chose (`?program=`,
    `?date=`, `?format=`). Its fields are the same for everyone, so they come from the
    cache: the form itself is built only when they are missing (a change, a new worker).
    """
    program = request.args.get("program", "")
    program = program if program in {str(p.id) for p in choices} else None
    day = _prefilled_date()
    chosen_format = request.args.get("format")
    chosen_format = chosen_format if chosen_format in {fmt.value for fmt in LectureFormat} else None

    def build() -> RequestForm:
        form = RequestForm(programs=choices)
        form.offer_schools([])
        form.offer_periods(None)
        if program is not None:
            form.program_id.data = program
        if day is not None:
            form.candidate_1_date.data = day
        if chosen_format is not None:
            form.format.data = chosen_format
        return form

    return render_template(
        "lectures/request.html",
        form=Lazy(build),
        fields_key=(program, day, chosen_format),
        submission_key=secrets.token_urlsafe(32),
        programs=Lazy(services.active_programs),
        settings=Lazy(current_settings),
        other=OTHER_SCHOOL,
        pristine=True,
        school=None,
    )


REQUEST_LIMITS = SubmissionLimits("lectures.request")


@bp.route("/lectures/request", methods=["GET", "POST"])
@cached_page(Program, BureauSettings, BlackoutDay)
def new_request():
    # The programs' names and formats for the form (cached); the programs themselves are
    # read only to draw their facts, which an empty form has cached.
    choices = services.program_choices()
    if request.method == "GET":
        return _empty_form_page(choices)
    programs = Lazy(services.active_programs)
    form = RequestForm(programs=choices)
    # A refused attempt shows the form again, everything typed kept, and when to try again.
    refused = REQUEST_LIMITS.address_attempt() if request.method == "POST" else None
    # "Find" posts the whole form back (nothing typed is lost, nothing personal goes
    # into a URL): it shows the matching schools and saves nothing. "Use this school" does
    # the same, to offer the chosen school's periods.
    finding = request.method == "POST" and "find_school" in request.form and refused is None
    choosing = request.method == "POST" and "choose_school" in request.form and refused is None
    matches = search_schools(form.school_query.data) if finding else []
    form.offer_schools(_offered_schools(form, matches))
    chosen = _chosen_school(form)
    form.offer_periods(schedule_of(chosen) if chosen is not None else None)
    if finding or choosing:
        return render_template(
            "lectures/request.html",
            form=form,
            programs=programs,
            settings=current_settings(),
            other=OTHER_SCHOOL,
            school_matches=matches,
            searched=finding,
            school=chosen,
        )
    if refused is None and form.is_submitted() and not form.validate():
        # Show the calendar and catalog rules too, with the form's own mistakes.
        for problem in services.request_problems(**_checkable(form)):
            form.add_error(problem)
    elif refused is None and form.is_submitted():
        refused = REQUEST_LIMITS.email_attempt(form.contact_email.data)
        if refused is None:
            response = _submit(form)
            if response is not None:
                return response
    if refused is not None:
        form.add_error(refused.message)
    return render_template(
        "lectures/request.html",
        form=form,
        programs=programs,
        settings=Lazy(current_settings),
        other=OTHER_SCHOOL,
        pristine=False,
        school=chosen,
    ), 429 if refused is not None else 422 if form.has_errors else 200


def _submit(form: RequestForm):
    """Send the request; a redirect to the teacher's page, or None with the reasons on the form."""
    try:
        result = services.submit_request(_request_data(form))
    except DomainError as error:
        for problem in error.errors:
            form.add_error(problem)
        return None
    if result.repeated:
        # The same form sent again made nothing new: it does not count against the address.
        REQUEST_LIMITS.give_back_email(form.contact_email.data)
    message = (
        _("This request had already been sent: here it is.")
        if result.repeated
        else _("Thank you. We have received your request %(reference)s.", reference=result.request.reference)
    )
    flash(message, "success")
    return redirect(url_for("lectures.manage", token=result.token))


@bp.route("/lectures/schools")
@limiter.limit(lambda: current_app.config["SCHOOL_SEARCH_LIMIT"])
def find_schools():
    """The school picker's matches as JSON: names of schools only, at most a few dozen."""
    schools = search_schools(request.args.get("q", "")[:100])
    return jsonify(schools=[{"id": school.id, "name": school.name} for school in schools])


@bp.route("/lectures/schools/<int:school_id>/periods")
@limiter.limit(lambda: current_app.config["SCHOOL_SEARCH_LIMIT"])
def school_periods(school_id: int):
    """A directory school's runs of periods as the request form offers them (JSON; no names)."""
    school = get_school(school_id)
    if school is None or not school.active:
        abort(404)
    choices = period_choices(schedule_of(school))
    return jsonify(runs=[{"value": choice.value, "label": choice.label} for choice in choices])


def _feedback_form(lecture, formdata) -> FeedbackForm:
    """The feedback form, holding the answers already given (to change them) if any."""
    given = lecture.feedback
    data = {"satisfaction": given.satisfaction, "comments": given.comments} if given else None
    return FeedbackForm(formdata=formdata, data=None if formdata is not None else data)


def _act(lecture, form) -> tuple[str, str | None]:
    """Run the one service the submitted form asks for; the message to show and where to land."""
    if isinstance(form, CancelForm):
        services.cancel_by_school(lecture.id, form.reason.data)
        return _("The request is cancelled. We have emailed you a confirmation."), None
    if isinstance(form, SchoolMeetingForm):
        changed = services.give_meeting_link(lecture.id, form.meeting_url.data)
        if not changed:
            return _("We already had this meeting link. Thank you."), "meeting"
        return _("Thank you: we have the meeting link, and the lecturers are told."), "meeting"
    if isinstance(form, ChooseDateForm):
        services.choose_proposed_date(lecture.id, form.slot_id.data)
        return _("Thank you: the lecture is booked for the date you chose."), None
    if isinstance(form, OtherDatesForm):
        candidates = tuple(services.Candidate(rank, day, at) for rank, day, at, _run in form.candidates())
        asked = services.ask_other_dates(
            lecture.id, services.OtherDatesData(candidates, form.message.data or "")
        )
        if asked == services.Asked.ALREADY:
            return _("We had already received these dates. We will email you when we have news."), None
        return _(
            "Thank you: we have received your new dates and will email you once we have checked them "
            "with our lecturers."
        ), None
    saved = feedback.give_feedback(
        lecture.id, feedback.FeedbackData(form.satisfaction.data, form.comments.data or "")
    )
    messages = {
        feedback.Saved.CREATED: _("Thank you for your feedback."),
        feedback.Saved.CHANGED: _("Your changed answers are saved. Thank you."),
        feedback.Saved.UNCHANGED: _("Thank you: we had already received these answers."),
    }
    return messages[saved], "feedback"


@bp.route("/lectures/manage/<token>", methods=["GET", "POST"])
@public_form_limit()
def manage(token: str):
    lecture = services.find_by_token(token)
    if lecture is None:
        abort(404)
    action = request.form.get("action") if request.method == "POST" else None
    actions = ("cancel", "choose", "other_dates", "feedback", "meeting")
    posted = {name: request.form if action == name else None for name in actions}
    cancel_form = CancelForm(formdata=posted["cancel"])
    other_dates_form = OtherDatesForm(formdata=posted["other_dates"])
    choose_form = ChooseDateForm(formdata=posted["choose"])
    choose_form.slot_id.choices = [
        SelectChoice(slot.id, format_datetime(slot.starts_at)) for slot in lecture.proposals
    ]
    feedback_form = _feedback_form(lecture, posted["feedback"])
    meeting_form = SchoolMeetingForm(formdata=posted["meeting"])
    form = {
        "cancel": cancel_form,
        "choose": choose_form,
        "other_dates": other_dates_form,
        "feedback": feedback_form,
        "meeting": meeting_form,
    }.get(action or "")
    if request.method == "POST" and form is None:
        abort(400)
    if form is not None and form.validate_on_submit():
        try:
            message, anchor = _act(lecture, form)
        except DomainError as error:
            for problem in error.errors:
                form.add_error(problem)
        else:
            flash(message, "success")
            return redirect(url_for("lectures.manage", token=token, _anchor=anchor))
    elif form is other_dates_form and form.is_submitted():
        # The calendar's rules too, beside the form's own mistakes, so all show at once.
        for problem in services.candidate_problems(_well_formed_candidates(form)):
            form.add_error(problem)
    failed = form is not None and form.has_errors
    return render_template(
        "lectures/manage.html",
        lecture=lecture,
        token=token,
        cancel_form=cancel_form,
        choose_form=choose_form,
        other_dates_form=other_dates_form,
        feedback_form=feedback_form,
        meeting_form=meeting_form,
        form=form,
        now=utcnow(),
        edit_days=FEEDBACK_EDIT_DAYS,
        round_entry=services.round_of(lecture),
    ), 422 if failed else 200


@bp.route("/lectures/manage/<token>/calendar.ics")
def calendar(token: str):
    lecture = services.find_by_token(token)
    if lecture is None or not lecture.has_calendar():
        abort(404)
    data = notifications.calendar_file(lecture, current_language(), notifications.manage_url(token))
    response = Response(data, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{lecture.reference}.ics"'
    return response
