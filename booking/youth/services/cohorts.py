"""Staff: cohorts and their program's events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from booking.audit.services import record
from booking.core.errors import DomainError
from booking.extensions import db
from booking.staff.models import User
from booking.youth.models import (
    Application,
    ApplicationStatus,
    Cohort,
    CohortEvent,
    EventKind,
)


@dataclass(frozen=True)
class CohortData:
    fiscal_year: int
    title_ja: str
    destination_ja: str
    opens_at: datetime
    closes_at: datetime
    essay_prompt_ja: str
    title_en: str = ""
    destination_en: str = ""
    description_ja: str = ""
    description_en: str = ""
    places: int = 6
    waitlist_length: int = 3
    eligible_grades: tuple[int, ...] = (1, 2)
    essay_prompt_en: str = ""
    essay_min_chars: int = 600
    essay_max_chars: int = 800
    reviewers_per_application: int = 2
    offer_days: int = 7
    consent_reminder_days: int = 5


def list_cohorts() -> list[tuple[Cohort, int]]:
    """Every cohort, newest first, with its number of applications (drafts not counted)."""
    counts = (
        sa.select(Application.cohort_id, sa.func.count().label("n"))
        .where(Application.status != ApplicationStatus.DRAFT)
        .group_by(Application.cohort_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Cohort, sa.func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.cohort_id == Cohort.id)
        .order_by(Cohort.fiscal_year.desc())
    ).all()
    return [(cohort, n) for cohort, n in rows]


def get_cohort(cohort_id: int) -> Cohort | None:
    return db.session.get(Cohort, cohort_id)


def _check_cohort(data: CohortData, exclude_id: int | None = None) -> None:
    if data.opens_at >= data.closes_at:
        raise DomainError(_("The window must close after it opens."), field="closes_date")
    if data.essay_min_chars > data.essay_max_chars:
        raise DomainError(_("The maximum must not be below the minimum."), field="essay_max_chars")
    stmt = sa.select(Cohort.id).where(Cohort.fiscal_year == data.fiscal_year)
    if exclude_id is not None:
        stmt = stmt.where(Cohort.id != exclude_id)
    if db.session.scalar(stmt) is not None:
        raise DomainError(_("There is already a cohort for this fiscal year."), field="fiscal_year")


def _apply_cohort(cohort: Cohort, data: CohortData) -> None:
    for name, value in data.__dict__.items():
        setattr(cohort, name, list(value) if name == "eligible_grades" else value)


def create_cohort(data: CohortData, actor: User) -> Cohort:
    _check_cohort(data)
    cohort = Cohort()
    _apply_cohort(cohort, data)
    db.session.add(cohort)
    db.session.flush()
    record(actor, "youth.cohort.create", "youth_cohort", cohort.id, fiscal_year=data.fiscal_year)
    db.session.commit()
    return cohort


def update_cohort(cohort: Cohort, data: CohortData, actor: User) -> None:
    _check_cohort(data, exclude_id=cohort.id)
    _apply_cohort(cohort, data)
    record(actor, "youth.cohort.update", "youth_cohort", cohort.id)
    db.session.commit()


@dataclass(frozen=True)
class EventData:
    kind: EventKind
    title_ja: str
    starts_at: datetime
    ends_at: datetime
    title_en: str = ""
    place_ja: str = ""
    place_en: str = ""


def _check_event(data: EventData) -> None:
    if data.ends_at <= data.starts_at:
        raise DomainError(_("The event must end after it starts."), field="end_date")


def add_event(cohort: Cohort, data: EventData, actor: User) -> CohortEvent:
    _check_event(data)
    event = CohortEvent(cohort=cohort, **data.__dict__)
    db.session.add(event)
    db.session.flush()
    record(actor, "youth.event.create", "youth_cohort", cohort.id, event_id=event.id)
    db.session.commit()
    return event


def update_event(event: CohortEvent, data: EventData, actor: User) -> None:
    _check_event(data)
    for name, value in data.__dict__.items():
        setattr(event, name, value)
    event.sequence += 1
    record(actor, "youth.event.update", "youth_cohort", event.cohort_id, event_id=event.id)
    db.session.commit()


def delete_event(event: CohortEvent, actor: User) -> None:
    record(actor, "youth.event.delete", "youth_cohort", event.cohort_id, event_id=event.id)
    db.session.delete(event)
    db.session.commit()
