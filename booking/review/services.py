"""The review's use cases: rubric, conflicts, assignment, scoring, ranking, progress, exports.

Reviewer-facing functions load `Application` (code and essay) and never its `Applicant`:
the personal data stays out of every page a reviewer sees.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import joinedload, selectinload

from booking.audit.services import record
from booking.core.auth import Role
from booking.core.errors import DomainError
from booking.core.i18n import current_language
from booking.core.time import utcnow
from booking.db import write_lock
from booking.extensions import db
from booking.review.assignment import Problem, Shortfall, assign
from booking.review.models import (
    ACTIVE,
    STARTED,
    Criterion,
    DeclaredConflict,
    Review,
    ReviewRound,
    ReviewStatus,
    Score,
)
from booking.review.ranking import CriterionSpec, ScoredReview, Standing, rank, weighted_score
from booking.schools.models import School, SchoolType
from booking.staff.models import User, UserRole
from booking.youth.models import Applicant, Application, ApplicationStatus, Cohort, WindowState

# Applications that are read: everything sent, whatever selection later made of it.
REVIEWABLE = tuple(
    s for s in ApplicationStatus if s not in (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN)
)


def _lock_cohort(cohort_id: int) -> Cohort:
    """The cohort, its row locked until the commit (PostgreSQL); call inside write_lock()."""
    return db.session.get(Cohort, cohort_id, with_for_update=True, populate_existing=True)


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


def _check_open(cohort: Cohort) -> None:
    if cohort.results_published_at is not None:
        raise DomainError(_("The results of this cohort have been published: the review is over."))
    if is_closed(cohort):
        raise DomainError(_("The review of this cohort is closed. Reopen it to make changes."))


# Cohorts for coordinators -------------------------------------------------------------------


@dataclass
class CohortProgress:
    cohort: Cohort
    applications: int = 0
    criteria: int = 0
    assigned: int = 0
    submitted: int = 0
    review_round: ReviewRound | None = None


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


# Rubric ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionData:
    name_ja: str
    max_score: int
    weight: Decimal
    name_en: str = ""
    description_ja: str = ""
    description_en: str = ""


def criteria_for(cohort: Cohort) -> list[Criterion]:
    return list(
        db.session.scalars(
            sa.select(Criterion)
            .where(Criterion.cohort_id == cohort.id)
            .order_by(Criterion.position, Criterion.id)
        )
    )


def rubric_locked(cohort: Cohort) -> bool:
    """The rubric is fixed from the first score given (a draft's included)."""
    return (
        db.session.scalar(sa.select(Score.id).join(Review).where(Review.cohort_id == cohort.id).limit(1))
        is not None
    )


def _check_rubric_open(cohort: Cohort) -> None:
    if rubric_locked(cohort):
        raise DomainError(
            _("Reviewers have started scoring with this rubric, so it can no longer be changed.")
        )


def _check_criterion(data: CriterionData) -> None:
    if not 1 <= data.max_score <= 100:
        raise DomainError(_("The maximum score must be between 1 and 100."), field="max_score")
    if not Decimal("0") < data.weight <= Decimal("99"):
        raise DomainError(_("The weight must be above 0 and at most 99."), field="weight")


def add_criterion(cohort: Cohort, data: CriterionData, actor: User) -> Criterion:
    _check_criterion(data)
    with write_lock():
        cohort = _lock_cohort(cohort.id)
        _check_rubric_open(cohort)
        last = db.session.scalar(
            sa.select(sa.func.max(Criterion.position)).where(Criterion.cohort_id == cohort.id)
        )
        criterion = Criterion(cohort_id=cohort.id, position=(last or 0) + 1, **data.__dict__)
        db.session.add(criterion)
        db.session.flush()
        record(actor, "review.rubric.create", "youth_cohort", cohort.id, criterion_id=criterion.id)
        db.session.commit()
    return criterion


def update_criterion(criterion: Criterion, data: CriterionData, actor: User) -> None:
    _check_criterion(data)
    with write_lock():
        cohort = _lock_cohort(criterion.cohort_id)
        _check_rubric_open(cohort)
        criterion = db.session.get(Criterion, criterion.id)
        for name, value in data.__dict__.items():
            setattr(criterion, name, value)
        record(actor, "review.rubric.update", "youth_cohort", cohort.id, criterion_id=criterion.id)
        db.session.commit()


def delete_criterion(criterion: Criterion, actor: User) -> None:
    with write_lock():
        cohort = _lock_cohort(criterion.cohort_id)
        _check_rubric_open(cohort)
        record(actor, "review.rubric.delete", "youth_cohort", cohort.id, criterion_id=criterion.id)
        db.session.delete(db.session.get(Criterion, criterion.id))
        db.session.commit()


def move_criterion(criterion: Criterion, up: bool, actor: User) -> None:
    """Swap the criterion with the one above (or below) it."""
    with write_lock():
        cohort = _lock_cohort(criterion.cohort_id)
        _check_rubric_open(cohort)
        ordered = criteria_for(cohort)
        index = next(i for i, c in enumerate(ordered) if c.id == criterion.id)
        other = index - 1 if up else index + 1
        if 0 <= other < len(ordered):
            ordered[index], ordered[other] = ordered[other], ordered[index]
            for position, item in enumerate(ordered, start=1):
                item.position = position
            record(actor, "review.rubric.reorder", "youth_cohort", cohort.id, criterion_id=criterion.id)
        db.session.commit()


def get_criterion(cohort: Cohort, criterion_id: int) -> Criterion | None:
    criterion = db.session.get(Criterion, criterion_id)
    return criterion if criterion is not None and criterion.cohort_id == cohort.id else None


def _specs(criteria: list[Criterion]) -> list[CriterionSpec]:
    return [CriterionSpec(c.id, c.max_score, float(c.weight)) for c in criteria]


# Reviewers and their declared conflicts ------------------------------------------------------


def reviewers(active_only: bool = True) -> list[User]:
    """Staff holding the reviewer role (outside judges hold only that role)."""
    stmt = sa.select(User).join(UserRole).where(UserRole.role == Role.REVIEWER)
    if active_only:
        stmt = stmt.where(User.active.is_(True))
    return list(db.session.scalars(stmt.order_by(User.name, User.id)))


def conflict_school_choices() -> list[School]:
    """Schools students apply from: high schools, then technical colleges and others."""
    return list(
        db.session.scalars(
            sa.select(School)
            .where(School.active.is_(True), School.school_type.in_([SchoolType.HIGH, SchoolType.OTHER]))
            .order_by(School.school_type, School.name_kana, School.name)
        )
    )


def declared_school_ids(reviewer: User) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(DeclaredConflict.school_id).where(DeclaredConflict.reviewer_id == reviewer.id)
        )
    )


