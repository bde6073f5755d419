"""Staff pages of selection (coordinators): decisions, the email preview and publication,
offers and participants, attendance, and the activity report."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from booking.core.auth import Role, role_required
from booking.core.errors import DomainError
from booking.core.forms import ConfirmForm
from booking.extensions import db
from booking.selection import bp, services
from booking.selection.forms import (
    DecisionForm,
    FeedbackNoteForm,
    ReportForm,
    attendance_form,
    mark_field_name,
)
from booking.youth.models import ApplicationStatus, Cohort

COORDINATOR = (Role.COORDINATOR,)


@bp.route("/staff/selection/cohorts/<int:cohort_id>/decisions")
@role_required(*COORDINATOR)
def decisions(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    return render_template(
        "selection/decisions.html",
        cohort=cohort,
        board=services.board(cohort),
        problems=services.publication_problems(cohort) if cohort.results_published_at is None else [],
        confirm=ConfirmForm(),
    )


@bp.route("/staff/selection/cohorts/<int:cohort_id>/decide", methods=["POST"])
@role_required(*COORDINATOR)
def decide(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            services.decide(
                cohort, form.application_id.data, ApplicationStatus(form.decision.data), current_user
            )
        except DomainError as error:
            flash(str(error), "error")
    else:
        flash(_("Choose a decision."), "error")
    anchor = f"application-{form.application_id.data}" if form.application_id.data else None
    return redirect(url_for("selection.decisions", cohort_id=cohort.id, _anchor=anchor))


@bp.route("/staff/selection/cohorts/<int:cohort_id>/decide-rest", methods=["POST"])
@role_required(*COORDINATOR)
def decide_rest(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    if ConfirmForm().validate_on_submit():
        try:
            count = services.decide_rest(cohort, current_user)
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(
                ngettext(
                    "%(num)d application is marked not selected.",
                    "%(num)d applications are marked not selected.",
                    count,
                ),
                "success",
            )
    return redirect(url_for("selection.decisions", cohort_id=cohort.id))


@bp.route("/staff/selection/cohorts/<int:cohort_id>/waitlist/<int:application_id>/move", methods=["POST"])
@role_required(*COORDINATOR)
def move_waitlisted(cohort_id: int, application_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.move_waitlisted(
                cohort, application_id, request.form.get("direction") == "up", current_user
            )
        except DomainError as error:
            flash(str(error), "error")
    return redirect(url_for("selection.decisions", cohort_id=cohort.id, _anchor="waitlist"))


@bp.route("/staff/selection/cohorts/<int:cohort_id>/feedback", methods=["GET", "POST"])
@role_required(*COORDINATOR)
def feedback(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    form = FeedbackNoteForm()
    if form.validate_on_submit():
        try:
            services.save_feedback_note(cohort, form.application_id.data, form.note.data or "", current_user)
        except DomainError as error:
            form.add_error(error)
        else:
            flash(_("The note is saved."), "success")
            anchor = f"application-{form.application_id.data}"
            return redirect(url_for("selection.feedback", cohort_id=cohort.id, _anchor=anchor))
    return render_template(
        "selection/feedback.html", cohort=cohort, rows=services.feedback_rows(cohort), form=form
    ), 422 if form.has_errors else 200


@bp.route("/staff/selection/cohorts/<int:cohort_id>/preview")
@role_required(*COORDINATOR)
def preview(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    items, total = services.preview(cohort, current_user)
    return render_template(
        "selection/preview.html",
        cohort=cohort,
        items=items,
        total=total,
        feedback_count=sum(
            i.count for i in items if i.status == ApplicationStatus.NOT_SELECTED and i.audience == "student"
        ),
        problems=services.publication_problems(cohort) if cohort.results_published_at is None else [],
        confirm=ConfirmForm(),
    )


@bp.route("/staff/selection/cohorts/<int:cohort_id>/publish", methods=["POST"])
@role_required(*COORDINATOR)
def publish(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("selection.preview", cohort_id=cohort.id))
    try:
        report = services.publish_results(cohort, current_user)
    except DomainError as error:
        flash(str(error), "error")
        return redirect(url_for("selection.preview", cohort_id=cohort.id))
    if report.already:
        flash(_("The results were already published; nothing was sent again."), "info")
    else:
        flash(
            ngettext(
                "The results are published: %(num)d email is in the outbox.",
                "The results are published: %(num)d emails are in the outbox.",
                report.queued,
            ),
            "success",
        )
    return redirect(url_for("selection.participants", cohort_id=cohort.id))


@bp.route("/staff/selection/cohorts/<int:cohort_id>/participants")
@role_required(*COORDINATOR)
def participants(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    return render_template(
        "selection/participants.html",
        cohort=cohort,
        people=services.participants(cohort, current_user),
        running=not services.program_over(cohort),
        confirm=ConfirmForm(),
    )


@bp.route("/staff/selection/applications/<int:application_id>/withdraw", methods=["POST"])
@role_required(*COORDINATOR)
def withdraw(application_id: int):
    application = services.get_application(application_id) or abort(404)
    cohort_id = application.cohort_id
    if ConfirmForm().validate_on_submit():
        try:
            promoted = services.withdraw(application, current_user)
        except DomainError as error:
            flash(str(error), "error")
        else:
            message = _("The withdrawal of %(code)s is recorded.", code=application.code)
            if promoted:
                message += " " + _(
                    "The place is offered to %(codes)s.", codes=", ".join(a.code for a in promoted)
                )
            flash(message, "success")
    return redirect(url_for("selection.participants", cohort_id=cohort_id))


@bp.route("/staff/selection/cohorts/<int:cohort_id>/calendar", methods=["POST"])
@role_required(*COORDINATOR)
def send_calendar(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    if ConfirmForm().validate_on_submit():
        sent = services.send_calendar(cohort, current_user)
        if sent:
            flash(
                ngettext(
                    "The calendar is sent to %(num)d participant.",
                    "The calendar is sent to %(num)d participants.",
                    sent,
                ),
                "success",
            )
        else:
            flash(_("Every participant already has the latest calendar: nothing was sent."), "info")
    return redirect(url_for("selection.participants", cohort_id=cohort.id))


@bp.route(
    "/staff/selection/cohorts/<int:cohort_id>/events/<int:event_id>/attendance", methods=["GET", "POST"]
)
@role_required(*COORDINATOR)
def attendance(cohort_id: int, event_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    event = services.get_event(cohort, event_id) or abort(404)
    if request.method == "GET":
        sheet = services.view_attendance_sheet(cohort, event, current_user)
    else:
        sheet = services.attendance_sheet(cohort, event)
    rows = [application for application, _mark in sheet]
    initial = {mark_field_name(a): mark.value for a, mark in sheet if mark is not None}
    form = attendance_form(rows, data=None if request.method == "POST" else initial)
    if form.validate_on_submit():
        try:
            services.record_attendance(cohort, event, form.marks(), current_user)
        except DomainError as error:
            form.add_error(error)
        else:
            flash(_("Attendance is saved."), "success")
            return redirect(url_for("selection.participants", cohort_id=cohort.id, _anchor="attendance"))
    return render_template(
        "selection/attendance.html", cohort=cohort, event=event, form=form, rows=rows
    ), 422 if form.has_errors else 200


@bp.route("/staff/selection/cohorts/<int:cohort_id>/report", methods=["GET", "POST"])
@role_required(*COORDINATOR)
def report(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    current = services.report_for(cohort)
    form = ReportForm(obj=current)
    if form.validate_on_submit():
        publish = {"publish": True, "unpublish": False}.get(request.form.get("action", ""))
        data = services.ReportData(
            title_ja=form.title_ja.data,
            title_en=form.title_en.data or "",
            body_ja=form.body_ja.data,
            body_en=form.body_en.data or "",
        )
        services.save_report(cohort, data, publish, current_user)
        flash(
            {
                True: _("The report is published on the youth training page."),
                False: _("The report is taken off the youth training page."),
            }.get(publish, _("The report is saved.")),
            "success",
        )
        return redirect(url_for("selection.report", cohort_id=cohort.id))
    return render_template("selection/report.html", cohort=cohort, form=form, report=current), (
        422 if form.has_errors else 200
    )
