"""One place for "now", Japan time, fiscal years and zone conversion.

Datetimes are aware and in UTC inside the app; they are converted at the edges.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

JST = ZoneInfo("Asia/Tokyo")


def utcnow() -> datetime:
    return datetime.now(UTC)


def now_jst() -> datetime:
    return utcnow().astimezone(JST)


def today_jst() -> date:
    return now_jst().date()


def to_zone(value: datetime, zone: str | ZoneInfo | None = None) -> datetime:
    """The aware `value` seen in `zone` (Japan time when none is given)."""
    if value.tzinfo is None:
        raise ValueError("naive datetime; the app only handles aware datetimes")
    tz = ZoneInfo(zone) if isinstance(zone, str) else (zone or JST)
    return value.astimezone(tz)


def jst_to_utc(day: date, at: time) -> datetime:
    """A wall-clock date and time in Japan as an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=JST).astimezone(UTC)


def fiscal_year(day: date) -> int:
    """The Japanese fiscal year (April to March) that `day` falls in."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(year: int) -> tuple[datetime, datetime]:
    """UTC start (inclusive) and end (exclusive) of fiscal year `year`, in Japan time."""
    start = datetime(year, 4, 1, tzinfo=JST)
    end = datetime(year + 1, 4, 1, tzinfo=JST)
    return start.astimezone(UTC), end.astimezone(UTC)


def is_valid_zone(name: str) -> bool:
    return name in available_timezones()


def common_zones() -> list[str]:
    """Time zones offered in forms: Japan first, then the bureau's partner countries."""
    preferred = ["Asia/Tokyo", "Asia/Phnom_Penh", "Asia/Ho_Chi_Minh", "Asia/Bangkok", "UTC"]
    rest = sorted(z for z in available_timezones() if "/" in z and z not in preferred)
    return preferred + rest


def minutes(value: int) -> timedelta:
    return timedelta(minutes=value)