def declare_conflicts(reviewer: User, school_ids: set[int]) -> None:
    """Replace the schools a reviewer declares; the next assignment run respects them."""
    known = {s.id for s in conflict_school_choices()}
    unknown = school_ids - known
    if unknown:
        raise DomainError(_("Choose schools from the list."), field="schools")
    with write_lock():
        current = {
            c.school_id: c
            for c in db.session.scalars(
                sa.select(DeclaredConflict).where(DeclaredConflict.reviewer_id == reviewer.id)
            )
        }
        for school_id, row in current.items():
            if school_id not in school_ids:
                db.session.delete(row)
        for school_id in sorted(school_ids - set(current)):
            db.session.add(DeclaredConflict(reviewer_id=reviewer.id, school_id=school_id))
        record(reviewer, "review.conflicts.declare", "user", reviewer.id, schools=len(school_ids))
        db.session.commit()


def reviewers_with_conflicts() -> list[tuple[User, list[School]]]:
    """For coordinators: each reviewer with the schools they declared."""
    people = reviewers(active_only=False)
    declared: dict[int, list[School]] = defaultdict(list)
    for conflict in db.session.scalars(
        sa.select(DeclaredConflict).options(joinedload(DeclaredConflict.school)).order_by(DeclaredConflict.id)
    ):
        declared[conflict.reviewer_id].append(conflict.school)
    return [(person, declared.get(person.id, [])) for person in people]


# Assignment --------------------------------------------------------------------------------


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


