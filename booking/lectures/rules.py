"""The calendar rules a lecture's date and time must meet, with a message for each.

Used for the school's candidate dates, for dates staff propose, and when staff schedule.
Dates and times are Japan time. Staff may override the booking window (lead time and
horizon) and the school-day rules (weekends and national holidays) with a recorded
reason; never the bureau's blackout days, school hours, or a date already past.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import jpholiday
from flask_babel import gettext as _

from booking.core.i18n import format_date, format_time
from booking.core.time import JST, jst_to_utc
from booking.lectures.holidays import holiday_name
from booking.settings.closing import is_year_end_closing
from booking.settings.services import Settings


class Rule(enum.StrEnum):
    PAST = "past"
    LEAD_TIME = "lead_time"
    HORIZON = "horizon"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    BLACKOUT = "blackout"
    SCHOOL_HOURS = "school_hours"


OVERRIDABLE = frozenset({Rule.LEAD_TIME, Rule.HORIZON, Rule.WEEKEND, Rule.HOLIDAY})


@dataclass(frozen=True)
class Problem:
    rule: Rule
    message: str

    @property
    def about_time(self) -> bool:
        """True when the message belongs next to the time rather than the date."""
        return self.rule == Rule.SCHOOL_HOURS

    @property
    def overridable(self) -> bool:
        return self.rule in OVERRIDABLE


def is_day_off(day: date) -> bool:
    """Weekends, national holidays and the year-end closing: no school, no lecture."""
    return day.weekday() >= 5 or jpholiday.is_holiday(day) or is_year_end_closing(day)


def is_lecture_day(day: date, settings: Settings) -> bool:
    """A school day the bureau is open: not a day off, not one of its blackout days."""
    return not is_day_off(day) and day not in settings.blackout_days


def last_lecture_day(settings: Settings, today: date) -> date:
    """The last day within the horizon a lecture can really be held on (for the message).

    The horizon itself may end on a weekend, a holiday or a blackout day; naming that day
    as the last one to choose would send the school to a day that is refused too.
    """
    day = settings.latest_day(today)
    earliest = settings.earliest_day(today)
    while day > earliest and not is_lecture_day(day, settings):
        day -= timedelta(days=1)
    return day


def day_problems(day: date, settings: Settings, today: date) -> list[Problem]:
    """What is wrong with `day` as a lecture date; the first problem found is enough."""
    shown = format_date(day)
    if day < today:
        return [Problem(Rule.PAST, _("%(date)s has already passed.", date=shown))]
    if day < settings.earliest_day(today):
        return [
            Problem(
                Rule.LEAD_TIME,
                _(
                    "Please ask at least %(days)d days ahead: choose %(earliest)s or later.",
                    days=settings.lead_time_days,
                    earliest=format_date(settings.earliest_day(today)),
                ),
            )
        ]
    if day > settings.latest_day(today):
        return [
            Problem(
                Rule.HORIZON,
                _(
                    "We take requests up to %(days)d days ahead: choose %(latest)s or earlier.",
                    days=settings.horizon_days,
                    latest=format_date(last_lecture_day(settings, today)),
                ),
            )
        ]
    if day.weekday() == 5:
        return [Problem(Rule.WEEKEND, _("%(date)s is a Saturday. Please choose a weekday.", date=shown))]
    if day.weekday() == 6:
        return [Problem(Rule.WEEKEND, _("%(date)s is a Sunday. Please choose a weekday.", date=shown))]
    name = holiday_name(day)
    if name:
        return [
            Problem(
                Rule.HOLIDAY,
                _(
                    "%(date)s is a national holiday (%(name)s). Please choose another day.",
                    date=shown,
                    name=name,
                ),
            )
        ]
    if is_year_end_closing(day):
        return [
            Problem(
                Rule.HOLIDAY,
                _(
                    "%(date)s falls in the year-end and New Year holidays (29 December to 3 January). "
                    "Please choose another day.",
                    date=shown,
                ),
            )
        ]
    if day in settings.blackout_days:
        reason = settings.blackout_days[day]
        message = (
            _(
                "The bureau holds no lectures on %(date)s (%(reason)s). Please choose another day.",
                date=shown,
                reason=reason,
            )
            if reason
            else _("The bureau holds no lectures on %(date)s. Please choose another day.", date=shown)
        )
        return [Problem(Rule.BLACKOUT, message)]
    return []


def time_problems(at: time, settings: Settings) -> list[Problem]:
    if settings.school_day_start <= at <= settings.school_day_end:
        return []
    start = datetime.combine(date(2000, 1, 3), settings.school_day_start, tzinfo=JST)
    end = datetime.combine(date(2000, 1, 3), settings.school_day_end, tzinfo=JST)
    return [
        Problem(
            Rule.SCHOOL_HOURS,
            _(
                "Please choose a start time between %(start)s and %(end)s (Japan time).",
                start=format_time(start),
                end=format_time(end),
            ),
        )
    ]


def slot_problems(day: date, at: time, settings: Settings, now: datetime) -> list[Problem]:
    """Every rule a start at `day` `at` (Japan time) breaks, judged at `now`."""
    today = now.astimezone(JST).date()
    problems = day_problems(day, settings, today)
    problems += time_problems(at, settings)
    if not problems and jst_to_utc(day, at) <= now:
        problems.append(Problem(Rule.PAST, _("This time has already passed.")))
    return problems
