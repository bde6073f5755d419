"""Staff pages: cohorts and their events, and the applications of a cohort (coordinators)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from booking.core.auth import Role, role_required
from booking.core.errors import DomainError
from booking.core.exports import csv_response, xlsx_response
from booking.core.forms import ConfirmForm
from booking.core.navigation import register_panel
from booking.core.numbers import page_number, record_number
from booking.core.time import JST, jst_to_utc
from booking.youth import bp, services
from booking.youth.forms import CohortForm, ContactForm, EventForm
from booking.youth.models import GRADES, ApplicationStatus, Cohort, CohortEvent, ConsentStatus, EventKind

COORDINATOR = (Role.COORDINATOR,)


def _panel(user):
    if not user.has_any_role(*COORDINATOR):
        return None
    return services.dashboard_figures()


register_panel("youth", "youth/staff/_panel.html", _panel, order=300)


@bp.route("/staff/youth/")
@role_required(*COORDINATOR)
def staff_cohorts():
    return render_template("youth/staff/cohorts.html", cohorts=services.list_cohorts())


def _cohort_data(form: CohortForm) -> services.CohortData:
    return services.CohortData(
        fiscal_year=form.fiscal_year.data,
        title_ja=form.title_ja.data,
        title_en=form.title_en.data or "",
        destination_ja=form.destination_ja.data,
        destination_en=form.destination_en.data or "",
        description_ja=form.description_ja.data or "",
        description_en=form.description_en.data or "",
        places=form.places.data,
        waitlist_length=form.waitlist_length.data,
        opens_at=jst_to_utc(form.opens_date.data, form.opens_time.data),
        closes_at=jst_to_utc(form.closes_date.data, form.closes_time.data),
        eligible_grades=tuple(sorted(int(g) for g in form.eligible_grades.data)),
        essay_prompt_ja=form.essay_prompt_ja.data,
        essay_prompt_en=form.essay_prompt_en.data or "",
        essay_min_chars=form.essay_min_chars.data,
        essay_max_chars=form.essay_max_chars.data,
        reviewers_per_application=form.reviewers_per_application.data,
        offer_days=form.offer_days.data,
        consent_reminder_days=form.consent_reminder_days.data,
    )


def _cohort_form_data(cohort: Cohort) -> dict:
    opens, closes = cohort.opens_at.astimezone(JST), cohort.closes_at.astimezone(JST)
    return {
        "opens_date": opens.date(),
        "opens_time": opens.time(),
        "closes_date": closes.date(),
        "closes_time": closes.time(),
        "eligible_grades": [str(g) for g in cohort.eligible_grades or []],
    }


@bp.route("/staff/youth/cohorts/new", methods=["GET", "POST"])
@role_required(*COORDINATOR)
def new_cohort():
    form = CohortForm(data=None if request.method == "POST" else {"eligible_grades": ["1", "2"]})
    if form.validate_on_submit():
        try:
            cohort = services.create_cohort(_cohort_data(form), actor=current_user)
        except DomainError as error:
            form.add_error(error)
        else:
            flash(_("The cohort is created. Add the program's dates next."), "success")
            return redirect(url_for("youth.edit_cohort", cohort_id=cohort.id))
    return render_template(
        "youth/staff/cohort_form.html", form=form, cohort=None
    ), 422 if form.has_errors else 200


def _cohort_or_404(cohort_id: int) -> Cohort:
    return services.get_cohort(cohort_id) or abort(404)


@bp.route("/staff/youth/cohorts/<int:cohort_id>", methods=["GET", "POST"])
@role_required(*COORDINATOR)
def edit_cohort(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    form = CohortForm(obj=cohort, data=None if request.method == "POST" else _cohort_form_data(cohort))
    if form.validate_on_submit():
        try:
            services.update_cohort(cohort, _cohort_data(form), actor=current_user)
        except DomainError as error:
            form.add_error(error)
        else:
            flash(_("The changes are saved."), "success")
            return redirect(url_for("youth.edit_cohort", cohort_id=cohort.id))
    return render_template(
        "youth/staff/cohort_form.html", form=form, cohort=cohort, confirm=ConfirmForm()
    ), 422 if form.has_errors else 200


def _event_data(form: EventForm) -> services.EventData:
    return services.EventData(
        kind=EventKind(form.kind.data),
        title_ja=form.title_ja.data,
        title_en=form.title_en.data or "",
        starts_at=jst_to_utc(form.start_date.data, form.start_time.data),
        ends_at=jst_to_utc(form.end_date.data, form.end_time.data),
        place_ja=form.place_ja.data or "",
        place_en=form.place_en.data or "",
    )


@bp.route("/staff/youth/cohorts/<int:cohort_id>/events/new", methods=["GET", "POST"])
@role_required(*COORDINATOR)
def new_event(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    form = EventForm()
    if form.validate_on_submit():
        try:
            services.add_event(cohort, _event_data(form), actor=current_user)
        except DomainError as error:
            form.add_error(error)
        else:
            flash(_("The date is added."), "success")
            return redirect(url_for("youth.edit_cohort", cohort_id=cohort.id, _anchor="events"))
    return render_template("youth/staff/event_form.html", form=form, cohort=cohort, event=None), (
        422 if form.has_errors else 200
    )


def _event_or_404(cohort: Cohort, event_id: int) -> CohortEvent:
    event = next((e for e in cohort.events if e.id == event_id), None)
    return event or abort(404)


@bp.route("/staff/youth/cohorts/<int:cohort_id>/events/<int:event_id>", methods=["GET", "POST"])
@role_required(*COORDINATOR)
def edit_event(cohort_id: int, event_id: int):
    cohort = _cohort_or_404(cohort_id)
    event = _event_or_404(cohort, event_id)
    starts, ends = event.starts_at.astimezone(JST), event.ends_at.astimezone(JST)
    initial = {
        "kind": event.kind.value,
        "start_date": starts.date(),
        "start_time": starts.time(),
        "end_date": ends.date(),
        "end_time": ends.time(),
    }
    form = EventForm(obj=event, data=None if request.method == "POST" else initial)
    if form.validate_on_submit():
        try:
            services.update_event(event, _event_data(form), actor=current_user)
        except DomainError as error:
            form.add_error(error)
        else:
            flash(_("The changes are saved."), "success")
            return redirect(url_for("youth.edit_cohort", cohort_id=cohort.id, _anchor="events"))
    return render_template(
        "youth/staff/event_form.html", form=form, cohort=cohort, event=event, confirm=ConfirmForm()
    ), 422 if form.has_errors else 200


@bp.route("/staff/youth/cohorts/<int:cohort_id>/events/<int:event_id>/delete", methods=["POST"])
@role_required(*COORDINATOR)
def delete_event(cohort_id: int, event_id: int):
    cohort = _cohort_or_404(cohort_id)
    event = _event_or_404(cohort, event_id)
    if ConfirmForm().validate_on_submit():
        services.delete_event(event, actor=current_user)
        flash(_("The date is removed."), "success")
    return redirect(url_for("youth.edit_cohort", cohort_id=cohort.id, _anchor="events"))


def _filters() -> services.ApplicationFilters:
    args = request.args
    return services.ApplicationFilters(
        status=args.get("status") or None,
        consent=args.get("consent") or None,
        grade=args.get("grade", type=record_number),
        school_id=args.get("school", type=record_number),
        query=(args.get("q") or "").strip() or None,
    )


@bp.route("/staff/youth/cohorts/<int:cohort_id>/applications")
@role_required(*COORDINATOR)
def staff_applications(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    return render_template(
        "youth/staff/applications.html",
        cohort=cohort,
        applications=services.view_applications(
            cohort, _filters(), page=request.args.get("page", 1, type=page_number), actor=current_user
        ),
        summary=services.application_summary(cohort),
        schools=services.schools_in(cohort),
        statuses=[s for s in ApplicationStatus if s != ApplicationStatus.DRAFT],
        consents=list(ConsentStatus),
        grades=GRADES,
        filters=request.args,
    )


@bp.route("/staff/youth/cohorts/<int:cohort_id>/applications.<any(csv, xlsx):fmt>")
@role_required(*COORDINATOR)
def export_applications(cohort_id: int, fmt: str):
    cohort = _cohort_or_404(cohort_id)
    rows = services.export_applications(cohort, _filters(), fmt, actor=current_user)
    filename = f"youth-applications-{cohort.fiscal_year}.{fmt}"
    if fmt == "csv":
        return csv_response(filename, services.export_header(), rows)
    return xlsx_response(filename, _("Applications"), services.export_header(), rows)


@bp.route("/staff/youth/applications/<int:application_id>")
@role_required(*COORDINATOR)
def staff_application(application_id: int):
    application = services.view_application(application_id, actor=current_user) or abort(404)
    return render_template(
        "youth/staff/application.html",
        application=application,
        applicant=application.applicant,
        cohort=application.cohort,
    )


@bp.route("/staff/youth/applications/<int:application_id>/contacts", methods=["GET", "POST"])
@role_required(*COORDINATOR)
def edit_contacts(application_id: int):
    """Correct the student's or guardian's email address or phone number."""
    # The page shows the contacts: its viewing is audited like the application's.
    application = services.view_application(application_id, actor=current_user) or abort(404)
    # A posted form stands alone: a field left out is missing, not taken from the record.
    form = ContactForm() if request.method == "POST" else ContactForm(obj=application.applicant)
    if form.validate_on_submit():
        data = services.ContactData(**{name: form[name].data for name in services.CONTACT_FIELDS})
        try:
            changed = services.correct_contacts(application.id, data, current_user)
        except DomainError as error:
            form.add_error(error)
        else:
            flash(
                _("The contact details are corrected.") if changed else _("Nothing was changed."), "success"
            )
            return redirect(url_for("youth.staff_application", application_id=application_id))
    return render_template(
        "youth/staff/contacts.html", application=application, form=form
    ), 422 if form.has_errors else 200


def _send_link_again(application_id: int, send, done: str):
    if ConfirmForm().validate_on_submit():
        try:
            send(application_id, actor=current_user)
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(done, "success")
    return redirect(url_for("youth.staff_application", application_id=application_id))


@bp.route("/staff/youth/applications/<int:application_id>/send-student-link", methods=["POST"])
@role_required(*COORDINATOR)
def send_student_link(application_id: int):
    """The student lost their private link: a new one goes to the address on file."""
    return _send_link_again(
        application_id,
        services.send_student_link_again,
        _("A new private link is queued for the student's email address on file."),
    )


@bp.route("/staff/youth/applications/<int:application_id>/send-consent-link", methods=["POST"])
@role_required(*COORDINATOR)
def send_consent_link(application_id: int):
    """The guardian lost the consent link: a new one goes to the address on file."""
    return _send_link_again(
        application_id,
        services.send_consent_link_again,
        _("A new consent link is queued for the guardian's email address on file."),
    )