def _declared() -> dict[int, set[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    for reviewer_id, school_id in db.session.execute(
        sa.select(DeclaredConflict.reviewer_id, DeclaredConflict.school_id)
    ):
        found[reviewer_id].add(school_id)
    return found


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
        cohort = _lock_cohort(cohort.id)
        if cohort.window_state(now) != WindowState.CLOSED:
            raise DomainError(_("Reviewers are assigned after the application window closes."))
        _check_open(cohort)
        if not criteria_for(cohort):
            raise DomainError(_("Add the rubric's criteria first: reviewers score with them."))
        pool_users = reviewers()
        if reviewer_ids is not None:
            pool_users = [u for u in pool_users if u.id in reviewer_ids]
        if not pool_users:
            raise DomainError(_("Choose at least one reviewer."), field="reviewers")
        pool = [u.id for u in pool_users]
        in_pool = set(pool)
        applications = reviewable_applications(cohort)
        reviews = _cohort_reviews(cohort)
        why = _exclusions(applications, reviews, _schools_of(cohort), _declared())
        kept: dict[int, set[int]] = defaultdict(set)
        movable: dict[int, set[int]] = defaultdict(set)
        current: dict[tuple[int, int], Review] = {}
        for review in reviews:
            current[(review.application_id, review.reviewer_id)] = review
            if review.status in STARTED or (review.manual and review.status in ACTIVE):
                kept[review.application_id].add(review.reviewer_id)
            elif review.status == ReviewStatus.ASSIGNED:
                movable[review.application_id].add(review.reviewer_id)
        solution = assign(
            Problem(
                applications=[a.id for a in applications],
                reviewers=pool,
                per_application=cohort.reviewers_per_application,
                excluded={a.id: why[a.id].all for a in applications},
                kept={a: frozenset(r) for a, r in kept.items()},
                movable={a: frozenset(r) for a, r in movable.items()},
                seed=cohort.id,
            )
        )
        added = dropped = 0
        for application in applications:
            chosen = solution.assignment[application.id]
            for reviewer_id in movable.get(application.id, set()) - chosen:
                db.session.delete(current[(application.id, reviewer_id)])
                dropped += 1
            db.session.flush()
            for reviewer_id in sorted(
                chosen - kept.get(application.id, set()) - movable.get(application.id, set())
            ):
                db.session.add(
                    Review(
                        cohort_id=cohort.id,
                        application_id=application.id,
                        reviewer_id=reviewer_id,
                        queue_key=secrets.token_hex(8),
                        assigned_at=now,
                    )
                )
                added += 1
        codes = {a.id: a.code for a in applications}
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
        cohort = _lock_cohort(cohort.id)
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
            review = Review(
                cohort_id=cohort.id,
                application_id=application.id,
                reviewer_id=reviewer.id,
                queue_key=secrets.token_hex(8),
            )
            db.session.add(review)
        else:
            review.restore()
            review.queue_key = secrets.token_hex(8)
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
        cohort = _lock_cohort(review.cohort_id)
        _check_open(cohort)
        review = db.session.get(Review, review.id, populate_existing=True)
        if not review.is_active:
            raise DomainError(_("This reviewer is no longer on the essay."))
        review.remove()
        review.manual = False
        record(
            actor,
            "review.assignment.remove",
            "review",
            review.id,
            code=review.application.code,
            reviewer_id=review.reviewer_id,
        )
        db.session.commit()


# The reviewer's side ---------------------------------------------------------------------------


@dataclass
class QueueGroup:
    cohort: Cohort
    reviews: list[Review]
    closed: bool

    @property
    def submitted(self) -> int:
        return sum(1 for r in self.reviews if r.status == ReviewStatus.SUBMITTED)


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
    closed = {
        item.cohort_id
        for item in db.session.scalars(sa.select(ReviewRound).where(ReviewRound.cohort_id.in_(cohorts)))
        if item.is_closed
    }
    groups: dict[int, QueueGroup] = {}
    for review in reviews:
        group = groups.setdefault(
            review.cohort_id, QueueGroup(cohorts[review.cohort_id], [], review.cohort_id in closed)
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
    for criterion in criteria:
        value = values.get(criterion.id)
        if value is None:
            if complete:
                raise DomainError(
                    _("Give a score for “%(name)s”.", name=criterion.name()), field=f"score_{criterion.id}"
                )
            continue
        if not 0 <= value <= criterion.max_score:
            raise DomainError(
                _(
                    "The score for “%(name)s” must be between 0 and %(max)d.",
                    name=criterion.name(),
                    max=criterion.max_score,
                ),
                field=f"score_{criterion.id}",
            )
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
        cohort = _lock_cohort(review.cohort_id)
        _check_open(cohort)
        criteria = criteria_for(cohort)
        checked = _check_scores(criteria, values, complete=submit)
        was_submitted = review.status == ReviewStatus.SUBMITTED
        comment = comment.strip()
        if submit:
            review.submit({k: v for k, v in checked.items() if v is not None}, comment, now)
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
            review.save_draft(checked, comment, now)
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
        cohort = _lock_cohort(review.cohort_id)
        _check_open(cohort)
        if review.status == ReviewStatus.SUBMITTED:
            raise DomainError(_("A submitted review cannot be given up. Ask the coordinator."))
        review.flag_conflict()
        review.scores.clear()
        review.comment = ""
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
                existing = Review(
                    cohort_id=cohort.id,
                    application_id=review.application_id,
                    reviewer_id=replacement.id,
                    queue_key=secrets.token_hex(8),
                )
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


# Ranking ------------------------------------------------------------------------------------------


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
    reviews: list[Review]

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
    """Every application with its weighted mean, normalised score, spread and reviews done."""
    criteria = criteria_for(cohort)
    applications = reviewable_applications(cohort)
    reviews = list(
        db.session.scalars(
            sa.select(Review)
            .where(Review.cohort_id == cohort.id, Review.status.in_(ACTIVE))
            .options(selectinload(Review.scores), joinedload(Review.reviewer))
            .order_by(Review.id)
        )
    )
    assigned: dict[int, int] = defaultdict(int)
    for review in reviews:
        assigned[review.application_id] += 1
    scored = [
        ScoredReview(r.application_id, r.reviewer_id, review_scores(r))
        for r in reviews
        if r.status == ReviewStatus.SUBMITTED
    ]
    standings = rank([a.id for a in applications], scored, _specs(criteria), assigned)
    rows = [RankingRow(a, standings[a.id]) for a in applications]
    rows.sort(key=SORTS.get(sort, SORTS["rank"]))
    names = {r.reviewer_id: r.reviewer.name for r in reviews}
    return Ranking(cohort, criteria, rows, progress(cohort, reviews), names, reviews)


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
    reviews = [r for r in board.reviews if r.application_id == application_id]
    return row.application, row, reviews


def close_review(cohort: Cohort, actor: User) -> None:
    with write_lock():
        cohort = _lock_cohort(cohort.id)
        if cohort.results_published_at is not None:
            raise DomainError(_("The results of this cohort have been published: the review is over."))
        current = _round_for_update(cohort)
        if current.is_closed:
            raise DomainError(_("The review is already closed."))
        current.closed_at = utcnow()
        current.closed_by_id = actor.id
        record(actor, "review.close", "youth_cohort", cohort.id)
        db.session.commit()


def reopen_review(cohort: Cohort, actor: User) -> None:
    with write_lock():
        cohort = _lock_cohort(cohort.id)
        if cohort.results_published_at is not None:
            raise DomainError(_("The results of this cohort have been published: the review is over."))
        current = _round_for_update(cohort)
        current.closed_at = None
        current.closed_by_id = None
        record(actor, "review.reopen", "youth_cohort", cohort.id)
        db.session.commit()


# Exports ------------------------------------------------------------------------------------------


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
    for review in sorted(board.reviews, key=lambda r: (codes.get(r.application_id, ""), r.reviewer.name)):
        if review.status != ReviewStatus.SUBMITTED:
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


# The dashboard ------------------------------------------------------------------------------------


def reviewer_panel(user: User) -> dict[str, Any] | None:
    if not user.has_role(Role.REVIEWER):
        return None
    left, total = open_reviews_count(user)
    return {"left": left, "total": total}


def coordinator_panel(user: User) -> dict[str, Any] | None:
    """Cohorts under review (results not out yet), with reviews submitted out of assigned."""
    if not user.has_role(Role.COORDINATOR):
        return None
    rows = [item for item in cohorts_overview() if item.assigned and item.cohort.results_published_at is None]
    return {"rows": rows} if rows else None


# Retention ----------------------------------------------------------------------------------------


def purge_comments() -> str:
    """Reviewers' comments go with the essays they discuss, once a cohort's personal data is deleted.

    Scores stay (they are not personal data, and the ranking of past cohorts keeps its figures).
    """
    purged = sa.select(Cohort.id).where(Cohort.personal_data_purged_at.is_not(None))
    with write_lock():
        result = db.session.execute(
            sa.update(Review).where(Review.cohort_id.in_(purged), Review.comment != "").values(comment="")
        )
        count = result.rowcount or 0
        if count:
            record(None, "review.comments.purge", None, None, reviews=count)
        db.session.commit()
    return f"Review: comments of {count} review(s) in purged cohorts deleted."
