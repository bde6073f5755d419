"""Whether people are free for a time, booking them, and the locks that make the answer hold.

The rule is in the package docstring (booking/scheduling/__init__.py). Programs describe
what they want as a `Hold`; `problems` says, person by person, why it cannot be made;
`book` takes the day locks, checks, and writes the bookings (the caller commits).

A program can say how its records are named in a clash message (a lecture's reference,
say) with `describe_subjects`; otherwise the message names the program alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects.postgresql import insert as pg_insert

from booking.core.errors import DomainError
from booking.core.i18n import format_date, format_datetime, format_time
from booking.core.time import JST, to_zone
from booking.extensions import db
from booking.scheduling.models import (
    BookingRole,
    Posting,
    Program,
    ScheduleDayLock,
    StaffBooking,
    TimeOff,
    arrange,
)
from booking.staff.models import User

# No buffer can be longer (the settings form and a CHECK constraint keep it so); bookings
# further apart than this cannot clash.
MAX_BUFFER = timedelta(minutes=240)

# The form field a clash message belongs next to, in every program's booking form.
PEOPLE_FIELD = "people"


@dataclass(frozen=True)
class Hold:
    """A time a program wants some people for."""

    starts_at: datetime
    ends_at: datetime
    buffer_minutes: int
    people: tuple[User, ...]
    program: Program
    subject_id: int | None  # the program's record; its own bookings never clash with it
    in_person: bool = True
    role: BookingRole = BookingRole.LECTURER

    @property
    def buffer(self) -> timedelta:
        return timedelta(minutes=self.buffer_minutes)

    @property
    def day(self) -> date:
        return to_zone(self.starts_at).date()


@dataclass(frozen=True)
class Busy:
    """A stretch of a person's diary: a booking of some program, or time off."""

    starts_at: datetime
    ends_at: datetime
    program: Program | None  # None for time off
    subject_id: int | None
    kind: str  # "booking" | "time_off"


# program -> function giving, for some of its record ids, how each is named (a reference).
_describers: dict[Program, Callable[[list[int]], dict[int, str]]] = {}


def describe_subjects(program: Program, describe: Callable[[list[int]], dict[int, str]]) -> None:
    """Let clash messages name `program`'s records (e.g. by reference); called once at start-up."""
    _describers[program] = describe


def _subject_names(bookings: Iterable[StaffBooking]) -> dict[tuple[Program, int], str]:
    wanted: dict[Program, set[int]] = {}
    for booking in bookings:
        wanted.setdefault(booking.program, set()).add(booking.subject_id)
    names: dict[tuple[Program, int], str] = {}
    for program, ids in wanted.items():
        describe = _describers.get(program)
        if describe is not None:
            for subject_id, name in describe(sorted(ids)).items():
                names[(program, subject_id)] = name
    return names


# --- Queries -------------------------------------------------------------------------------


def bookings_near(
    person_ids: Iterable[int],
    start: datetime,
    end: datetime,
    exclude: tuple[Program, int | None] | None = None,
) -> list[StaffBooking]:
    """Active bookings of these people that could clash with anything in [start, end]."""
    query = (
        sa.select(StaffBooking)
        .where(
            StaffBooking.person_id.in_(list(person_ids)),
            StaffBooking.active.is_(True),
            StaffBooking.starts_at < end + MAX_BUFFER,
            StaffBooking.ends_at > start - MAX_BUFFER,
        )
        .order_by(StaffBooking.starts_at, StaffBooking.id)
    )
    if exclude is not None and exclude[1] is not None:
        program, subject_id = exclude
        query = query.where(
            sa.not_(sa.and_(StaffBooking.program == program, StaffBooking.subject_id == subject_id))
        )
    return list(db.session.scalars(query))


def time_off_near(person_ids: Iterable[int], start: datetime, end: datetime) -> list[TimeOff]:
    """Time off of these people that could touch anything in [start, end] with its buffer."""
    return list(
        db.session.scalars(
            sa.select(TimeOff)
            .where(
                TimeOff.person_id.in_(list(person_ids)),
                TimeOff.starts_at < end + MAX_BUFFER,
                TimeOff.ends_at > start - MAX_BUFFER,
            )
            .order_by(TimeOff.starts_at, TimeOff.id)
        )
    )


