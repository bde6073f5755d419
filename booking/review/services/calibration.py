"""Calibration: the coordinator's set of essays with reference scores, and reviewers scoring it.

A reviewer scores each calibration essay once, then sees per criterion how far they were from
the reference. These scores are kept in their own table and never enter the ranking, the
agreement figures or any other figure of the review.

The text of a past essay reaches a reviewer's page only through `essay_text`, which reads it
the way the essay page does (blind: the code and the essay, never the applicant).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from booking.audit.services import record
from booking.core.errors import DomainError
from booking.core.time import utcnow
from booking.db import write_lock
from booking.extensions import db
from booking.review.calibration_models import (
    SAMPLE_PREFIX,
    CalibrationEssay,
    CalibrationReference,
    CalibrationScore,
)
from booking.review.models import ACTIVE, Criterion, Review
from booking.review.services.cohorts import REVIEWABLE, _check_open, is_closed
from booking.review.services.masking import masked_essay
from booking.review.services.reviewing import _check_scores
from booking.review.services.rubric import criteria_for
from booking.staff.models import User
from booking.youth.models import Application, Cohort
from booking.youth.rules import essay_length
from booking.youth.services import lock_cohort

SAMPLE_CODE = re.compile(re.escape(SAMPLE_PREFIX) + r"([0-9]{1,6})")
# The most essays a calibration set holds: a few, read before the real ones.
MOST_ESSAYS = 10


# The coordinator's side ----------------------------------------------------------------------------


def calibration_set(cohort: Cohort) -> list[CalibrationEssay]:
    """The cohort's calibration essays in order, with their reference scores."""
    return list(
        db.session.scalars(
            sa.select(CalibrationEssay)
            .where(CalibrationEssay.cohort_id == cohort.id)
            .options(
                selectinload(CalibrationEssay.references),
                joinedload(CalibrationEssay.application).load_only(
                    Application.id, Application.code, Application.essay, Application.essay_chars
                ),
            )
            .order_by(CalibrationEssay.position, CalibrationEssay.id)
        )
    )


def get_calibration_essay(cohort: Cohort, essay_id: int) -> CalibrationEssay | None:
    essay = db.session.get(CalibrationEssay, essay_id)
    return essay if essay is not None and essay.cohort_id == cohort.id else None


def _check_references(criteria: list[Criterion], references: dict[int, int | None]) -> dict[int, int]:
    if not criteria:
        raise DomainError(_("Add the rubric's criteria first: reference scores are given per criterion."))
    checked = _check_scores(criteria, references, complete=True)
    return {criterion_id: value for criterion_id, value in checked.items() if value is not None}


def _past_application(cohort: Cohort, code: str) -> Application:
    """The past essay a code names: another cohort's, sent, its results out, its text still kept."""
    found = db.session.scalar(
        sa.select(Application)
        .join(Cohort, Cohort.id == Application.cohort_id)
        .where(
            Application.code == code,
            Application.cohort_id != cohort.id,
            Application.status.in_(REVIEWABLE),
            Cohort.results_published_at.is_not(None),
        )
        .limit(1)
    )
    if found is None:
        raise DomainError(
            _("No essay of a past cohort with published results has the code %(code)s.", code=code),
            field="code",
        )
    if not found.essay:
        raise DomainError(
            _("The essay %(code)s is no longer kept (its cohort's personal data was deleted).", code=code),
            field="code",
        )
    return found


def _normalised_code(code: str) -> str:
    return unicodedata.normalize("NFKC", code).strip().upper()


def _next_sample_code(cohort: Cohort) -> str:
    codes = db.session.scalars(
        sa.select(CalibrationEssay.code).where(
            CalibrationEssay.cohort_id == cohort.id, CalibrationEssay.application_id.is_(None)
        )
    )
    numbers = [int(found.group(1)) for c in codes if (found := SAMPLE_CODE.fullmatch(c))]
    return f"{SAMPLE_PREFIX}{max(numbers, default=0) + 1}"


