"""Open days for schools: which school days of a month can still take a lecture, by format.

The public page `/lectures/availability` shows, for each day, one state per format (at the
school, online), worked out from the same rules staff apply when they schedule, without
naming anyone. Requests stay requests: only scheduled (and held) lectures take a place.

What the states mean:

- A day is a **school day** when it is a weekday, not a national holiday, not in the year-end
  closing (29 December to 3 January) and not one of the bureau's blackout days. Other days
  are shown as closed.
- Days before the lead time are **too soon** to ask for; days after the horizon are **not
  open for requests yet**; days already past are not judged at all.
- A lecturer is **free** for a format on a day when a lecture of the shortest program offered
  in that format could start at some time within school hours (the earliest to the latest
  start in the settings) without touching the lecturer's time off or coming closer to
  another of their bookings than the scheduling rule allows (the larger of the two buffers;
  bookings of every program count). For a lecture at the school, a lecturer based abroad
  that day is not free (they can still lecture online).
- **Full**: the bureau's daily cap of lectures is reached, or no lecturer is free.
- **Nearly full**: one more lecture fits under the daily cap, or only one lecturer is free.
- **Open**: anything else (at least two lectures fit under the cap and two lecturers are free).

A format no active program offers is shown as not offered. The whole month is read in a
handful of SQL statements, whatever the number of lectures, time off or lecturers.
"""

from __future__ import annotations

import calendar as stdlib_calendar
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from babel.dates import format_date as babel_format_date
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from booking.core.auth import Role
from booking.core.enums import LabelledEnum
from booking.core.i18n import current_language
from booking.core.time import JST
from booking.extensions import db
from booking.lectures.holidays import holiday_name
from booking.lectures.models import BOOKED_STATUSES, LectureFormat, LectureRequest, Program
from booking.lectures.rules import is_lecture_day
from booking.scheduling.models import Posting, StaffBooking, TimeOff
from booking.settings.closing import is_year_end_closing
from booking.settings.models import BlackoutDay, BureauSettings
from booking.settings.services import Settings
from booking.staff.models import User, UserRole


class DayState(LabelledEnum):
    OPEN = "open"
    NEARLY_FULL = "nearly_full"
    FULL = "full"
    NOT_OFFERED = "not_offered"

    @property
    def bookable(self) -> bool:
        return self in (DayState.OPEN, DayState.NEARLY_FULL)

    @property
    def symbol(self) -> str:
        """The mark Japanese booking calendars use: ○ open, △ nearly full, × full."""
        return {"open": "○", "nearly_full": "△", "full": "×", "not_offered": "－"}[self.value]


DAY_STATE_LABELS = DayState.set_labels(
    {
        DayState.OPEN: lazy_pgettext("availability", "Open"),
        DayState.NEARLY_FULL: lazy_pgettext("availability", "Nearly full"),
        DayState.FULL: lazy_pgettext("availability", "Full"),
        DayState.NOT_OFFERED: lazy_pgettext("availability", "Not offered"),
    }
)


class DayKind(LabelledEnum):
    """What a day of the month is, before any lecture is counted."""

    PAST = "past"
    TOO_SOON = "too_soon"
    NOT_YET = "not_yet"
    CLOSED = "closed"
    SCHOOL_DAY = "school_day"

    @property
    def judged(self) -> bool:
        return self is DayKind.SCHOOL_DAY

    @property
    def is_past(self) -> bool:
        return self is DayKind.PAST


DAY_KIND_LABELS = DayKind.set_labels(
    {
        DayKind.PAST: _l("Past"),
        DayKind.TOO_SOON: _l("Too soon to ask"),
        DayKind.NOT_YET: _l("Not open for requests yet"),
        DayKind.CLOSED: _l("No lectures"),
        DayKind.SCHOOL_DAY: _l("School day"),
    }
)

FORMATS = (LectureFormat.IN_PERSON, LectureFormat.ONLINE)

# Bookings and time off further than this from a day's school hours cannot touch its lectures
# (longest buffer, longest program, and a margin).
_REACH = timedelta(hours=10)


