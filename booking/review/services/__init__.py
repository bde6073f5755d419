"""The review's use cases, one module each; everything public is re-exported here.

- `cohorts`: a cohort's review as a whole (the round open or closed, the coordinators' figures)
- `rubric`: the criteria reviewers score with
- `conflicts`: reviewers and the schools they declare a conflict with
- `assignment`: who reviews which essay (the run, and adding or removing a reviewer by hand)
- `reviewing`: the reviewer's side (their list, scores, comments, a flagged conflict)
- `ranking`: the ranking and one essay's reviews for coordinators
- `masking`: the essay as reviewers read it (masked), and the masks coordinators add by hand
- `exports`: the ranking and the reviews as spreadsheets
- `retention`: what goes when a cohort's personal data is deleted
"""

from booking.review.services.assignment import (
    AssignmentReport,
    AssignmentRow,
    Exclusions,
    ReviewerProgress,
    add_reviewer,
    assignment_overview,
    get_review,
    progress,
    remove_reviewer,
    reviewable_applications,
    run_assignment,
    shortfalls,
)
from booking.review.services.cohorts import (
    REVIEWABLE,
    CohortProgress,
    close_review,
    cohorts_overview,
    coordinator_panel,
    is_closed,
    reopen_review,
    review_round,
)
from booking.review.services.conflicts import (
    conflict_school_choices,
    declare_conflicts,
    declared_school_ids,
    reviewers,
    reviewers_with_conflicts,
)
from booking.review.services.exports import ranking_export, reviews_export
from booking.review.services.masking import (
    MaskOverview,
    MaskRow,
    add_mask,
    identity_of,
    mask_list,
    mask_overview,
    masked_essay,
    masks_editable,
    remove_mask,
    view_masks,
)
from booking.review.services.ranking import (
    SORTS,
    Ranking,
    RankingRow,
    application_reviews,
    ranking,
    view_application_reviews,
    view_ranking,
)
from booking.review.services.retention import purge_comments
from booking.review.services.reviewing import (
    QueueGroup,
    flag_conflict,
    neighbours,
    open_essay,
    open_reviews_count,
    queue_for,
    review_for,
    review_scores,
    reviewer_panel,
    save_review,
)
from booking.review.services.rubric import (
    CriterionData,
    add_criterion,
    criteria_for,
    delete_criterion,
    get_criterion,
    move_criterion,
    rubric_locked,
    update_criterion,
)

__all__ = [
    "REVIEWABLE",
    "SORTS",
    "AssignmentReport",
    "AssignmentRow",
    "CohortProgress",
    "CriterionData",
    "Exclusions",
    "MaskOverview",
    "MaskRow",
    "QueueGroup",
    "Ranking",
    "RankingRow",
    "ReviewerProgress",
    "add_criterion",
    "add_mask",
    "add_reviewer",
    "application_reviews",
    "assignment_overview",
    "close_review",
    "cohorts_overview",
    "conflict_school_choices",
    "coordinator_panel",
    "criteria_for",
    "declare_conflicts",
    "declared_school_ids",
    "delete_criterion",
    "flag_conflict",
    "get_criterion",
    "get_review",
    "identity_of",
    "is_closed",
    "mask_list",
    "mask_overview",
    "masked_essay",
    "masks_editable",
    "move_criterion",
    "neighbours",
    "open_essay",
    "open_reviews_count",
    "progress",
    "purge_comments",
    "queue_for",
    "ranking",
    "ranking_export",
    "remove_mask",
    "remove_reviewer",
    "reopen_review",
    "review_for",
    "review_round",
    "review_scores",
    "reviewable_applications",
    "reviewer_panel",
    "reviewers",
    "reviewers_with_conflicts",
    "reviews_export",
    "rubric_locked",
    "run_assignment",
    "save_review",
    "shortfalls",
    "update_criterion",
    "view_application_reviews",
    "view_masks",
    "view_ranking",
]
