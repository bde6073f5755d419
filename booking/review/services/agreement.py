"""Agreement among a cohort's reviewers, for coordinators: alpha and flags per reviewer.

Only submitted reviews of sent applications count, as in the ranking; calibration scores are
kept elsewhere and never read here. The figures name reviewers (staff) and no applicant.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from booking.extensions import db
from booking.review.agreement import Agreement, ReviewerFigures, agreement
from booking.review.models import Criterion, Review, ReviewStatus, Score
from booking.review.ranking import ScoredReview
from booking.review.services.cohorts import REVIEWABLE
from booking.review.services.rubric import _specs, criteria_for
from booking.staff.models import User
from booking.youth.models import Application, Cohort


@dataclass
class ReviewerRow:
    name: str
    figures: ReviewerFigures


@dataclass
class AgreementReport:
    cohort: Cohort
    criteria: list[Criterion]
    agreement: Agreement
    reviewers: list[ReviewerRow]
    submitted: int


def cohort_agreement(cohort: Cohort) -> AgreementReport:
    """The cohort's alpha (weighted scores and per criterion) and each reviewer's figures."""
    criteria = criteria_for(cohort)
    rows = db.session.execute(
        sa.select(Review.id, Review.application_id, Review.reviewer_id, Score.criterion_id, Score.value)
        .join(Score, Score.review_id == Review.id)
        .join(Application, Application.id == Review.application_id)
        .where(
            Review.cohort_id == cohort.id,
            Review.status == ReviewStatus.SUBMITTED,
            Application.status.in_(REVIEWABLE),
        )
    ).all()
    scores: dict[tuple[int, int, int], dict[int, int]] = defaultdict(dict)
    for review_id, application_id, reviewer_id, criterion_id, value in rows:
        scores[(review_id, application_id, reviewer_id)][criterion_id] = value
    reviews = [ScoredReview(app, reviewer, found) for (_id, app, reviewer), found in scores.items()]
    figures = agreement(reviews, _specs(criteria))
    names = dict(
        db.session.execute(sa.select(User.id, User.name).where(User.id.in_(figures.reviewers))).all()
    )
    people = sorted(
        (ReviewerRow(names.get(rid, "—"), found) for rid, found in figures.reviewers.items()),
        key=lambda row: (row.name, row.figures.reviewer_id),
    )
    return AgreementReport(cohort, criteria, figures, people, len(reviews))
