"""The youth training's program events (training days, the dispatch, the results report) on
the staff calendar. They book no one, so they appear when the calendar shows everyone."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from booking.calendar.sources import Entry, register_source
from booking.core.auth import Role
from booking.extensions import db
from booking.staff.models import User
from booking.youth.models import CohortEvent

# Who sees the program's events on the calendar, and who can open them.
SEES_EVENTS = (Role.ADMIN, Role.COORDINATOR)
OPENS_EVENTS = (Role.COORDINATOR,)


def calendar_entries(start: datetime, end: datetime, viewer: User, person_id: int | None) -> list[Entry]:
    if person_id is not None or not viewer.has_any_role(*SEES_EVENTS):
        return []
    events = db.session.scalars(
        sa.select(CohortEvent)
        .options(joinedload(CohortEvent.cohort))
        .where(CohortEvent.starts_at < end, CohortEvent.ends_at > start)
        .order_by(CohortEvent.starts_at)
    )
    may_open = viewer.has_any_role(*OPENS_EVENTS)
    return [
        Entry(
            kind="youth_event",
            kind_label=_("Youth training"),
            title=f"{event.title()} ({event.cohort.title()})",
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            url=url_for("youth.edit_event", cohort_id=event.cohort_id, event_id=event.id)
            if may_open
            else None,
            status_label=event.kind.label,
            tone="info",
            location=event.place(),
        )
        for event in events
    ]


register_source("youth", calendar_entries)
