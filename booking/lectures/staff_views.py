"""Staff pages: the lecture inbox, a request and what can be done to it, the catalog,
lecturers' diaries and time off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from booking.calendar.services import feed_box
from booking.core.auth import Role, role_required
from booking.core.errors import DomainError
from booking.core.exports import csv_response, xlsx_response
from booking.core.feedback import SATISFACTION_LABELS
from booking.core.forms import ConfirmForm
from booking.core.i18n import format_datetime
from booking.core.navigation import register_panel
from booking.core.numbers import fiscal_year_number, page_number
from booking.core.time import fiscal_year, now_jst, utcnow
from booking.lectures import LECTURE_STAFF, bp, feedback, services
from booking.lectures.formatting import slot_span
from booking.lectures.forms import (
    CompleteForm,
    PostingForm,
    ProgramForm,
    ProposeForm,
    ReasonForm,
    ScheduleForm,
    UnavailabilityForm,
)
from booking.lectures.models import (
    OPEN_STATUSES,
    Action,
    GradeBand,
    LectureFormat,
    LectureRequest,
    LectureStatus,
)
from booking.lectures.running_views import meeting_form_for
from booking.lectures.scheduling import availability
from booking.notifications.services import emails_about
from booking.settings.services import current_settings
from booking.staff.models import User


def _lectures_panel(user: User):
    if user.has_any_role(*LECTURE_STAFF):
        start = now_jst().replace(hour=0, minute=0, second=0, microsecond=0)
        return {
            "waiting": services.waiting_count(),
            "week": services.lectures_between(start, start + timedelta(days=7)),
            "mine": None,
            "satisfaction": feedback.summary(fiscal_year(start.date())),
        }
    if user.has_role(Role.LECTURER):
        return {"waiting": None, "week": None, "mine": services.diary(user, past_limit=0).upcoming[:5]}
    return None


register_panel("lectures", "lectures/staff/_panel.html", _lectures_panel, order=100)


def _put_errors(form, error: DomainError, fields: dict[str, str] | None = None) -> None:
    """Each of the service's reasons next to its field (renamed where the form differs)."""
    for problem in error.errors:
        field = (fields or {}).get(problem.field or "", problem.field)
        form.add_error(problem.message, field=field)


def _lecture_or_404(request_id: int) -> LectureRequest:
    lecture = services.get_request(request_id)
    if lecture is None:
        abort(404)
    return lecture


def _page(template: str, form, **context):
    return render_template(template, form=form, **context), 422 if form.has_errors else 200


# The inbox -----------------------------------------------------------------------------


@bp.route("/staff/lectures/")
@role_required(*LECTURE_STAFF)
def inbox():
    filters = services.InboxFilters.from_args(request.args)
    counts = services.status_counts()
    return render_template(
        "lectures/staff/inbox.html",
        requests=services.list_requests(filters, page=request.args.get("page", 1, type=page_number)),
        filters=filters,
        counts=counts,
        open_count=sum(counts[status] for status in OPEN_STATUSES),
        missing_link_days=services.MISSING_LINK_WINDOW_DAYS,
        all_count=sum(counts.values()),
        statuses=list(LectureStatus),
        formats=list(LectureFormat),
        years=services.fiscal_years(),
        programs=services.all_programs(),
        schools=services.requested_schools(),
        sorts=SORT_LABELS,
        round_filters=ROUND_FILTER_LABELS,
    )


ROUND_FILTER_LABELS = {
    services.ROUND_WAITING: _l("Waiting for its round's allocation"),
    services.ROUND_ANY: _l("In a round"),
}

SORT_LABELS = {
    "newest": _l("Newest first"),
    "oldest": _l("Oldest first"),
    "date": _l("Lecture date"),
    "reference": _l("Reference"),
    "school": _l("School"),
}

EXPORT_HEADER = [
    _l("Reference"),
    _l("Status"),
    _l("Fiscal year"),
    _l("Received on"),
    _l("Lecture"),
    _l("Format"),
    _l("School"),
    _l("Type of school"),
    _l("Grade and classes"),
    _l("Listeners"),
    _l("Number of classes"),
    _l("Confirmed date (Japan time)"),
    _l("First choice asked for (Japan time)"),
    _l("Lecturers"),
    _l("Video call service"),
    _l("Who sends the meeting link"),
    _l("Meeting link given"),
    _l("Connection test wanted"),
    _l("Connection test (Japan time)"),
    _l("Room"),
    _l("Notes from the school"),
    _l("Contact person"),
    _l("Email address"),
    _l("Phone number"),
    _l("Actual listeners"),
    _l("Satisfaction (1–5)"),
    _l("Feedback comments"),
    _l("Feedback sent on"),
]