# --- Reading the month --------------------------------------------------------------


@dataclass(frozen=True)
class Busy:
    """A time a lecturer is taken: a booking (any program) or time off (buffer 0: only the
    new lecture's own buffer applies)."""

    person_id: int
    starts_at: datetime
    ends_at: datetime
    buffer_minutes: int


@dataclass(frozen=True)
class Abroad:
    person_id: int
    first_day: date
    last_day: date | None

    def covers(self, day: date) -> bool:
        return self.first_day <= day and (self.last_day is None or day <= self.last_day)


@dataclass(frozen=True)
class LecturerFacts:
    lecturer_ids: tuple[int, ...]
    busy: tuple[Busy, ...]
    abroad: tuple[Abroad, ...]


# The tables the page is computed from: a write to any of them renews the cached page.
SOURCES = [
    Program,
    BureauSettings,
    BlackoutDay,
    LectureRequest,
    StaffBooking,
    TimeOff,
    Posting,
    User,
    UserRole,
]


def lecturer_facts(start: datetime, end: datetime) -> LecturerFacts:
    """The active lecturers, their bookings (every program: lectures, study tours...) and time
    off touching [start, end), and their postings abroad then: three statements.

    The one place this page reads people's diaries. It reads the shared scheduling tables
    directly rather than through `scheduling.services.busy`, which leaves out each booking's
    buffer, and the gap the rule asks for depends on it.
    """
    ids = tuple(
        db.session.scalars(
            sa.select(User.id)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.LECTURER, User.active.is_(True))
            .order_by(User.id)
        )
    )
    if not ids:
        return LecturerFacts((), (), ())
    bookings = sa.select(
        StaffBooking.person_id, StaffBooking.starts_at, StaffBooking.ends_at, StaffBooking.buffer_minutes
    ).where(
        StaffBooking.person_id.in_(ids),
        StaffBooking.active.is_(True),
        StaffBooking.starts_at < end,
        StaffBooking.ends_at > start,
    )
    time_off = sa.select(TimeOff.person_id, TimeOff.starts_at, TimeOff.ends_at, sa.literal(0)).where(
        TimeOff.person_id.in_(ids), TimeOff.starts_at < end, TimeOff.ends_at > start
    )
    busy = tuple(Busy(*row) for row in db.session.execute(bookings.union_all(time_off)))
    first, last = start.astimezone(JST).date(), end.astimezone(JST).date()
    postings = db.session.execute(
        sa.select(Posting.person_id, Posting.first_day, Posting.last_day).where(
            Posting.person_id.in_(ids),
            Posting.first_day <= last,
            sa.or_(Posting.last_day.is_(None), Posting.last_day >= first),
        )
    )
    return LecturerFacts(ids, busy, tuple(Abroad(*row) for row in postings))


def _lectures_per_day(first: date, last: date) -> dict[date, int]:
    rows = db.session.execute(
        sa.select(LectureRequest.lecture_day, sa.func.count(LectureRequest.id))
        .where(
            LectureRequest.lecture_day.between(first, last),
            LectureRequest.status.in_(BOOKED_STATUSES),
        )
        .group_by(LectureRequest.lecture_day)
    ).all()
    return dict(rows)


def _shortest_program_minutes() -> dict[LectureFormat, int | None]:
    """Per format, the shortest active program offered in it (None: no program offers it)."""
    active = Program.active.is_(True)
    in_person, online = db.session.execute(
        sa.select(
            sa.func.min(sa.case((sa.and_(active, Program.offers_in_person), Program.duration_minutes))),
            sa.func.min(sa.case((sa.and_(active, Program.offers_online), Program.duration_minutes))),
        )
    ).one()
    return {LectureFormat.IN_PERSON: in_person, LectureFormat.ONLINE: online}


# --- Judging a day -------------------------------------------------------------------


