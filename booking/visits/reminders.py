"""The study-tour emails `flask send-reminders` queues: each goes once (an outbox dedupe key).

- **The visit is near.** From 08:00 Japan time on the day `reminder_days` (the bureau's
  setting, 3 by default) before the visit's day, until the visit starts: one email to the
  organiser, in their language, with the private link, the meeting point and the calendar
  entry. Not when the visit was booked or moved after that moment (that email, just sent,
  says it all). The key holds the visit's start, so a visit moved is reminded of again.
- **Feedback.** From 08:00 Japan time on the day after a visit was recorded as held (the
  group has gone home), for `FEEDBACK_UNTIL` (30 days): the organiser is asked for a short
  feedback, once, unless they have already answered.

Cancelled and declined visits are never reminded of. Visits are read REMINDER_BATCH at a
time, each batch committed on its own; a run stopped half-way is finished by the next.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from booking.core.batches import id_batches
from booking.core.time import JST, jst_to_utc, utcnow
from booking.db import write_lock
from booking.extensions import db
from booking.notifications.models import OutboxEmail
from booking.settings.services import current_settings
from booking.visits import notifications
from booking.visits.models import VisitEvent, VisitFeedback, VisitRequest, VisitStatus
from booking.visits.services.common import add_link

REMINDER_HOUR = time(8, 0)
FEEDBACK_UNTIL = timedelta(days=30)
REMINDER_BATCH = 100
# The outbox key notifications.feedback_requested gives the email: it goes once.
FEEDBACK_REQUEST_KEY = "visits:feedback-request:{id}"
# PostgreSQL advisory lock held by a reminder run until it commits ("VIST").
RUN_LOCK_KEY = 0x56495354


def due_from(day: date, days_before: int) -> datetime:
    """08:00 Japan time, `days_before` calendar days before `day` (as UTC)."""
    return jst_to_utc(day - timedelta(days=days_before), REMINDER_HOUR)


def _visit_day(visit: VisitRequest) -> date:
    assert visit.starts_at is not None
    return visit.starts_at.astimezone(JST).date()


def _booked_at(visit: VisitRequest) -> datetime | None:
    """When the visit was last booked or moved (the email then gave its date)."""
    times = [e.occurred_at for e in visit.events if e.to_status == VisitStatus.SCHEDULED]
    return max(times, default=None)


def _one_run_at_a_time() -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(RUN_LOCK_KEY)))


def _queued(key: str) -> bool:
    return db.session.scalar(sa.select(OutboxEmail.id).where(OutboxEmail.dedupe_key == key)) is not None


def _batches(ids: sa.Select, batch_size: int) -> Iterator[list[VisitRequest]]:
    """The visits `ids` selects, a batch at a time, each batch in a transaction of its own."""
    for batch in id_batches(ids, VisitRequest.id, batch_size):
        _one_run_at_a_time()
        yield list(
            db.session.scalars(
                sa.select(VisitRequest)
                .where(VisitRequest.id.in_(batch))
                .options(selectinload(VisitRequest.facilities), selectinload(VisitRequest.events))
                .order_by(VisitRequest.id)
            )
        )
        db.session.commit()


def send_visit_reminders(now: datetime | None = None, batch_size: int = REMINDER_BATCH) -> str:
    """Remind the organiser of a visit `reminder_days` days ahead; once per booked time."""
    now = now or utcnow()
    days = current_settings().reminder_days
    last_day = now.astimezone(JST).date() + timedelta(days=days)
    upcoming = sa.select(VisitRequest.id).where(
        VisitRequest.status == VisitStatus.SCHEDULED,
        VisitRequest.starts_at > now,
        VisitRequest.starts_at < jst_to_utc(last_day + timedelta(days=1), time(0, 0)),
        VisitRequest.contact_email != "",
    )
    queued = 0
    with write_lock():
        for batch in _batches(upcoming, batch_size):
            for visit in batch:
                due = due_from(_visit_day(visit), days)
                booked = _booked_at(visit)
                if now < due or (booked is not None and booked >= due):
                    continue
                assert visit.starts_at is not None
                key = f"visits:reminder:{visit.id}:{visit.starts_at.strftime('%Y%m%dT%H%MZ')}"
                if _queued(key):
                    continue
                left = (_visit_day(visit) - now.astimezone(JST).date()).days
                notifications.reminded(visit, add_link(visit), key, left)
                queued += 1
    return f"Study tours: {queued} reminder(s) to organisers queued (visits within {days} day(s))."


def send_feedback_requests(now: datetime | None = None, batch_size: int = REMINDER_BATCH) -> str:
    """Ask the organiser of a visit recorded as held for feedback, once, from the next morning."""
    now = now or utcnow()
    completed = (
        sa.select(VisitEvent.request_id, sa.func.max(VisitEvent.occurred_at).label("at"))
        .where(VisitEvent.to_status == VisitStatus.COMPLETED)
        .group_by(VisitEvent.request_id)
        .subquery()
    )
    waiting = (
        sa.select(VisitRequest.id)
        .join(completed, completed.c.request_id == VisitRequest.id)
        .outerjoin(VisitFeedback, VisitFeedback.request_id == VisitRequest.id)
        .where(
            VisitRequest.status == VisitStatus.COMPLETED,
            VisitFeedback.id.is_(None),
            VisitRequest.contact_email != "",
            completed.c.at > now - FEEDBACK_UNTIL,
        )
    )
    queued = 0
    with write_lock():
        for batch in _batches(waiting, batch_size):
            for visit in batch:
                held = max(e.occurred_at for e in visit.events if e.to_status == VisitStatus.COMPLETED)
                if now < due_from(held.astimezone(JST).date(), -1):
                    continue
                if _queued(FEEDBACK_REQUEST_KEY.format(id=visit.id)):
                    continue
                notifications.feedback_requested(visit, add_link(visit))
                queued += 1
    return f"Study tours: {queued} feedback request(s) to organisers queued."
