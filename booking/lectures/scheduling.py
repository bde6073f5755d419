"""Whether lecturers are free for a lecture, and the locks that make the answer hold.

The clash rule (see also the note at the top of lectures/models.py):
- a lecturer is never in two lectures at once;
- between two lectures of one lecturer there are at least max(buffer of one, buffer of
  the other) minutes: the settings give 60 around in-person lectures (travel) and 15
  around online ones; buffers do not add up;
- a lecture, with its own buffer on each side, never touches the lecturer's
  unavailable periods;
- the bureau holds at most `daily_cap` lectures on one Japan-time day;
- a lecture at a school is not booked for a lecturer based abroad that day (a posting),
  unless a coordinator overrides it with a reason (services/staff_actions.py).

Time off entered after a lecture was booked is saved all the same; lectures/time_off.py
finds such clashes in SQL.

Checking and booking happen in one transaction that first takes the locks below, so two
coordinators booking at once take turns and the second sees the first's booking.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import joinedload

from booking.core.errors import DomainError
from booking.core.i18n import format_date, format_datetime, format_time
from booking.core.time import JST, to_zone
from booking.extensions import db
from booking.lectures.formatting import time_off_span
from booking.lectures.models import (
    BOOKED_STATUSES,
    LectureAssignment,
    LectureRequest,
    LecturerPosting,
    LecturerUnavailability,
    ScheduleDayLock,
)
from booking.settings.services import Settings
from booking.staff.models import User

# No buffer can be longer (the settings form and a CHECK constraint keep it so); lectures
# further apart than this cannot clash.
MAX_BUFFER = timedelta(minutes=240)


@dataclass(frozen=True)
class Booking:
    """A lecture about to be booked: when, for whom, with which buffer."""

    starts_at: datetime
    ends_at: datetime
    buffer_minutes: int
    lecturers: tuple[User, ...]
    request_id: int | None = None  # its own earlier booking never clashes with it

    @property
    def buffer(self) -> timedelta:
        return timedelta(minutes=self.buffer_minutes)

    @property
    def day(self) -> date:
        return to_zone(self.starts_at).date()


def _span(start: datetime, end: datetime) -> str:
    return f"{format_datetime(start)}–{format_time(end)}"


def _assignments(lecturer_ids: list[int], start: datetime, end: datetime, exclude_request_id: int | None):
    """Active bookings of these lecturers that could clash with anything in [start, end]."""
    return list(
        db.session.scalars(
            sa.select(LectureAssignment)
            .join(LectureAssignment.request)
            .options(joinedload(LectureAssignment.request))
            .where(
                LectureAssignment.lecturer_id.in_(lecturer_ids),
                LectureAssignment.active.is_(True),
                LectureAssignment.starts_at < end + MAX_BUFFER,
                LectureAssignment.ends_at > start - MAX_BUFFER,
                LectureRequest.id != (exclude_request_id or 0),
            )
            .order_by(LectureAssignment.starts_at)
        )
    )


def _periods(lecturer_ids: list[int], start: datetime, end: datetime) -> list[LecturerUnavailability]:
    return list(
        db.session.scalars(
            sa.select(LecturerUnavailability)
            .where(
                LecturerUnavailability.lecturer_id.in_(lecturer_ids),
                LecturerUnavailability.starts_at < end + MAX_BUFFER,
                LecturerUnavailability.ends_at > start - MAX_BUFFER,
            )
            .order_by(LecturerUnavailability.starts_at)
        )
    )


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


def _too_close(booking: Booking, other: LectureAssignment) -> tuple[timedelta, timedelta] | None:
    """(gap, gap needed) when `other` (a booked lecture of the same lecturer) is too close."""
    needed = max(booking.buffer, timedelta(minutes=other.buffer_minutes))
    gap = max(other.starts_at - booking.ends_at, booking.starts_at - other.ends_at)
    return None if gap >= needed else (gap, needed)


def _lecture_clash(booking: Booking, other: LectureAssignment, name: str) -> str | None:
    """Why `other` (a booked lecture of the same lecturer) is too close, or None."""
    found = _too_close(booking, other)
    if found is None:
        return None
    gap, needed = found
    values = {
        "name": name,
        "reference": other.request.reference,
        "when": _span(other.starts_at, other.ends_at),
        "minutes": int(needed.total_seconds() // 60),
    }
    if gap < timedelta(0):
        return _("%(name)s already has a lecture at that time: %(reference)s, %(when)s.", **values)
    return _(
        "%(name)s has another lecture too close to this one: %(reference)s, %(when)s. "
        "%(minutes)d minutes are needed between the two.",
        **values,
    )


def _in_period(booking: Booking, period: LecturerUnavailability) -> bool:
    """The lecture, with its buffer on each side, touches the time off (see lectures/time_off.py)."""
    return (
        period.starts_at < booking.ends_at + booking.buffer
        and period.ends_at > booking.starts_at - booking.buffer
    )


def _period_clash(booking: Booking, period: LecturerUnavailability, name: str) -> str | None:
    """Why the lecture, with its buffer on each side, falls in the time off, or None."""
    if not _in_period(booking, period):
        return None
    values = {
        "name": name,
        "start": format_datetime(period.starts_at),
        "end": format_datetime(period.ends_at),
        "reason": period.reason,
    }
    if period.reason:
        return _("%(name)s is unavailable from %(start)s to %(end)s (%(reason)s).", **values)
    return _("%(name)s is unavailable from %(start)s to %(end)s.", **values)


def _cap_reached(day: date, booked: int, settings: Settings) -> str | None:
    if booked < settings.daily_cap:
        return None
    return _(
        "The bureau already holds %(count)d lectures on %(date)s, the most it can in one day.",
        count=booked,
        date=format_date(day),
    )


def clashes(booking: Booking, settings: Settings) -> list[DomainError]:
    """Every reason the booking cannot be made, each naming what it clashes with."""
    names = {u.id: u.name for u in booking.lecturers}
    ids = list(names)
    problems: list[DomainError] = []
    for other in _assignments(ids, booking.starts_at, booking.ends_at, booking.request_id):
        message = _lecture_clash(booking, other, names[other.lecturer_id])
        if message:
            problems.append(DomainError(message, field="lecturer_ids"))
    for period in _periods(ids, booking.starts_at, booking.ends_at):
        message = _period_clash(booking, period, names[period.lecturer_id])
        if message:
            problems.append(DomainError(message, field="lecturer_ids"))
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


def _lecture_reason(booking: Booking, other: LectureAssignment) -> Reason | None:
    found = _too_close(booking, other)
    if found is None:
        return None
    gap, needed = found
    values = {"time": format_time(other.starts_at), "reference": other.request.reference}
    if gap < timedelta(0):
        return Reason(ReasonKind.LECTURE, _("Another lecture at %(time)s (%(reference)s)", **values))
    text = _(
        "Another lecture at %(time)s (%(reference)s), too close: %(minutes)d minutes are needed",
        minutes=int(needed.total_seconds() // 60),
        **values,
    )
    return Reason(ReasonKind.LECTURE, text)


def _period_reason(booking: Booking, period: LecturerUnavailability, zone: str) -> Reason | None:
    if not _in_period(booking, period):
        return None
    span = time_off_span(period, zone)
    if period.reason:
        return Reason(
            ReasonKind.TIME_OFF, _("Time off: %(span)s (%(reason)s)", span=span, reason=period.reason)
        )
    return Reason(ReasonKind.TIME_OFF, _("Time off: %(span)s", span=span))


def _posting_reason(day: date, posting: LecturerPosting) -> Reason | None:
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
    booked = _assignments(ids, start, end, exclude_request_id)
    periods = _periods(ids, start, end)
    days = {to_zone(s).date() for s, _e in times}
    postings = postings_on(ids, days) if in_person else []
    per_day = _booked_per_day(days, exclude_request_id)
    found = []
    for slot_start, slot_end in times:
        booking = Booking(slot_start, slot_end, buffer_minutes, tuple(lecturers), exclude_request_id)
        by_lecturer: dict[int, list[Reason]] = {}
        for lecturer in lecturers:
            reasons = [_posting_reason(booking.day, p) for p in postings if p.lecturer_id == lecturer.id]
            reasons += [
                _period_reason(booking, p, lecturer.time_zone)
                for p in periods
                if p.lecturer_id == lecturer.id
            ]
            reasons += [_lecture_reason(booking, a) for a in booked if a.lecturer_id == lecturer.id]
            by_lecturer[lecturer.id] = [r for r in reasons if r]
        day_full = _cap_reached(booking.day, per_day.get(booking.day, 0), settings)
        found.append(SlotAvailability(slot_start, slot_end, day_full, by_lecturer))
    return found


def postings_on(lecturer_ids: list[int], days: set[date]) -> list[LecturerPosting]:
    """The lecturers' postings abroad that cover any of `days`."""
    if not lecturer_ids or not days:
        return []
    first, last = min(days), max(days)
    candidates = db.session.scalars(
        sa.select(LecturerPosting)
        .where(
            LecturerPosting.lecturer_id.in_(lecturer_ids),
            LecturerPosting.first_day <= last,
            sa.or_(LecturerPosting.last_day.is_(None), LecturerPosting.last_day >= first),
        )
        .order_by(LecturerPosting.first_day)
    )
    return [p for p in candidates if any(p.covers(day) for day in days)]


