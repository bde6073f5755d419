"""Who reviews which essay: the assignment run, and coordinators adding or removing a reviewer."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import joinedload

from booking.audit.services import record
from booking.core.auth import Role
from booking.core.errors import DomainError
from booking.core.i18n import current_language
from booking.core.time import utcnow
from booking.db import write_lock
from booking.extensions import db
from booking.review.assignment import Problem, Shortfall, Solution, assign
from booking.review.models import (
    ACTIVE,
    STARTED,
    Review,
    ReviewStatus,
)
from booking.review.services.cohorts import REVIEWABLE, _check_open, _round_for_update
from booking.review.services.conflicts import _declared, reviewers
from booking.review.services.rubric import criteria_for
from booking.staff.models import User
from booking.youth.models import Applicant, Application, Cohort, WindowState
from booking.youth.services import lock_cohort


def reviewable_applications(cohort: Cohort) -> list[Application]:
    return list(
        db.session.scalars(
            sa.select(Application)
            .where(Application.cohort_id == cohort.id, Application.status.in_(REVIEWABLE))
            .order_by(Application.code)
        )
    )


def _cohort_reviews(cohort: Cohort) -> list[Review]:
    return list(
        db.session.scalars(
            sa.select(Review)
            .where(Review.cohort_id == cohort.id)
            .options(joinedload(Review.reviewer))
            .order_by(Review.id)
        )
    )


def _schools_of(cohort: Cohort) -> dict[int, int | None]:
    """application id -> the directory school it comes from (for conflicts; never shown)."""
    return dict(
        db.session.execute(
            sa.select(Application.id, Applicant.school_id)
            .join(Applicant)
            .where(Application.cohort_id == cohort.id)
        ).all()
    )


@dataclass
class Exclusions:
    """Why reviewers may not take an application."""

    declared: set[int] = field(default_factory=set)
    flagged: set[int] = field(default_factory=set)
    removed: set[int] = field(default_factory=set)

    @property
    def all(self) -> frozenset[int]:
        return frozenset(self.declared | self.flagged | self.removed)


def _exclusions(
    applications: list[Application],
    reviews: list[Review],
    schools: dict[int, int | None],
    declared: dict[int, set[int]],
) -> dict[int, Exclusions]:
    found = {a.id: Exclusions() for a in applications}
    for application in applications:
        school = schools.get(application.id)
        if school is not None:
            found[application.id].declared = {r for r, ids in declared.items() if school in ids}
    for review in reviews:
        if review.application_id not in found:
            continue
        if review.status == ReviewStatus.CONFLICT:
            found[review.application_id].flagged.add(review.reviewer_id)
        elif review.status == ReviewStatus.REMOVED:
            found[review.application_id].removed.add(review.reviewer_id)
    return found


@dataclass
class AssignmentReport:
    added: int
    kept: int
    dropped: int
    problems: list[str]
    loads: dict[int, int]

    @property
    def lowest(self) -> int:
        return min(self.loads.values()) if self.loads else 0

    @property
    def highest(self) -> int:
        return max(self.loads.values()) if self.loads else 0


def _shortfall_message(shortfall: Shortfall, code: str, pool: int, why: Exclusions, in_pool: set[int]) -> str:
    reasons = []
    declared = len(why.declared & in_pool)
    flagged = len(why.flagged & in_pool)
    removed = len(why.removed & in_pool)
    if declared:
        reasons.append(
            ngettext(
                "%(num)d declared a conflict with its school",
                "%(num)d declared a conflict with its school",
                declared,
            )
        )
    if flagged:
        reasons.append(
            ngettext(
                "%(num)d flagged a conflict with this essay",
                "%(num)d flagged a conflict with this essay",
                flagged,
            )
        )
    if removed:
        reasons.append(
            ngettext("%(num)d was taken off it by hand", "%(num)d were taken off it by hand", removed)
        )
    separator = "、" if current_language() == "ja" else ", "
    why_text = separator.join(reasons) if reasons else _("there are not enough reviewers")
    return _(
        "%(code)s can have only %(available)d of the %(needed)d reviewers it needs: of the %(pool)d "
        "reviewers, %(why)s. Add a reviewer (for example an outside judge) or lower the number of "
        "reviewers per application.",
        code=code,
        available=shortfall.available,
        needed=shortfall.needed,
        pool=pool,
        why=why_text,
    )


def run_assignment(cohort: Cohort, actor: User, reviewer_ids: set[int] | None = None) -> AssignmentReport:
    """Assign reviewers to every application; running again keeps the reviews already started.

    Each application gets the cohort's number of distinct reviewers, never one with a
    declared or flagged conflict (nor one a coordinator took off it), with loads within one
    of each other whenever possible. Assigned reviews nobody has started may move to even
    the loads out.
    """
    with write_lock():
        now = utcnow()
        cohort = lock_cohort(cohort.id)
        _check_can_assign(cohort, now)
        pool = _reviewer_pool(reviewer_ids)
        applications = reviewable_applications(cohort)
        reviews = _cohort_reviews(cohort)
        why = _exclusions(applications, reviews, _schools_of(cohort), _declared())
        standing = _StandingReviews.of(reviews)
        solution = assign(
            Problem(
                applications=[a.id for a in applications],
                reviewers=pool,
                per_application=cohort.reviewers_per_application,
                excluded={a.id: why[a.id].all for a in applications},
                kept={a: frozenset(r) for a, r in standing.kept.items()},
                movable={a: frozenset(r) for a, r in standing.movable.items()},
                seed=cohort.id,
            )
        )
        added, dropped = _apply_solution(cohort, applications, standing, solution, now)
        codes = {a.id: a.code for a in applications}
        problems = _assignment_problems(solution, codes, pool, why)
        _round_for_update(cohort).last_assigned_at = now
        record(
            actor,
            "review.assign",
            "youth_cohort",
            cohort.id,
            reviewers=len(pool),
            applications=len(applications),
            added=added,
            dropped=dropped,
            short=[codes[s.application] for s in solution.shortfalls],
        )
        db.session.commit()
    kept_count = sum(len(v) for v in solution.assignment.values()) - added
    return AssignmentReport(added, kept_count, dropped, problems, solution.loads)


def _check_can_assign(cohort: Cohort, now: datetime) -> None:
    """Reviewers are assigned once the window has closed, while the review is open, with a rubric."""
    if cohort.window_state(now) != WindowState.CLOSED:
        raise DomainError(_("Reviewers are assigned after the application window closes."))
    _check_open(cohort)
    if not criteria_for(cohort):
        raise DomainError(_("Add the rubric's criteria first: reviewers score with them."))


def _reviewer_pool(reviewer_ids: set[int] | None) -> list[int]:
    """The active reviewers the coordinator chose (all of them when None)."""
    pool = [u.id for u in reviewers() if reviewer_ids is None or u.id in reviewer_ids]
    if not pool:
        raise DomainError(_("Choose at least one reviewer."), field="reviewers")
    return pool


@dataclass
class _StandingReviews:
    """The cohort's reviews before a run: those it keeps, and those it may move."""

    # application -> reviewers whose review stays (started, or added by hand).
    kept: dict[int, set[int]]
    # application -> reviewers assigned but not started: the run may give the essay to another.
    movable: dict[int, set[int]]
    by_pair: dict[tuple[int, int], Review]

    @classmethod
    def of(cls, reviews: list[Review]) -> _StandingReviews:
        found = cls(defaultdict(set), defaultdict(set), {})
        for review in reviews:
            found.by_pair[(review.application_id, review.reviewer_id)] = review
            if review.status in STARTED or (review.manual and review.status in ACTIVE):
                found.kept[review.application_id].add(review.reviewer_id)
            elif review.status == ReviewStatus.ASSIGNED:
                found.movable[review.application_id].add(review.reviewer_id)
        return found