def _export_row(lecture: LectureRequest) -> list[object]:
    return [
        lecture.reference,
        lecture.status.label,
        lecture.fiscal_year,
        lecture.created_at,
        lecture.program.title(),
        lecture.format.label,
        lecture.school_name,
        lecture.school_type.label,
        lecture.grade,
        lecture.audience_size,
        lecture.class_count,
        lecture.starts_at if lecture.has_booked_date else None,
        lecture.first_choice_at,
        ", ".join(u.name for u in lecture.lecturers),
        *_meeting_cells(lecture),
        lecture.venue,
        lecture.notes,
        lecture.contact_name,
        lecture.contact_email,
        lecture.contact_phone,
        lecture.actual_audience,
        *_feedback_cells(lecture),
    ]


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _meeting_cells(lecture: LectureRequest) -> list[object]:
    """Platform, who sends the link, whether it is given (not the link itself), the test."""
    if not lecture.is_online:
        return [None, None, None, None, None]
    return [
        lecture.online_platform.label if lecture.online_platform else None,
        lecture.meeting_link_by.label if lecture.meeting_link_by else None,
        _yes_no(lecture.has_meeting_link),
        _yes_no(lecture.connection_test),
        lecture.connection_test_at,
    ]


def _feedback_cells(lecture: LectureRequest) -> list[object]:
    given = lecture.feedback
    if given is None:
        return [None, None, None]
    return [given.satisfaction, given.comments, given.submitted_at]


@bp.route("/staff/lectures/export.<any(csv, xlsx):kind>")
@role_required(*LECTURE_STAFF)
def export(kind: str):
    requests = services.export_requests(services.InboxFilters.from_args(request.args), current_user)
    rows = (_export_row(r) for r in requests)  # read while the download streams
    header = [str(h) for h in EXPORT_HEADER]
    name = _("lecture-requests") + now_jst().strftime("-%Y%m%d")
    if kind == "csv":
        return csv_response(f"{name}.csv", header, rows)
    return xlsx_response(f"{name}.xlsx", _("Lecture requests"), header, rows)


# One request ------------------------------------------------------------------------------


@bp.route("/staff/lectures/<int:request_id>")
@role_required(*LECTURE_STAFF)
def show(request_id: int):
    lecture = _lecture_or_404(request_id)
    reach = lecture.reach  # read by the query; the audit's commit below expires it
    round_entry = services.round_of(lecture)
    can_schedule = services.can_schedule_now(lecture, round_entry)
    can_propose = services.can_propose_now(lecture, round_entry)
    services.view_request(lecture, current_user)
    return render_template(
        "lectures/staff/show.html",
        lecture=lecture,
        reach=reach,
        can_schedule=can_schedule,
        can_propose=can_propose,
        names=services.lecturer_names(lecture.events),
        emails=emails_about("lecture_request", lecture.id),
        now=utcnow(),
        time_off_clashes=services.lecture_time_off_clashes(lecture),
        meeting_form=meeting_form_for(lecture) if lecture.can_set_meeting() else None,
        round_entry=round_entry,
    )


