"""Time off over booked lectures, found by the database.

A scheduled lecture clashes with a period of time off of one of its lecturers when the
period touches the lecture widened by the lecture's own buffer on each side: the rule
booking/scheduling applies before booking (a period ending exactly where the buffer starts
does not clash). Time off is a fact and is saved whatever it covers, so the clash is
computed, never stored: it shows as long as the data says so and is gone once the
lecture is moved, given another lecturer, cancelled or held, or the time off removed.

Times are compared as whole seconds since the epoch, so that adding the buffer (a number
of minutes in each booking) works the same on PostgreSQL and on SQLite.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from booking.lectures.models import (
    LectureRequest,
    LectureStatus,
    lecture_booking,
)
from booking.scheduling.models import StaffBooking, TimeOff


class epoch_seconds(FunctionElement):  # noqa: N801 (an SQL function, named like one)
    """A UTC timestamp column as whole seconds since 1970."""

    type = sa.BigInteger()
    inherit_cache = True
    name = "epoch_seconds"


@compiles(epoch_seconds)
def _epoch_default(element, compiler, **kw) -> str:
    return f"CAST(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) AS BIGINT)"


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element, compiler, **kw) -> str:
    return f"CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


def overlaps_with_buffer(assignment=StaffBooking, period=TimeOff) -> sa.ColumnElement[bool]:
    """The period is the lecturer's and touches the booking widened by its buffer."""
    buffer_seconds = assignment.buffer_minutes * 60
    return sa.and_(
        period.person_id == assignment.person_id,
        epoch_seconds(period.starts_at) < epoch_seconds(assignment.ends_at) + buffer_seconds,
        epoch_seconds(period.ends_at) > epoch_seconds(assignment.starts_at) - buffer_seconds,
    )


def clashing_assignments() -> sa.Select:
    """Active bookings of scheduled lectures with their lecturer's time off over them."""
    return (
        sa.select(StaffBooking, TimeOff)
        .join(LectureRequest, LectureRequest.id == StaffBooking.subject_id)
        .join(TimeOff, overlaps_with_buffer())
        .where(StaffBooking.active.is_(True), LectureRequest.status == LectureStatus.SCHEDULED)
    )


def has_time_off_clash() -> sa.ColumnElement[bool]:
    """For a query on lecture requests: one of its lecturers has time off over it (EXISTS)."""
    return sa.and_(
        LectureRequest.status == LectureStatus.SCHEDULED,
        sa.select(StaffBooking.id)
        .join(TimeOff, overlaps_with_buffer())
        .where(lecture_booking(), StaffBooking.active.is_(True))
        .exists(),
    )
