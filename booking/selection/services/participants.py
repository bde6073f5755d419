"""Participants and attendance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from booking.audit.services import record
from booking.core.errors import DomainError
from booking.core.time import utcnow
from booking.db import write_lock
from booking.extensions import db
from booking.selection.models import Attendance, AttendanceStatus, Decision
from booking.selection.services.places import cohort_decisions
from booking.staff.models import User
from booking.youth.models import (
    Applicant,
    Application,
    ApplicationStatus,
    Cohort,
    CohortEvent,
)


def participants_of(cohort: Cohort) -> list[Application]:
    return list(
        db.session.scalars(
            sa.select(Application)
            .where(Application.cohort_id == cohort.id, Application.status == ApplicationStatus.CONFIRMED)
            .options(joinedload(Application.applicant).joinedload(Applicant.school))
            .order_by(Application.code)
        )
    )


@dataclass
class Participants:
    confirmed: list[Application]
    offers: list[tuple[Application, Decision]]
    waitlist: list[tuple[Application, Decision]]
    ended: list[tuple[Application, Decision | None]]
    attendance: dict[tuple[int, int], AttendanceStatus]
    decisions: dict[int, Decision]


def participants(cohort: Cohort, actor: User) -> Participants:
    """Those taking part (with their details), open offers, the waiting list; the viewing is audited."""
    # Audited first: a commit after loading would expire every row the page then reads.
    taking_part = (
        sa.select(sa.func.count())
        .select_from(Application)
        .where(Application.cohort_id == cohort.id, Application.status == ApplicationStatus.CONFIRMED)
    )
    record(
        actor,
        "selection.participants.view",
        "youth_cohort",
        cohort.id,
        participants=db.session.scalar(taking_part),
    )
    db.session.commit()
    decisions = cohort_decisions(cohort)
    applications = list(
        db.session.scalars(
            sa.select(Application)
            .where(
                Application.cohort_id == cohort.id,
                Application.status.in_(
                    [
                        ApplicationStatus.ACCEPTED,
                        ApplicationStatus.CONFIRMED,
                        ApplicationStatus.WAITLISTED,
                        ApplicationStatus.DECLINED,
                        ApplicationStatus.EXPIRED,
                        ApplicationStatus.WITHDRAWN,
                    ]
                ),
            )
            .options(joinedload(Application.applicant).joinedload(Applicant.school))
            .order_by(Application.code)
        )
    )
    confirmed = [a for a in applications if a.status == ApplicationStatus.CONFIRMED]
    offers = [
        (a, decisions[a.id])
        for a in applications
        if a.status == ApplicationStatus.ACCEPTED and a.id in decisions
    ]
    waitlist = sorted(
        [
            (a, decisions[a.id])
            for a in applications
            if a.status == ApplicationStatus.WAITLISTED and a.id in decisions
        ],
        key=lambda pair: (pair[1].waitlist_position or 0, pair[0].code),
    )
    ended = [
        (a, decisions.get(a.id))
        for a in applications
        if a.status in (ApplicationStatus.DECLINED, ApplicationStatus.EXPIRED, ApplicationStatus.WITHDRAWN)
    ]
    attendance = {
        (row.event_id, row.application_id): row.status
        for row in db.session.scalars(
            sa.select(Attendance).join(CohortEvent).where(CohortEvent.cohort_id == cohort.id)
        )
    }
    return Participants(confirmed, offers, waitlist, ended, attendance, decisions)


def program_over(cohort: Cohort, now: datetime | None = None) -> bool:
    """Every event of the program has ended: nobody joins, leaves or gets a calendar any more."""
    now = now or utcnow()
    return bool(cohort.events) and all(event.ends_at <= now for event in cohort.events)


def get_event(cohort: Cohort, event_id: int) -> CohortEvent | None:
    event = db.session.get(CohortEvent, event_id)
    return event if event is not None and event.cohort_id == cohort.id else None


def attendance_sheet(cohort: Cohort, event: CohortEvent) -> list[tuple[Application, AttendanceStatus | None]]:
    marks = {
        row.application_id: row.status
        for row in db.session.scalars(sa.select(Attendance).where(Attendance.event_id == event.id))
    }
    return [(a, marks.get(a.id)) for a in participants_of(cohort)]


def view_attendance_sheet(
    cohort: Cohort, event: CohortEvent, actor: User
) -> list[tuple[Application, AttendanceStatus | None]]:
    """The attendance sheet (participants' names) as staff open it; the viewing is audited."""
    # Audited first: a commit after loading would expire every row the page then reads.
    record(actor, "selection.attendance.view", "youth_cohort", cohort.id, event_id=event.id)
    db.session.commit()
    return attendance_sheet(cohort, event)


def record_attendance(
    cohort: Cohort, event: CohortEvent, marks: dict[int, AttendanceStatus | None], actor: User
) -> None:
    """Keep who attended the event; only participants can be marked."""
    with write_lock():
        allowed = {a.id for a in participants_of(cohort)}
        unknown = set(marks) - allowed
        if unknown:
            raise DomainError(_("Only participants can be marked."))
        current = {
            row.application_id: row
            for row in db.session.scalars(sa.select(Attendance).where(Attendance.event_id == event.id))
        }
        for application_id, status in marks.items():
            row = current.get(application_id)
            if status is None:
                if row is not None:
                    db.session.delete(row)
            elif row is None:
                db.session.add(
                    Attendance(
                        event_id=event.id,
                        application_id=application_id,
                        status=status,
                        recorded_by_id=actor.id,
                    )
                )
            else:
                row.status = status
                row.recorded_by_id = actor.id
        counts = {s.value: sum(1 for v in marks.values() if v == s) for s in AttendanceStatus}
        record(actor, "selection.attendance.record", "youth_cohort", cohort.id, event_id=event.id, **counts)
        db.session.commit()
