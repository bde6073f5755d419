"""Calendar entries (.ics) for emails and downloads, built with the icalendar library.

A UID is stable for the life of the thing it describes; SEQUENCE grows with every change,
so calendar programs replace the entry instead of adding a second one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from icalendar import Calendar, Event

from booking.core.time import utcnow
from booking.notifications.services import Attachment

PRODID = "-//Water Bureau Outreach//Booking//JA"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    sequence: int
    start: datetime
    end: datetime
    summary: str
    description: str = ""
    location: str = ""
    url: str | None = None
    cancelled: bool = False


def build_calendar(
    events: Iterable[CalendarEvent], method: str = "PUBLISH", name: str | None = None
) -> bytes:
    """An iCalendar file; `method` is PUBLISH (downloads), REQUEST (invitations) or CANCEL.

    `name` titles a subscribed calendar in calendar programs (X-WR-CALNAME).
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    stamp = utcnow()
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("sequence", item.sequence)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.start)
        event.add("dtend", item.end)
        event.add("summary", item.summary)
        if item.description:
            event.add("description", item.description)
        if item.location:
            event.add("location", item.location)
        if item.url:
            event.add("url", item.url)
        event.add("status", "CANCELLED" if item.cancelled or method == "CANCEL" else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()


def ics_attachment(
    events: Iterable[CalendarEvent], method: str = "REQUEST", filename: str = "invite.ics"
) -> Attachment:
    return Attachment(
        filename=filename,
        content_type=f"text/calendar; method={method}; charset=UTF-8",
        data=build_calendar(events, method),
    )
