"""A cohort's review as a whole: the applications read, the round (open or closed), figures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

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
from booking.staff.models import User
from booking.youth.models import Application, ApplicationStatus, Cohort
from booking.youth.services import lock_cohort

# Applications that are read: everything sent, whatever selection later made of it.
REVIEWABLE = tuple(
    s for s in ApplicationStatus if s not in (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN)
)


def review_round(cohort: Cohort) -> ReviewRound | None:
    return db.session.scalar(sa.select(ReviewRound).where(ReviewRound.cohort_id == cohort.id))


def _round_for_update(cohort: Cohort) -> ReviewRound:
    found = review_round(cohort)
    if found is None:
        found = ReviewRound(cohort=cohort)
        db.session.add(found)
    return found


def is_closed(cohort: Cohort) -> bool:
    found = review_round(cohort)
    return found is not None and found.is_closed


def _check_not_published(cohort: Cohort) -> None:
    if cohort.results_published_at is not None:
        raise DomainError(_("The results of this cohort have been published: the review is over."))


def _check_open(cohort: Cohort) -> None:
    _check_not_published(cohort)
    if is_closed(cohort):
        raise DomainError(_("The review of this cohort is closed. Reopen it to make changes."))


@dataclass
class CohortProgress:
    cohort: Cohort
    applications: int = 0
    criteria: int = 0
    assigned: int = 0
    submitted: int = 0
    review_round: ReviewRound | None = None
    # After publication: the offers still waiting for the student's answer.
    awaiting: int = 0


def cohorts_overview() -> list[CohortProgress]:
    """Every cohort with sent applications or a rubric, newest first, with its review figures."""
    cohorts = list(db.session.scalars(sa.select(Cohort).order_by(Cohort.fiscal_year.desc())))
    found = {c.id: CohortProgress(c) for c in cohorts}
    for cohort_id, n in db.session.execute(
        sa.select(Application.cohort_id, sa.func.count())
        .where(Application.status.in_(REVIEWABLE))
        .group_by(Application.cohort_id)
    ):
        found[cohort_id].applications = n
    for cohort_id, n in db.session.execute(
        sa.select(Criterion.cohort_id, sa.func.count()).group_by(Criterion.cohort_id)
    ):
        found[cohort_id].criteria = n
    for cohort_id, status, n in db.session.execute(
        sa.select(Review.cohort_id, Review.status, sa.func.count())
        .where(Review.status.in_(ACTIVE))
        .group_by(Review.cohort_id, Review.status)
    ):
        found[cohort_id].assigned += n
        if status == ReviewStatus.SUBMITTED:
            found[cohort_id].submitted += n
    for item in db.session.scalars(sa.select(ReviewRound)):
        found[item.cohort_id].review_round = item
    return list(found.values())


def _round_to_change(cohort: Cohort) -> ReviewRound:
    """The cohort's round, the cohort locked; refused once the results are out."""
    cohort = lock_cohort(cohort.id)
    _check_not_published(cohort)
    return _round_for_update(cohort)


def close_review(cohort: Cohort, actor: User) -> None:
    with write_lock():
        current = _round_to_change(cohort)
        if current.is_closed:
            raise DomainError(_("The review is already closed."))
        current.closed_at = utcnow()
        current.closed_by_id = actor.id
        record(actor, "review.close", "youth_cohort", cohort.id)
        db.session.commit()


def reopen_review(cohort: Cohort, actor: User) -> None:
    with write_lock():
        current = _round_to_change(cohort)
        current.closed_at = None
        current.closed_by_id = None
        # The discussion belongs to a close: the next close opens a new one.
        current.discussion_ended_at = None
        current.discussion_ended_by_id = None
        record(actor, "review.reopen", "youth_cohort", cohort.id)
        db.session.commit()


# Selection (which review never imports) registers here how many offers of each cohort
# still wait for the student's answer: cohort id -> count. A published cohort stays on the
# coordinators' dashboard until none waits.
AWAITING_ANSWERS: list[Callable[[], dict[int, int]]] = []


def coordinator_panel(user: User) -> dict[str, Any] | None:
    """Cohorts under review (results not out yet), with reviews submitted out of assigned, and
    published cohorts while offers still await an answer."""
    if not user.has_role(Role.COORDINATOR):
        return None
    awaiting: dict[int, int] = {}
    for provider in AWAITING_ANSWERS:
        awaiting |= provider()
    rows = []
    for item in cohorts_overview():
        item.awaiting = awaiting.get(item.cohort.id, 0)
        if item.assigned and (item.cohort.results_published_at is None or item.awaiting):
            rows.append(item)
    return {"rows": rows} if rows else None
