"""Bell schedules (校時): the periods of a school day, and runs of consecutive periods.

A school in the directory has its own schedule, or the default of its type:

- elementary and special needs schools: 45-minute periods from 8:45, 10-minute breaks,
  a 20-minute break after the 2nd period, lunch and recess (給食・昼休み) after the 4th:
  1 08:45–09:30, 2 09:40–10:25, 3 10:45–11:30, 4 11:40–12:25, 5 13:45–14:30, 6 14:40–15:25;
- junior high and high schools (and others): 50-minute periods from 8:45, 10-minute
  breaks, a 15-minute break after the 2nd, lunch after the 4th:
  1 08:45–09:35, 2 09:45–10:35, 3 10:50–11:40, 4 11:50–12:40, 5 13:30–14:20, 6 14:30–15:20.

A lecture may take consecutive periods, with the short breaks between them; a break of
LONG_BREAK or more (lunch) splits the day, and no lecture runs across it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _

from booking.core.forms import _only_plain_digits
from booking.core.i18n import current_language
from booking.schools.models import MAX_PERIODS, SchoolType

LONG_BREAK = timedelta(minutes=30)


@dataclass(frozen=True)
class Period:
    number: int
    starts_at: time
    ends_at: time


def _schedule(*spans: str) -> tuple[Period, ...]:
    periods = []
    for number, span in enumerate(spans, start=1):
        start, end = (time.fromisoformat(part) for part in span.split("-"))
        periods.append(Period(number, start, end))
    return tuple(periods)


ELEMENTARY_PERIODS = _schedule(
    "08:45-09:30", "09:40-10:25", "10:45-11:30", "11:40-12:25", "13:45-14:30", "14:40-15:25"
)
SECONDARY_PERIODS = _schedule(
    "08:45-09:35", "09:45-10:35", "10:50-11:40", "11:50-12:40", "13:30-14:20", "14:30-15:20"
)
DEFAULT_PERIODS = {
    SchoolType.ELEMENTARY: ELEMENTARY_PERIODS,
    SchoolType.SPECIAL_NEEDS: ELEMENTARY_PERIODS,
    SchoolType.JUNIOR_HIGH: SECONDARY_PERIODS,
    SchoolType.HIGH: SECONDARY_PERIODS,
    SchoolType.OTHER: SECONDARY_PERIODS,
}


def default_periods(school_type: SchoolType) -> tuple[Period, ...]:
    return DEFAULT_PERIODS.get(school_type, SECONDARY_PERIODS)


def schedule_of(school) -> tuple[Period, ...]:
    """The school's periods: its own, or its type's default when it has none."""
    own = tuple(Period(p.number, p.starts_at, p.ends_at) for p in school.periods)
    return own or default_periods(school.school_type)


def _minutes_between(earlier: time, later: time) -> timedelta:
    day = date(2000, 1, 3)
    return datetime.combine(day, later) - datetime.combine(day, earlier)


def crosses_long_break(periods: Sequence[Period], first: int, last: int) -> bool:
    """True when periods first..last have a long break (lunch) between two of them."""
    by_number = {p.number: p for p in periods}
    return any(
        _minutes_between(by_number[n].ends_at, by_number[n + 1].starts_at) >= LONG_BREAK
        for n in range(first, last)
        if n in by_number and n + 1 in by_number
    )


def runs(periods: Sequence[Period]) -> list[tuple[int, int]]:
    """Every run of consecutive periods a lecture can take (none across lunch), shortest first."""
    numbers = [p.number for p in periods]
    found = []
    for length in range(1, len(numbers) + 1):
        for first in numbers:
            last = first + length - 1
            if last in numbers and not crosses_long_break(periods, first, last):
                found.append((first, last))
    return found


def run_span(periods: Sequence[Period], first: int, last: int) -> tuple[time, time] | None:
    """When periods first..last start and end; None when the school has no such periods."""
    by_number = {p.number: p for p in periods}
    if any(n not in by_number for n in range(first, last + 1)):
        return None
    return by_number[first].starts_at, by_number[last].ends_at


def periods_needed(periods: Sequence[Period], first: int, minutes: int) -> int:
    """How many consecutive periods from `first` a lecture of `minutes` takes (with the breaks);
    from the school's typical period length when the day ends before."""
    by_number = {p.number: p for p in periods}
    if first in by_number:
        start = by_number[first].starts_at
        for last in range(first, max(by_number) + 1):
            if last not in by_number:
                break
            if _minutes_between(start, by_number[last].ends_at) >= timedelta(minutes=minutes):
                return last - first + 1
    lengths = [_minutes_between(p.starts_at, p.ends_at) for p in periods] or [timedelta(minutes=45)]
    typical = max(lengths)
    return max(1, -(-timedelta(minutes=minutes) // typical))


def periods_label(first: int, last: int, language: str | None = None) -> str:
    """3・4校時 / Periods 3–4; 5校時 / Period 5; 2〜4校時 / Periods 2–4."""
    if (language or current_language()) == "ja":
        if first == last:
            return f"{first}校時"
        if last == first + 1:
            return f"{first}・{last}校時"
        return f"{first}〜{last}校時"
    return f"Period {first}" if first == last else f"Periods {first}–{last}"


def run_value(first: int, last: int) -> str:
    """The form's value for a run: "3-4", or "5" for one period."""
    return str(first) if first == last else f"{first}-{last}"


_DASHES = "-‐‑‒–—−ー〜~～"
_RUN = re.compile(rf"(\d{{1,2}})(?:[{_DASHES}](\d{{1,2}}))?", re.ASCII)


def parse_run(text: str) -> tuple[int, int]:
    """A run as typed: "3-4", "３－４", "3–4", "3・4", "3・4校時", "5". ValueError with a message."""
    raw = text or ""
    cleaned = unicodedata.normalize("NFKC", raw).strip().replace(" ", "")
    cleaned = re.sub(r"(校時|限|時間目)$", "", cleaned).replace("・", "-")
    match = _RUN.fullmatch(cleaned)
    if match is None or not _only_plain_digits(raw):
        raise ValueError(_("Choose the periods from the list, e.g. 3-4 for the 3rd and 4th periods."))
    first = int(match.group(1))
    last = int(match.group(2)) if match.group(2) else first
    if first < 1 or last < 1 or first > MAX_PERIODS or last > MAX_PERIODS:
        raise ValueError(_("A school day has periods 1 to %(max)d. Choose from the list.", max=MAX_PERIODS))
    if last < first:
        raise ValueError(_("Give the earlier period first, e.g. 3-4."))
    return first, last


# The bell schedule as one line of text (the CSV import's `periods` column) -----------------

_ENTRY = re.compile(r"(\d{1,2})=(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})", re.ASCII)


def parse_schedule(text: str) -> tuple[Period, ...]:
    """`1=08:45-09:30;2=09:40-10:25;…` as periods; ValueError with a message a person reads."""
    raw = text or ""
    cleaned = unicodedata.normalize("NFKC", raw).replace(" ", "").replace("–", "-").strip(";")
    if not _only_plain_digits(raw):
        raise ValueError(_("write the periods like 1=08:45-09:30;2=09:40-10:25"))
    periods = []
    for entry in cleaned.split(";"):
        match = _ENTRY.fullmatch(entry)
        if match is None:
            raise ValueError(
                _(
                    "“%(entry)s” is not like 1=08:45-09:30",
                    entry=entry if len(entry) <= 30 else entry[:30] + "…",
                )
            )
        number, h1, m1, h2, m2 = (int(g) for g in match.groups())
        try:
            periods.append(Period(number, time(h1, m1), time(h2, m2)))
        except ValueError:
            raise ValueError(_("period %(n)d has a time that does not exist", n=number)) from None
    problem = schedule_problem(periods)
    if problem:
        raise ValueError(problem)
    return tuple(periods)


def schedule_problem(periods: Iterable[Period]) -> str | None:
    """What is wrong with a bell schedule, or None: numbered 1, 2, 3… in order, each ending
    after it starts and starting after the one before ends."""
    periods = list(periods)
    if not periods:
        return _("give at least the 1st period")
    if len(periods) > MAX_PERIODS:
        return _("a school day has at most %(max)d periods", max=MAX_PERIODS)
    for expected, period in enumerate(periods, start=1):
        if period.number != expected:
            return _("number the periods 1, 2, 3… in order (period %(n)d is missing)", n=expected)
        if period.ends_at <= period.starts_at:
            return _("period %(n)d must end after it starts", n=period.number)
        if expected > 1 and period.starts_at < periods[expected - 2].ends_at:
            return _(
                "period %(n)d starts before period %(previous)d ends", n=period.number, previous=expected - 1
            )
    return None


def schedule_text(periods: Iterable[Period]) -> str:
    """The schedule as the CSV column writes it."""
    return ";".join(
        f"{p.number}={p.starts_at.strftime('%H:%M')}-{p.ends_at.strftime('%H:%M')}" for p in periods
    )