def postings_on(person_ids: Iterable[int], days: set[date]) -> list[Posting]:
    """The people's postings abroad that cover any of `days`."""
    ids = list(person_ids)
    if not ids or not days:
        return []
    first, last = min(days), max(days)
    candidates = db.session.scalars(
        sa.select(Posting)
        .where(
            Posting.person_id.in_(ids),
            Posting.first_day <= last,
            sa.or_(Posting.last_day.is_(None), Posting.last_day >= first),
        )
        .order_by(Posting.first_day, Posting.id)
    )
    return [p for p in candidates if any(p.covers(day) for day in days)]


def busy(person_ids: Iterable[int], start: datetime, end: datetime) -> dict[int, list[Busy]]:
    """Each person's active bookings (any program) and time off that overlap [start, end)."""
    ids = list(person_ids)
    found: dict[int, list[Busy]] = {person_id: [] for person_id in ids}
    if not ids:
        return found
    bookings = db.session.scalars(
        sa.select(StaffBooking).where(
            StaffBooking.person_id.in_(ids),
            StaffBooking.active.is_(True),
            StaffBooking.starts_at < end,
            StaffBooking.ends_at > start,
        )
    )
    for booking in bookings:
        found[booking.person_id].append(
            Busy(booking.starts_at, booking.ends_at, booking.program, booking.subject_id, "booking")
        )
    periods = db.session.scalars(
        sa.select(TimeOff).where(TimeOff.person_id.in_(ids), TimeOff.starts_at < end, TimeOff.ends_at > start)
    )
    for period in periods:
        found[period.person_id].append(Busy(period.starts_at, period.ends_at, None, None, "time_off"))
    for stretches in found.values():
        stretches.sort(key=lambda b: (b.starts_at, b.ends_at))
    return found


# --- The rule ------------------------------------------------------------------------------


def too_close(hold: Hold, other: StaffBooking) -> tuple[timedelta, timedelta] | None:
    """(gap, gap needed) when `other` (a booking of the same person) is too close to `hold`."""
    needed = max(hold.buffer, other.buffer)
    gap = max(other.starts_at - hold.ends_at, hold.starts_at - other.ends_at)
    return None if gap >= needed else (gap, needed)


def in_time_off(hold: Hold, period: TimeOff) -> bool:
    """The hold, with its buffer on each side, touches the time off."""
    return period.starts_at < hold.ends_at + hold.buffer and period.ends_at > hold.starts_at - hold.buffer


def _span(start: datetime, end: datetime) -> str:
    return f"{format_datetime(start)}–{format_time(end)}"


