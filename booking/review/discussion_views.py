"""The discussion after the close: notes on an essay, amended scores, its end.

Reviewers write on their own essay's page (found by application id, their review or 404);
coordinators on the essay's page under the ranking. A failed form shows that page again
with the errors.
"""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from booking.core.auth import Role, role_required
from booking.core.errors import DomainError
from booking.core.forms import ConfirmForm
from booking.extensions import db
from booking.review import bp, services
from booking.review.forms import NoteForm, amend_form
from booking.review.staff_views import render_application_reviews, render_essay
from booking.youth.models import Cohort


@bp.route("/staff/review/essays/<int:application_id>/notes", methods=["POST"])
@role_required(Role.REVIEWER)
def essay_note(application_id: int):
    review = services.review_for(current_user, application_id) or abort(404)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            services.add_note(review.application.cohort, application_id, form.body.data, actor=current_user)
        except DomainError as error:
            form.add_error(error)
        else:
            flash(_("Your note is added to the discussion."), "success")
            return redirect(url_for("review.essay", application_id=application_id, _anchor="discussion"))
    return render_essay(review, services.criteria_for(review.application.cohort), note=form)


@bp.route("/staff/review/essays/<int:application_id>/amend", methods=["POST"])
@role_required(Role.REVIEWER)
def amend(application_id: int):
    review = services.review_for(current_user, application_id) or abort(404)
    criteria = services.criteria_for(review.application.cohort)
    form = amend_form(criteria)
    if form.validate_on_submit():
        try:
            services.amend_scores(review, form.values(), form.reason.data, actor=current_user)
        except DomainError as error:
            form.add_error(error)
        else:
            flash(_("Your scores are changed. The coordinators see the change and your reason."), "success")
            return redirect(url_for("review.essay", application_id=application_id))
    return render_essay(review, criteria, amend=form)


@bp.route("/staff/review/cohorts/<int:cohort_id>/applications/<int:application_id>/notes", methods=["POST"])
@role_required(Role.COORDINATOR)
def application_note(cohort_id: int, application_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            services.add_note(cohort, application_id, form.body.data, actor=current_user)
        except DomainError as error:
            form.add_error(error)
        else:
            flash(_("Your note is added to the discussion."), "success")
            return redirect(
                url_for(
                    "review.application_reviews",
                    cohort_id=cohort.id,
                    application_id=application_id,
                    _anchor="discussion",
                )
            )
    found = services.application_reviews(cohort, application_id) or abort(404)
    return render_application_reviews(cohort, found, note=form)


@bp.route("/staff/review/cohorts/<int:cohort_id>/discussion/end", methods=["POST"])
@role_required(Role.COORDINATOR)
def end_discussion(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.end_discussion(cohort, actor=current_user)
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(_("The discussion is ended: notes and scores no longer change."), "success")
    return redirect(url_for("review.ranking", cohort_id=cohort.id))
