"""Coordinators: how far the cohort's reviewers agree (alpha, flags per reviewer)."""

from __future__ import annotations

from flask import render_template

from booking.core.auth import Role, role_required
from booking.extensions import db
from booking.review import agreement, bp, services
from booking.youth.models import Cohort


@bp.route("/staff/review/cohorts/<int:cohort_id>/agreement")
@role_required(Role.COORDINATOR)
def agreement_page(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    return render_template(
        "review/agreement.html",
        cohort=cohort,
        report=services.cohort_agreement(cohort),
        alike_spread=agreement.ALIKE_SPREAD,
        far_distance=agreement.FAR_DISTANCE,
        min_reviews=agreement.MIN_REVIEWS,
    )
