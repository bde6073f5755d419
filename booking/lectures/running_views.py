"""Running a lecture: a lecturer's page for each lecture they give and their held report,
and the meeting link and connection test staff keep for an online lecture."""

from __future__ import annotations

from datetime import UTC

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from booking.core.auth import Role, role_required
from booking.core.errors import DomainError
from booking.core.time import JST, utcnow
from booking.lectures import LECTURE_STAFF, bp, services
from booking.lectures.forms import CompleteForm, MeetingForm
from booking.lectures.models import LectureRequest


def _own_lecture_or_404(request_id: int) -> LectureRequest:
    """The signed-in lecturer's own lecture; anything else is not found, as if unknown."""
    lecture = services.lecture_for_lecturer(request_id, current_user)
    if lecture is None:
        abort(404)
    return lecture


def _page(template: str, form, **context):
    return render_template(template, form=form, **context), 422 if form.has_errors else 200


@bp.route("/staff/lectures/schedule/<int:request_id>")
@role_required(Role.LECTURER)
def my_lecture(request_id: int):
    lecture = _own_lecture_or_404(request_id)
    services.view_request(lecture, current_user)  # the teacher's contacts were shown
    return render_template(
        "lectures/staff/my_lecture.html",
        lecture=lecture,
        names=services.lecturer_names(lecture.events),
        now=utcnow(),
    )


@bp.route("/staff/lectures/schedule/<int:request_id>/report", methods=["GET", "POST"])
@role_required(Role.LECTURER)
def my_lecture_report(request_id: int):
    """The lecturer records their lecture as held: the same rules as the coordinators' form."""
    lecture = _own_lecture_or_404(request_id)
    back = url_for("lectures.my_lecture", request_id=lecture.id)
    if not lecture.can_complete(utcnow()):
        flash(_("The report can be filed once the lecture has started, and only once."), "error")
        return redirect(back)
    form = CompleteForm(data=None if request.method == "POST" else {"actual_audience": lecture.audience_size})
    if form.validate_on_submit():
        try:
            services.complete_request(
                lecture.id, form.actual_audience.data, form.notes.data or "", current_user
            )
        except DomainError as error:
            form.add_error(error)
        else:
            flash(_("Thank you: %(reference)s is recorded as held.", reference=lecture.reference), "success")
            return redirect(back)
    return _page("lectures/staff/complete.html", form, lecture=lecture, back=back)


def meeting_form_for(lecture: LectureRequest) -> MeetingForm:
    """The meeting form holding what the lecture has now (for the lecture's page)."""
    test_at = lecture.connection_test_at.astimezone(JST) if lecture.connection_test_at else None
    return MeetingForm(
        formdata=None,
        data={
            "meeting_url": lecture.meeting_url,
            "test_date": test_at.date() if test_at else None,
            "test_time": test_at.time() if test_at else None,
        },
    )


@bp.route("/staff/lectures/<int:request_id>/meeting", methods=["GET", "POST"])
@role_required(*LECTURE_STAFF)
def meeting(request_id: int):
    lecture = services.get_request(request_id) or abort(404)
    back = url_for("lectures.show", request_id=lecture.id)
    if not lecture.can_set_meeting():
        flash(_("A meeting link can be given only for a scheduled online lecture."), "error")
        return redirect(back)
    form = MeetingForm() if request.method == "POST" else meeting_form_for(lecture)
    if form.validate_on_submit():
        test_at = form.connection_test_at()
        data = services.MeetingData(form.meeting_url.data or "", test_at.astimezone(UTC) if test_at else None)
        try:
            changed = services.set_meeting(lecture.id, data, current_user)
        except DomainError as error:
            for problem in error.errors:
                form.add_error(problem)
        else:
            message = (
                _("The meeting details are saved. The school and the lecturers are emailed.")
                if changed
                else _("Nothing had changed.")
            )
            flash(message, "success")
            return redirect(back)
    return _page("lectures/staff/meeting.html", form, lecture=lecture)
