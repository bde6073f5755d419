"""Activity reports, published on /youth/."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from booking.audit.services import record
from booking.core.time import utcnow
from booking.db import write_lock
from booking.extensions import db
from booking.selection.models import ActivityReport
from booking.staff.models import User
from booking.youth.models import (
    Cohort,
)


@dataclass(frozen=True)
class ReportData:
    title_ja: str
    body_ja: str
    title_en: str = ""
    body_en: str = ""


def report_for(cohort: Cohort) -> ActivityReport | None:
    return db.session.scalar(sa.select(ActivityReport).where(ActivityReport.cohort_id == cohort.id))


def save_report(cohort: Cohort, data: ReportData, publish: bool | None, actor: User) -> ActivityReport:
    """Save the report's text; `publish` True shows it on /youth/, False takes it down."""
    with write_lock():
        report = report_for(cohort)
        if report is None:
            report = ActivityReport(cohort_id=cohort.id, title_ja=data.title_ja, body_ja=data.body_ja)
            db.session.add(report)
        for name, value in data.__dict__.items():
            setattr(report, name, value)
        report.updated_by_id = actor.id
        if publish is True and report.published_at is None:
            report.published_at = utcnow()
        elif publish is False:
            report.published_at = None
        db.session.flush()
        action = {True: "selection.report.publish", False: "selection.report.unpublish"}.get(
            publish, "selection.report.update"
        )
        record(actor, action, "youth_cohort", cohort.id, report_id=report.id)
        db.session.commit()
    return report


def published_reports() -> list[ActivityReport]:
    """Reports staff published, newest cohort first, for /youth/."""
    return list(
        db.session.scalars(
            sa.select(ActivityReport)
            .join(Cohort)
            .where(ActivityReport.published_at.is_not(None))
            .options(selectinload(ActivityReport.cohort))
            .order_by(Cohort.fiscal_year.desc())
        )
    )
