"""The review's use cases, one module each; everything public is re-exported here.

- `cohorts`: a cohort's review as a whole (the round open or closed, the coordinators' figures)
- `rubric`: the criteria reviewers score with
- `conflicts`: reviewers and the schools they declare a conflict with
- `assignment`: who reviews which essay (the run, and adding or removing a reviewer by hand)
- `reviewing`: the reviewer's side (their list, scores, comments, a flagged conflict)
- `ranking`: the ranking and one essay's reviews for coordinators
- `exports`: the ranking and the reviews as spreadsheets
- `agreement`: how far reviewers agree (alpha, flags per reviewer), for coordinators
- `discussion`: notes on an essay and amended scores after the close
- `retention`: what goes when a cohort's personal data is deleted
"""

from booking.review.services.agreement import AgreementReport, ReviewerRow, cohort_agreement
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
    AWAITING_ANSWERS,
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
from booking.review.services.discussion import (
    NoteView,
    add_note,
    amend_scores,
    discussion_open,
    end_discussion,
    essay_history,
    notes_for,
)
from booking.review.services.exports import ranking_export, reviews_export
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
    "AWAITING_ANSWERS",
    "REVIEWABLE",
    "SORTS",
    "AgreementReport",
    "AssignmentReport",
    "AssignmentRow",
    "CohortProgress",
    "CriterionData",
    "Exclusions",
    "NoteView",
    "QueueGroup",
    "Ranking",
    "RankingRow",
    "ReviewerProgress",
    "ReviewerRow",
    "add_criterion",
    "add_note",
    "add_reviewer",
    "amend_scores",
    "application_reviews",
    "assignment_overview",
    "close_review",
    "cohort_agreement",
    "cohorts_overview",
    "conflict_school_choices",
    "coordinator_panel",
    "criteria_for",
    "declare_conflicts",
    "declared_school_ids",
    "delete_criterion",
    "discussion_open",
    "end_discussion",
    "essay_history",
    "flag_conflict",
    "get_criterion",
    "get_review",
    "is_closed",
    "move_criterion",
    "neighbours",
    "notes_for",
    "open_essay",
    "open_reviews_count",
    "progress",
    "purge_comments",
    "queue_for",
    "ranking",
    "ranking_export",
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
    "view_ranking",
]