def add_calibration_essay(
    cohort: Cohort, code: str, sample_text: str, references: dict[int, int | None], actor: User
) -> CalibrationEssay:
    """Put a past essay (by code) or a sample essay in the cohort's set, with its reference scores."""
    code, sample_text = _normalised_code(code), sample_text.strip()
    if bool(code) == bool(sample_text):
        raise DomainError(
            _("Enter either the applicant code of a past essay or the text of a sample essay, not both."),
            field="code",
        )
    with write_lock():
        cohort = lock_cohort(cohort.id)
        _check_open(cohort)
        values = _check_references(criteria_for(cohort), references)
        essays = calibration_set(cohort)
        if len(essays) >= MOST_ESSAYS:
            raise DomainError(_("A calibration set holds at most %(most)d essays.", most=MOST_ESSAYS))
        application = _past_application(cohort, code) if code else None
        if application is not None and any(e.application_id == application.id for e in essays):
            raise DomainError(_("The essay %(code)s is already in the set.", code=code), field="code")
        essay = CalibrationEssay(
            cohort_id=cohort.id,
            position=max((e.position for e in essays), default=0) + 1,
            code=application.code if application is not None else _next_sample_code(cohort),
            application_id=application.id if application is not None else None,
            sample_text=sample_text,
            created_by_id=actor.id,
            references=[CalibrationReference(criterion_id=k, value=v) for k, v in values.items()],
        )
        db.session.add(essay)
        db.session.flush()
        record(actor, "review.calibration.add", "youth_cohort", cohort.id, essay_id=essay.id, code=essay.code)
        db.session.commit()
    return essay


def _check_not_scored(essay: CalibrationEssay) -> None:
    if essay_scored(essay):
        raise DomainError(
            _("A reviewer has already scored %(code)s, so it stays in the set as it is.", code=essay.code)
        )


def essay_scored(essay: CalibrationEssay) -> bool:
    """Whether a reviewer has scored the essay (its reference and its place in the set are then fixed)."""
    found = db.session.scalar(
        sa.select(CalibrationScore.id).where(CalibrationScore.essay_id == essay.id).limit(1)
    )
    return found is not None


def update_references(essay: CalibrationEssay, references: dict[int, int | None], actor: User) -> None:
    """Change an essay's reference scores, until a reviewer has scored it."""
    with write_lock():
        cohort = lock_cohort(essay.cohort_id)
        _check_open(cohort)
        essay = db.session.get(CalibrationEssay, essay.id, populate_existing=True)
        values = _check_references(criteria_for(cohort), references)
        _check_not_scored(essay)
        by_criterion = {r.criterion_id: r for r in essay.references}
        for criterion_id, value in values.items():
            if criterion_id in by_criterion:
                by_criterion[criterion_id].value = value
            else:
                essay.references.append(CalibrationReference(criterion_id=criterion_id, value=value))
        record(
            actor, "review.calibration.update", "youth_cohort", cohort.id, essay_id=essay.id, code=essay.code
        )
        db.session.commit()


def remove_calibration_essay(essay: CalibrationEssay, actor: User) -> None:
    with write_lock():
        cohort = lock_cohort(essay.cohort_id)
        _check_open(cohort)
        essay = db.session.get(CalibrationEssay, essay.id, populate_existing=True)
        _check_not_scored(essay)
        record(
            actor, "review.calibration.remove", "youth_cohort", cohort.id, essay_id=essay.id, code=essay.code
        )
        db.session.delete(essay)
        db.session.commit()


def essay_text(essay: CalibrationEssay) -> str:
    """The text a reader of the set is shown: the sample's, or the past essay read as reviewers read
    it (the student's name, school and guardian masked)."""
    if essay.application is None:
        return essay.sample_text
    return masked_essay(essay.application)


def essay_chars(essay: CalibrationEssay) -> int:
    return essay.application.essay_chars if essay.application is not None else essay_length(essay.sample_text)


