"""What study tours put on the staff to-do list: counted in one query, whatever the data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from booking.extensions import db
from booking.visits.models import VisitEvent, VisitRequest, VisitStatus
from booking.visits.services.inbox import held_unrecorded, without_guide


@dataclass(frozen=True)
class TodoCounts:
    new_requests: int  # received, not yet answered
    proposals: int  # dates proposed, the organiser has not chosen
    oldest_proposal_at: datetime | None  # when the longest-waiting of those was proposed
    to_record: int  # scheduled, started, not recorded as held
    without_guide: int  # scheduled, ahead, no guide booked
    first_without_guide_at: datetime | None


def todo_counts(now: datetime) -> TodoCounts:
    """The coordinators' study-tour counts, in one aggregate query."""
    proposed_at = (
        sa.select(sa.func.max(VisitEvent.occurred_at))
        .where(VisitEvent.request_id == VisitRequest.id, VisitEvent.to_status == VisitStatus.PROPOSED)
        .correlate(VisitRequest)
        .scalar_subquery()
    )
    is_proposed = VisitRequest.status == VisitStatus.PROPOSED
    no_guide = without_guide(now)
    row = db.session.execute(
        sa.select(
            sa.func.count(VisitRequest.id).filter(VisitRequest.status == VisitStatus.SUBMITTED),
            sa.func.count(VisitRequest.id).filter(is_proposed),
            sa.func.min(sa.case((is_proposed, proposed_at))),
            sa.func.count(VisitRequest.id).filter(held_unrecorded(now)),
            sa.func.count(VisitRequest.id).filter(no_guide),
            sa.func.min(sa.case((no_guide, VisitRequest.starts_at))),
        ).where(VisitRequest.status.in_([VisitStatus.SUBMITTED, VisitStatus.PROPOSED, VisitStatus.SCHEDULED]))
    ).one()
    new_requests, proposals, oldest, to_record, no_guides, first_no_guide = row
    return TodoCounts(
        new_requests or 0, proposals or 0, oldest, to_record or 0, no_guides or 0, first_no_guide
    )
