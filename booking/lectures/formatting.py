"""How a lecture's time reads: one span, in Japan time, and in a lecturer's own zone beside it."""

from __future__ import annotations

from datetime import datetime

from booking.core.i18n import (
    current_language,
    format_date,
    format_datetime,
    format_datetime_dual,
    format_day_range,
    format_time,
    zone_name,
)
from booking.core.time import JST, to_zone
from booking.schools.periods import periods_label


def time_span(
    start: datetime | None, end: datetime | None, zone: str | None = None, language: str | None = None
) -> str:
    """e.g. 2026年12月3日(木) 10:30–11:15(日本時間)/ 8:30–9:15(カンボジア時間).

    Japan time alone when `zone` is Japan's (or keeps the same clock).
    """
    if start is None or end is None:
        return ""
    lang = language or current_language()
    japan = f"{format_datetime(start, JST, lang)}–{format_time(end, JST, lang)}"
    if zone is None or to_zone(start, zone).utcoffset() == to_zone(start, JST).utcoffset():
        return japan
    local_start = to_zone(start, zone)
    same_day = local_start.date() == to_zone(start, JST).date()
    other_start = format_time(start, zone, lang) if same_day else format_datetime(start, zone, lang)
    other = f"{other_start}–{format_time(end, zone, lang)}"
    if lang == "ja":
        return f"{japan}(日本時間)/ {other}({zone_name(zone, lang)})"
    return f"{japan} Japan time / {other} {zone_name(zone, lang)}"


def slot_span(slot, language: str | None = None) -> str:
    """A date asked for: e.g. 2026年12月3日(木) 3・4校時 (10:45–12:25) when given as periods,
    else as time_span (Japan time)."""
    if slot is None:
        return ""
    periods = getattr(slot, "periods", None)
    if not periods:
        return time_span(slot.starts_at, slot.ends_at, language=language)
    lang = language or current_language()
    times = f"{format_time(slot.starts_at, JST, lang)}–{format_time(slot.ends_at, JST, lang)}"
    return f"{format_date(slot.starts_at, lang)} {periods_label(*periods, language=lang)} ({times})"


def time_off_span(period, zone: str | None = None, language: str | None = None) -> str:
    """A period of time off as it was entered: whole days (12月24日(木)〜1月5日(火)), or from
    one date and time to another, in Japan time and the lecturer's zone beside it.
    """
    if period.whole_days:
        return format_day_range(period.first_day, period.last_day, language)
    start = format_datetime_dual(period.starts_at, zone, language)
    return f"{start} – {format_datetime_dual(period.ends_at, zone, language)}"
