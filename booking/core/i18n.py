"""Languages: which one a visitor gets, and dates and times written naturally in each."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.dates import get_timezone_name
from flask import current_app, has_request_context, request
from flask_babel import get_locale

from booking.core.time import JST, to_zone, today_jst

LANGUAGES = ("ja", "en")
LANGUAGE_NAMES = {"ja": "日本語", "en": "English"}

# Patterns chosen to read as people write dates: 2026年12月3日(木) 10:30 / Thu 3 Dec 2026, 10:30
DATETIME_PATTERNS = {"ja": "y年M月d日(E) H:mm", "en": "EEE d MMM y, HH:mm"}
DATE_PATTERNS = {"ja": "y年M月d日(E)", "en": "EEE d MMM y"}
SHORT_DATE_PATTERNS = {"ja": "M月d日(E)", "en": "EEE d MMM"}
TIME_PATTERNS = {"ja": "H:mm", "en": "HH:mm"}


def select_locale() -> str:
    """The cookie's choice, else the browser's preference, else Japanese."""
    if not has_request_context():
        return "ja"
    chosen = request.cookies.get(current_app.config["LANGUAGE_COOKIE"])
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES, default="ja") or "ja"


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else "ja"


def localised(obj: object, name: str, language: str | None = None) -> str:
    """The Japanese or English text of a bilingual field `<name>_ja` / `<name>_en`.

    English falls back to Japanese when no English text was written.
    """
    language = language or current_language()
    ja = getattr(obj, f"{name}_ja")
    return (getattr(obj, f"{name}_en") or ja) if language == "en" else ja


def _language(language: str | None) -> str:
    return language if language in LANGUAGES else current_language()


def _zone(zone: str | ZoneInfo | None) -> ZoneInfo:
    if zone is None:
        return JST
    return ZoneInfo(zone) if isinstance(zone, str) else zone


@lru_cache(maxsize=4096)
def _formatted(local: datetime, offset: timedelta | None, pattern: str, lang: str) -> str:
    """Babel's formatting, remembered: a page of a thousand lectures repeats the same few times.

    Aware datetimes are equal when they are the same instant, so the key holds the UTC offset
    too: the same instant and offset is the same wall-clock time, and the patterns above name
    no zone.
    """
    return babel_format_datetime(local, pattern, tzinfo=local.tzinfo, locale=lang)


def format_datetime(
    value: datetime | None, zone: str | ZoneInfo | None = None, language: str | None = None
) -> str:
    """`value` in `zone` (Japan time by default), e.g. 2026年12月3日(木) 10:30."""
    if value is None:
        return ""
    lang = _language(language)
    local = to_zone(value, _zone(zone))
    return _formatted(local, local.utcoffset(), DATETIME_PATTERNS[lang], lang)


def format_date(value: date | datetime | None, language: str | None = None, short: bool = False) -> str:
    """A calendar date, e.g. 2026年12月3日(木); datetimes are taken in Japan time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_zone(value, JST).date()
    lang = _language(language)
    patterns = SHORT_DATE_PATTERNS if short else DATE_PATTERNS
    return babel_format_date(value, patterns[lang], locale=lang)


def format_day_range(first: date, last: date, language: str | None = None, today: date | None = None) -> str:
    """Whole days, both inclusive, e.g. 12月24日(木)〜1月5日(火) / Thu 24 Dec – Tue 5 Jan.

    The years are left out when the range starts this year (Japan time) and ends this year
    or the next, as people write it; otherwise they are given.
    """
    lang = _language(language)
    this_year = (today or today_jst()).year
    with_years = first.year != this_year or last.year not in (this_year, this_year + 1)
    if first == last:
        return format_date(first, lang, short=not with_years)
    start = format_date(first, lang, short=not with_years)
    if lang == "ja":
        return f"{start}〜{format_date(last, lang, short=not with_years)}"
    return f"{start} – {format_date(last, lang, short=not with_years)}"


def format_time(
    value: datetime | None, zone: str | ZoneInfo | None = None, language: str | None = None
) -> str:
    if value is None:
        return ""
    lang = _language(language)
    local = to_zone(value, _zone(zone))
    return _formatted(local, local.utcoffset(), TIME_PATTERNS[lang], lang)


def zone_name(zone: str | ZoneInfo | None, language: str | None = None) -> str:
    """A zone's name for people, e.g. 日本時間 / カンボジア時間 / Indochina Time."""
    tz = _zone(zone)
    lang = _language(language)
    if tz.key == "Asia/Tokyo":
        return "日本時間" if lang == "ja" else "Japan time"
    return get_timezone_name(tz, locale=lang)


def format_datetime_dual(
    value: datetime | None, zone: str | ZoneInfo | None, language: str | None = None
) -> str:
    """Japan time, with the other zone's wall clock beside it when it differs.

    e.g. 2026年12月3日(木) 10:30(日本時間)/ 8:30(インドシナ時間)
    """
    if value is None:
        return ""
    lang = _language(language)
    japan = format_datetime(value, JST, lang)
    tz = _zone(zone)
    if tz.key == "Asia/Tokyo" or to_zone(value, tz).utcoffset() == to_zone(value, JST).utcoffset():
        return japan
    other_local = to_zone(value, tz)
    other = (
        format_time(value, tz, lang)
        if other_local.date() == to_zone(value, JST).date()
        else format_datetime(value, tz, lang)
    )
    if lang == "ja":
        return f"{japan}(日本時間)/ {other}({zone_name(tz, lang)})"
    return f"{japan} Japan time / {other} {zone_name(tz, lang)}"


def register_template_helpers(app) -> None:
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["time"] = format_time
    app.jinja_env.filters["datetime_dual"] = format_datetime_dual
    app.jinja_env.filters["day_range"] = format_day_range
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
