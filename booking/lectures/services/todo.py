"""What lectures put on the staff to-do list: counted in one query, whatever the data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from booking.extensions import db
from booking.lectures.models import LectureAssignment, LectureEvent, LectureRequest, LectureStatus
from booking.staff.models import User


@dataclass(frozen=True)
class TodoCounts:
    new_requests: int  # received, not yet answered
    proposals: int  # dates proposed, the teacher has not chosen
    oldest_proposal_at: datetime | None  # when the longest-waiting of those was proposed
    to_record: int  # scheduled, started, not recorded as held


def held_unrecorded(now: datetime) -> sa.ColumnElement[bool]:
    """A lecture that has started (or taken place) and is not recorded as held yet."""
    return sa.and_(LectureRequest.status == LectureStatus.SCHEDULED, LectureRequest.starts_at <= now)


def todo_counts(now: datetime) -> TodoCounts:
    """The coordinators' lecture counts, in one aggregate query."""
    proposed_at = (
        sa.select(sa.func.max(LectureEvent.occurred_at))
        .where(LectureEvent.request_id == LectureRequest.id, LectureEvent.to_status == LectureStatus.PROPOSED)
        .correlate(LectureRequest)
        .scalar_subquery()
    )
    is_proposed = LectureRequest.status == LectureStatus.PROPOSED
    row = db.session.execute(
        sa.select(
            sa.func.count(LectureRequest.id).filter(LectureRequest.status == LectureStatus.SUBMITTED),
            sa.func.count(LectureRequest.id).filter(is_proposed),
            sa.func.min(sa.case((is_proposed, proposed_at))),
            sa.func.count(LectureRequest.id).filter(held_unrecorded(now)),
        ).where(
            LectureRequest.status.in_(
                [LectureStatus.SUBMITTED, LectureStatus.PROPOSED, LectureStatus.SCHEDULED]
            )
        )
    ).one()
    new_requests, proposals, oldest, to_record = row
    return TodoCounts(new_requests or 0, proposals or 0, oldest, to_record or 0)


def reports_due(lecturer: User, now: datetime) -> list[LectureAssignment]:
    """A lecturer's lectures that have started and are not recorded as held yet, oldest first."""
    return list(
        db.session.scalars(
            sa.select(LectureAssignment)
            .join(LectureAssignment.request)
            .options(joinedload(LectureAssignment.request).joinedload(LectureRequest.program))
            .where(
                LectureAssignment.lecturer_id == lecturer.id,
                LectureAssignment.active.is_(True),
                held_unrecorded(now),
            )
            .order_by(LectureAssignment.starts_at)
        )
    )
