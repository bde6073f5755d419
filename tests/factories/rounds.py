"""Building busy-term rounds for tests (the clock at NOW: 2 November 2026)."""

from __future__ import annotations

from datetime import date

from booking.lectures import services
from booking.lectures.round_models import LectureRound
from booking.staff.models import User

FIRST_DAY, LAST_DAY, CLOSES_ON = date(2026, 12, 1), date(2026, 12, 18), date(2026, 11, 20)


def round_data(**overrides) -> services.RoundData:
    values = {
        "name": "2学期 繁忙期",
        "first_day": FIRST_DAY,
        "last_day": LAST_DAY,
        "closes_on": CLOSES_ON,
        "per_day": 1,
    }
    values.update(overrides)
    return services.RoundData(**values)


def make_round(actor: User, **overrides) -> LectureRound:
    return services.open_round(round_data(**overrides), actor)
