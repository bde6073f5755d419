"""The lecture reminders `flask send-reminders` queues: each goes once (an outbox dedupe key).

When each is due (Japan time; days are calendar days in Japan):

- **The lecture is near.** From 08:00 on the day `reminder_days` (a bureau setting, 3 by
  default) before the lecture's day, until the lecture starts: one email to the teacher (in
  the request's language, with the private link and the calendar entry) and one to each
  lecturer (in their language, their own clock beside Japan time). Not when the lecture was
  booked or moved after that moment: the booking email, just sent, says it all. The key holds
  the lecture's start, so a lecture moved to another time is reminded of again.
- **The connection test, its time agreed.** When staff have stored the test's time: from
  08:00 on the day `CONNECTION_TEST_NOTICE_DAYS` (1) before the test's day, until the test
  starts, to the teacher and the lecturers, with the time, the meeting link and the platform.
  Not when the lecture was booked, or its meeting details changed, after that moment: that
  email, just sent, gave the time. The key holds the test's time, so a test moved is
  reminded of again.
- **The connection test, no time yet.** For an online lecture whose school asked for one:
  from 08:00 on the day `CONNECTION_TEST_DAYS` (7) before the lecture's day, to the teacher
  and the lecturers, asking to agree a time, saying who issues the meeting link and on which
  platform. When that moment has passed before the lecture was booked, or the lecture
  reminder is already due, the lecture reminder carries the connection test instead (it
  does for every such lecture).
- **Feedback.** A held lecture whose teacher has not answered `FEEDBACK_REMINDER_AFTER` (5
  days) after it was recorded as held is reminded once, unless more than
  `FEEDBACK_REMINDER_UNTIL` (30 days) have passed by then.

Cancelled (and declined) lectures are never reminded of: only scheduled ones are read.

Each run reads the lectures REMINDER_BATCH at a time and commits after each batch; a run stopped
half-way has queued what it committed, and the next run (the dedupe keys) does the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from booking.core.batches import id_batches
from booking.core.time import JST, jst_to_utc, utcnow
from booking.db import write_lock
from booking.extensions import db
from booking.lectures import notifications
from booking.lectures.models import (
    LectureEvent,
    LectureFeedback,
    LectureFormat,
    LectureRequest,
    LectureStatus,
)
from booking.lectures.services import add_link
from booking.notifications.models import OutboxEmail
from booking.scheduling.models import StaffBooking
from booking.settings.services import current_settings
from booking.staff.models import User

# Reminders are due from this Japan-time hour, so none arrives in the middle of the night.
REMINDER_HOUR = time(8, 0)
CONNECTION_TEST_DAYS = 7
CONNECTION_TEST_NOTICE_DAYS = 1
FEEDBACK_REMINDER_AFTER = timedelta(days=5)
FEEDBACK_REMINDER_UNTIL = timedelta(days=30)
# Lectures read (with their program, lecturers and history) and emailed per transaction: fewer
# than the other batch work's 500, as each holds its emails and history until the commit, so
# a run's memory stays that of a batch of 100 however many reminders are due.
REMINDER_BATCH = 100
# PostgreSQL advisory lock held by a reminder run until it commits ("LECT").
RUN_LOCK_KEY = 0x4C454354


def due_from(lecture_day: date, days_before: int) -> datetime:
    """08:00 Japan time, `days_before` calendar days before `lecture_day` (as UTC)."""
    return jst_to_utc(lecture_day - timedelta(days=days_before), REMINDER_HOUR)


def lecture_reminder_due(lecture: LectureRequest, reminder_days: int) -> datetime:
    assert lecture.lecture_day is not None
    return due_from(lecture.lecture_day, reminder_days)


def connection_test_due(lecture: LectureRequest) -> datetime:
    assert lecture.lecture_day is not None
    return due_from(lecture.lecture_day, CONNECTION_TEST_DAYS)


def _stamp(lecture: LectureRequest) -> str:
    assert lecture.starts_at is not None
    return lecture.starts_at.strftime("%Y%m%dT%H%MZ")


def stored_test_due(lecture: LectureRequest) -> datetime:
    """The reminder of a connection test whose time is stored: 08:00 the day before it."""
    assert lecture.connection_test_at is not None
    return due_from(lecture.connection_test_at.astimezone(JST).date(), CONNECTION_TEST_NOTICE_DAYS)


def _test_stamp(lecture: LectureRequest) -> str:
    """The lecture's start, and the stored test's time: a test moved is reminded of again."""
    stamp = _stamp(lecture)
    if lecture.connection_test_at is not None:
        stamp += lecture.connection_test_at.astimezone(UTC).strftime("-test%Y%m%dT%H%MZ")
    return stamp


def _one_run_at_a_time() -> None:
    """A second run started meanwhile waits for this one's commit, then finds its emails queued.

    SQLite already runs one writer at a time (write_lock); on PostgreSQL an advisory lock,
    held until the end of the transaction, does it. The outbox's unique dedupe key stays
    the last word either way.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(RUN_LOCK_KEY)))


