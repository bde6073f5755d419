"""Lecturers' time off: entering and removing it, and the booked lectures it falls over.

Time off is a fact and is always saved. When it falls over a scheduled lecture (with
the lecture's buffer), the coordinators are emailed at once, and the lecture shows the
clash (inbox, its page, the dashboard) for as long as the data says so: the clash is
computed, not stored (see lectures/time_off.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from booking.audit.services import record
from booking.core.errors import DomainError
from booking.core.time import JST, today_jst, utcnow
from booking.extensions import db
from booking.lectures import notifications
from booking.lectures.models import LectureBooking, LectureRequest
from booking.lectures.services.requests import coordinators
from booking.lectures.time_off import clashing_assignments, has_time_off_clash
from booking.scheduling.models import StaffBooking, TimeOff
from booking.staff.models import User

# Longer absences are postings abroad (kept apart), or not known this far ahead.
LONGEST_TIME_OFF = timedelta(days=366)
FURTHEST_AHEAD = timedelta(days=2 * 365)


@dataclass(frozen=True)
class PeriodData:
    starts_at: datetime  # aware
    ends_at: datetime  # aware; for whole days, the midnight after the last day (Japan time)
    reason: str = ""
    whole_days: bool = False


def _problems(data: PeriodData) -> list[DomainError]:
    today = datetime.combine(today_jst(), time(0, 0), tzinfo=JST)
    problems = []
    if data.ends_at <= data.starts_at:
        problems.append(DomainError(_("The end must be after the start."), field="end_date"))
    elif data.ends_at - data.starts_at > LONGEST_TIME_OFF:
        problems.append(
            DomainError(
                _(
                    "Time off can be at most a year (366 days). For a longer stay abroad, "
                    "add a posting under “Based abroad”."
                ),
                field="end_date",
            )
        )
    if data.starts_at < today:
        problems.append(DomainError(_("Time off cannot start before today."), field="start_date"))
    elif data.starts_at > today + FURTHEST_AHEAD:
        problems.append(DomainError(_("Enter time off within the next two years."), field="start_date"))
    return problems


def add_unavailability(lecturer: User, data: PeriodData, actor: User) -> list[LectureBooking]:
    """Record time off; returns the lecturer's booked lectures it falls over, which need a
    new plan (the coordinators are emailed about them in the same transaction).
    """
    problems = _problems(data)
    if problems:
        raise DomainError.several(problems)
    period = TimeOff(
        person_id=lecturer.id,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        reason=data.reason,
        whole_days=data.whole_days,
        created_by_id=actor.id,
    )
    db.session.add(period)
    db.session.flush()
    affected = lectures_under(period)
    if affected:
        notifications.time_off_over_lectures(coordinators(), lecturer, period, [a.request for a in affected])
    record(
        actor, "lecturer.unavailable_add", "user", lecturer.id, period_id=period.id, lectures=len(affected)
    )
    db.session.commit()
    return affected


def get_unavailability(period_id: int) -> TimeOff | None:
    return db.session.get(TimeOff, period_id)


def remove_unavailability(period: TimeOff, actor: User) -> None:
    record(actor, "lecturer.unavailable_remove", "user", period.person_id, period_id=period.id)
    db.session.delete(period)
    db.session.commit()


def lectures_under(period: TimeOff) -> list[LectureBooking]:
    """The scheduled lectures of the period's lecturer that it falls over, with their buffers."""
    rows = db.session.execute(
        clashing_assignments()
        .add_columns(LectureRequest)
        .options(joinedload(LectureRequest.program))
        .where(TimeOff.id == period.id)
        .order_by(StaffBooking.starts_at, StaffBooking.id)
    ).all()
    return [LectureBooking(booking, lecture) for booking, _period, lecture in rows]


def upcoming_time_off_clash(now: datetime) -> sa.ColumnElement[bool]:
    """For a query on lecture requests: not started yet, and one of its lecturers has time
    off over it (what still needs a coordinator)."""
    return sa.and_(has_time_off_clash(), LectureRequest.starts_at > now)


def time_off_clashes() -> list[LectureRequest]:
    """Scheduled lectures still ahead with time off of one of their lecturers over them,
    soonest first (for the dashboard; one query).
    """
    return list(
        db.session.scalars(
            sa.select(LectureRequest)
            .options(joinedload(LectureRequest.program))
            .where(upcoming_time_off_clash(utcnow()))
            .order_by(LectureRequest.starts_at, LectureRequest.id)
        )
    )


@dataclass(frozen=True)
class TimeOffClash:
    lecturer: User
    period: TimeOff


def lecture_time_off_clashes(lecture: LectureRequest) -> list[TimeOffClash]:
    """Which of the lecture's lecturers has time off over it, and which time off."""
    rows = db.session.execute(
        clashing_assignments()
        .options(joinedload(StaffBooking.person))
        .where(StaffBooking.subject_id == lecture.id)
        .order_by(StaffBooking.id, TimeOff.starts_at)
    ).all()
    return [TimeOffClash(assignment.person, period) for assignment, period in rows]