def _apply_solution(
    cohort: Cohort,
    applications: list[Application],
    standing: _StandingReviews,
    solution: Solution,
    now: datetime,
) -> tuple[int, int]:
    """Drop the unstarted reviews the solution moved, add the new ones; (added, dropped)."""
    added = dropped = 0
    for application in applications:
        chosen = solution.assignment[application.id]
        for reviewer_id in standing.movable.get(application.id, set()) - chosen:
            db.session.delete(standing.by_pair[(application.id, reviewer_id)])
            dropped += 1
    db.session.flush()  # every drop first, then the additions: one round trip each, not one per essay
    for application in applications:
        chosen = solution.assignment[application.id]
        movable = standing.movable.get(application.id, set())
        for reviewer_id in sorted(chosen - standing.kept.get(application.id, set()) - movable):
            db.session.add(Review.assign(cohort.id, application.id, reviewer_id, now))
            added += 1
    return added, dropped


def _assignment_problems(
    solution: Solution, codes: dict[int, str], pool: list[int], why: dict[int, Exclusions]
) -> list[str]:
    """What the run could not do, for a person: each application short of reviewers, uneven loads."""
    in_pool = set(pool)
    problems = [
        _shortfall_message(s, codes[s.application], len(pool), why[s.application], in_pool)
        for s in solution.shortfalls
    ]
    if not solution.balanced and solution.loads:
        problems.append(
            _(
                "The reviewers' loads could not be kept within one of each other (they range from "
                "%(low)d to %(high)d), because of the conflicts above or reviews already started.",
                low=min(solution.loads.values()),
                high=max(solution.loads.values()),
            )
        )
    return problems