def _queued(key: str) -> bool:
    return db.session.scalar(sa.select(OutboxEmail.id).where(OutboxEmail.dedupe_key == key)) is not None


def _days_until(lecture: LectureRequest, now: datetime) -> int:
    assert lecture.lecture_day is not None
    return (lecture.lecture_day - now.astimezone(JST).date()).days


def _upcoming(now: datetime, days_ahead: int, tests_ahead: bool = False) -> sa.Select:
    """The ids of scheduled lectures not yet started whose Japan-time day is at most `days_ahead`
    away (and, with `tests_ahead`, those whose stored connection test is at most two days away)."""
    last_day = now.astimezone(JST).date() + timedelta(days=days_ahead)
    near = LectureRequest.lecture_day <= last_day
    if tests_ahead:
        near = sa.or_(near, LectureRequest.connection_test_at <= now + timedelta(days=2))
    return sa.select(LectureRequest.id).where(
        LectureRequest.status == LectureStatus.SCHEDULED,
        LectureRequest.starts_at > now,
        near,
    )


def _batches(ids: sa.Select, batch_size: int) -> Iterator[list[LectureRequest]]:
    """The lectures `ids` selects, a batch at a time, each batch in a transaction of its own.

    The run's lock is taken again at the start of each batch (it ends with each commit); the
    batch is committed when the next one is asked for, and after the last.
    """
    for batch in id_batches(ids, LectureRequest.id, batch_size):
        _one_run_at_a_time()
        yield list(
            db.session.scalars(
                sa.select(LectureRequest)
                .where(LectureRequest.id.in_(batch))
                .options(
                    joinedload(LectureRequest.program),
                    selectinload(LectureRequest.assignments).joinedload(StaffBooking.person),
                    selectinload(LectureRequest.events),
                )
                .order_by(LectureRequest.id)
            )
        )
        db.session.commit()


def _lecturers(lecture: LectureRequest) -> list[User]:
    return [a.person for a in lecture.assignments if a.active and a.person.active]


def _send(lecture: LectureRequest, kind: str, days: int) -> tuple[int, int]:
    """Queue the `kind` reminder to the teacher and the lecturers who have not had it yet.

    Returns how many went to the teacher (0 or 1) and to lecturers.
    """
    stamp = _test_stamp(lecture) if kind == "connection-test" else _stamp(lecture)
    base = f"lectures:{kind}:{lecture.id}:{stamp}"
    teachers = 0
    teacher_key = f"{base}:teacher"
    if lecture.contact_email and not _queued(teacher_key):
        token = add_link(lecture)  # a fresh private link, only for an email that is really sent
        if kind == "reminder":
            notifications.reminded_teacher(lecture, token, teacher_key, days)
        else:
            notifications.connection_test_teacher(lecture, token, teacher_key, days)
        teachers = 1
    staff_key = f"{base}:lecturer"
    lecturers = [u for u in _lecturers(lecture) if not _queued(f"{staff_key}:{u.id}")]
    if kind == "reminder":
        notifications.reminded_lecturers(lecturers, lecture, staff_key, days)
    else:
        notifications.connection_test_lecturers(lecturers, lecture, staff_key, days)
    return teachers, len(lecturers)


