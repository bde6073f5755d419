"""Staff bookings across programs, and the per-person facts they are checked against.

See the package docstring (booking/scheduling/__init__.py) for the rule. Models never
commit; services.py checks, locks and books.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.core.enums import LabelledEnum
from booking.core.time import to_zone, utcnow
from booking.db import enum_type
from booking.extensions import db
from booking.staff.models import User


class Program(LabelledEnum):
    """The program a booking is for; `subject_id` is the id of that program's request."""

    LECTURE = "lecture"
    VISIT = "visit"


# How a clash message names the other booking ("... already has a lecture at that time").
PROGRAM_LABELS = Program.set_labels({Program.LECTURE: _l("a lecture"), Program.VISIT: _l("a study tour")})


class BookingRole(LabelledEnum):
    """What the person does in the booked program."""

    LECTURER = "lecturer"
    GUIDE = "guide"
    INTERPRETER = "interpreter"


BOOKING_ROLE_LABELS = BookingRole.set_labels(
    {
        BookingRole.LECTURER: _l("Lecturer"),
        BookingRole.GUIDE: _l("Guide"),
        BookingRole.INTERPRETER: _l("Interpreter"),
    }
)


class StaffBooking(db.Model):
    """A person booked for one program's record, and the time that blocks in their diary."""

    __tablename__ = "staff_bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    program: Mapped[Program] = mapped_column(enum_type(Program, "staff_booking_program"))
    # The program's record (lecture_requests.id, visit_requests.id): no foreign key, the
    # table serves every program; each program's delete trigger removes its bookings.
    subject_id: Mapped[int]
    role: Mapped[BookingRole] = mapped_column(enum_type(BookingRole, "staff_booking_role"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    # The buffer for the booking's format when it was booked.
    buffer_minutes: Mapped[int]
    # starts_at and ends_at widened by half the buffer: what the database keeps apart.
    blocked_from: Mapped[datetime]
    blocked_until: Mapped[datetime]
    in_person: Mapped[bool] = mapped_column(default=True)
    # False once the program's record is cancelled: the time is free again, the row stays.
    active: Mapped[bool] = mapped_column(default=True)

    person: Mapped[User] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("program", "subject_id", "person_id", name="uq_staff_bookings_subject_person"),
        sa.CheckConstraint(
            "blocked_from <= starts_at AND starts_at < ends_at AND ends_at <= blocked_until", name="times"
        ),
        sa.CheckConstraint("buffer_minutes >= 0", name="buffer"),
        sa.Index("ix_staff_bookings_person_time", "person_id", "blocked_from"),
        sa.Index("ix_staff_bookings_subject", "program", "subject_id"),
    )

    def place(self, starts_at: datetime, ends_at: datetime, buffer_minutes: int, in_person: bool) -> None:
        """Book (again) at these times; the row is updated in place so it never meets itself."""
        half_buffer = timedelta(minutes=buffer_minutes) / 2
        self.starts_at, self.ends_at = starts_at, ends_at
        self.buffer_minutes = buffer_minutes
        self.blocked_from = starts_at - half_buffer
        self.blocked_until = ends_at + half_buffer
        self.in_person = in_person
        self.active = True

    @property
    def buffer(self) -> timedelta:
        return timedelta(minutes=self.buffer_minutes)


def arrange(
    current: Iterable[StaffBooking],
    people: Iterable[User],
    *,
    program: Program,
    subject_id: int | None,
    role: BookingRole,
    starts_at: datetime,
    ends_at: datetime,
    buffer_minutes: int,
    in_person: bool,
) -> tuple[list[StaffBooking], list[StaffBooking]]:
    """The bookings a record should have for `people`: (kept or new, no longer wanted).

    Rows of people still wanted are moved in place; the caller adds the new ones and
    deletes the unwanted ones.
    """
    by_person = {booking.person_id: booking for booking in current}
    wanted: list[StaffBooking] = []
    for person in people:
        booking = by_person.pop(person.id, None)
        if booking is None:
            booking = StaffBooking(program=program, person=person, person_id=person.id, role=role)
            if subject_id is not None:
                booking.subject_id = subject_id
        booking.place(starts_at, ends_at, buffer_minutes, in_person)
        wanted.append(booking)
    return wanted, list(by_person.values())


class ScheduleDayLock(db.Model):
    """One row per Japan-time day that has been scheduled on.

    On PostgreSQL, booking locks the rows of the days it touches (SELECT ... FOR UPDATE)
    before checking, so two coordinators booking the same day (in any program) take turns.
    SQLite serialises every such write anyway (BEGIN IMMEDIATE).
    """

    __tablename__ = "lecture_day_locks"

    day: Mapped[date] = mapped_column(primary_key=True)


class TimeOff(db.Model):
    """A period a person cannot be booked (leave, overseas duty), kept by them or a coordinator."""

    __tablename__ = "lecturer_unavailability"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        "lecturer_id", sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(sa.String(200), default="")
    # Entered as whole days (Japan time, from the first day's midnight to the midnight after
    # the last): shown as days, never as "... 0:00". Otherwise entered as date-times.
    whole_days: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[User] = relationship(foreign_keys=[person_id])

    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="times"),)

    @property
    def first_day(self) -> date:
        """The first Japan-time day of the period."""
        return to_zone(self.starts_at).date()

    @property
    def last_day(self) -> date:
        """The last Japan-time day the period touches (inclusive)."""
        return to_zone(self.ends_at - timedelta(microseconds=1)).date()


class Posting(db.Model):
    """A period a person is based abroad (a posting, e.g. to Phnom Penh); outside every
    such period the person is based in Japan.

    Days are Japan-time calendar days, both inclusive; no last day: based there until
    further notice. While abroad a person may take part online, but is not booked for
    anything in person unless a coordinator overrides it with a reason.
    """

    __tablename__ = "lecturer_postings"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        "lecturer_id", sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    place: Mapped[str] = mapped_column(sa.String(100))
    first_day: Mapped[date]
    last_day: Mapped[date | None]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[User] = relationship(foreign_keys=[person_id])

    __table_args__ = (sa.CheckConstraint("last_day IS NULL OR last_day >= first_day", name="days"),)

    def covers(self, day: date) -> bool:
        return self.first_day <= day and (self.last_day is None or day <= self.last_day)

    def overlaps(self, first: date, last: date | None) -> bool:
        """Whether the days `first` to `last` (None: open-ended) share a day with this posting."""
        return (last is None or self.first_day <= last) and (self.last_day is None or first <= self.last_day)
