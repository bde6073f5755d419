"""Retention: an organiser's contact details go once the visit is long finished.

The organisation, the country, the group's size, the facilities, the dates, the history
and the visitors by country stay (they are what /records counts); the contact name,
email and phone, the free text the organiser typed (accessibility needs, notes, feedback
comments, the reasons they gave) and the private links go, and the emails about the
request are deleted.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from booking.audit.services import record
from booking.core.batches import BATCH_SIZE, id_batches
from booking.core.time import utcnow
from booking.extensions import db
from booking.notifications.models import OutboxEmail
from booking.visits import notifications
from booking.visits.models import FINISHED_STATUSES, VisitRequest

# A finished visit's contact details are kept this long after the visit (or the request,
# when no visit was booked): time enough for questions, feedback and the year's report.
RETENTION = timedelta(days=365)


def purge_personal_data(now: datetime | None = None, batch_size: int = BATCH_SIZE) -> str:
    """Blank the contact details of visits finished more than RETENTION ago, `batch_size`
    requests at a time, each batch committed with its audit entry."""
    now = now or utcnow()
    cutoff = now - RETENTION
    due = sa.select(VisitRequest.id).where(
        VisitRequest.status.in_(FINISHED_STATUSES),
        VisitRequest.personal_data_purged_at.is_(None),
        sa.func.coalesce(VisitRequest.starts_at, VisitRequest.submitted_at) < cutoff,
    )
    purged = 0
    for ids in id_batches(due, VisitRequest.id, batch_size):
        _purge(ids, now)
        record(None, "visit.purge_personal_data", "visit_request", None, requests=len(ids))
        db.session.commit()
        purged += len(ids)
    return f"Study tours: contact details removed from {purged} finished request(s)."


def _purge(ids: list[int], now: datetime) -> None:
    """Clear one batch of requests and delete the emails about them (the caller commits)."""
    visits = db.session.scalars(
        sa.select(VisitRequest)
        .options(
            selectinload(VisitRequest.links),
            selectinload(VisitRequest.feedback),
            selectinload(VisitRequest.events),
        )
        .where(VisitRequest.id.in_(ids))
    )
    for visit in visits:
        if visit.events and visit.events[-1].by_organiser:
            visit.closed_reason = ""
        visit.purge_personal_data(now)
    db.session.execute(
        sa.delete(OutboxEmail).where(
            OutboxEmail.related_type == notifications.RELATED,
            OutboxEmail.related_id.in_([str(i) for i in ids]),
        )
    )
