"""Selection: the places and the waiting list, offers, attendance, and activity reports.

The application's status (accepted, waitlisted, ...) lives on `youth.Application` and moves
by its workflow; a `Decision` row adds what selection needs beside it: which of the
cohort's places an application holds (unique per cohort: a place is never held by two),
its position on the waiting list, and its offer's deadline and reminder.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.core.enums import LabelledEnum
from booking.core.i18n import localised
from booking.core.time import JST, jst_to_utc, utcnow
from booking.db import enum_type
from booking.extensions import db
from booking.staff.models import User
from booking.youth.models import Application, ApplicationStatus, Cohort, CohortEvent

# An offer is reminded once, this long before its deadline (or halfway for shorter offers).
REMINDER_BEFORE = timedelta(days=2)


# An offer ends at the last minute of a Japan-time day: 23:59 (to the last second), so a
# family reads "answer by 12 January" and has the whole of that evening.
OFFER_ENDS_AT = time(23, 59, 59)


def offer_deadline(offered_at: datetime, days: int) -> datetime:
    """23:59 Japan time on the day `days` after the offer's Japan-time day (UTC)."""
    day = offered_at.astimezone(JST).date() + timedelta(days=days)
    return jst_to_utc(day, OFFER_ENDS_AT)


class Decision(db.Model):
    """Selection's record beside an application: its place or waiting-list position, its offer."""

    __tablename__ = "selection_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("youth_applications.id", ondelete="CASCADE"), unique=True
    )
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("youth_cohorts.id", ondelete="CASCADE"), index=True)
    # Which of the cohort's places (1..places) the application holds while accepted or taking part.
    place_number: Mapped[int | None]
    # Its place in the waiting list's order (lower goes first; numbers may have gaps).
    waitlist_position: Mapped[int | None]
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # The offer: made at publication (or when a place comes free), answered by the deadline.
    offered_at: Mapped[datetime | None]
    offer_deadline_at: Mapped[datetime | None]
    reminder_sent_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]

    application: Mapped[Application] = relationship()
    decided_by: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("cohort_id", "place_number", name="uq_selection_decisions_place"),
        sa.UniqueConstraint("cohort_id", "waitlist_position", name="uq_selection_decisions_waitlist"),
        sa.CheckConstraint("place_number IS NULL OR place_number >= 1", name="place_positive"),
        sa.CheckConstraint("waitlist_position IS NULL OR waitlist_position >= 1", name="waitlist_positive"),
        sa.CheckConstraint("place_number IS NULL OR waitlist_position IS NULL", name="place_or_waitlist"),
        sa.CheckConstraint("(offered_at IS NULL) = (offer_deadline_at IS NULL)", name="offer_has_deadline"),
        sa.CheckConstraint(
            "offer_deadline_at IS NULL OR offer_deadline_at > offered_at", name="deadline_after_offer"
        ),
    )

    def make_offer(self, now: datetime, days: int) -> None:
        self.offered_at = now
        self.offer_deadline_at = offer_deadline(now, days)
        self.reminder_sent_at = None
        self.answered_at = None

    @property
    def reminder_due_at(self) -> datetime | None:
        if self.offered_at is None or self.offer_deadline_at is None:
            return None
        lead = min(REMINDER_BEFORE, (self.offer_deadline_at - self.offered_at) / 2)
        return self.offer_deadline_at - lead

    def offer_is_open(self, now: datetime) -> bool:
        """The student can still answer: selected, offered, and before the deadline."""
        return (
            self.application.status == ApplicationStatus.ACCEPTED
            and self.offer_deadline_at is not None
            and now < self.offer_deadline_at
        )

    def free_place(self) -> int | None:
        number, self.place_number = self.place_number, None
        return number


class AttendanceStatus(LabelledEnum):
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"

    @property
    def tone(self) -> str:
        return {AttendanceStatus.PRESENT: "success", AttendanceStatus.EXCUSED: "warning"}.get(self, "error")


ATTENDANCE_LABELS = AttendanceStatus.set_labels(
    {
        AttendanceStatus.PRESENT: _l("Present"),
        AttendanceStatus.ABSENT: _l("Absent"),
        AttendanceStatus.EXCUSED: _l("Excused absence"),
    }
)


class Attendance(db.Model):
    """Whether a participant was at one of the program's events."""

    __tablename__ = "selection_attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("youth_cohort_events.id", ondelete="CASCADE"), index=True
    )
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("youth_applications.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[AttendanceStatus] = mapped_column(
        enum_type(AttendanceStatus, "selection_attendance_status")
    )
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    event: Mapped[CohortEvent] = relationship()

    __table_args__ = (sa.UniqueConstraint("event_id", "application_id", name="uq_selection_attendance_pair"),)


class ActivityReport(db.Model):
    """A cohort's short report of what the students did, published on /youth/ by staff."""

    __tablename__ = "selection_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("youth_cohorts.id", ondelete="CASCADE"), unique=True)
    title_ja: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str] = mapped_column(sa.String(200), default="")
    body_ja: Mapped[str] = mapped_column(sa.Text)
    body_en: Mapped[str] = mapped_column(sa.Text, default="")
    published_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    cohort: Mapped[Cohort] = relationship()

    def title(self, language: str | None = None) -> str:
        return localised(self, "title", language)

    def body(self, language: str | None = None) -> str:
        return localised(self, "body", language)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


# A feedback note is a few sentences, not a letter.
FEEDBACK_NOTE_MAX = 400


class FeedbackNote(db.Model):
    """The coordinator's short note to a student not selected, sent with the result.

    Written in the student's language; deleted with the cohort's personal data.
    """

    __tablename__ = "selection_feedback_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("youth_applications.id", ondelete="CASCADE"), unique=True
    )
    note: Mapped[str] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (
        sa.CheckConstraint(f"length(note) BETWEEN 1 AND {FEEDBACK_NOTE_MAX}", name="note_length"),
    )
