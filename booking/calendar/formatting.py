"""How entries read on the calendar: a span in Japan time, and the people's own clocks."""

from __future__ import annotations

from datetime import date, timedelta

from babel.dates import get_day_names

from booking.calendar.sources import Entry
from booking.core.i18n import current_language, format_datetime, format_time, zone_name
from booking.core.time import JST, to_zone


def _same_clock(entry: Entry, zone: str) -> bool:
    return to_zone(entry.starts_at, zone).utcoffset() == to_zone(entry.starts_at, JST).utcoffset()


def entry_span(entry: Entry, zone: str | None = None, language: str | None = None) -> str:
    """e.g. 2026年12月3日(木) 10:30–11:15, or both dates when it ends another day.

    A page of many entries passes its `language` (looked up once) to each of these filters.
    """
    lang = language or current_language()
    tz = zone or JST
    start, end = to_zone(entry.starts_at, tz), to_zone(entry.ends_at, tz)
    if start.date() == end.date():
        return f"{format_datetime(entry.starts_at, tz, lang)}–{format_time(entry.ends_at, tz, lang)}"
    return f"{format_datetime(entry.starts_at, tz, lang)} – {format_datetime(entry.ends_at, tz, lang)}"


def local_times(entry: Entry, language: str | None = None) -> list[str]:
    """The span on each person's own clock, for those whose clock differs from Japan's."""
    if not entry.people:
        return []
    lang = language or current_language()
    return [
        f"{person.name}: {entry_span(entry, person.time_zone, lang)} ({zone_name(person.time_zone, lang)})"
        for person in entry.people
        if not _same_clock(entry, person.time_zone)
    ]


def time_on(entry: Entry, day: date, language: str | None = None) -> str:
    """What a day's cell says of an entry's time: its start, or that it goes on from before."""
    start = to_zone(entry.starts_at, JST)
    lang = language or current_language()
    if start.date() == day:
        return format_time(entry.starts_at, JST, lang)
    end = to_zone(entry.ends_at - timedelta(microseconds=1), JST)
    return "…" + format_time(entry.ends_at, JST, lang) if end.date() == day else "…"


def weekday_names() -> list[str]:
    """Monday to Sunday, abbreviated, in the reader's language."""
    names = get_day_names("abbreviated", locale=current_language())
    return [names[i] for i in range(7)]
