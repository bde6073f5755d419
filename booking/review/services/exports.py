"""The ranking and the submitted reviews as spreadsheets (CSV or Excel); each export is audited."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from booking.audit.services import record
from booking.extensions import db
from booking.review.services.ranking import cohort_reviews, ranking
from booking.review.services.reviewing import review_scores
from booking.staff.models import User
from booking.youth.models import Cohort


def _number(value: float | None, digits: int = 2) -> float | str:
    return "" if value is None else round(value, digits)


def ranking_export(cohort: Cohort, fmt: str, actor: User) -> tuple[list[str], list[list[Any]]]:
    board = ranking(cohort)
    header = [
        _("Rank"),
        _("Applicant code"),
        _("Reviews done"),
        _("Reviews assigned"),
        _("Weighted mean (0–100)"),
        _("Normalised score"),
        _("Spread (points)"),
        _("Spread (standardised)"),
        _("Wide disagreement"),
        _("Guardian's consent"),
        _("Status"),
    ]
    rows = [
        [
            row.standing.rank or "",
            row.application.code,
            row.standing.reviews_done,
            row.standing.reviews_assigned,
            _number(row.standing.weighted_mean),
            _number(row.standing.normalised, 3),
            _number(row.standing.spread),
            _number(row.standing.z_spread, 3),
            _("Yes") if row.standing.disagreement else "",
            row.application.consent_status.label,
            row.application.status.label,
        ]
        for row in board.rows
    ]
    record(actor, "review.ranking.export", "youth_cohort", cohort.id, format=fmt, rows=len(rows))
    db.session.commit()
    return header, rows


def reviews_export(cohort: Cohort, fmt: str, actor: User) -> tuple[list[str], list[list[Any]]]:
    """Every submitted review: who, the scores per criterion, weighted and standardised, the comment."""
    board = ranking(cohort)
    header = [_("Applicant code"), _("Reviewer")]
    header += [c.name() for c in board.criteria]
    header += [_("Weighted score (0–100)"), _("Standardised score"), _("Submitted at"), _("Comment")]
    z_by_review: dict[tuple[int, int], tuple[float, float]] = {}
    for row in board.rows:
        for reviewer_id, score, z in row.standing.reviews or []:
            z_by_review[(row.application.id, reviewer_id)] = (score, z)
    codes = {row.application.id: row.application.code for row in board.rows}
    rows = []
    for review in sorted(
        cohort_reviews(cohort), key=lambda r: (codes.get(r.application_id, ""), r.reviewer.name)
    ):
        if not review.is_submitted:
            continue
        score, z = z_by_review.get((review.application_id, review.reviewer_id), (None, None))
        values = review_scores(review)
        rows.append(
            [codes.get(review.application_id, ""), review.reviewer.name]
            + [values.get(c.id, "") for c in board.criteria]
            + [_number(score), _number(z, 3), review.submitted_at, review.comment]
        )
    record(actor, "review.reviews.export", "youth_cohort", cohort.id, format=fmt, rows=len(rows))
    db.session.commit()
    return header, rows
