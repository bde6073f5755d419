"""The review's table of moves, tried pair by pair, and what a review keeps."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from booking.core.errors import DomainError
from booking.review.models import (
    REVIEW_ACTIONS,
    REVIEW_WORKFLOW,
    Review,
    ReviewAction,
    ReviewRound,
    ReviewStatus,
)

NOW = datetime(2026, 12, 21, tzinfo=UTC)


# Each action of the table, done through the model's public verb.
VERBS = {
    ReviewAction.SAVE_DRAFT: lambda review: review.save_draft({1: 2}, "", NOW),
    ReviewAction.SUBMIT: lambda review: review.submit({1: 3}, "", NOW),
    ReviewAction.REVISE: lambda review: review.submit({1: 4}, "", NOW),
    ReviewAction.FLAG_CONFLICT: lambda review: review.flag_conflict(),
    ReviewAction.REMOVE: lambda review: review.remove(),
    ReviewAction.RESTORE: lambda review: review.restore(),
    ReviewAction.AMEND: lambda review: review.amend({1: 5}, "議論を踏まえて見直した", NOW),
}
ALLOWED = [(action, source) for action, move in REVIEW_ACTIONS.items() for source in sorted(move.sources)]
REFUSED = [
    (action, status)
    for action, move in REVIEW_ACTIONS.items()
    for status in ReviewStatus
    if status not in move.sources
    # submit() on a submitted review is a revision, and the reverse: one verb for both.
    and (action, status) not in {(ReviewAction.SUBMIT, ReviewStatus.SUBMITTED)}
    and action != ReviewAction.REVISE
]


def test_every_action_has_a_verb():
    assert set(VERBS) == set(ReviewAction)


@pytest.mark.parametrize(("action", "source"), ALLOWED)
def test_allowed_moves_write_one_history_row(ctx, action, source):
    review = Review(status=source, scores=[])
    VERBS[action](review)
    assert review.status == REVIEW_ACTIONS[action].target
    if action == ReviewAction.SAVE_DRAFT and source == ReviewStatus.DRAFT:
        assert review.history == []  # saving a draft again is not a move
    else:
        [entry] = review.history
        assert (entry.action, entry.from_status, entry.to_status) == (action, source, review.status)


@pytest.mark.parametrize(("action", "source"), REFUSED)
def test_every_other_move_is_refused_and_leaves_no_history(ctx, action, source):
    review = Review(status=source, scores=[])
    with pytest.raises(DomainError):
        VERBS[action](review)
    assert review.status == source and review.history == []


def test_the_status_workflow_is_the_action_table(ctx):
    pairs = {(s, m.target) for m in REVIEW_ACTIONS.values() for s in m.sources if s != m.target}
    assert set(REVIEW_WORKFLOW.moves()) == pairs
    for frm, to in REVIEW_WORKFLOW.forbidden():
        assert not any(frm in m.sources and m.target == to for m in REVIEW_ACTIONS.values())


def test_can_questions_follow_the_table(ctx):
    for status in ReviewStatus:
        review = Review(status=status)
        assert review.can_remove() == (status in REVIEW_ACTIONS[ReviewAction.REMOVE].sources)
        assert review.can_restore() == (status in REVIEW_ACTIONS[ReviewAction.RESTORE].sources)
        assert review.can_edit(None) == review.is_active
        assert review.can_flag_conflict(None) == (status in (ReviewStatus.ASSIGNED, ReviewStatus.DRAFT))


def test_a_submitted_review_is_never_saved_back_to_a_draft(ctx):
    review = Review(status=ReviewStatus.ASSIGNED, scores=[])
    review.submit({1: 3}, "", NOW)
    with pytest.raises(DomainError):
        review.save_draft({1: 4}, "", NOW)
    assert review.status == ReviewStatus.SUBMITTED and review.score_for(1) == 3


def test_an_amendment_needs_a_reason_and_a_change_and_records_both(ctx):
    review = Review(status=ReviewStatus.ASSIGNED, scores=[])
    review.submit({1: 3, 2: 4}, "", NOW)
    with pytest.raises(DomainError):
        review.amend({1: 4, 2: 4}, "   ", NOW)
    with pytest.raises(DomainError):
        review.amend({1: 3, 2: 4}, "理由", NOW)
    assert len(review.history) == 1
    entry = review.amend({1: 4, 2: 4}, "  他の審査員の指摘で読み直した  ", NOW)
    assert (entry.action, entry.note) == (ReviewAction.AMEND, "他の審査員の指摘で読み直した")
    assert entry.changes == [[1, 3, 4]]
    assert review.score_for(1) == 4 and review.status == ReviewStatus.SUBMITTED


def test_conflicted_and_removed_reviews_no_longer_count(ctx):
    for status in (ReviewStatus.CONFLICT, ReviewStatus.REMOVED):
        assert not Review(status=status).is_active


def test_a_closed_review_can_no_longer_be_edited(ctx):
    review = Review(status=ReviewStatus.DRAFT)
    assert review.can_edit(None) and review.can_flag_conflict(ReviewRound())
    closed = ReviewRound(closed_at=NOW)
    assert not review.can_edit(closed) and not review.can_flag_conflict(closed)


def test_comments_and_history_notes_are_deleted_with_the_cohort_s_personal_data(
    app, cohort, rubric, reviewers, coordinator, applications
):
    import sqlalchemy as sa

    from booking.extensions import db
    from booking.review.models import Review, ReviewHistory

    review = Review(
        cohort_id=cohort.id,
        application_id=applications[0].id,
        reviewer_id=reviewers[0].id,
        status=ReviewStatus.SUBMITTED,
        queue_key="a",
        submitted_at=NOW,
        comment="作文の一節を引いた感想",
    )
    review.remove(coordinator, note="利益相反の申し出があったため")
    db.session.add(review)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge-personal-data"])
    # The cohort is not past its retention yet.
    assert "comments of 0 review(s) and 0 history note(s)" in result.output
    cohort.personal_data_purged_at = NOW
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge-personal-data"])
    assert "comments of 1 review(s) and 1 history note(s)" in result.output
    db.session.rollback()
    assert db.session.scalar(sa.select(Review.comment)) == ""
    # The move stays, without its note.
    entry = db.session.scalar(sa.select(ReviewHistory))
    assert (entry.action, entry.actor_id, entry.note) == (ReviewAction.REMOVE, coordinator.id, "")
