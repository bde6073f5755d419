"""Each move of a review leaves a history row: the action, from and to, who, when, a note."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from booking.core.errors import DomainError
from booking.extensions import db
from booking.review import services
from booking.review.models import ACTIVE, Review, ReviewAction, ReviewHistory, ReviewStatus
from tests.factories.review import AFTER

A, D, S, C, R = (
    ReviewStatus.ASSIGNED,
    ReviewStatus.DRAFT,
    ReviewStatus.SUBMITTED,
    ReviewStatus.CONFLICT,
    ReviewStatus.REMOVED,
)


def _history(review_id: int) -> list[tuple[ReviewAction, ReviewStatus, ReviewStatus, int | None]]:
    rows = db.session.scalars(
        sa.select(ReviewHistory).where(ReviewHistory.review_id == review_id).order_by(ReviewHistory.id)
    )
    return [(h.action, h.from_status, h.to_status, h.actor_id) for h in rows]


def _first_review(cohort_id: int, reviewer_id: int) -> Review:
    return db.session.scalar(
        sa.select(Review)
        .where(Review.cohort_id == cohort_id, Review.reviewer_id == reviewer_id, Review.status.in_(ACTIVE))
        .order_by(Review.id)
        .limit(1)
    )


def test_each_move_of_a_review_is_written_to_its_history_with_who_and_when(
    cohort, rubric, reviewers, coordinator, applications, after_window
):
    services.run_assignment(cohort, coordinator)
    reviewer = reviewers[0]
    review = _first_review(cohort.id, reviewer.id)
    assert _history(review.id) == []  # assigned by the run: the review starts there
    draft = {rubric[0].id: 5, rubric[1].id: None}
    services.save_review(review, draft, "", submit=False, actor=reviewer)
    services.save_review(review, draft, "", submit=False, actor=reviewer)  # a second save is no move
    full = {rubric[0].id: 7, rubric[1].id: 4}
    services.save_review(review, full, "", submit=True, actor=reviewer)
    services.save_review(review, full | {rubric[1].id: 5}, "", submit=True, actor=reviewer)
    services.remove_reviewer(review, coordinator)
    services.add_reviewer(cohort, review.application_id, reviewer.id, coordinator)
    assert _history(review.id) == [
        (ReviewAction.SAVE_DRAFT, A, D, reviewer.id),
        (ReviewAction.SUBMIT, D, S, reviewer.id),
        (ReviewAction.REVISE, S, S, reviewer.id),
        (ReviewAction.REMOVE, S, R, coordinator.id),
        (ReviewAction.RESTORE, R, A, coordinator.id),
    ]
    times = db.session.scalars(
        sa.select(ReviewHistory.occurred_at).where(ReviewHistory.review_id == review.id)
    )
    assert set(times) == {AFTER}
    assert set(db.session.scalars(sa.select(ReviewHistory.note))) == {""}

    services.flag_conflict(review, reviewer)
    assert _history(review.id)[-1] == (ReviewAction.FLAG_CONFLICT, A, C, reviewer.id)


def test_a_refused_move_writes_no_history(cohort, rubric, reviewers, coordinator, applications, after_window):
    services.run_assignment(cohort, coordinator)
    review = _first_review(cohort.id, reviewers[0].id)
    services.remove_reviewer(review, coordinator)
    with pytest.raises(DomainError):
        services.remove_reviewer(review, coordinator)
    with pytest.raises(DomainError):
        services.flag_conflict(review, reviewers[0])
    assert _history(review.id) == [(ReviewAction.REMOVE, A, R, coordinator.id)]