def day_kind(day: date, settings: Settings, today: date) -> DayKind:
    if day < today:
        return DayKind.PAST
    if not is_lecture_day(day, settings):  # weekends, holidays, the year-end closing, blackout days
        return DayKind.CLOSED
    if day < settings.earliest_day(today):
        return DayKind.TOO_SOON
    if day > settings.latest_day(today):
        return DayKind.NOT_YET
    return DayKind.SCHOOL_DAY


def can_fit(
    busy: Iterable[Busy], day: date, duration_minutes: int, buffer_minutes: int, settings: Settings
) -> bool:
    """Whether a lecture of this length and buffer can start on `day` within school hours
    without coming too close to any of `busy` (one lecturer's times)."""
    duration = timedelta(minutes=duration_minutes)
    # A busy time [a, b] needing a gap g forbids every start strictly between a - duration - g
    # and b + g; a start on either edge is allowed, as the scheduling rule allows it.
    forbidden = []
    for item in busy:
        gap = timedelta(minutes=max(buffer_minutes, item.buffer_minutes))
        forbidden.append((item.starts_at - duration - gap, item.ends_at + gap))
    start = datetime.combine(day, settings.school_day_start, tzinfo=JST)
    latest = datetime.combine(day, settings.school_day_end, tzinfo=JST)
    for low, high in sorted(forbidden):
        if start <= low:
            break
        start = max(start, high)
    return start <= latest


def judge(places_left: int, free_lecturers: int) -> DayState:
    """The state of a format on a school day (see the module's docstring)."""
    if places_left <= 0 or free_lecturers <= 0:
        return DayState.FULL
    if places_left == 1 or free_lecturers == 1:
        return DayState.NEARLY_FULL
    return DayState.OPEN


@dataclass(frozen=True)
class Day:
    day: date
    kind: DayKind
    states: tuple[tuple[LectureFormat, DayState], ...] = ()
    note: str = ""  # why a weekday is closed: the holiday's name, the blackout day's reason

    @property
    def bookable(self) -> bool:
        return any(state.bookable for _fmt, state in self.states)

    def state(self, fmt: LectureFormat) -> DayState | None:
        return dict(self.states).get(fmt)


def _day_states(
    day: date,
    settings: Settings,
    booked: int,
    shortest: dict[LectureFormat, int | None],
    facts: LecturerFacts,
    busy_on: dict[tuple[int, date], list[Busy]],
) -> tuple[tuple[LectureFormat, DayState], ...]:
    states = []
    places_left = settings.daily_cap - booked
    for fmt in FORMATS:
        minutes = shortest[fmt]
        if minutes is None:
            states.append((fmt, DayState.NOT_OFFERED))
            continue
        online = fmt == LectureFormat.ONLINE
        buffer = settings.buffer_minutes(online)
        free = 0
        for person in facts.lecturer_ids:
            if not online and any(a.person_id == person and a.covers(day) for a in facts.abroad):
                continue
            if can_fit(busy_on.get((person, day), ()), day, minutes, buffer, settings):
                free += 1
        states.append((fmt, judge(places_left, free)))
    return tuple(states)


@dataclass(frozen=True)
class Month:
    first: date  # the month's first day

    @property
    def last(self) -> date:
        return self.first.replace(day=stdlib_calendar.monthrange(self.first.year, self.first.month)[1])

    @property
    def value(self) -> str:
        return f"{self.first.year:04d}-{self.first.month:02d}"

    def shift(self, months: int) -> Month:
        index = self.first.year * 12 + self.first.month - 1 + months
        year, month = divmod(index, 12)
        return Month(date(year, month + 1, 1))

    def title(self, language: str | None = None) -> str:
        lang = language or current_language()
        return babel_format_date(self.first, "y年M月" if lang == "ja" else "LLLL y", locale=lang)

    @property
    def weeks(self) -> list[list[date | None]]:
        """The month's days, a row per week from Monday; None before the 1st and after the last."""
        return [
            [day if day.month == self.first.month else None for day in week]
            for week in stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(
                self.first.year, self.first.month
            )
        ]