# Distances --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionDistance:
    """How far a reviewer's scores of one criterion are from the reference, over the essays scored."""

    criterion: Criterion
    # Mean of (the reviewer's score minus the reference): below zero, harsher; above, more lenient.
    mean_difference: float | None
    # Mean of the differences' sizes: how far, whichever way.
    mean_distance: float | None
    essays: int


def criterion_distances(
    criteria: list[Criterion],
    references: dict[int, dict[int, int]],
    scores: dict[int, dict[int, int]],
) -> list[CriterionDistance]:
    """Per criterion, the mean signed and absolute difference between `scores` and `references`.

    Both map an essay id to {criterion id: score}; essays missing either side are left out.
    """
    found = []
    for criterion in criteria:
        differences = [
            scores[essay_id][criterion.id] - reference[criterion.id]
            for essay_id, reference in references.items()
            if criterion.id in reference and criterion.id in scores.get(essay_id, {})
        ]
        count = len(differences)
        found.append(
            CriterionDistance(
                criterion,
                sum(differences) / count if count else None,
                sum(abs(d) for d in differences) / count if count else None,
                count,
            )
        )
    return found


# The reviewer's side ------------------------------------------------------------------------------------


@dataclass
class CalibrationProgress:
    """A reviewer's calibration in one cohort: the set, which essays they scored, how far they were."""

    cohort: Cohort
    essays: list[CalibrationEssay]
    scores: dict[int, dict[int, int]] = field(default_factory=dict)
    distances: list[CriterionDistance] = field(default_factory=list)

    def is_done(self, essay: CalibrationEssay) -> bool:
        return essay.id in self.scores

    @property
    def done(self) -> int:
        return sum(1 for e in self.essays if self.is_done(e))

    @property
    def complete(self) -> bool:
        return bool(self.essays) and self.done == len(self.essays)


