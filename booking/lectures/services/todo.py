"""What lectures put on the staff to-do list: counted in one query, whatever the data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from booking.extensions import db
from booking.lectures.models import (
    LectureBooking,
    LectureEvent,
    LectureRequest,
    LectureStatus,
    lecture_booking,
)
from booking.lectures.services.meetings import MISSING_LINK_WINDOW_DAYS, lacks_meeting_link
from booking.lectures.services.time_off import upcoming_time_off_clash
from booking.scheduling.models import StaffBooking
from booking.staff.models import User


@dataclass(frozen=True)
class TodoCounts:
    new_requests: int  # received, not yet answered
    proposals: int  # dates proposed, the teacher has not chosen
    oldest_proposal_at: datetime | None  # when the longest-waiting of those was proposed
    to_record: int  # scheduled, started, not recorded as held
    time_off_clashes: int  # ahead, with a lecturer on time off then
    first_clash_at: datetime | None
    missing_links: int  # online, within MISSING_LINK_WINDOW_DAYS, no meeting link yet
    first_missing_link_at: datetime | None


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
    clash = upcoming_time_off_clash(now)
    no_link = lacks_meeting_link(now, MISSING_LINK_WINDOW_DAYS)
    row = db.session.execute(
        sa.select(
            sa.func.count(LectureRequest.id).filter(LectureRequest.status == LectureStatus.SUBMITTED),
            sa.func.count(LectureRequest.id).filter(is_proposed),
            sa.func.min(sa.case((is_proposed, proposed_at))),
            sa.func.count(LectureRequest.id).filter(held_unrecorded(now)),
            sa.func.count(LectureRequest.id).filter(clash),
            sa.func.min(sa.case((clash, LectureRequest.starts_at))),
            sa.func.count(LectureRequest.id).filter(no_link),
            sa.func.min(sa.case((no_link, LectureRequest.starts_at))),
        ).where(
            LectureRequest.status.in_(
                [LectureStatus.SUBMITTED, LectureStatus.PROPOSED, LectureStatus.SCHEDULED]
            )
        )
    ).one()
    new_requests, proposals, oldest, to_record, clashes, first_clash, no_links, first_no_link = row
    return TodoCounts(
        new_requests or 0,
        proposals or 0,
        oldest,
        to_record or 0,
        clashes or 0,
        first_clash,
        no_links or 0,
        first_no_link,
    )


def reports_due(lecturer: User, now: datetime) -> list[LectureBooking]:
    """A lecturer's lectures that have started and are not recorded as held yet, oldest first."""
    return list(
        LectureBooking(*row)
        for row in db.session.execute(
            sa.select(StaffBooking, LectureRequest)
            .join(LectureRequest, lecture_booking())
            .options(joinedload(LectureRequest.program))
            .where(
                StaffBooking.person_id == lecturer.id,
                StaffBooking.active.is_(True),
                held_unrecorded(now),
            )
            .order_by(StaffBooking.starts_at)
        )
    )
