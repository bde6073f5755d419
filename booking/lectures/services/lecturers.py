"""Lecturers: who they are and their diaries (time off: services/time_off.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from booking.core.auth import Role
from booking.core.time import utcnow
from booking.extensions import db
from booking.lectures.models import (
    BOOKED_STATUSES,
    LectureBooking,
    LectureRequest,
    LectureStatus,
    lecture_booking,
)
from booking.scheduling.models import StaffBooking, TimeOff
from booking.staff.models import User


def active_lecturers() -> list[User]:
    from booking.staff.services import users_with_role

    return users_with_role(Role.LECTURER)


@dataclass(frozen=True)
class LecturerSummary:
    lecturer: User
    upcoming: int
    next_start: datetime | None


def lecturer_overview() -> list[LecturerSummary]:
    lecturers = active_lecturers()
    now = utcnow()
    rows = db.session.execute(
        sa.select(StaffBooking.person_id, sa.func.count(), sa.func.min(StaffBooking.starts_at))
        .join(LectureRequest, lecture_booking())
        .where(
            StaffBooking.active.is_(True),
            StaffBooking.starts_at >= now,
            LectureRequest.status == LectureStatus.SCHEDULED,
        )
        .group_by(StaffBooking.person_id)
    ).all()
    found = {lecturer_id: (count, first) for lecturer_id, count, first in rows}
    return [LecturerSummary(u, *found.get(u.id, (0, None))) for u in lecturers]


def get_lecturer(user_id: int) -> User | None:
    """A lecturer, or a guide: their diary keeps the same time off and base (booking/scheduling)."""
    user = db.session.get(User, user_id)
    return user if user is not None and user.has_any_role(Role.LECTURER, Role.GUIDE) else None


@dataclass
class Diary:
    upcoming: list[LectureBooking] = field(default_factory=list)
    past: list[LectureBooking] = field(default_factory=list)
    unavailable: list[TimeOff] = field(default_factory=list)


def diary(lecturer: User, past_limit: int = 20) -> Diary:
    """A lecturer's booked lectures (upcoming, then the most recent past) and time off."""
    now = utcnow()
    base = (
        sa.select(StaffBooking, LectureRequest)
        .join(LectureRequest, lecture_booking())
        .options(joinedload(LectureRequest.program))
        .where(
            StaffBooking.person_id == lecturer.id,
            StaffBooking.active.is_(True),
            LectureRequest.status.in_(BOOKED_STATUSES),
        )
    )
    upcoming = db.session.execute(base.where(StaffBooking.ends_at >= now).order_by(StaffBooking.starts_at))
    past = db.session.execute(
        base.where(StaffBooking.ends_at < now).order_by(StaffBooking.starts_at.desc()).limit(past_limit)
    )
    unavailable = db.session.scalars(
        sa.select(TimeOff)
        .where(TimeOff.person_id == lecturer.id, TimeOff.ends_at >= now)
        .order_by(TimeOff.starts_at)
    )
    return Diary(
        [LectureBooking(*row) for row in upcoming], [LectureBooking(*row) for row in past], list(unavailable)
    )
