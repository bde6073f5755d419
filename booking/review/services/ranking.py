"""The ranking for coordinators: weighted and normalised scores, one essay's reviews."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, load_only, subqueryload

from booking.audit.services import record
from booking.extensions import db
from booking.review.models import (
    ACTIVE,
    Criterion,
    Review,
    ReviewStatus,
    Score,
)
from booking.review.ranking import ScoredReview, Standing, rank
from booking.review.services.assignment import ReviewerProgress, progress_counts
from booking.review.services.cohorts import REVIEWABLE
from booking.review.services.rubric import _specs, criteria_for
from booking.staff.models import User
from booking.youth.models import Application, Cohort


@dataclass
class RankingRow:
    application: Application
    standing: Standing


@dataclass
class Ranking:
    cohort: Cohort
    criteria: list[Criterion]
    rows: list[RankingRow]
    progress: list[ReviewerProgress]
    reviewer_names: dict[int, str]

    @property
    def flagged(self) -> int:
        return sum(1 for row in self.rows if row.standing.disagreement)


SORTS = {
    "rank": lambda row: (row.standing.rank is None, row.standing.rank or 0),
    "code": lambda row: row.application.code,
    "weighted": lambda row: (row.standing.weighted_mean is None, -(row.standing.weighted_mean or 0)),
    "normalised": lambda row: (row.standing.normalised is None, -(row.standing.normalised or 0)),
    "spread": lambda row: (row.standing.z_spread is None, -(row.standing.z_spread or 0)),
    "done": lambda row: (row.standing.reviews_done - row.standing.reviews_assigned, row.application.code),
}


def ranking(cohort: Cohort, sort: str = "rank") -> Ranking:
    """Every application with its weighted mean, normalised score, spread and reviews done.

    The figures are worked out from plain rows (the reviews' ids and states, the scores), so
    the ranking of a thousand essays reads a few queries and no review objects; the reviews
    themselves, with comments, come from `cohort_reviews` where a page shows them.
    """
    criteria = criteria_for(cohort)
    applications = list(
        db.session.scalars(
            sa.select(Application)
            .where(Application.cohort_id == cohort.id, Application.status.in_(REVIEWABLE))
            .options(load_only(Application.code, Application.status, Application.consent_status))
            .order_by(Application.code)
        )
    )
    reviewed, scored = _reviews_and_scores(cohort, criteria)
    assigned: dict[int, int] = defaultdict(int)
    for application_id in reviewed:
        assigned[application_id] += 1
    standings = rank([a.id for a in applications], scored, _specs(criteria), assigned)
    rows = [RankingRow(a, standings[a.id]) for a in applications]
    rows.sort(key=SORTS.get(sort, SORTS["rank"]))
    progress = progress_counts(cohort)
    names = {p.reviewer.id: p.reviewer.name for p in progress}
    return Ranking(cohort, criteria, rows, progress, names)


def _reviews_and_scores(cohort: Cohort, criteria: list[Criterion]) -> tuple[list[int], list[ScoredReview]]:
    """The application of each of the cohort's active reviews, and the submitted reviews with
    their scores: one statement, a row per review and a column per criterion (the database
    turns the scores on their side), so a thousand essays read 3,000 rows, not 12,000."""
    submitted = Review.status == ReviewStatus.SUBMITTED
    columns = [
        sa.func.max(sa.case((Score.criterion_id == criterion.id, Score.value))) for criterion in criteria
    ]
    rows = db.session.execute(
        sa.select(Review.application_id, Review.reviewer_id, submitted, *columns)
        .outerjoin(Score, sa.and_(Score.review_id == Review.id, submitted))
        .where(Review.cohort_id == cohort.id, Review.status.in_(ACTIVE))
        .group_by(Review.id, Review.application_id, Review.reviewer_id, Review.status)
        .order_by(Review.id)
    ).all()
    ids = [criterion.id for criterion in criteria]
    scored = [
        ScoredReview(
            row[0],
            row[1],
            {
                criterion_id: value
                for criterion_id, value in zip(ids, row[3:], strict=True)
                if value is not None
            },
        )
        for row in rows
        if row[2]
    ]
    return [row[0] for row in rows], scored


def cohort_reviews(cohort: Cohort, application_id: int | None = None) -> list[Review]:
    """The cohort's active reviews (of one essay, when given) with scores and reviewer."""
    query = (
        sa.select(Review)
        .where(Review.cohort_id == cohort.id, Review.status.in_(ACTIVE))
        .options(subqueryload(Review.scores), joinedload(Review.reviewer))
        .order_by(Review.id)
    )
    if application_id is not None:
        query = query.where(Review.application_id == application_id)
    return list(db.session.scalars(query))


def view_ranking(cohort: Cohort, sort: str, actor: User) -> Ranking:
    """The ranking for coordinators (every essay's scores, by code); the viewing is audited."""
    # Audited first: a commit after loading would expire every row the page then reads.
    record(actor, "review.ranking.view", "youth_cohort", cohort.id, sort=sort)
    db.session.commit()
    return ranking(cohort, sort=sort)


def view_application_reviews(
    cohort: Cohort, application_id: int, actor: User
) -> tuple[Application, RankingRow, list[Review]] | None:
    """One essay's reviews (scores and comments) for coordinators; the viewing is audited."""
    code = db.session.scalar(
        sa.select(Application.code).where(
            Application.id == application_id,
            Application.cohort_id == cohort.id,
            Application.status.in_(REVIEWABLE),
        )
    )
    if code is None:
        return None
    # Audited first: a commit after loading would expire every row the page then reads.
    record(actor, "review.application.view", "youth_application", application_id, code=code)
    db.session.commit()
    return application_reviews(cohort, application_id)


def application_reviews(
    cohort: Cohort, application_id: int
) -> tuple[Application, RankingRow, list[Review]] | None:
    """For coordinators: one essay with every reviewer's scores and comment."""
    board = ranking(cohort)
    row = next((r for r in board.rows if r.application.id == application_id), None)
    if row is None:
        return None
    return row.application, row, cohort_reviews(cohort, application_id)
