"""The reviewer's side: their list, the essay, scores and comments, a flagged conflict.

These functions load `Application` (code and essay) and never its `Applicant`: the personal
data stays out of every page a reviewer sees.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from booking.audit.services import record
from booking.core.auth import Role
from booking.core.errors import DomainError
from booking.core.time import utcnow
from booking.db import write_lock
from booking.extensions import db
from booking.review.models import (
    ACTIVE,
    Criterion,
    Review,
    ReviewRound,
    ReviewStatus,
)
from booking.review.ranking import weighted_score
from booking.review.services.assignment import _cohort_reviews, _exclusions, _schools_of
from booking.review.services.cohorts import _check_open
from booking.review.services.conflicts import _declared, reviewers
from booking.review.services.rubric import _specs, criteria_for
from booking.staff.models import User
from booking.youth.models import Application, Cohort
from booking.youth.services import lock_cohort


@dataclass
class QueueGroup:
    cohort: Cohort
    reviews: list[Review]
    closed: bool
    # Closed, and the discussion after the close still open: notes and amended scores.
    discussing: bool = False

    @property
    def submitted(self) -> int:
        return sum(1 for r in self.reviews if r.is_submitted)


def queue_for(reviewer: User) -> list[QueueGroup]:
    """The reviewer's essays, per cohort whose results are not out, in the reviewer's own order."""
    reviews = db.session.scalars(
        sa.select(Review)
        .join(Cohort, Cohort.id == Review.cohort_id)
        .where(
            Review.reviewer_id == reviewer.id,
            Review.status.in_(ACTIVE),
            Cohort.results_published_at.is_(None),
        )
        .options(
            joinedload(Review.application).load_only(
                Application.id, Application.code, Application.essay_chars
            )
        )
        .order_by(Cohort.fiscal_year.desc(), Review.queue_key, Review.id)
    ).all()
    cohorts = {
        c.id: c
        for c in db.session.scalars(sa.select(Cohort).where(Cohort.id.in_({r.cohort_id for r in reviews})))
    }
    rounds = {
        item.cohort_id: item
        for item in db.session.scalars(sa.select(ReviewRound).where(ReviewRound.cohort_id.in_(cohorts)))
    }
    groups: dict[int, QueueGroup] = {}
    for review in reviews:
        found = rounds.get(review.cohort_id)
        group = groups.setdefault(
            review.cohort_id,
            QueueGroup(
                cohorts[review.cohort_id],
                [],
                closed=found is not None and found.is_closed,
                discussing=found is not None and found.discussion_open,
            ),
        )
        group.reviews.append(review)
    return list(groups.values())


def open_reviews_count(reviewer: User) -> tuple[int, int]:
    """(left to submit, in all) on the reviewer's list."""
    rows = db.session.execute(
        sa.select(Review.status, sa.func.count())
        .join(Cohort, Cohort.id == Review.cohort_id)
        .where(
            Review.reviewer_id == reviewer.id,
            Review.status.in_(ACTIVE),
            Cohort.results_published_at.is_(None),
        )
        .group_by(Review.status)
    ).all()
    total = sum(n for _s, n in rows)
    left = sum(n for s, n in rows if s != ReviewStatus.SUBMITTED)
    return left, total


def review_for(reviewer: User, application_id: int) -> Review | None:
    """The reviewer's own active review of this essay, or None (someone else's is never found)."""
    return db.session.scalar(
        sa.select(Review)
        .join(Cohort, Cohort.id == Review.cohort_id)
        .where(
            Review.reviewer_id == reviewer.id,
            Review.application_id == application_id,
            Review.status.in_(ACTIVE),
            Cohort.results_published_at.is_(None),
        )
        .options(
            joinedload(Review.application).load_only(
                Application.id,
                Application.code,
                Application.essay,
                Application.essay_chars,
                Application.cohort_id,
            ),
            selectinload(Review.scores),
        )
    )


def open_essay(review: Review, actor: User) -> None:
    """A reviewer opened an essay: recorded with the application's id and code, never its text."""
    record(
        actor, "review.essay.view", "youth_application", review.application_id, code=review.application.code
    )
    db.session.commit()


def neighbours(review: Review) -> tuple[int | None, int | None, int, int]:
    """The previous and next essays in the reviewer's order, and this one's place (n of m)."""
    order = list(
        db.session.scalars(
            sa.select(Review.application_id)
            .where(
                Review.reviewer_id == review.reviewer_id,
                Review.cohort_id == review.cohort_id,
                Review.status.in_(ACTIVE),
            )
            .order_by(Review.queue_key, Review.id)
        )
    )
    index = order.index(review.application_id)
    previous = order[index - 1] if index > 0 else None
    following = order[index + 1] if index + 1 < len(order) else None
    return previous, following, index + 1, len(order)


