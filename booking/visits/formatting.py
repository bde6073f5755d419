"""How a visit's time reads: in Japan time, with the organiser's own clock beside it.

e.g. Thu 3 Dec 2026, 10:30–11:30 (Japan) · 08:30–09:30 Phnom Penh
     2026年12月3日(木) 10:30–11:30(日本時間)・プノンペン 8:30–9:30
"""

from __future__ import annotations

from datetime import datetime

from babel.dates import get_timezone, get_timezone_location

from booking.core.i18n import current_language, format_datetime, format_time
from booking.core.time import JST, to_zone


def place_of_zone(zone: str, language: str) -> str:
    """The zone's city in the reader's language (Phnom Penh, プノンペン)."""
    return get_timezone_location(get_timezone(zone), locale=language, return_city=True)


def visit_time(
    start: datetime | None, end: datetime | None = None, zone: str | None = None, language: str | None = None
) -> str:
    """A visit's start (and end) in Japan time, and in `zone` beside it when its clock differs."""
    if start is None:
        return ""
    lang = language or current_language()
    japan = format_datetime(start, JST, lang)
    if end is not None:
        japan = f"{japan}–{format_time(end, JST, lang)}"
    japan = f"{japan}(日本時間)" if lang == "ja" else f"{japan} (Japan)"
    if not zone or to_zone(start, zone).utcoffset() == to_zone(start, JST).utcoffset():
        return japan
    same_day = to_zone(start, zone).date() == to_zone(start, JST).date()
    other = format_time(start, zone, lang) if same_day else format_datetime(start, zone, lang)
    if end is not None:
        other = f"{other}–{format_time(end, zone, lang)}"
    place = place_of_zone(zone, lang)
    return f"{japan}・{place} {other}" if lang == "ja" else f"{japan} · {other} {place}"
