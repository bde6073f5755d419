"""The calendar's rules for a visit's date and time, each with a message for the organiser.

A candidate is refused when it is too soon (the bureau's lead time for visits), too far
ahead, on a national holiday or in the year-end closing (the facilities are closed then),
on a day a chosen facility is closed, or when the visit (the facilities one after the
other) would start before one opens or end after one closes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import jpholiday
from babel.dates import get_day_names
from flask_babel import gettext as _

from booking.core.i18n import current_language, format_date
from booking.core.time import to_zone
from booking.settings.closing import is_year_end_closing
from booking.visits.models import Facility

# A visit is asked for at most this far ahead.
HORIZON_DAYS = 365


def closed_everywhere(day: date) -> bool:
    """Every facility is closed: a national holiday or the year-end closing."""
    return jpholiday.is_holiday(day) or is_year_end_closing(day)


@dataclass(frozen=True)
class Problem:
    message: str
    about_time: bool = False  # the start time is wrong, not the date


def visit_minutes(facilities: Sequence[Facility]) -> int:
    """How long a visit of these facilities lasts: one after the other."""
    return sum(f.visit_minutes for f in facilities) or 60


def weekday_names(facility: Facility, language: str | None = None) -> str:
    """The days a facility is open, e.g. "Mon, Tue, Wed" / "月、火、水"."""
    names = get_day_names("abbreviated", locale=language or current_language())
    return _(", ").join(names[d - 1] for d in facility.weekdays)


def slot_problems(
    day: date, at: time, facilities: Sequence[Facility], lead_days: int, now: datetime
) -> list[Problem]:
    """What is wrong with a visit on `day` at `at` (Japan time); empty when it can be asked for."""
    today = to_zone(now).date()
    problems: list[Problem] = []
    if day < today + timedelta(days=lead_days):
        problems.append(
            Problem(
                _(
                    "Please choose a date at least %(days)d days ahead (from %(first)s), so we can "
                    "prepare the guides and the site.",
                    days=lead_days,
                    first=format_date(today + timedelta(days=lead_days)),
                )
            )
        )
        return problems
    if day > today + timedelta(days=HORIZON_DAYS):
        problems.append(Problem(_("Please choose a date within one year from today.")))
        return problems
    if jpholiday.is_holiday(day):
        problems.append(Problem(_("The facilities are closed on Japanese national holidays.")))
        return problems
    if is_year_end_closing(day):
        problems.append(Problem(_("The facilities are closed from 29 December to 3 January.")))
        return problems
    for facility in facilities:
        if not facility.open_on(day):
            problems.append(
                Problem(
                    _(
                        "The %(facility)s is closed on that day of the week (open: %(days)s).",
                        facility=facility.name,
                        days=weekday_names(facility),
                    )
                )
            )
    if problems:
        return problems
    end = (datetime.combine(day, at) + timedelta(minutes=visit_minutes(facilities))).time()
    ends_next_day = datetime.combine(day, at) + timedelta(
        minutes=visit_minutes(facilities)
    ) >= datetime.combine(day + timedelta(days=1), time(0))
    for facility in facilities:
        if ends_next_day or not facility.open_between(at, end):
            problems.append(
                Problem(
                    _(
                        "The %(facility)s is open from %(opens)s to %(closes)s, and the visit lasts "
                        "%(minutes)d minutes: please choose a start time that ends by closing time.",
                        facility=facility.name,
                        opens=facility.opens_at.strftime("%H:%M"),
                        closes=facility.closes_at.strftime("%H:%M"),
                        minutes=visit_minutes(facilities),
                    ),
                    about_time=True,
                )
            )
    return problems