def _check_scores(
    criteria: list[Criterion], values: dict[int, int | None], complete: bool
) -> dict[int, int | None]:
    """Every criterion's score in range (and given, when `complete`); all problems at once."""
    problems: list[DomainError] = []
    for criterion in criteria:
        value = values.get(criterion.id)
        if value is None:
            if complete:
                problems.append(
                    DomainError(
                        _("Give a score for “%(name)s”.", name=criterion.name()),
                        field=f"score_{criterion.id}",
                    )
                )
            continue
        if not 0 <= value <= criterion.max_score:
            problems.append(
                DomainError(
                    _(
                        "The score for “%(name)s” must be between 0 and %(max)d.",
                        name=criterion.name(),
                        max=criterion.max_score,
                    ),
                    field=f"score_{criterion.id}",
                )
            )
    if problems:
        raise DomainError.several(problems)
    return {c.id: values.get(c.id) for c in criteria}


def save_review(
    review: Review, values: dict[int, int | None], comment: str, submit: bool, actor: User
) -> Review:
    """Save the reviewer's scores as a draft, or submit them (again, to revise)."""
    with write_lock():
        now = utcnow()
        review = db.session.get(Review, review.id, populate_existing=True)
        if review is None or review.reviewer_id != actor.id or not review.is_active:
            raise DomainError(_("This essay is no longer on your list."))
        cohort = lock_cohort(review.cohort_id)
        _check_open(cohort)
        criteria = criteria_for(cohort)
        checked = _check_scores(criteria, values, complete=submit)
        was_submitted = review.is_submitted
        comment = comment.strip()
        if submit:
            review.submit({k: v for k, v in checked.items() if v is not None}, comment, now, actor)
            weights = _specs(criteria)
            record(
                actor,
                "review.revise" if was_submitted else "review.submit",
                "review",
                review.id,
                code=review.application.code,
                weighted=round(weighted_score(review_scores(review), weights), 2),
            )
        else:
            review.save_draft(checked, comment, now, actor)
        db.session.commit()
    return review


def review_scores(review: Review) -> dict[int, int]:
    return {score.criterion_id: score.value for score in review.scores}


def flag_conflict(review: Review, actor: User) -> User | None:
    """The reviewer declares a conflict with this essay; it goes to another reviewer if one can take it.

    Returns the new reviewer, or None when nobody can (coordinators see it on the assignment page).
    """
    with write_lock():
        review = db.session.get(Review, review.id, populate_existing=True)
        if review is None or review.reviewer_id != actor.id:
            raise DomainError(_("This essay is no longer on your list."))
        cohort = lock_cohort(review.cohort_id)
        _check_open(cohort)
        if review.is_submitted:
            raise DomainError(_("A submitted review cannot be given up. Ask the coordinator."))
        review.flag_conflict(actor)
        db.session.flush()
        replacement = _replacement(cohort, review.application_id)
        new_review_id = None
        if replacement is not None:
            existing = db.session.scalar(
                sa.select(Review).where(
                    Review.application_id == review.application_id, Review.reviewer_id == replacement.id
                )
            )
            if existing is None:
                existing = Review.assign(cohort.id, review.application_id, replacement.id)
                db.session.add(existing)
            db.session.flush()
            new_review_id = existing.id
        record(
            actor,
            "review.conflict",
            "review",
            review.id,
            code=review.application.code,
            reassigned_to=replacement.id if replacement else None,
            new_review_id=new_review_id,
        )
        db.session.commit()
    return replacement


def _replacement(cohort: Cohort, application_id: int) -> User | None:
    """The least-loaded reviewer who may take the essay and is not on it yet."""
    applications = [db.session.get(Application, application_id)]
    reviews = _cohort_reviews(cohort)
    why = _exclusions(applications, reviews, _schools_of(cohort), _declared())[application_id]
    on_it = {r.reviewer_id for r in reviews if r.application_id == application_id}
    loads: dict[int, int] = defaultdict(int)
    for review in reviews:
        if review.is_active:
            loads[review.reviewer_id] += 1
    options = [u for u in reviewers() if u.id not in on_it and u.id not in why.all]
    if not options:
        return None
    return min(options, key=lambda u: (loads[u.id], secrets.randbelow(1000)))


def reviewer_panel(user: User) -> dict[str, Any] | None:
    if not user.has_role(Role.REVIEWER):
        return None
    left, total = open_reviews_count(user)
    return {"left": left, "total": total}


def submitted_all(reviewer: User, cohort_id: int) -> bool:
    """Whether every essay of the cohort on the reviewer's list is submitted."""
    left = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Review)
        .where(
            Review.reviewer_id == reviewer.id,
            Review.cohort_id == cohort_id,
            Review.status.in_(ACTIVE),
            Review.status != ReviewStatus.SUBMITTED,
        )
    )
    return left == 0