def _scores_of(reviewer_ids: list[int], essay_ids: list[int]) -> dict[int, dict[int, dict[int, int]]]:
    """{reviewer id: {essay id: {criterion id: score}}}."""
    found: dict[int, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    if not reviewer_ids or not essay_ids:
        return found
    rows = db.session.execute(
        sa.select(
            CalibrationScore.reviewer_id,
            CalibrationScore.essay_id,
            CalibrationScore.criterion_id,
            CalibrationScore.value,
        ).where(CalibrationScore.reviewer_id.in_(reviewer_ids), CalibrationScore.essay_id.in_(essay_ids))
    )
    for reviewer_id, essay_id, criterion_id, value in rows:
        found[reviewer_id][essay_id][criterion_id] = value
    return found


def _references(essays: list[CalibrationEssay]) -> dict[int, dict[int, int]]:
    return {e.id: {r.criterion_id: r.value for r in e.references} for e in essays}


def _on_reviewers_list(reviewer: User, cohort_id: int) -> bool:
    """The reviewer has essays of this cohort on their list, and its results are not out."""
    found = db.session.scalar(
        sa.select(Review.id)
        .join(Cohort, Cohort.id == Review.cohort_id)
        .where(
            Review.reviewer_id == reviewer.id,
            Review.cohort_id == cohort_id,
            Review.status.in_(ACTIVE),
            Cohort.results_published_at.is_(None),
        )
        .limit(1)
    )
    return found is not None


def calibration_progress(reviewer: User, cohort: Cohort) -> CalibrationProgress:
    """The reviewer's calibration in the cohort (an empty set when the cohort has none)."""
    essays = calibration_set(cohort)
    scores = _scores_of([reviewer.id], [e.id for e in essays]).get(reviewer.id, {})
    scores = {essay_id: dict(values) for essay_id, values in scores.items()}
    distances = criterion_distances(criteria_for(cohort), _references(essays), scores)
    return CalibrationProgress(cohort, essays, scores, distances)


def calibration_essay_for(reviewer: User, essay_id: int) -> CalibrationEssay | None:
    """A calibration essay of a cohort on the reviewer's list, or None."""
    essay = db.session.get(CalibrationEssay, essay_id)
    if essay is None or not _on_reviewers_list(reviewer, essay.cohort_id):
        return None
    return essay


def open_calibration_essay(essay: CalibrationEssay, actor: User) -> None:
    """A reviewer opened a calibration essay: recorded with its id and code, never its text."""
    record(actor, "review.calibration.view", "review_calibration_essay", essay.id, code=essay.code)
    db.session.commit()


def can_score(essay: CalibrationEssay, progress: CalibrationProgress) -> bool:
    return not progress.is_done(essay) and not is_closed(progress.cohort)


def score_calibration(essay: CalibrationEssay, values: dict[int, int | None], actor: User) -> None:
    """The reviewer's scores of a calibration essay, given once; every criterion is scored."""
    with write_lock():
        cohort = lock_cohort(essay.cohort_id)
        _check_open(cohort)
        if not _on_reviewers_list(actor, cohort.id):
            raise DomainError(_("This calibration essay is not for a cohort on your list."))
        checked = _check_scores(criteria_for(cohort), values, complete=True)
        already = db.session.scalar(
            sa.select(CalibrationScore.id)
            .where(CalibrationScore.essay_id == essay.id, CalibrationScore.reviewer_id == actor.id)
            .limit(1)
        )
        if already is not None:
            raise DomainError(_("You have already scored this calibration essay."))
        now = utcnow()
        db.session.add_all(
            CalibrationScore(essay_id=essay.id, reviewer_id=actor.id, criterion_id=k, value=v, scored_at=now)
            for k, v in checked.items()
            if v is not None
        )
        record(actor, "review.calibration.score", "review_calibration_essay", essay.id, code=essay.code)
        try:
            db.session.commit()
        except IntegrityError:
            # Sent twice at once: the first one counts.
            db.session.rollback()
            raise DomainError(_("You have already scored this calibration essay.")) from None


def calibration_for_queue(reviewer: User, cohorts: list[Cohort]) -> dict[int, CalibrationProgress]:
    """Per cohort of the reviewer's list that has a calibration set, the reviewer's progress in it.

    Four queries whatever the number of cohorts and essays.
    """
    if not cohorts:
        return {}
    essays = list(
        db.session.scalars(
            sa.select(CalibrationEssay)
            .where(CalibrationEssay.cohort_id.in_([c.id for c in cohorts]))
            .options(selectinload(CalibrationEssay.references))
            .order_by(CalibrationEssay.position, CalibrationEssay.id)
        )
    )
    if not essays:
        return {}
    scores = _scores_of([reviewer.id], [e.id for e in essays]).get(reviewer.id, {})
    found: dict[int, CalibrationProgress] = {}
    for cohort in cohorts:
        own = [e for e in essays if e.cohort_id == cohort.id]
        if own:
            found[cohort.id] = CalibrationProgress(
                cohort, own, {e.id: dict(scores[e.id]) for e in own if e.id in scores}
            )
    return found


# The coordinator's view of the reviewers' calibration -----------------------------------------------------


@dataclass(frozen=True)
class ReviewerCalibration:
    reviewer: User
    done: int
    distances: list[CriterionDistance]


def reviewers_calibration(cohort: Cohort, essays: list[CalibrationEssay]) -> list[ReviewerCalibration]:
    """Each reviewer of the cohort: calibration essays scored, and distance per criterion."""
    people = list(
        db.session.scalars(
            sa.select(User)
            .where(
                User.id.in_(
                    sa.select(Review.reviewer_id).where(
                        Review.cohort_id == cohort.id, Review.status.in_(ACTIVE)
                    )
                )
            )
            .order_by(User.name, User.id)
        )
    )
    criteria = criteria_for(cohort)
    references = _references(essays)
    scores = _scores_of([u.id for u in people], list(references))
    rows = []
    for person in people:
        own = {essay_id: dict(values) for essay_id, values in scores.get(person.id, {}).items()}
        rows.append(ReviewerCalibration(person, len(own), criterion_distances(criteria, references, own)))
    return rows
