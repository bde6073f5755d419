"""Retention: the teachers' contact details go once old requests are closed."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from booking.audit.services import record
from booking.core.batches import BATCH_SIZE, id_batches
from booking.core.time import JST, fiscal_year, utcnow
from booking.extensions import db
from booking.lectures import notifications
from booking.lectures.models import OPEN_STATUSES, LectureRequest, LectureStatus
from booking.notifications.models import OutboxEmail


def purge_personal_data(now: datetime | None = None, batch_size: int = BATCH_SIZE) -> str:
    """Remove the teachers' contact details from closed requests once the fiscal year
    after the lecture (or the request) has ended, keeping everything the record counts.

    The school, the program, the dates, the audience, the history and the satisfaction
    score stay; the contact name, email, phone and the school's free text (notes, feedback
    comments, the reasons the teacher typed in the history) and the meeting link go, the private links stop
    working, and the emails about the request (queued, sent or failed) are deleted.
    Requests are cleared `batch_size` at a time, each batch committed with its audit entry.
    """
    now = now or utcnow()
    cutoff = fiscal_year(now.astimezone(JST).date()) - 2  # the last fiscal year to clear
    first_day_after = date(cutoff + 1, 4, 1)
    due = sa.select(LectureRequest.id).where(
        LectureRequest.status.not_in(OPEN_STATUSES),
        LectureRequest.fiscal_year <= cutoff,
        sa.or_(LectureRequest.lecture_day.is_(None), LectureRequest.lecture_day < first_day_after),
        LectureRequest.contact_email != "",
    )
    purged = 0
    for ids in id_batches(due, LectureRequest.id, batch_size):
        _purge(ids)
        record(
            None,
            "lecture.purge_personal_data",
            "lecture_request",
            None,
            requests=len(ids),
            up_to_fiscal_year=cutoff,
        )
        db.session.commit()
        purged += len(ids)
    return f"Lecture requests: contact details removed from {purged} closed request(s) up to FY{cutoff}."


def _purge(ids: list[int]) -> None:
    """Clear one batch of requests and delete the emails about them (the caller commits)."""
    requests = db.session.scalars(
        sa.select(LectureRequest)
        .options(
            selectinload(LectureRequest.links),
            selectinload(LectureRequest.feedback),
            selectinload(LectureRequest.events),
        )
        .where(LectureRequest.id.in_(ids))
    )
    for lecture in requests:
        lecture.contact_name = ""
        lecture.contact_email = ""
        lecture.contact_phone = ""
        lecture.notes = ""
        lecture.meeting_url = ""  # it may carry the meeting's passcode
        lecture.links.clear()
        if lecture.feedback is not None:
            lecture.feedback.comments = ""
        for event in lecture.events:
            if event.by_school:
                if event.to_status == LectureStatus.CANCELLED:
                    lecture.closed_reason = ""
                event.note = ""
    db.session.execute(
        sa.delete(OutboxEmail).where(
            OutboxEmail.related_type == notifications.RELATED,
            OutboxEmail.related_id.in_([str(i) for i in ids]),
        )
    )