def abroad_refusals(booking: Booking) -> list[str]:
    """For a lecture at a school: each lecturer based abroad on its day, as a message."""
    names = {u.id: u.name for u in booking.lecturers}
    return [
        _(
            "%(name)s is based abroad on %(date)s (%(place)s): "
            "a lecture at a school needs a lecturer in Japan.",
            name=names[posting.lecturer_id],
            date=format_date(booking.day),
            place=posting.place,
        )
        for posting in postings_on(list(names), {booking.day})
    ]


def days_to_lock(booking: Booking) -> list[date]:
    """Japan-time days within reach of the booking: any lecture it could clash with starts on one."""
    first = (booking.starts_at - MAX_BUFFER).astimezone(JST).date()
    last = (booking.ends_at + MAX_BUFFER).astimezone(JST).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def lock_days(days: Iterable[date]) -> None:
    """Take the lock rows of `days`, in date order (so two bookings cannot deadlock).

    PostgreSQL only: on SQLite the caller already holds the database's single write lock.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return
    wanted = sorted(set(days))
    db.session.execute(
        pg_insert(ScheduleDayLock).values([{"day": d} for d in wanted]).on_conflict_do_nothing()
    )
    db.session.execute(
        sa.select(ScheduleDayLock.day)
        .where(ScheduleDayLock.day.in_(wanted))
        .order_by(ScheduleDayLock.day)
        .with_for_update()
    )