@bp.route("/staff/lectures/<int:request_id>/send-link", methods=["POST"])
@role_required(Role.COORDINATOR)
def send_link(request_id: int):
    """The teacher lost their private link: a new one goes to the address on file."""
    lecture = _lecture_or_404(request_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.resend_link(lecture.id, current_user)
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(_("A new private link is queued for the teacher's email address on file."), "success")
    return redirect(url_for("lectures.show", request_id=lecture.id))


def _lecturer_choices() -> list[tuple[int, str]]:
    return [
        (u.id, f"{u.name}" + (f" ({u.time_zone})" if u.time_zone != "Asia/Tokyo" else ""))
        for u in services.active_lecturers()
    ]


def _guard(lecture: LectureRequest, action: Action):
    """Back to the request with the reason when the action is not possible in its status
    (or, to schedule or propose dates, while the request waits for its round)."""
    try:
        lecture.ensure_can(action)
        if action in (Action.SCHEDULE, Action.PROPOSE):
            services.ensure_not_waiting_for_round(lecture)
    except DomainError as error:
        flash(str(error), "error")
        return redirect(url_for("lectures.show", request_id=lecture.id))
    return None


@dataclass(frozen=True)
class BookedNow:
    """The lecture's date as booked, offered first when rescheduling (to change lecturers only)."""

    starts_at: datetime
    ends_at: datetime
    id: str = "current"
    kind: None = None


def _schedule_form(lecture: LectureRequest, slots: list, rescheduling: bool) -> ScheduleForm:
    defaults = {"lecturer_ids": [u.id for u in (lecture.lecturers or lecture.proposed_lecturers)]}
    if rescheduling:
        defaults["slot"] = BookedNow.id
    return ScheduleForm(
        slots=[SelectChoice(str(slot.id), slot_label(slot)) for slot in slots],
        lecturers=_lecturer_choices(),
        require_message=rescheduling,
        data=None if request.method == "POST" else defaults,
    )


def _booking_data(form: ScheduleForm, slots: list) -> services.BookingData:
    return services.BookingData(
        starts_at=form.starts_at({str(slot.id): slot.starts_at for slot in slots}).astimezone(UTC),
        lecturer_ids=tuple(form.lecturer_ids.data),
        message=form.message.data or "",
        override_reason=form.override_reason.data if form.override.data else "",
    )


def _who_is_free(lecture: LectureRequest, slots: list) -> tuple[list, list[User]]:
    """Each of the request's dates beside each lecturer's diary, for the scheduling page;
    the lecturers free on the first date (the booked one, when rescheduling) come first.
    """
    settings = current_settings()
    lecturers = services.active_lecturers()
    grid = availability(
        [(slot.starts_at, slot.ends_at) for slot in slots],
        settings.buffer_minutes(lecture.is_online),
        lecturers,
        settings,
        exclude_request_id=lecture.id,
        in_person=not lecture.is_online,
    )
    if grid:
        lecturers = sorted(lecturers, key=lambda u: not grid[0].free(u.id))
    return list(zip(slots, grid, strict=True)), lecturers


def _booking_page(lecture: LectureRequest, action: Action):
    """Schedule and reschedule share a page: a date (a candidate or another), lecturers, rules."""
    refused = _guard(lecture, action)
    if refused:
        return refused
    rescheduling = action == Action.RESCHEDULE
    slots = lecture.proposals + lecture.candidates
    if rescheduling and lecture.starts_at and lecture.ends_at:
        slots = [BookedNow(lecture.starts_at, lecture.ends_at), *slots]
    form = _schedule_form(lecture, slots, rescheduling)
    if form.validate_on_submit():
        book = services.reschedule_request if rescheduling else services.schedule_request
        try:
            book(lecture.id, _booking_data(form, slots), current_user)
        except DomainError as error:
            _put_errors(form, error, {"starts_at": "other_date" if form.slot.data == "other" else "slot"})
        else:
            message = (
                _(
                    "The date of %(reference)s is changed. The school and the lecturers are emailed.",
                    reference=lecture.reference,
                )
                if rescheduling
                else _(
                    "%(reference)s is scheduled. The school and the lecturers are emailed.",
                    reference=lecture.reference,
                )
            )
            flash(message, "success")
            return redirect(url_for("lectures.show", request_id=lecture.id))
    rows, lecturers = _who_is_free(lecture, slots)
    return _page(
        "lectures/staff/schedule.html",
        form,
        lecture=lecture,
        rescheduling=rescheduling,
        rows=rows,
        lecturers=lecturers,
        suggested=[u for u in lecturers if rows and rows[0][1].free(u.id)],
        slot_label=slot_label,
    )


def slot_label(slot) -> str:
    if slot.kind is None:
        prefix = _("Booked now")
    elif slot.kind.value == "requested":
        prefix = _("Choice %(n)d", n=slot.rank)
    else:
        prefix = _("Proposed date %(n)d", n=slot.rank)
    periods = getattr(slot, "periods", None)
    return prefix + _(": ") + (slot_span(slot) if periods else format_datetime(slot.starts_at))


@bp.route("/staff/lectures/<int:request_id>/schedule", methods=["GET", "POST"])
@role_required(*LECTURE_STAFF)
def schedule(request_id: int):
    return _booking_page(_lecture_or_404(request_id), Action.SCHEDULE)


@bp.route("/staff/lectures/<int:request_id>/reschedule", methods=["GET", "POST"])
@role_required(*LECTURE_STAFF)
def reschedule(request_id: int):
    return _booking_page(_lecture_or_404(request_id), Action.RESCHEDULE)


@bp.route("/staff/lectures/<int:request_id>/propose", methods=["GET", "POST"])
@role_required(*LECTURE_STAFF)
def propose(request_id: int):
    lecture = _lecture_or_404(request_id)
    refused = _guard(lecture, Action.PROPOSE)
    if refused:
        return refused
    form = ProposeForm(
        lecturers=_lecturer_choices(),
        data=None
        if request.method == "POST"
        else {"lecturer_ids": [u.id for u in lecture.proposed_lecturers]},
    )
    valid = form.validate_on_submit()
    numbered = form.numbered_times()
    if form.is_submitted() and not valid:
        # The calendar rules and clashes too, with the form's own mistakes: all in one pass.
        lecturer_ids = () if form.lecturer_ids.errors else tuple(form.lecturer_ids.data or ())
        times = [at.astimezone(UTC) for _n, at in numbered]
        problems = services.proposal_problems(lecture.id, times, lecturer_ids, bool(form.override.data))
        if problems:
            _put_errors(form, DomainError.several(problems), _date_fields(numbered))
    elif valid:
        data = services.ProposalData(
            times=tuple(at.astimezone(UTC) for _n, at in numbered),
            lecturer_ids=tuple(form.lecturer_ids.data),
            message=form.message.data,
            override_reason=form.override_reason.data if form.override.data else "",
        )
        try:
            services.propose_dates(lecture.id, data, current_user)
        except DomainError as error:
            _put_errors(form, error, _date_fields(numbered))
        else:
            flash(_("The dates are proposed. The school is emailed a link to choose one."), "success")
            return redirect(url_for("lectures.show", request_id=lecture.id))
    return _page("lectures/staff/propose.html", form, lecture=lecture)


def _date_fields(numbered: list) -> dict[str, str]:
    """The service numbers the dates it was given; the form's may have gaps (1 and 3)."""
    return {f"date_{index}": f"date_{n}" for index, (n, _at) in enumerate(numbered, start=1)}


def _reason_page(request_id: int, action: Action):
    lecture = _lecture_or_404(request_id)
    refused = _guard(lecture, action)
    if refused:
        return refused
    form = ReasonForm()
    if form.validate_on_submit():
        verb = services.decline_request if action == Action.DECLINE else services.cancel_request
        try:
            verb(lecture.id, form.reason.data, current_user)
        except DomainError as error:
            _put_errors(form, error)
        else:
            done = (
                _("The request is declined.") if action == Action.DECLINE else _("The lecture is cancelled.")
            )
            flash(done + " " + _("The school is emailed."), "success")
            return redirect(url_for("lectures.show", request_id=lecture.id))
    return _page("lectures/staff/reason.html", form, lecture=lecture, action=action.value)


@bp.route("/staff/lectures/<int:request_id>/decline", methods=["GET", "POST"])
@role_required(*LECTURE_STAFF)
def decline(request_id: int):
    return _reason_page(request_id, Action.DECLINE)


@bp.route("/staff/lectures/<int:request_id>/cancel", methods=["GET", "POST"])
@role_required(*LECTURE_STAFF)
def cancel(request_id: int):
    return _reason_page(request_id, Action.CANCEL)


@bp.route("/staff/lectures/<int:request_id>/complete", methods=["GET", "POST"])
@role_required(*LECTURE_STAFF)
def complete(request_id: int):
    lecture = _lecture_or_404(request_id)
    refused = _guard(lecture, Action.COMPLETE)
    if refused:
        return refused
    form = CompleteForm(data=None if request.method == "POST" else {"actual_audience": lecture.audience_size})
    if form.validate_on_submit():
        try:
            services.complete_request(
                lecture.id, form.actual_audience.data, form.notes.data or "", current_user
            )
        except DomainError as error:
            _put_errors(form, error)
        else:
            flash(_("%(reference)s is recorded as held.", reference=lecture.reference), "success")
            return redirect(url_for("lectures.show", request_id=lecture.id))
    return _page("lectures/staff/complete.html", form, lecture=lecture)


# Feedback from schools ----------------------------------------------------------------------


@bp.route("/staff/lectures/feedback")
@role_required(*LECTURE_STAFF, Role.LECTURER)
def feedback_overview():
    """How satisfied schools were: all lectures for coordinators, a lecturer's own for them."""
    lecturer = None if current_user.has_any_role(*LECTURE_STAFF) else current_user
    year = request.args.get("fiscal_year", type=fiscal_year_number)
    return render_template(
        "lectures/staff/feedback.html",
        summary=feedback.summary(year, lecturer),
        programs=feedback.program_averages(year, lecturer),
        answers=feedback.answers(year, lecturer, page=request.args.get("page", 1, type=page_number)),
        year=year,
        years=services.fiscal_years(),
        own=lecturer is not None,
        satisfaction_labels=SATISFACTION_LABELS,
    )


# The catalog ----------------------------------------------------------------------------------


@bp.route("/staff/lectures/programs")
@role_required(*LECTURE_STAFF)
def programs():
    return render_template("lectures/staff/programs.html", programs=services.all_programs())


def _program_data(form: ProgramForm) -> services.ProgramData:
    return services.ProgramData(
        title_ja=form.title_ja.data,
        title_en=form.title_en.data,
        summary_ja=form.summary_ja.data,
        summary_en=form.summary_en.data,
        target_grades=tuple(GradeBand(v) for v in form.target_grades.data),
        duration_minutes=form.duration_minutes.data,
        offers_in_person=LectureFormat.IN_PERSON.value in form.formats.data,
        offers_online=LectureFormat.ONLINE.value in form.formats.data,
        max_audience=form.max_audience.data,
        active=form.active.data,
        position=form.position.data or 0,
    )


@bp.route("/staff/lectures/programs/new", methods=["GET", "POST"])
@role_required(*LECTURE_STAFF)
def new_program():
    form = ProgramForm()
    if form.validate_on_submit():
        try:
            program = services.create_program(_program_data(form), current_user)
        except DomainError as error:
            _put_errors(form, error)
        else:
            flash(_("“%(title)s” is added to the catalog.", title=program.title()), "success")
            return redirect(url_for("lectures.programs"))
    return _page("lectures/staff/program_form.html", form, program=None)


@bp.route("/staff/lectures/programs/<int:program_id>", methods=["GET", "POST"])
@role_required(*LECTURE_STAFF)
def edit_program(program_id: int):
    program = services.get_program(program_id) or abort(404)
    defaults = {
        "target_grades": list(program.target_grades or []),
        "formats": [f.value for f in program.formats],
    }
    form = ProgramForm(obj=program, data=None if request.method == "POST" else defaults)
    if form.validate_on_submit():
        try:
            services.update_program(program, _program_data(form), current_user)
        except DomainError as error:
            _put_errors(form, error)
        else:
            flash(_("The changes are saved."), "success")
            return redirect(url_for("lectures.programs"))
    return _page("lectures/staff/program_form.html", form, program=program)


# Lecturers --------------------------------------------------------------------------------


@bp.route("/staff/lectures/lecturers")
@role_required(*LECTURE_STAFF)
def lecturers():
    return render_template("lectures/staff/lecturers.html", summaries=services.lecturer_overview())


def _may_keep_diary(lecturer: User) -> bool:
    return current_user.has_any_role(*LECTURE_STAFF) or current_user.id == lecturer.id


def _diary_page(
    lecturer: User, form: UnavailabilityForm | None = None, posting_form: PostingForm | None = None
):
    form = form or UnavailabilityForm(formdata=None)
    posting_form = posting_form or PostingForm(formdata=None)
    page, status = _page(
        "lectures/staff/lecturer.html",
        form,
        posting_form=posting_form,
        lecturer=lecturer,
        diary=services.diary(lecturer),
        postings=services.postings_of(lecturer),
        own=lecturer.id == current_user.id,
        confirm=ConfirmForm(),
        feed=feed_box(lecturer, current_user),
    )
    return page, 422 if posting_form.has_errors else status


@bp.route("/staff/lectures/lecturers/<int:lecturer_id>")
@role_required(*LECTURE_STAFF, Role.LECTURER, Role.GUIDE)
def lecturer(lecturer_id: int):
    person = services.get_lecturer(lecturer_id) or abort(404)
    if not _may_keep_diary(person):
        abort(403)
    return _diary_page(person)


@bp.route("/staff/lectures/schedule")
@role_required(Role.LECTURER)
def my_schedule():
    return _diary_page(current_user)


@bp.route("/staff/lectures/lecturers/<int:lecturer_id>/unavailable", methods=["POST"])
@role_required(*LECTURE_STAFF, Role.LECTURER, Role.GUIDE)
def add_unavailability(lecturer_id: int):
    person = services.get_lecturer(lecturer_id) or abort(404)
    if not _may_keep_diary(person):
        abort(403)
    form = UnavailabilityForm()
    if form.validate_on_submit():
        start, end = form.period_in(ZoneInfo(person.time_zone))
        data = services.PeriodData(
            start.astimezone(UTC), end.astimezone(UTC), form.reason.data or "", whole_days=form.whole_days
        )
        try:
            affected = services.add_unavailability(person, data, current_user)
        except DomainError as error:
            _put_errors(form, error)
        else:
            flash(_("The time off is saved."), "success")
            for assignment in affected:
                flash(
                    _(
                        "%(reference)s (%(when)s) falls in this time off: it needs another lecturer or date. "
                        "The coordinators are emailed.",
                        reference=assignment.request.reference,
                        when=format_datetime(assignment.starts_at),
                    ),
                    "warning",
                )
            return redirect(_diary_url(person))
    return _diary_page(person, form)


@bp.route("/staff/lectures/lecturers/<int:lecturer_id>/unavailable/<int:period_id>/delete", methods=["POST"])
@role_required(*LECTURE_STAFF, Role.LECTURER, Role.GUIDE)
def remove_unavailability(lecturer_id: int, period_id: int):
    person = services.get_lecturer(lecturer_id) or abort(404)
    period = services.get_unavailability(period_id)
    if period is None or period.person_id != person.id:
        abort(404)
    if not _may_keep_diary(person):
        abort(403)
    if ConfirmForm().validate_on_submit():
        services.remove_unavailability(period, current_user)
        flash(_("The time off is removed."), "success")
    return redirect(_diary_url(person))


def _diary_url(person: User) -> str:
    if person.id == current_user.id and current_user.has_role(Role.LECTURER):
        return url_for("lectures.my_schedule")
    return url_for("lectures.lecturer", lecturer_id=person.id)


# Where a lecturer is based ------------------------------------------------------------------


@bp.route("/staff/lectures/lecturers/<int:lecturer_id>/postings", methods=["POST"])
@role_required(*LECTURE_STAFF, Role.LECTURER, Role.GUIDE)
def add_posting(lecturer_id: int):
    person = services.get_lecturer(lecturer_id) or abort(404)
    if not _may_keep_diary(person):
        abort(403)
    form = PostingForm()
    if form.validate_on_submit():
        data = services.PostingData(form.place.data, form.first_day.data, form.last_day.data)
        try:
            services.add_posting(person, data, current_user)
        except DomainError as error:
            _put_errors(form, error)
        else:
            flash(_("The posting abroad is saved."), "success")
            return redirect(_diary_url(person) + "#based")
    return _diary_page(person, posting_form=form)


@bp.route("/staff/lectures/lecturers/<int:lecturer_id>/postings/<int:posting_id>/delete", methods=["POST"])
@role_required(*LECTURE_STAFF, Role.LECTURER, Role.GUIDE)
def remove_posting(lecturer_id: int, posting_id: int):
    person = services.get_lecturer(lecturer_id) or abort(404)
    posting = services.get_posting(posting_id)
    if posting is None or posting.person_id != person.id:
        abort(404)
    if not _may_keep_diary(person):
        abort(403)
    if ConfirmForm().validate_on_submit():
        services.remove_posting(posting, current_user)
        flash(_("The posting abroad is removed."), "success")
    return redirect(_diary_url(person) + "#based")