def _by_person_and_day(busy: Iterable[Busy], first: date, last: date) -> dict[tuple[int, date], list[Busy]]:
    """Each busy time under every day (from `first` to `last`) whose lectures it could touch."""
    found: dict[tuple[int, date], list[Busy]] = defaultdict(list)
    for item in busy:
        day = max(first, (item.starts_at - _REACH).astimezone(JST).date())
        until = min(last, (item.ends_at + _REACH).astimezone(JST).date())
        while day <= until:
            found[(item.person_id, day)].append(item)
            day += timedelta(days=1)
    return found


def month_days(month: Month, settings: Settings, today: date) -> tuple[Day, ...]:
    """Every day of `month` with its kind and, for school days, a state per format."""
    days = [month.first + timedelta(days=n) for n in range(month.last.day)]
    kinds = {day: day_kind(day, settings, today) for day in days}
    judged = [day for day in days if kinds[day].judged]
    states: dict[date, tuple] = {}
    if judged:
        first, last = min(judged), max(judged)
        start = datetime.combine(first, time(0), tzinfo=JST) - _REACH
        end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=JST) + _REACH
        shortest = _shortest_program_minutes()
        per_day = _lectures_per_day(first, last)
        facts = lecturer_facts(start, end)
        busy_on = _by_person_and_day(facts.busy, first, last)
        for day in judged:
            states[day] = _day_states(day, settings, per_day.get(day, 0), shortest, facts, busy_on)
    closed = {day: _closed_because(day, settings) for day in days if kinds[day] is DayKind.CLOSED}
    return tuple(Day(day, kinds[day], states.get(day, ()), closed.get(day, "")) for day in days)


def _closed_because(day: date, settings: Settings) -> str:
    if day.weekday() >= 5:
        return ""
    name = holiday_name(day)
    if name:
        return name
    if is_year_end_closing(day):
        return str(_l("Year-end and New Year holidays"))
    return settings.blackout_days.get(day, "")


# --- Which month ---------------------------------------------------------------------

_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})", re.ASCII)
_FULL_WIDTH = str.maketrans("０１２３４５６７８９－", "0123456789-")


def parse_month(value: str | None) -> Month | None:
    """`YYYY-MM` in ASCII or full-width digits, else None (²-like digits and any other text too)."""
    if not value or len(value) > 20:
        return None
    match = _MONTH.fullmatch(value.strip(" \u3000").translate(_FULL_WIDTH))
    if match is None:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or year < 1:
        return None
    return Month(date(year, month, 1))


@dataclass(frozen=True)
class Window:
    """The months the page shows: from this month to the month of the horizon's last day.

    `opening` is the month of the first day a request may ask for (after the lead time):
    the page opens there, so a teacher first sees days they can pick.
    """

    first: Month
    last: Month
    opening: Month

    def contains(self, month: Month) -> bool:
        return self.first.first <= month.first <= self.last.first

    def previous(self, month: Month) -> Month | None:
        earlier = month.shift(-1)
        return earlier if self.contains(earlier) else None

    def next(self, month: Month) -> Month | None:
        later = month.shift(1)
        return later if self.contains(later) else None


def window(settings: Settings, today: date) -> Window:
    latest = settings.latest_day(today)
    earliest = min(settings.earliest_day(today), latest)
    return Window(Month(today.replace(day=1)), Month(latest.replace(day=1)), Month(earliest.replace(day=1)))


@dataclass(frozen=True)
class MonthView:
    """What the page draws for a month: its days by date."""

    month: Month
    days: tuple[Day, ...]

    def on(self, day: date) -> Day | None:
        if day.year != self.month.first.year or day.month != self.month.first.month:
            return None
        return self.days[day.day - 1]

    @property
    def weekdays(self) -> tuple[Day, ...]:
        """The days the table lists: every weekday of the month."""
        return tuple(day for day in self.days if day.day.weekday() < 5)

    @property
    def has_bookable(self) -> bool:
        return any(day.bookable for day in self.days)


def month_view(month: Month, settings: Settings, today: date) -> MonthView:
    return MonthView(month, month_days(month, settings, today))
