"""Whether lecturers are free for a lecture, and the locks that make the answer hold.

The clash rule between a person's bookings, their time off and their base abroad is
shared by every program and lives in booking/scheduling (see its package docstring):
a lecturer booked for a study tour is busy for a lecture too. What stays here is the
lectures' own rule and view of it:
- the bureau holds at most `daily_cap` lectures on one Japan-time day;
- a lecture at a school is not booked for a lecturer based abroad that day (a posting),
  unless a coordinator overrides it with a reason (services/staff_actions.py);
- the who-is-free grid that helps a coordinator choose.

Time off entered after a lecture was booked is saved all the same; lectures/time_off.py
finds such clashes in SQL.

Checking and booking happen in one transaction that first takes the day locks, so two
coordinators booking at once (for any program) take turns and the second sees the first's
booking.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from booking.core.errors import DomainError
from booking.core.i18n import format_date, format_time
from booking.core.time import to_zone
from booking.extensions import db
from booking.lectures.formatting import time_off_span
from booking.lectures.models import BOOKED_STATUSES, LectureRequest
from booking.scheduling import services as scheduling
from booking.scheduling.models import BookingRole, Posting, Program, StaffBooking, TimeOff
from booking.scheduling.services import days_to_lock as _days_to_lock
from booking.scheduling.services import lock_days, postings_on
from booking.settings.services import Settings
from booking.staff.models import User

__all__ = ["lock_days", "postings_on"]


@dataclass(frozen=True)
class Booking:
    """A lecture about to be booked: when, for whom, with which buffer."""

    starts_at: datetime
    ends_at: datetime
    buffer_minutes: int
    lecturers: tuple[User, ...]
    request_id: int | None = None  # its own earlier booking never clashes with it
    in_person: bool = True

    @property
    def buffer(self) -> timedelta:
        return timedelta(minutes=self.buffer_minutes)

    @property
    def day(self) -> date:
        return to_zone(self.starts_at).date()

    @property
    def hold(self) -> scheduling.Hold:
        """The lecture as the shared scheduling rule sees it."""
        return scheduling.Hold(
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            buffer_minutes=self.buffer_minutes,
            people=self.lecturers,
            program=Program.LECTURE,
            subject_id=self.request_id,
            in_person=self.in_person,
            role=BookingRole.LECTURER,
        )


def _references(request_ids: list[int]) -> dict[int, str]:
    """How a clash message names a lecture: its reference."""
    rows = db.session.execute(
        sa.select(LectureRequest.id, LectureRequest.reference).where(LectureRequest.id.in_(request_ids))
    )
    return {request_id: reference for request_id, reference in rows}


scheduling.describe_subjects(Program.LECTURE, _references)


def _booked_per_day(days: set[date], exclude_request_id: int | None) -> dict[date, int]:
    rows = db.session.execute(
        sa.select(LectureRequest.lecture_day, sa.func.count(LectureRequest.id))
        .where(
            LectureRequest.lecture_day.in_(days),
            LectureRequest.status.in_(BOOKED_STATUSES),
            LectureRequest.id != (exclude_request_id or 0),
        )
        .group_by(LectureRequest.lecture_day)
    ).all()
    return dict(rows)


def _cap_reached(day: date, booked: int, settings: Settings) -> str | None:
    if booked < settings.daily_cap:
        return None
    return _(
        "The bureau already holds %(count)d lectures on %(date)s, the most it can in one day.",
        count=booked,
        date=format_date(day),
    )


def clashes(booking: Booking, settings: Settings) -> list[DomainError]:
    """Every reason the booking cannot be made, each naming what it clashes with.

    Other bookings of the lecturers (lectures, study tours) and their time off come from
    the shared rule; the day's cap is the lectures' own.
    """
    problems = [DomainError(message, field="lecturer_ids") for message in scheduling.clashes(booking.hold)]
    booked = _booked_per_day({booking.day}, booking.request_id).get(booking.day, 0)
    message = _cap_reached(booking.day, booked, settings)
    if message:
        problems.append(DomainError(message, field="starts_at"))
    return problems


class ReasonKind(enum.StrEnum):
    """Why a lecturer is not free for a date (the who-is-free grid marks each kind)."""

    LECTURE = "lecture"
    TIME_OFF = "time_off"
    ABROAD = "abroad"


@dataclass(frozen=True)
class Reason:
    kind: ReasonKind
    text: str

    def __str__(self) -> str:
        return self.text

    @property
    def is_time_off(self) -> bool:
        return self.kind is ReasonKind.TIME_OFF

    @property
    def is_abroad(self) -> bool:
        return self.kind is ReasonKind.ABROAD


def _booking_reason(booking: Booking, other: StaffBooking, references: dict[int, str]) -> Reason | None:
    found = scheduling.too_close(booking.hold, other)
    if found is None:
        return None
    gap, needed = found
    minutes = int(needed.total_seconds() // 60)
    if other.program is not Program.LECTURE:
        values = {"time": format_time(other.starts_at), "what": other.program.label}
        if gap < timedelta(0):
            return Reason(ReasonKind.LECTURE, _("Booked for %(what)s at %(time)s", **values))
        text = _(
            "Booked for %(what)s at %(time)s, too close: %(minutes)d minutes are needed",
            minutes=minutes,
            **values,
        )
        return Reason(ReasonKind.LECTURE, text)
    values = {"time": format_time(other.starts_at), "reference": references.get(other.subject_id, "")}
    if gap < timedelta(0):
        return Reason(ReasonKind.LECTURE, _("Another lecture at %(time)s (%(reference)s)", **values))
    text = _(
        "Another lecture at %(time)s (%(reference)s), too close: %(minutes)d minutes are needed",
        minutes=minutes,
        **values,
    )
    return Reason(ReasonKind.LECTURE, text)


def _period_reason(booking: Booking, period: TimeOff, zone: str) -> Reason | None:
    if not scheduling.in_time_off(booking.hold, period):
        return None
    span = time_off_span(period, zone)
    if period.reason:
        return Reason(
            ReasonKind.TIME_OFF, _("Time off: %(span)s (%(reason)s)", span=span, reason=period.reason)
        )
    return Reason(ReasonKind.TIME_OFF, _("Time off: %(span)s", span=span))


def _posting_reason(day: date, posting: Posting) -> Reason | None:
    if not posting.covers(day):
        return None
    return Reason(ReasonKind.ABROAD, _("Abroad on that date (%(place)s)", place=posting.place))


@dataclass(frozen=True)
class SlotAvailability:
    """For one possible date: the day's cap, and each lecturer's reasons not to (empty: free)."""

    starts_at: datetime
    ends_at: datetime
    day_full: str | None
    by_lecturer: dict[int, list[Reason]]

    def free(self, lecturer_id: int) -> bool:
        return not self.by_lecturer.get(lecturer_id)


def availability(
    times: list[tuple[datetime, datetime]],
    buffer_minutes: int,
    lecturers: list[User],
    settings: Settings,
    exclude_request_id: int | None = None,
    in_person: bool = False,
) -> list[SlotAvailability]:
    """Who is free when, for a page that helps choose (a few queries, however many dates).

    For a lecture at a school, a lecturer based abroad on the day is not free either.
    """
    if not times or not lecturers:
        return [SlotAvailability(s, e, None, {}) for s, e in times]
    ids = [u.id for u in lecturers]
    start, end = min(s for s, _e in times), max(e for _s, e in times)
    booked = scheduling.bookings_near(ids, start, end, (Program.LECTURE, exclude_request_id))
    references = _references(sorted({b.subject_id for b in booked if b.program is Program.LECTURE}))
    periods = scheduling.time_off_near(ids, start, end)
    days = {to_zone(s).date() for s, _e in times}
    postings = postings_on(ids, days) if in_person else []
    per_day = _booked_per_day(days, exclude_request_id)
    found = []
    for slot_start, slot_end in times:
        booking = Booking(slot_start, slot_end, buffer_minutes, tuple(lecturers), exclude_request_id)
        by_lecturer: dict[int, list[Reason]] = {}
        for lecturer in lecturers:
            reasons = [_posting_reason(booking.day, p) for p in postings if p.person_id == lecturer.id]
            reasons += [
                _period_reason(booking, p, lecturer.time_zone) for p in periods if p.person_id == lecturer.id
            ]
            reasons += [_booking_reason(booking, b, references) for b in booked if b.person_id == lecturer.id]
            by_lecturer[lecturer.id] = [r for r in reasons if r]
        day_full = _cap_reached(booking.day, per_day.get(booking.day, 0), settings)
        found.append(SlotAvailability(slot_start, slot_end, day_full, by_lecturer))
    return found


def abroad_refusals(booking: Booking) -> list[str]:
    """For a lecture at a school: each lecturer based abroad on its day, as a message."""
    names = {u.id: u.name for u in booking.lecturers}
    return [
        _(
            "%(name)s is based abroad on %(date)s (%(place)s): "
            "a lecture at a school needs a lecturer in Japan.",
            name=names[posting.person_id],
            date=format_date(booking.day),
            place=posting.place,
        )
        for posting in postings_on(list(names), {booking.day})
    ]


def days_to_lock(booking: Booking) -> list[date]:
    """Japan-time days within reach of the booking: any booking it could clash with starts on one."""
    return _days_to_lock(booking.hold)
