"""The review's table of moves, tried pair by pair, and what a review keeps."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from booking.core.errors import DomainError, InvalidTransition
from booking.review.models import REVIEW_WORKFLOW, Review, ReviewRound, ReviewStatus

NOW = datetime(2026, 12, 21, tzinfo=UTC)


@pytest.mark.parametrize(("frm", "to"), list(REVIEW_WORKFLOW.moves()))
def test_allowed_moves(ctx, frm, to):
    review = Review(status=frm)
    review._move(to)
    assert review.status == to


@pytest.mark.parametrize(("frm", "to"), list(REVIEW_WORKFLOW.forbidden()))
def test_every_other_move_is_refused(ctx, frm, to):
    review = Review(status=frm)
    with pytest.raises(InvalidTransition):
        review._move(to)
    assert review.status == frm


def test_a_submitted_review_is_never_saved_back_to_a_draft(ctx):
    review = Review(status=ReviewStatus.ASSIGNED, scores=[])
    review.submit({1: 3}, "", NOW)
    with pytest.raises(DomainError):
        review.save_draft({1: 4}, "", NOW)
    assert review.status == ReviewStatus.SUBMITTED and review.score_for(1) == 3


def test_conflicted_and_removed_reviews_no_longer_count(ctx):
    for status in (ReviewStatus.CONFLICT, ReviewStatus.REMOVED):
        assert not Review(status=status).is_active


def test_a_closed_review_can_no_longer_be_edited(ctx):
    review = Review(status=ReviewStatus.DRAFT)
    assert review.can_edit(None) and review.can_flag_conflict(ReviewRound())
    closed = ReviewRound(closed_at=NOW)
    assert not review.can_edit(closed) and not review.can_flag_conflict(closed)


def test_comments_are_deleted_with_the_cohort_s_personal_data(app, cohort, rubric, reviewers, applications):
    import sqlalchemy as sa

    from booking.extensions import db
    from booking.review.models import Review

    db.session.add(
        Review(
            cohort_id=cohort.id,
            application_id=applications[0].id,
            reviewer_id=reviewers[0].id,
            status=ReviewStatus.SUBMITTED,
            queue_key="a",
            submitted_at=NOW,
            comment="作文の一節を引いた感想",
        )
    )
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge-personal-data"])
    assert "comments of 0 review(s)" in result.output  # the cohort is not past its retention yet
    cohort.personal_data_purged_at = NOW
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge-personal-data"])
    assert "comments of 1 review(s)" in result.output
    db.session.rollback()
    assert db.session.scalar(sa.select(Review.comment)) == ""
