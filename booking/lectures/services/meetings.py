"""Running an online lecture: its meeting link and connection test, and the lectures still
waiting for a link.

Staff keep both on the lecture's page; when the school issues the link, the teacher gives
it on their own page. A change on a scheduled lecture goes to the teacher and the
lecturers at once, with the calendar entry's next version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from booking.audit.services import record
from booking.core.errors import DomainError, InvalidTransition
from booking.core.i18n import format_datetime
from booking.core.time import JST, utcnow
from booking.db import write_lock
from booking.extensions import db
from booking.lectures import notifications
from booking.lectures.meeting_links import meeting_link_problem
from booking.lectures.models import (
    BOOKED_STATUSES,
    LectureEvent,
    LectureFormat,
    LectureRequest,
    LectureStatus,
    lecture_booking,
)
from booking.lectures.services.common import add_link, lock_request
from booking.scheduling.models import StaffBooking
from booking.staff.models import User


@dataclass(frozen=True)
class MeetingData:
    meeting_url: str = ""
    connection_test_at: datetime | None = None  # aware


def _check(lecture: LectureRequest, data: MeetingData, now: datetime) -> None:
    errors: list[DomainError] = []
    problem = meeting_link_problem(data.meeting_url) if data.meeting_url else None
    if problem:
        errors.append(DomainError(problem, field="meeting_url"))
    test_at = data.connection_test_at
    if test_at is not None and test_at != lecture.connection_test_at:
        assert lecture.starts_at is not None
        if test_at >= lecture.starts_at:
            errors.append(
                DomainError(
                    _(
                        "The connection test must be before the lecture (%(start)s).",
                        start=format_datetime(lecture.starts_at),
                    ),
                    field="test_date",
                )
            )
        elif test_at <= now:
            errors.append(DomainError(_("The connection test must be in the future."), field="test_date"))
    if errors:
        raise DomainError.several(errors)


def _save(lecture: LectureRequest, data: MeetingData, actor: User | None, by_school: bool) -> bool:
    """Check and keep the meeting details; on a change, audit it and tell everyone. Not committed."""
    if not lecture.can_set_meeting():
        raise InvalidTransition(_("A meeting link can be given only for a scheduled online lecture."))
    now = utcnow()
    _check(lecture, data, now)
    test_at = data.connection_test_at.astimezone(JST) if data.connection_test_at else None
    link_changed, test_changed = lecture.set_meeting(data.meeting_url, test_at, now)
    if not (link_changed or test_changed):
        return False
    notifications.meeting_updated(
        lecture,
        add_link(lecture),
        [a.person for a in lecture.assignments if a.active and a.person.active],
        link_changed=link_changed,
        test_changed=test_changed,
    )
    # Ids and what changed only: the link itself stays out of the log.
    record(
        actor,
        "lecture.meeting",
        "lecture_request",
        lecture.id,
        link=link_changed,
        connection_test=test_changed,
        by="school" if by_school else "staff",
    )
    return True


def set_meeting(request_id: int, data: MeetingData, actor: User) -> bool:
    """Staff set (or change, or clear) the meeting link and the connection test's time.

    Returns whether anything changed (only then are emails sent).
    """
    with write_lock():
        lecture = lock_request(request_id)
        changed = _save(lecture, data, actor, by_school=False)
        db.session.commit()
    return changed


def give_meeting_link(request_id: int, meeting_url: str) -> bool:
    """The teacher gives the link their school issued; the connection test's time stays."""
    with write_lock():
        lecture = lock_request(request_id)
        if not lecture.can_give_meeting_link():
            raise DomainError(_("The bureau sends the meeting link for this lecture."), field="meeting_url")
        if not meeting_url:
            raise DomainError(_("Paste the meeting link."), field="meeting_url")
        data = MeetingData(meeting_url, lecture.connection_test_at)
        changed = _save(lecture, data, None, by_school=True)
        db.session.commit()
    return changed


# Online lectures starting within this many days and still without a meeting link are on
# the coordinators' to-do list (the link is due a week before the lecture).
MISSING_LINK_WINDOW_DAYS = 14


def lacks_meeting_link(now: datetime, within_days: int) -> sa.ColumnElement[bool]:
    """For a query on lecture requests: a scheduled online lecture, not yet started, within
    `within_days` days, still without a meeting link."""
    return sa.and_(
        LectureRequest.status == LectureStatus.SCHEDULED,
        LectureRequest.format == LectureFormat.ONLINE,
        LectureRequest.meeting_url == "",
        LectureRequest.starts_at > now,
        LectureRequest.starts_at <= now + timedelta(days=within_days),
    )


def online_lectures_missing_link(within_days: int) -> list[LectureRequest]:
    """Scheduled online lectures, not yet started, within `within_days` days, still without a
    meeting link; soonest first, in one query (for the dashboard: `len()` is its count).
    """
    return list(
        db.session.scalars(
            sa.select(LectureRequest)
            .options(joinedload(LectureRequest.program))
            .where(lacks_meeting_link(utcnow(), within_days))
            .order_by(LectureRequest.starts_at, LectureRequest.id)
        )
    )


def lecture_for_lecturer(request_id: int, lecturer: User) -> LectureRequest | None:
    """A lecture `lecturer` is booked for (an active assignment), with what its page shows;
    None for any other (someone else's, unassigned, cancelled, unknown)."""
    return db.session.scalar(
        sa.select(LectureRequest)
        .join(StaffBooking, lecture_booking())
        .where(
            LectureRequest.id == request_id,
            StaffBooking.person_id == lecturer.id,
            StaffBooking.active.is_(True),
            LectureRequest.status.in_(BOOKED_STATUSES),
        )
        .options(
            joinedload(LectureRequest.program),
            selectinload(LectureRequest.slots),
            selectinload(LectureRequest.assignments).joinedload(StaffBooking.person),
            selectinload(LectureRequest.events).joinedload(LectureEvent.actor),
        )
    )
