"""Visitor lists: kept while a visit is being prepared, exported for site access, then forgotten.

The organiser sends the list (typed rows or a CSV, checked by booking.visits.visitors) while
the visit is submitted, proposed or scheduled and has not begun; each sending replaces the
whole list in one commit. Coordinators export it for the site's access list; each export
is in the audit log (who, when, how many; never a name). The list is deleted when the visit
is held or cancelled (`forget`, called by the staff actions in their own transaction) and
by the retention purge; before it goes, its counts by nationality are kept in
`VisitCountry` if none were recorded, so the track record keeps its figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from booking.audit.services import record
from booking.core.batches import BATCH_SIZE, id_batches
from booking.core.errors import DomainError
from booking.core.time import utcnow
from booking.db import write_lock
from booking.extensions import db
from booking.staff.models import User
from booking.visits.models import VisitCountry, VisitRequest, VisitStatus
from booking.visits.services.common import lock_request
from booking.visits.visitor_models import Visitor
from booking.visits.visitors import VisitorRow, max_rows

# A list may be sent or changed only while the visit is still to come.
LIST_OPEN_STATUSES = frozenset({VisitStatus.SUBMITTED, VisitStatus.PROPOSED, VisitStatus.SCHEDULED})
# A scheduled visit's list outlives its end by this much at most, if nobody records it as held.
KEPT_AFTER_VISIT = timedelta(days=1)


@dataclass(frozen=True)
class ListSummary:
    """What may be said of a list without naming anyone."""

    count: int
    updated_at: datetime | None

    @property
    def sent(self) -> bool:
        return self.count > 0


def can_edit_list(visit: VisitRequest, now: datetime | None = None) -> bool:
    """The organiser may still send or change the list: the visit is to come and not purged."""
    now = now or utcnow()
    return (
        visit.status in LIST_OPEN_STATUSES
        and visit.personal_data_purged_at is None
        and (visit.starts_at is None or now < visit.starts_at)
    )


def summary(visit: VisitRequest) -> ListSummary:
    count, updated_at = db.session.execute(
        sa.select(sa.func.count(Visitor.id), sa.func.max(Visitor.added_at)).where(
            Visitor.request_id == visit.id
        )
    ).one()
    return ListSummary(count, updated_at)


def counts_by_nationality(visit: VisitRequest) -> dict[str, int]:
    """How many people of each nationality the list names (e.g. to fill in the counts when
    the visit is recorded as held)."""
    rows = db.session.execute(
        sa.select(Visitor.nationality, sa.func.count())
        .where(Visitor.request_id == visit.id)
        .group_by(Visitor.nationality)
        .order_by(Visitor.nationality)
    )
    return {nationality: count for nationality, count in rows}


def visitors_of(visit: VisitRequest) -> list[Visitor]:
    return list(
        db.session.scalars(
            sa.select(Visitor).where(Visitor.request_id == visit.id).order_by(Visitor.position)
        )
    )


def replace_list(visit: VisitRequest, rows: Sequence[VisitorRow], now: datetime | None = None) -> int:
    """Keep `rows` as the visit's whole list, in their order; one commit. Returns how many."""
    now = now or utcnow()
    request_id = visit.id
    with write_lock():
        visit = lock_request(request_id)
        if not can_edit_list(visit, now):
            raise DomainError(
                _("The visitor list can no longer be changed: the visit has begun, or is over or cancelled.")
            )
        if not rows:
            raise DomainError(_("The list has nobody on it."))
        limit = max_rows(visit.group_size)
        if len(rows) > limit:
            raise DomainError(
                _(
                    "The list names %(count)d people; a group of %(size)d may name at most %(limit)d.",
                    count=len(rows),
                    size=visit.group_size,
                    limit=limit,
                )
            )
        db.session.execute(sa.delete(Visitor).where(Visitor.request_id == request_id))
        db.session.add_all(
            Visitor(
                request_id=request_id,
                position=position,
                full_name=row.full_name,
                organisation=row.organisation,
                nationality=row.nationality,
                added_at=now,
            )
            for position, row in enumerate(rows, start=1)
        )
        record(None, "visit.visitors.replace", "visit_request", request_id, rows=len(rows))
        db.session.commit()
    return len(rows)


def forget(visit: VisitRequest) -> int:
    """Delete the visit's list, first keeping its counts by nationality if none are recorded.

    Part of the caller's transaction (recording the visit as held, cancelling it, the
    purge): the caller commits. Returns how many people the list named.
    """
    visit = lock_request(visit.id)
    recorded = db.session.scalar(
        sa.select(sa.func.count(VisitCountry.id)).where(VisitCountry.request_id == visit.id)
    )
    if not recorded:
        db.session.execute(
            sa.insert(VisitCountry).from_select(
                ["request_id", "country", "visitors"],
                sa.select(Visitor.request_id, Visitor.nationality, sa.func.count())
                .where(Visitor.request_id == visit.id)
                .group_by(Visitor.request_id, Visitor.nationality),
            )
        )
    deleted = db.session.execute(sa.delete(Visitor).where(Visitor.request_id == visit.id)).rowcount
    db.session.expire(visit)
    return deleted or 0


def purge_visitor_lists(now: datetime | None = None, batch_size: int = BATCH_SIZE) -> str:
    """Delete the lists of visits that are over: closed, purged, or ended without being recorded."""
    now = now or utcnow()
    due = sa.select(VisitRequest.id).where(
        sa.exists().where(Visitor.request_id == VisitRequest.id),
        sa.or_(
            VisitRequest.status.not_in(LIST_OPEN_STATUSES),
            VisitRequest.personal_data_purged_at.is_not(None),
            VisitRequest.ends_at < now - KEPT_AFTER_VISIT,
        ),
    )
    visits = people = 0
    for ids in id_batches(due, VisitRequest.id, batch_size):
        with write_lock():
            for visit in db.session.scalars(sa.select(VisitRequest).where(VisitRequest.id.in_(ids))):
                people += forget(visit)
            record(None, "visit.visitors.purge", "visit_request", None, requests=len(ids))
            db.session.commit()
        visits += len(ids)
    return f"Study tours: visitor lists of {visits} finished visit(s) deleted ({people} people; counts kept)."


def record_export(visit: VisitRequest, actor: User, fmt: str) -> list[Visitor]:
    """The list for a site-access export, the export written to the audit log (no names).

    The entry is committed before the rows are read: a commit expires what the session holds.
    """
    record(actor, "visit.visitors.export", "visit_request", visit.id, format=fmt, rows=summary(visit).count)
    db.session.commit()
    return visitors_of(visit)
