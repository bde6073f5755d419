"""Staff pages of the interview round.

Coordinators: the round's settings, the shortlist and invitations, the slots, the interview
rubric, the combined ranking. Interviewers (reviewers or coordinators the coordinator chose):
their interviews and the score sheet, which shows the applicant's name (interviews are not
blind) and nothing of their contacts, nor the applicant code: reviewers read essays by code,
and a name beside a code would unmask the essay review (and its discussion) afterwards.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from booking.core.auth import Role, role_required
from booking.core.errors import DomainError
from booking.core.forms import ConfirmForm
from booking.core.time import jst_to_utc
from booking.extensions import db
from booking.interview import bp, services
from booking.interview.forms import (
    InterviewCriterionForm,
    MeetingLinkForm,
    SettingsForm,
    ShortlistForm,
    SlotForm,
)
from booking.review.forms import score_form
from booking.review.services import CriterionData
from booking.youth.models import Cohort

COORDINATOR = (Role.COORDINATOR,)
INTERVIEWER = (Role.REVIEWER, Role.COORDINATOR)


@bp.route("/staff/interview/")
@role_required(*INTERVIEWER)
def home():
    overview = services.cohorts_overview() if current_user.has_role(Role.COORDINATOR) else None
    return render_template(
        "interview/home.html", overview=overview, interviews=services.interviews_for(current_user)
    )


# Coordinators: settings -------------------------------------------------------------------------


@bp.route("/staff/interview/cohorts/<int:cohort_id>/settings", methods=["GET", "POST"])
@role_required(*COORDINATOR)
def settings(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    found = services.round_for(cohort)
    data = None
    if request.method == "GET" and found is not None:
        data = {
            "enabled": found.enabled,
            "essay_weight": found.essay_weight,
            "interview_weight": found.interview_weight,
            "shortlist_size": found.shortlist_size,
            "interviewers": sorted(services.interviewer_ids(cohort)),
        }
    form = SettingsForm(data=data)
    form.interviewers.choices = [SelectChoice(u.id, u.name) for u in services.interviewer_choices()]
    if form.validate_on_submit():
        settings_data = services.RoundSettings(
            enabled=form.enabled.data,
            essay_weight=form.essay_weight.data,
            interview_weight=form.interview_weight.data,
            shortlist_size=form.shortlist_size.data,
            interviewer_ids=frozenset(form.interviewers.data or ()),
        )
        try:
            services.save_settings(cohort, settings_data, actor=current_user)
        except DomainError as error:
            for each in error.errors:
                form.add_error(each)
        else:
            flash(_("The interview settings are saved."), "success")
            return redirect(url_for("interview.settings", cohort_id=cohort.id))
    return render_template("interview/settings.html", cohort=cohort, form=form, round=found), (
        422 if form.has_errors else 200
    )


# Coordinators: the shortlist ------------------------------------------------------------------------


@bp.route("/staff/interview/cohorts/<int:cohort_id>/shortlist")
@role_required(*COORDINATOR)
def shortlist(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    return render_template(
        "interview/shortlist.html",
        cohort=cohort,
        round=services.round_for(cohort),
        rows=services.shortlist_board(cohort),
        confirm=ConfirmForm(),
    )


@bp.route("/staff/interview/cohorts/<int:cohort_id>/shortlist/draw", methods=["POST"])
@role_required(*COORDINATOR)
def draw_shortlist(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    if ConfirmForm().validate_on_submit():
        try:
            count = services.draw_shortlist(cohort, actor=current_user)
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(_("The shortlist is drawn from the essay ranking: %(n)d students.", n=count), "success")
    return redirect(url_for("interview.shortlist", cohort_id=cohort.id))


@bp.route("/staff/interview/cohorts/<int:cohort_id>/shortlist/invite", methods=["POST"])
@role_required(*COORDINATOR)
def invite(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    if ConfirmForm().validate_on_submit():
        try:
            count = services.send_invitations(cohort, actor=current_user)
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(
                _("Invitations are on their way to %(n)d students and their guardians.", n=count), "success"
            )
    return redirect(url_for("interview.shortlist", cohort_id=cohort.id))


def _adjust_shortlist(cohort_id: int, change) -> object:
    cohort = db.get_or_404(Cohort, cohort_id)
    form = ShortlistForm()
    if form.validate_on_submit():
        try:
            change(cohort, form.application_id.data, actor=current_user)
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(_("The shortlist is changed."), "success")
    else:
        flash(_("Choose an application from the list."), "error")
    return redirect(url_for("interview.shortlist", cohort_id=cohort.id))


@bp.route("/staff/interview/cohorts/<int:cohort_id>/shortlist/add", methods=["POST"])
@role_required(*COORDINATOR)
def add_to_shortlist(cohort_id: int):
    return _adjust_shortlist(cohort_id, services.add_to_shortlist)


@bp.route("/staff/interview/cohorts/<int:cohort_id>/shortlist/remove", methods=["POST"])
@role_required(*COORDINATOR)
def remove_from_shortlist(cohort_id: int):
    return _adjust_shortlist(cohort_id, services.remove_from_shortlist)


# Coordinators: slots ------------------------------------------------------------------------------


@bp.route("/staff/interview/cohorts/<int:cohort_id>/slots", methods=["GET", "POST"])
@role_required(*COORDINATOR)
def slots(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    form = SlotForm()
    if form.validate_on_submit():
        data = services.SlotData(
            starts_at=jst_to_utc(form.day.data, form.start_time.data),
            ends_at=jst_to_utc(form.day.data, form.end_time.data),
            online=form.online.data,
            capacity=form.capacity.data,
            place_ja=form.place_ja.data or "",
            place_en=form.place_en.data or "",
            meeting_url=form.meeting_url.data or "",
        )
        try:
            services.add_slot(cohort, data, actor=current_user)
        except DomainError as error:
            for each in error.errors:
                form.add_error(each)
        else:
            flash(_("The interview time is added."), "success")
            return redirect(url_for("interview.slots", cohort_id=cohort.id))
    return render_template(
        "interview/slots.html",
        cohort=cohort,
        round=services.round_for(cohort),
        slots=services.slots_for(cohort),
        form=form,
        link_form=MeetingLinkForm(formdata=None),
        confirm=ConfirmForm(),
    ), 422 if form.has_errors else 200


def _slot_or_404(cohort: Cohort, slot_id: int):
    return services.get_slot(cohort, slot_id) or abort(404)


@bp.route("/staff/interview/cohorts/<int:cohort_id>/slots/<int:slot_id>/delete", methods=["POST"])
@role_required(*COORDINATOR)
def delete_slot(cohort_id: int, slot_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    slot = _slot_or_404(cohort, slot_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.delete_slot(slot, actor=current_user)
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(_("The interview time is removed."), "success")
    return redirect(url_for("interview.slots", cohort_id=cohort.id))


@bp.route("/staff/interview/cohorts/<int:cohort_id>/slots/<int:slot_id>/link", methods=["POST"])
@role_required(*COORDINATOR)
def slot_link(cohort_id: int, slot_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    slot = _slot_or_404(cohort, slot_id)
    form = MeetingLinkForm()
    if form.validate_on_submit():
        try:
            services.set_meeting_url(slot, form.meeting_url.data or "", actor=current_user)
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(_("The meeting link is saved."), "success")
    else:
        flash(_("Enter the meeting link starting with https://."), "error")
    return redirect(url_for("interview.slots", cohort_id=cohort.id))


# Coordinators: the interview rubric and the combined ranking ---------------------------------------------


@bp.route("/staff/interview/cohorts/<int:cohort_id>/rubric", methods=["GET", "POST"])
@role_required(*COORDINATOR)
def rubric(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    form = InterviewCriterionForm()
    if form.validate_on_submit():
        data = CriterionData(
            name_ja=form.name_ja.data,
            name_en=form.name_en.data or "",
            description_ja=form.description_ja.data or "",
            description_en=form.description_en.data or "",
            max_score=form.max_score.data,
            weight=form.weight.data,
        )
        try:
            services.add_criterion(cohort, data, actor=current_user)
        except DomainError as error:
            for each in error.errors:
                form.add_error(each)
        else:
            flash(_("The criterion is added."), "success")
            return redirect(url_for("interview.rubric", cohort_id=cohort.id))
    return render_template(
        "interview/rubric.html",
        cohort=cohort,
        criteria=services.criteria_for(cohort),
        locked=services.rubric_locked(cohort),
        form=form,
        confirm=ConfirmForm(),
    ), 422 if form.has_errors else 200


@bp.route("/staff/interview/cohorts/<int:cohort_id>/rubric/<int:criterion_id>/delete", methods=["POST"])
@role_required(*COORDINATOR)
def delete_criterion(cohort_id: int, criterion_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.delete_criterion(cohort, criterion_id, actor=current_user)
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(_("The criterion is removed."), "success")
    return redirect(url_for("interview.rubric", cohort_id=cohort.id))


@bp.route("/staff/interview/cohorts/<int:cohort_id>/ranking")
@role_required(*COORDINATOR)
def ranking(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    board = services.view_combined_ranking(cohort, actor=current_user)
    return render_template("interview/ranking.html", cohort=cohort, board=board)


# Interviewers -------------------------------------------------------------------------------------


@bp.route("/staff/interview/applications/<int:application_id>", methods=["GET", "POST"])
@role_required(*INTERVIEWER)
def score(application_id: int):
    sheet = services.score_sheet(current_user, application_id) or abort(404)
    if request.method == "POST":
        form = score_form(sheet.criteria)
    else:
        form = score_form(sheet.criteria, data={f"score_{k}": str(v) for k, v in sheet.scores.items()})
    if request.method == "POST" and form.validate():
        try:
            services.save_scores(sheet, form.values(), actor=current_user)
        except DomainError as error:
            for each in error.errors:
                form.add_error(each)
        else:
            flash(_("Your interview scores are saved."), "success")
            return redirect(url_for("interview.home"))
    return render_template("interview/score.html", sheet=sheet, form=form), 422 if form.has_errors else 200
