"""Calibration pages.

Coordinators: the cohort's calibration set (a past essay by its code, or a sample essay) with
reference scores, and how far each reviewer was. Reviewers: each calibration essay, shown as
blind as the essay page, scored once; then their scores beside the reference.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from booking.core.auth import Role, role_required
from booking.core.errors import DomainError
from booking.core.forms import ConfirmForm
from booking.extensions import db
from booking.review import bp, services
from booking.review.calibration_forms import CalibrationEssayForm, CalibrationScoreForm, ReferenceScoresForm
from booking.review.calibration_models import CalibrationEssay
from booking.review.forms import ScoreFieldsForm, score_form
from booking.youth.models import Cohort

REVIEWER = (Role.REVIEWER,)
COORDINATOR = (Role.COORDINATOR,)


def _put_errors(form: ScoreFieldsForm, error: DomainError) -> None:
    for problem in error.errors:
        form.add_error(problem)


# Coordinators ---------------------------------------------------------------------------------------


def _set_page(cohort: Cohort, form: ScoreFieldsForm, status: int = 200):
    essays = services.calibration_set(cohort)
    return render_template(
        "review/calibration.html",
        cohort=cohort,
        essays=essays,
        scored={e.id for e in essays if services.essay_scored(e)},
        criteria=form.criteria,
        form=form,
        closed=services.is_closed(cohort) or cohort.results_published_at is not None,
        reviewers=services.reviewers_calibration(cohort, essays),
        confirm=ConfirmForm(),
    ), status


@bp.route("/staff/review/cohorts/<int:cohort_id>/calibration", methods=["GET", "POST"])
@role_required(*COORDINATOR)
def calibration(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    form = score_form(services.criteria_for(cohort), base=CalibrationEssayForm)
    if form.validate_on_submit():
        try:
            essay = services.add_calibration_essay(
                cohort, form.code.data or "", form.sample_text.data or "", form.values(), actor=current_user
            )
        except DomainError as error:
            _put_errors(form, error)
        else:
            flash(_("%(code)s is added to the calibration set.", code=essay.code), "success")
            return redirect(url_for("review.calibration", cohort_id=cohort.id))
    return _set_page(cohort, form, 422 if form.has_errors else 200)


def _essay_or_404(cohort: Cohort, essay_id: int) -> CalibrationEssay:
    return services.get_calibration_essay(cohort, essay_id) or abort(404)


@bp.route("/staff/review/cohorts/<int:cohort_id>/calibration/<int:essay_id>", methods=["GET", "POST"])
@role_required(*COORDINATOR)
def calibration_references(cohort_id: int, essay_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    essay = _essay_or_404(cohort, essay_id)
    criteria = services.criteria_for(cohort)
    initial = (
        None
        if request.method == "POST"
        else {f"score_{c.id}": _initial(essay.reference_for(c.id), c) for c in criteria}
    )
    form = score_form(criteria, base=ReferenceScoresForm, data=initial)
    if form.validate_on_submit():
        try:
            services.update_references(essay, form.values(), actor=current_user)
        except DomainError as error:
            _put_errors(form, error)
        else:
            flash(_("The reference scores of %(code)s are saved.", code=essay.code), "success")
            return redirect(url_for("review.calibration", cohort_id=cohort.id))
    return render_template(
        "review/calibration_references.html",
        cohort=cohort,
        essay=essay,
        text=services.essay_text(essay),
        chars=services.essay_chars(essay),
        form=form,
        locked=services.essay_scored(essay),
        closed=services.is_closed(cohort) or cohort.results_published_at is not None,
    ), 422 if form.has_errors else 200


@bp.route("/staff/review/cohorts/<int:cohort_id>/calibration/<int:essay_id>/remove", methods=["POST"])
@role_required(*COORDINATOR)
def remove_calibration_essay(cohort_id: int, essay_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    essay = _essay_or_404(cohort, essay_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.remove_calibration_essay(essay, actor=current_user)
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(_("The essay is taken out of the calibration set."), "success")
    return redirect(url_for("review.calibration", cohort_id=cohort.id))


def _initial(value: int | None, criterion) -> object:
    if value is None:
        return None
    return str(value) if criterion.max_score <= 10 else value


# Reviewers -------------------------------------------------------------------------------------------


@bp.route("/staff/review/calibration/<int:essay_id>", methods=["GET", "POST"])
@role_required(*REVIEWER)
def calibrate(essay_id: int):
    essay = services.calibration_essay_for(current_user, essay_id) or abort(404)
    if request.method == "GET":
        services.open_calibration_essay(essay, actor=current_user)
    cohort = db.get_or_404(Cohort, essay.cohort_id)
    criteria = services.criteria_for(cohort)
    form = score_form(criteria, base=CalibrationScoreForm)
    if form.validate_on_submit():
        try:
            services.score_calibration(essay, form.values(), actor=current_user)
        except DomainError as error:
            _put_errors(form, error)
        else:
            flash(_("Your scores are saved. Below, they stand beside the reference scores."), "success")
            return redirect(url_for("review.calibrate", essay_id=essay.id))
    progress = services.calibration_progress(current_user, cohort)
    following = next((e for e in progress.essays if not progress.is_done(e) and e.id != essay.id), None)
    return render_template(
        "review/calibrate.html",
        cohort=cohort,
        essay=essay,
        text=services.essay_text(essay),
        chars=services.essay_chars(essay),
        form=form,
        progress=progress,
        can_score=services.can_score(essay, progress),
        following=following,
        position=progress.essays.index(essay) + 1,
    ), 422 if form.has_errors else 200


@bp.route("/staff/review/calibration/cohorts/<int:cohort_id>")
@role_required(*REVIEWER)
def calibration_results(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    progress = services.calibration_progress(current_user, cohort)
    if not progress.essays or not services.calibration_essay_for(current_user, progress.essays[0].id):
        abort(404)
    return render_template(
        "review/calibration_results.html",
        cohort=cohort,
        progress=progress,
        criteria=services.criteria_for(cohort),
    )