def send_lecture_reminders(now: datetime | None = None, batch_size: int = REMINDER_BATCH) -> str:
    """Remind the teacher and the lecturers of a lecture `reminder_days` days ahead; once."""
    now = now or utcnow()
    reminder_days = current_settings().reminder_days
    lectures = teachers = lecturers = 0
    with write_lock():
        for batch in _batches(_upcoming(now, reminder_days), batch_size):
            for lecture in batch:
                due = lecture_reminder_due(lecture, reminder_days)
                booked = lecture.booked_at
                if now < due or (booked is not None and booked >= due):
                    continue
                to_teacher, to_lecturers = _send(lecture, "reminder", _days_until(lecture, now))
                teachers += to_teacher
                lecturers += to_lecturers
                lectures += 1 if to_teacher or to_lecturers else 0
    return (
        f"Lectures: reminders of {lectures} lecture(s) within {reminder_days} day(s) queued, "
        f"{teachers} to teachers and {lecturers} to lecturers."
    )


def _stored_test_is_due(lecture: LectureRequest, now: datetime) -> bool:
    """A test whose time is stored: from the day before it until it starts, unless the email
    that gave the time (the booking or a change of the meeting details) came after that."""
    assert lecture.connection_test_at is not None
    due = stored_test_due(lecture)
    if now < due or now >= lecture.connection_test_at:
        return False
    told = [t for t in (lecture.booked_at, lecture.meeting_updated_at) if t is not None]
    return not any(t >= due for t in told)


def _test_to_agree_is_due(lecture: LectureRequest, now: datetime, reminder_days: int) -> bool:
    """A test asked for, no time stored: a week before the lecture, until the lecture reminder."""
    due = connection_test_due(lecture)
    booked = lecture.booked_at
    if now < due or (booked is not None and booked >= due):
        return False
    return now < lecture_reminder_due(lecture, reminder_days)  # that one carries it then


def send_connection_test_reminders(now: datetime | None = None, batch_size: int = REMINDER_BATCH) -> str:
    """Remind of an online lecture's connection test, once: the day before its stored time, or
    (no time yet, the school asked for one) a week before the lecture, to agree a time."""
    now = now or utcnow()
    reminder_days = current_settings().reminder_days
    lectures = teachers = lecturers = 0
    online = _upcoming(now, CONNECTION_TEST_DAYS, tests_ahead=True).where(
        LectureRequest.format == LectureFormat.ONLINE
    )
    with write_lock():
        for batch in _batches(online, batch_size):
            for lecture in batch:
                if lecture.connection_test_at is not None:
                    if not _stored_test_is_due(lecture, now):
                        continue
                elif not lecture.connection_test or not _test_to_agree_is_due(lecture, now, reminder_days):
                    continue
                to_teacher, to_lecturers = _send(lecture, "connection-test", _days_until(lecture, now))
                teachers += to_teacher
                lecturers += to_lecturers
                lectures += 1 if to_teacher or to_lecturers else 0
    return (
        f"Lectures: connection-test reminders of {lectures} online lecture(s) queued, "
        f"{teachers} to teachers and {lecturers} to lecturers."
    )


def send_feedback_reminders(now: datetime | None = None, batch_size: int = REMINDER_BATCH) -> str:
    """Remind a teacher once who has not given feedback some days after the lecture was held."""
    now = now or utcnow()
    completed = (
        sa.select(LectureEvent.request_id, sa.func.max(LectureEvent.occurred_at).label("at"))
        .where(LectureEvent.to_status == LectureStatus.COMPLETED)
        .group_by(LectureEvent.request_id)
        .subquery()
    )
    queued = 0
    waiting = (
        sa.select(LectureRequest.id)
        .join(completed, completed.c.request_id == LectureRequest.id)
        .outerjoin(LectureFeedback, LectureFeedback.request_id == LectureRequest.id)
        .where(
            LectureRequest.status == LectureStatus.COMPLETED,
            LectureFeedback.id.is_(None),
            LectureRequest.contact_email != "",
            completed.c.at <= now - FEEDBACK_REMINDER_AFTER,
            completed.c.at > now - FEEDBACK_REMINDER_UNTIL,
        )
    )
    with write_lock():
        for batch in _batches(waiting, batch_size):
            for lecture in batch:
                key = f"lectures:feedback-reminder:{lecture.id}"
                if _queued(key):
                    continue
                notifications.feedback_reminded(lecture, add_link(lecture), key)
                queued += 1
    return f"Lectures: {queued} feedback reminder(s) to teachers queued."
