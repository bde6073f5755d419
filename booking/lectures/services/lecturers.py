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
    LectureAssignment,
    LectureRequest,
    LecturerUnavailability,
    LectureStatus,
)
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
        sa.select(LectureAssignment.lecturer_id, sa.func.count(), sa.func.min(LectureAssignment.starts_at))
        .join(LectureAssignment.request)
        .where(
            LectureAssignment.active.is_(True),
            LectureAssignment.starts_at >= now,
            LectureRequest.status == LectureStatus.SCHEDULED,
        )
        .group_by(LectureAssignment.lecturer_id)
    ).all()
    found = {lecturer_id: (count, first) for lecturer_id, count, first in rows}
    return [LecturerSummary(u, *found.get(u.id, (0, None))) for u in lecturers]


def get_lecturer(user_id: int) -> User | None:
    user = db.session.get(User, user_id)
    return user if user is not None and user.has_role(Role.LECTURER) else None


@dataclass
class Diary:
    upcoming: list[LectureAssignment] = field(default_factory=list)
    past: list[LectureAssignment] = field(default_factory=list)
    unavailable: list[LecturerUnavailability] = field(default_factory=list)


def diary(lecturer: User, past_limit: int = 20) -> Diary:
    """A lecturer's booked lectures (upcoming, then the most recent past) and time off."""
    now = utcnow()
    base = (
        sa.select(LectureAssignment)
        .join(LectureAssignment.request)
        .options(joinedload(LectureAssignment.request).joinedload(LectureRequest.program))
        .where(
            LectureAssignment.lecturer_id == lecturer.id,
            LectureAssignment.active.is_(True),
            LectureRequest.status.in_(BOOKED_STATUSES),
        )
    )
    upcoming = db.session.scalars(
        base.where(LectureAssignment.ends_at >= now).order_by(LectureAssignment.starts_at)
    )
    past = db.session.scalars(
        base.where(LectureAssignment.ends_at < now)
        .order_by(LectureAssignment.starts_at.desc())
        .limit(past_limit)
    )
    unavailable = db.session.scalars(
        sa.select(LecturerUnavailability)
        .where(LecturerUnavailability.lecturer_id == lecturer.id, LecturerUnavailability.ends_at >= now)
        .order_by(LecturerUnavailability.starts_at)
    )
    return Diary(list(upcoming), list(past), list(unavailable))