@dataclass
class AssignmentRow:
    application: Application
    reviews: list[Review]
    addable: list[User]

    @property
    def active(self) -> list[Review]:
        return [r for r in self.reviews if r.is_active]


@dataclass
class ReviewerProgress:
    reviewer: User
    assigned: int = 0
    not_started: int = 0
    drafts: int = 0
    submitted: int = 0
    declared: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.assigned) if self.assigned else 0


def progress(cohort: Cohort, reviews: list[Review] | None = None) -> list[ReviewerProgress]:
    """Each reviewer's assigned, started and submitted reviews in the cohort."""
    reviews = _cohort_reviews(cohort) if reviews is None else reviews
    declared = _declared()
    rows: dict[int, ReviewerProgress] = {}
    for person in reviewers():
        rows[person.id] = ReviewerProgress(person, declared=len(declared.get(person.id, ())))
    for review in reviews:
        if not review.is_active:
            continue
        row = rows.setdefault(review.reviewer_id, ReviewerProgress(review.reviewer))
        row.assigned += 1
        if review.status == ReviewStatus.ASSIGNED:
            row.not_started += 1
        elif review.status == ReviewStatus.DRAFT:
            row.drafts += 1
        else:
            row.submitted += 1
    return sorted(rows.values(), key=lambda r: (r.reviewer.name, r.reviewer.id))


def progress_counts(cohort: Cohort) -> list[ReviewerProgress]:
    """The same figures as `progress`, counted by the database: a few queries whatever the
    number of reviews (for pages that do not need the reviews themselves)."""
    counts = db.session.execute(
        sa.select(Review.reviewer_id, Review.status, sa.func.count())
        .where(Review.cohort_id == cohort.id, Review.status.in_(ACTIVE))
        .group_by(Review.reviewer_id, Review.status)
    ).all()
    declared = _declared()
    rows: dict[int, ReviewerProgress] = {
        person.id: ReviewerProgress(person, declared=len(declared.get(person.id, ())))
        for person in reviewers()
    }
    others = {reviewer_id for reviewer_id, _status, _n in counts} - set(rows)
    if others:  # reviewers since deactivated keep their line
        for person in db.session.scalars(sa.select(User).where(User.id.in_(others))):
            rows[person.id] = ReviewerProgress(person)
    for reviewer_id, status, n in counts:
        row = rows[reviewer_id]
        row.assigned += n
        if status == ReviewStatus.ASSIGNED:
            row.not_started += n
        elif status == ReviewStatus.DRAFT:
            row.drafts += n
        else:
            row.submitted += n
    return sorted(rows.values(), key=lambda r: (r.reviewer.name, r.reviewer.id))


