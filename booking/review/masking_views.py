"""Coordinators' pages of the masked essays: the list by code, and one essay's masks.

Each essay page shows the text as reviewers will read it and the words masked in it; the
coordinator adds a phrase to mask (every occurrence) or takes one off, until the review
starts. These pages show the applicant's own words, so opening one is audited.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from booking.core.auth import Role, role_required
from booking.core.errors import DomainError
from booking.core.forms import ConfirmForm
from booking.extensions import db
from booking.review import bp, services
from booking.review.forms import MaskForm
from booking.youth.models import Cohort

COORDINATOR = (Role.COORDINATOR,)


@bp.route("/staff/review/cohorts/<int:cohort_id>/masks")
@role_required(*COORDINATOR)
def masks(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    return render_template(
        "review/masks.html",
        cohort=cohort,
        rows=services.mask_list(cohort),
        editable=services.masks_editable(cohort),
    )


@bp.route("/staff/review/cohorts/<int:cohort_id>/masks/<int:application_id>", methods=["GET", "POST"])
@role_required(*COORDINATOR)
def essay_masks(cohort_id: int, application_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    form = MaskForm()
    if form.validate_on_submit():
        try:
            services.add_mask(cohort, application_id, form.phrase.data, actor=current_user)
        except DomainError as error:
            form.add_error(error)
        else:
            flash(_("The words are masked wherever they appear in the essay."), "success")
            return redirect(url_for("review.essay_masks", cohort_id=cohort.id, application_id=application_id))
    overview = services.view_masks(cohort, application_id, actor=current_user) or abort(404)
    return render_template(
        "review/essay_masks.html", cohort=cohort, overview=overview, form=form, confirm=ConfirmForm()
    ), 422 if form.has_errors else 200


@bp.route(
    "/staff/review/cohorts/<int:cohort_id>/masks/<int:application_id>/<int:mask_id>/delete", methods=["POST"]
)
@role_required(*COORDINATOR)
def remove_mask(cohort_id: int, application_id: int, mask_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.remove_mask(cohort, application_id, mask_id, actor=current_user)
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(_("The mask is taken off: reviewers will read these words."), "success")
    return redirect(url_for("review.essay_masks", cohort_id=cohort.id, application_id=application_id))
