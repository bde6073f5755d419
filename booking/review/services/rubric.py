"""The rubric: a cohort's criteria, fixed once reviewers start scoring."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from booking.audit.services import record
from booking.core.errors import DomainError
from booking.db import write_lock
from booking.extensions import db
from booking.review.calibration_models import CalibrationEssay, CalibrationScore
from booking.review.models import (
    Criterion,
    Review,
    Score,
)
from booking.review.ranking import CriterionSpec
from booking.staff.models import User
from booking.youth.models import Cohort
from booking.youth.services import lock_cohort


@dataclass(frozen=True)
class CriterionData:
    name_ja: str
    max_score: int
    weight: Decimal
    name_en: str = ""
    description_ja: str = ""
    description_en: str = ""
    level_low_ja: str = ""
    level_low_en: str = ""
    level_mid_ja: str = ""
    level_mid_en: str = ""
    level_high_ja: str = ""
    level_high_en: str = ""


def criteria_for(cohort: Cohort) -> list[Criterion]:
    return list(
        db.session.scalars(
            sa.select(Criterion)
            .where(Criterion.cohort_id == cohort.id)
            .order_by(Criterion.position, Criterion.id)
        )
    )


def rubric_locked(cohort: Cohort) -> bool:
    """The rubric is fixed from the first score given (a draft's, or a calibration essay's, included)."""
    scored = sa.select(Score.id).join(Review).where(Review.cohort_id == cohort.id)
    calibrated = (
        sa.select(CalibrationScore.id)
        .join(CalibrationEssay, CalibrationEssay.id == CalibrationScore.essay_id)
        .where(CalibrationEssay.cohort_id == cohort.id)
    )
    return bool(db.session.scalar(sa.select(sa.or_(sa.exists(scored), sa.exists(calibrated)))))


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
        cohort = lock_cohort(cohort.id)
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
        cohort = lock_cohort(criterion.cohort_id)
        _check_rubric_open(cohort)
        criterion = db.session.get(Criterion, criterion.id)
        for name, value in data.__dict__.items():
            setattr(criterion, name, value)
        record(actor, "review.rubric.update", "youth_cohort", cohort.id, criterion_id=criterion.id)
        db.session.commit()


def delete_criterion(criterion: Criterion, actor: User) -> None:
    with write_lock():
        cohort = lock_cohort(criterion.cohort_id)
        _check_rubric_open(cohort)
        record(actor, "review.rubric.delete", "youth_cohort", cohort.id, criterion_id=criterion.id)
        db.session.delete(db.session.get(Criterion, criterion.id))
        db.session.commit()


def move_criterion(criterion: Criterion, up: bool, actor: User) -> None:
    """Swap the criterion with the one above (or below) it."""
    with write_lock():
        cohort = lock_cohort(criterion.cohort_id)
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
