"""What part of the calendar a page shows: a month, a week or a day, in Japan time.

Query arguments are read leniently: an unknown view or a date that is not a real
YYYY-MM-DD (or lies outside the years forms accept) reads as if it were not given.
"""

from __future__ import annotations

import calendar as stdlib_calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from babel.dates import format_date as babel_format_date
from flask_babel import lazy_gettext as _l

from booking.core.enums import LabelledEnum
from booking.core.forms import EARLIEST_DATE, LATEST_DATE
from booking.core.i18n import current_language, format_date
from booking.core.time import JST


class ViewKind(LabelledEnum):
    MONTH = "month"
    WEEK = "week"
    DAY = "day"

    @property
    def is_month(self) -> bool:
        return self is ViewKind.MONTH

    @property
    def is_week(self) -> bool:
        return self is ViewKind.WEEK

    @property
    def is_day(self) -> bool:
        return self is ViewKind.DAY

    @property
    def previous_label(self) -> str:
        return str(_PREVIOUS[self])

    @property
    def next_label(self) -> str:
        return str(_NEXT[self])


VIEW_LABELS = ViewKind.set_labels(
    {ViewKind.MONTH: _l("Month"), ViewKind.WEEK: _l("Week"), ViewKind.DAY: _l("Day")}
)

_PREVIOUS = {
    ViewKind.MONTH: _l("Previous month"),
    ViewKind.WEEK: _l("Previous week"),
    ViewKind.DAY: _l("Previous day"),
}
_NEXT = {ViewKind.MONTH: _l("Next month"), ViewKind.WEEK: _l("Next week"), ViewKind.DAY: _l("Next day")}
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)


def parse_view(value: str | None) -> ViewKind:
    try:
        return ViewKind(value or "")
    except ValueError:
        return ViewKind.MONTH


def parse_day(value: str | None) -> date | None:
    """A YYYY-MM-DD date between the years forms accept, else None."""
    match = _ISO_DAY.fullmatch(value or "")
    if match is None:
        return None
    try:
        day = date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
    return day if EARLIEST_DATE <= day <= LATEST_DATE else None


def day_start(day: date) -> datetime:
    """Midnight at the start of `day`, Japan time, as a UTC datetime."""
    return datetime.combine(day, time(0), tzinfo=JST).astimezone(UTC)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _month_shift(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, 1)


@dataclass(frozen=True)
class Period:
    view: ViewKind
    anchor: date  # the day asked for

    @property
    def first(self) -> date:
        """The first day the period covers (a month's 1st, a week's Monday, the day)."""
        if self.view.is_month:
            return self.anchor.replace(day=1)
        if self.view.is_week:
            return _monday(self.anchor)
        return self.anchor

    @property
    def last(self) -> date:
        if self.view.is_month:
            return self.anchor.replace(day=stdlib_calendar.monthrange(self.anchor.year, self.anchor.month)[1])
        if self.view.is_week:
            return self.first + timedelta(days=6)
        return self.anchor

    @property
    def grid_first(self) -> date:
        """The first day drawn: a month's grid starts on the Monday of its first week."""
        return _monday(self.first) if self.view.is_month else self.first

    @property
    def grid_last(self) -> date:
        return self.last + timedelta(days=6 - self.last.weekday()) if self.view.is_month else self.last

    @property
    def start(self) -> datetime:
        """The start of what is read from the sources (UTC)."""
        return day_start(self.grid_first)

    @property
    def end(self) -> datetime:
        return day_start(self.grid_last + timedelta(days=1))

    @property
    def weeks(self) -> list[list[date]]:
        """The days drawn, a row per week (Monday to Sunday; one row for a week, one day for a day)."""
        days = [
            self.grid_first + timedelta(days=n) for n in range((self.grid_last - self.grid_first).days + 1)
        ]
        return [days[i : i + 7] for i in range(0, len(days), 7)]

    def contains(self, day: date) -> bool:
        return self.first <= day <= self.last

    @property
    def previous(self) -> date | None:
        return self._within(self._shift(-1))

    @property
    def next(self) -> date | None:
        return self._within(self._shift(1))

    def _shift(self, step: int) -> date:
        if self.view.is_month:
            return _month_shift(self.anchor, step)
        return self.anchor + timedelta(days=7 * step if self.view.is_week else step)

    @staticmethod
    def _within(day: date) -> date | None:
        return day if EARLIEST_DATE <= day <= LATEST_DATE else None

    def title(self, language: str | None = None) -> str:
        """The period in words, e.g. 2026年12月 / 11月30日(月)〜12月6日(日) / 2026年12月3日(木)."""
        lang = language or current_language()
        if self.view.is_month:
            pattern = "y年M月" if lang == "ja" else "LLLL y"
            return babel_format_date(self.anchor, pattern, locale=lang)
        if self.view.is_week:
            return f"{format_date(self.first, lang)} – {format_date(self.last, lang)}"
        return format_date(self.anchor, lang)
