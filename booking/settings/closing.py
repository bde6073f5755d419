"""The bureau's fixed year-end closing (年末年始の休み), 29 December to 3 January.

Public offices and schools are closed then every year, so no lecture is held; it is not
a blackout day an admin adds, but staff see it beside them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

CLOSING_START = (12, 29)  # month, day
CLOSING_END = (1, 3)  # in the next year


def is_year_end_closing(day: date) -> bool:
    """29 December to 3 January: public offices (and the bureau) are closed, schools too."""
    return (day.month, day.day) >= CLOSING_START or (day.month, day.day) <= CLOSING_END


@dataclass(frozen=True)
class Closing:
    first_day: date
    last_day: date


def next_year_end_closing(today: date) -> Closing:
    """The closing in progress on `today`, or the next one."""
    year = today.year - 1 if (today.month, today.day) <= CLOSING_END else today.year
    return Closing(date(year, *CLOSING_START), date(year + 1, *CLOSING_END))


@dataclass(frozen=True)
class ClosedDays:
    """A row of the staff's list of closed days: a blackout day, or the year-end closing."""

    first_day: date
    last_day: date
    reason: str
    blackout_id: int | None = None  # None: the fixed year-end closing, which stays

    @property
    def can_remove(self) -> bool:
        return self.blackout_id is not None

    @property
    def is_one_day(self) -> bool:
        return self.first_day == self.last_day


def closed_days(blackout_days: list, today: date) -> list[ClosedDays]:
    """The blackout days from `today` on and the coming year-end closing, by date."""
    closing = next_year_end_closing(today)
    rows = [
        ClosedDays(
            closing.first_day,
            closing.last_day,
            _("Year-end and New Year holidays"),
        )
    ]
    rows += [ClosedDays(b.day, b.day, b.reason, b.id) for b in blackout_days if b.day >= today]
    return sorted(rows, key=lambda row: (row.first_day, row.blackout_id or 0))