def assignment_overview(cohort: Cohort) -> tuple[list[AssignmentRow], list[ReviewerProgress]]:
    applications = reviewable_applications(cohort)
    reviews = _cohort_reviews(cohort)
    pool = reviewers()
    why = _exclusions(applications, reviews, _schools_of(cohort), _declared())
    by_application: dict[int, list[Review]] = defaultdict(list)
    for review in reviews:
        by_application[review.application_id].append(review)
    rows = []
    for application in applications:
        present = {r.reviewer_id for r in by_application[application.id] if r.is_active}
        blocked = why[application.id].declared | why[application.id].flagged
        addable = [u for u in pool if u.id not in present and u.id not in blocked]
        rows.append(AssignmentRow(application, by_application[application.id], addable))
    return rows, progress(cohort, reviews)


def shortfalls(cohort: Cohort, rows: list[AssignmentRow]) -> list[AssignmentRow]:
    """Applications with fewer active reviewers than the cohort asks for."""
    return [row for row in rows if len(row.active) < cohort.reviewers_per_application]


def add_reviewer(cohort: Cohort, application_id: int, reviewer_id: int, actor: User) -> Review:
    """A coordinator adds a reviewer to an essay by hand (never one with a conflict)."""
    with write_lock():
        cohort = lock_cohort(cohort.id)
        _check_open(cohort)
        application = db.session.get(Application, application_id)
        reviewer = db.session.get(User, reviewer_id)
        if application is None or application.cohort_id != cohort.id or application.status not in REVIEWABLE:
            raise DomainError(_("This application is not in the cohort."))
        if reviewer is None or not reviewer.active or not reviewer.has_role(Role.REVIEWER):
            raise DomainError(_("Choose an active reviewer."), field="reviewer_id")
        school = db.session.scalar(
            sa.select(Applicant.school_id).where(Applicant.application_id == application.id)
        )
        if school is not None and school in _declared().get(reviewer.id, set()):
            raise DomainError(
                _("%(name)s declared a conflict with this application's school.", name=reviewer.name),
                field="reviewer_id",
            )
        review = db.session.scalar(
            sa.select(Review).where(
                Review.application_id == application.id, Review.reviewer_id == reviewer.id
            )
        )
        if review is not None and review.status == ReviewStatus.CONFLICT:
            raise DomainError(
                _("%(name)s flagged a conflict with this essay.", name=reviewer.name), field="reviewer_id"
            )
        if review is not None and review.is_active:
            raise DomainError(
                _("%(name)s already reviews this essay.", name=reviewer.name), field="reviewer_id"
            )
        if review is None:
            review = Review.assign(cohort.id, application.id, reviewer.id)
            db.session.add(review)
        else:
            review.restore(actor)
        review.manual = True
        review.assigned_at = utcnow()
        db.session.flush()
        record(
            actor,
            "review.assignment.add",
            "review",
            review.id,
            code=application.code,
            reviewer_id=reviewer.id,
        )
        db.session.commit()
    return review


def get_review(review_id: int) -> Review | None:
    return db.session.get(Review, review_id)


def remove_reviewer(review: Review, actor: User) -> None:
    """A coordinator takes a reviewer off an essay; the next runs do not put them back."""
    with write_lock():
        cohort = lock_cohort(review.cohort_id)
        _check_open(cohort)
        review = db.session.get(Review, review.id, populate_existing=True)
        if not review.can_remove():
            raise DomainError(_("This reviewer is no longer on the essay."))
        review.remove(actor)
        record(
            actor,
            "review.assignment.remove",
            "review",
            review.id,
            code=review.application.code,
            reviewer_id=review.reviewer_id,
        )
        db.session.commit()
