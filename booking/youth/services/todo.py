"""What the youth training puts on the staff to-do list, per cohort, in one query."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from booking.extensions import db
from booking.youth.models import Application, ApplicationStatus, Cohort, ConsentStatus


@dataclass(frozen=True)
class CohortTodo:
    cohort: Cohort
    consents: int  # received applications whose guardian has not answered yet
    offers: int  # places offered (results published) the student has not answered yet


def awaiting_consent() -> sa.ColumnElement[bool]:
    return sa.and_(
        Application.status == ApplicationStatus.SUBMITTED,
        Application.consent_status == ConsentStatus.PENDING,
        Cohort.results_published_at.is_(None),
    )


def awaiting_offer_answer() -> sa.ColumnElement[bool]:
    return sa.and_(Application.status == ApplicationStatus.ACCEPTED, Cohort.results_published_at.is_not(None))


def todo_by_cohort() -> list[CohortTodo]:
    """Cohorts with consents or offers awaiting an answer, newest cohort first."""
    rows = db.session.execute(
        sa.select(
            Cohort,
            sa.func.count(Application.id).filter(awaiting_consent()),
            sa.func.count(Application.id).filter(awaiting_offer_answer()),
        )
        .join(Application, Application.cohort_id == Cohort.id)
        .where(sa.or_(awaiting_consent(), awaiting_offer_answer()))
        .group_by(Cohort.id)
        .order_by(Cohort.fiscal_year.desc())
    ).all()
    return [CohortTodo(cohort, consents, offers) for cohort, consents, offers in rows]