def _booking_clash(hold: Hold, other: StaffBooking, name: str, subject: str | None) -> str | None:
    found = too_close(hold, other)
    if found is None:
        return None
    gap, needed = found
    values = {
        "name": name,
        "what": other.program.label,
        "when": _span(other.starts_at, other.ends_at),
        "minutes": int(needed.total_seconds() // 60),
    }
    if gap < timedelta(0):
        if subject:
            return _(
                "%(name)s already has %(what)s at that time: %(subject)s, %(when)s.",
                subject=subject,
                **values,
            )
        return _("%(name)s already has %(what)s at that time: %(when)s.", **values)
    if subject:
        return _(
            "%(name)s has %(what)s too close to this one: %(subject)s, %(when)s. "
            "%(minutes)d minutes are needed between the two.",
            subject=subject,
            **values,
        )
    return _(
        "%(name)s has %(what)s too close to this one: %(when)s. "
        "%(minutes)d minutes are needed between the two.",
        **values,
    )


def _time_off_clash(hold: Hold, period: TimeOff, name: str) -> str | None:
    if not in_time_off(hold, period):
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


def clashes(hold: Hold) -> list[str]:
    """Other bookings (any program) and time off in the way of `hold`, person by person."""
    names = {person.id: person.name for person in hold.people}
    if not names:
        return []
    messages: list[str] = []
    others = bookings_near(names, hold.starts_at, hold.ends_at, (hold.program, hold.subject_id))
    subjects = _subject_names(others)
    for other in others:
        message = _booking_clash(
            hold, other, names[other.person_id], subjects.get((other.program, other.subject_id))
        )
        if message:
            messages.append(message)
    for period in time_off_near(names, hold.starts_at, hold.ends_at):
        message = _time_off_clash(hold, period, names[period.person_id])
        if message:
            messages.append(message)
    return messages


def abroad(hold: Hold) -> list[str]:
    """For an in-person hold: each person based abroad on its day, as a message."""
    if not hold.in_person:
        return []
    names = {person.id: person.name for person in hold.people}
    return [
        _(
            "%(name)s is based abroad on %(date)s (%(place)s) and cannot be booked in person.",
            name=names[posting.person_id],
            date=format_date(hold.day),
            place=posting.place,
        )
        for posting in postings_on(names, {hold.day})
    ]


def problems(hold: Hold) -> list[str]:
    """Every reason `hold` cannot be booked, person by person; empty when it can.

    Bookings of the hold's own record (same program and subject) are ignored: moving a
    booking never clashes with itself.
    """
    return abroad(hold) + clashes(hold)


# --- Locks and booking ---------------------------------------------------------------------


def days_to_lock(hold: Hold) -> list[date]:
    """Japan-time days within reach of the hold: any booking it could clash with starts on one."""
    first = (hold.starts_at - MAX_BUFFER).astimezone(JST).date()
    last = (hold.ends_at + MAX_BUFFER).astimezone(JST).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def lock_days(days: Iterable[date]) -> None:
    """Take the lock rows of `days`, in date order (so two bookings cannot deadlock).

    PostgreSQL only: on SQLite the caller already holds the database's single write lock
    (booking.db.write_lock).
    """
    wanted = sorted(set(days))
    if not wanted or db.session.get_bind().dialect.name != "postgresql":
        return
    db.session.execute(
        pg_insert(ScheduleDayLock).values([{"day": d} for d in wanted]).on_conflict_do_nothing()
    )
    db.session.execute(
        sa.select(ScheduleDayLock.day)
        .where(ScheduleDayLock.day.in_(wanted))
        .order_by(ScheduleDayLock.day)
        .with_for_update()
    )


def bookings_of(program: Program, subject_id: int) -> list[StaffBooking]:
    """Every booking (active or not) of one program's record."""
    return list(
        db.session.scalars(
            sa.select(StaffBooking)
            .where(StaffBooking.program == program, StaffBooking.subject_id == subject_id)
            .order_by(StaffBooking.id)
        )
    )


def clash_error(field: str = PEOPLE_FIELD) -> DomainError:
    """The database refused a booking that someone else's, saved at the same instant, clashes with."""
    return DomainError(
        _(
            "Someone else has just booked this person at a time that clashes with this one. "
            "Nothing was changed: look at the person's diary and choose again."
        ),
        field=field,
    )


def flush_bookings(field: str = PEOPLE_FIELD) -> None:
    """Flush; a clash the database catches comes back as a DomainError (the session is rolled back)."""
    try:
        db.session.flush()
    except sa.exc.IntegrityError as error:
        db.session.rollback()
        raise clash_error(field) from error


def book(hold: Hold, *, base_override_reason: str = "", field: str = PEOPLE_FIELD) -> list[StaffBooking]:
    """Book `hold.people` for the hold's record (replacing its earlier bookings); flushes.

    Takes the day locks, then refuses with every problem (a DomainError listing them);
    a person based abroad is booked in person only with `base_override_reason`. The
    caller records the override and commits. `field` is the form field the messages
    belong next to.
    """
    if hold.subject_id is None:
        raise ValueError("book() needs the record's id: flush the record first")
    lock_days(days_to_lock(hold))
    found = clashes(hold) if base_override_reason.strip() else problems(hold)
    if found:
        raise DomainError.several([DomainError(message, field=field) for message in found])
    wanted, unwanted = arrange(
        bookings_of(hold.program, hold.subject_id),
        hold.people,
        program=hold.program,
        subject_id=hold.subject_id,
        role=hold.role,
        starts_at=hold.starts_at,
        ends_at=hold.ends_at,
        buffer_minutes=hold.buffer_minutes,
        in_person=hold.in_person,
    )
    for booking in unwanted:
        db.session.delete(booking)
    db.session.add_all(wanted)
    flush_bookings(field)
    return wanted


def release(program: Program, subject_id: int) -> None:
    """The record's bookings stop blocking time (cancelled); the rows stay as history."""
    for booking in bookings_of(program, subject_id):
        booking.active = False
