"""What each guide already has on the days a tour could take place: for the schedule page,
so a coordinator sees "Lecture 10:30–11:15" beside a guide's name before choosing.

The service (services/staff_actions.py) has the last word on clashes; this only helps choose.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _

from booking.core.i18n import format_time
from booking.core.time import JST, to_zone
from booking.scheduling.models import Program
from booking.scheduling.services import Busy, busy
from booking.settings.services import current_settings
from booking.staff.models import User


@dataclass(frozen=True)
class DayRow:
    """One possible date, and what each guide already has that day."""

    slot: object
    by_person: dict[int, list[Busy]]  # person id → their bookings and time off that day
    clashing: dict[int, bool]  # person id → something of it is too close to the visit


def _day_bounds(moment: datetime) -> tuple[datetime, datetime]:
    """The Japan-time day `moment` falls on, as UTC bounds."""
    start = datetime.combine(to_zone(moment, JST).date(), datetime.min.time(), tzinfo=JST)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def guide_days(visit_id: int, slots: list, people: list[User]) -> list[DayRow]:
    """Each date beside each guide's bookings (any program) and time off that Japan-time day;
    one query for all the dates. The visit's own bookings are left out."""
    if not slots or not people:
        return [DayRow(slot, {}, {}) for slot in slots]
    buffer = timedelta(minutes=current_settings().buffer_minutes(False))
    ids = [u.id for u in people]
    first = min(_day_bounds(slot.starts_at)[0] for slot in slots)
    last = max(_day_bounds(slot.starts_at)[1] for slot in slots)
    found = busy(ids, first, last)
    rows = []
    for slot in slots:
        start, end = _day_bounds(slot.starts_at)
        by_person = {
            pid: [
                b
                for b in found.get(pid, [])
                if b.starts_at < end
                and b.ends_at > start
                and not (b.program == Program.VISIT and b.subject_id == visit_id)
            ]
            for pid in ids
        }
        clashing = {
            pid: any(
                b.starts_at < slot.ends_at + buffer and b.ends_at > slot.starts_at - buffer for b in items
            )
            for pid, items in by_person.items()
        }
        rows.append(DayRow(slot, by_person, clashing))
    return rows


def busy_label(item: Busy) -> str:
    """What keeps a person busy, e.g. "Lecture 10:00–11:30"."""
    span = f"{format_time(item.starts_at)}–{format_time(item.ends_at)}"
    if item.kind == "time_off":
        return _("Time off %(span)s", span=span)
    if item.program == Program.LECTURE:
        return _("Lecture %(span)s", span=span)
    return _("Study tour %(span)s", span=span)
