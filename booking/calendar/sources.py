"""Where calendar entries come from: each program registers a source when it is imported.

A source is `fn(start, end, viewer, person_id)` returning the entries that overlap
[start, end) which `viewer` may see, only those of `person_id` when one is given.
A feed source is `fn(user, since)` returning that person's calendar events (.ics) from
`since` on. Sources run their own queries (a fixed number, whatever the period holds).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from booking.notifications.ics import CalendarEvent


@dataclass(frozen=True)
class Person:
    """Someone an entry books, and the zone their own clock is in."""

    id: int
    name: str
    time_zone: str = "Asia/Tokyo"


@dataclass(frozen=True)
class Entry:
    """One thing on the calendar, as the page shows it."""

    kind: str  # e.g. "lecture", "time_off", "youth_event": a CSS hook, never shown
    kind_label: str  # what it is, in words
    title: str
    starts_at: datetime
    ends_at: datetime
    url: str | None = None
    people: tuple[Person, ...] = ()
    status_label: str = ""
    tone: str = "neutral"  # a tag's tone; the status label always says the same in words
    location: str = ""
    # Time off: the person is busy, there is nothing to attend.
    busy_only: bool = False


EntrySource = Callable[[datetime, datetime, Any, int | None], list[Entry]]
FeedSource = Callable[[Any, datetime], list[CalendarEvent]]

_sources: dict[str, EntrySource] = {}
_feed_sources: dict[str, FeedSource] = {}


def register_source(key: str, source: EntrySource) -> None:
    _sources[key] = source


def register_feed_source(key: str, source: FeedSource) -> None:
    _feed_sources[key] = source


def entries_between(start: datetime, end: datetime, viewer: Any, person_id: int | None) -> list[Entry]:
    """Every source's entries overlapping [start, end), earliest first."""
    found = [entry for source in _sources.values() for entry in source(start, end, viewer, person_id)]
    return sorted(found, key=lambda e: (e.starts_at, e.ends_at, e.kind, e.title))


def feed_events(user: Any, since: datetime) -> list[CalendarEvent]:
    events = [event for source in _feed_sources.values() for event in source(user, since)]
    return sorted(events, key=lambda e: (e.start, e.uid))
