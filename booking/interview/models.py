"""The interview round of a cohort: its settings, the shortlist, slots and bookings, the rubric, scores.

Interviews are not blind: interviewers see the applicant's name. They never see contacts.
Capacity is the database's to guard: a slot's `booked` count is kept beside its capacity
under a CHECK constraint, changed only with the slot's row locked, and an application has
at most one booking (a unique constraint).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.core.errors import DomainError
from booking.core.i18n import localised
from booking.core.time import utcnow
from booking.extensions import db
from booking.staff.models import User
from booking.youth.models import Application, Cohort

# A slot can be picked, and a pick changed, until this long before the interview starts.
PICK_CUTOFF = timedelta(hours=24)


class InterviewRound(db.Model):
    """A cohort's interview round: on or off, the weights of essay and interview, the shortlist size."""

    __tablename__ = "interview_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("youth_cohorts.id", ondelete="CASCADE"), unique=True)
    enabled: Mapped[bool] = mapped_column(default=False)
    essay_weight: Mapped[int] = mapped_column(default=60)
    interview_weight: Mapped[int] = mapped_column(default=40)
    shortlist_size: Mapped[int] = mapped_column(default=12)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    cohort: Mapped[Cohort] = relationship()

    __table_args__ = (
        sa.CheckConstraint("essay_weight BETWEEN 0 AND 100", name="essay_weight_range"),
        sa.CheckConstraint("interview_weight BETWEEN 0 AND 100", name="interview_weight_range"),
        sa.CheckConstraint("essay_weight + interview_weight = 100", name="weights_sum"),
        sa.CheckConstraint("shortlist_size BETWEEN 1 AND 500", name="shortlist_size_range"),
    )


class ShortlistEntry(db.Model):
    """An application invited to the interview; `invited_at` once the invitation is queued."""

    __tablename__ = "interview_shortlist"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("youth_cohorts.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("youth_applications.id", ondelete="CASCADE"), unique=True
    )
    # Put on (or kept on) by a coordinator's hand rather than by the ranking.
    by_hand: Mapped[bool] = mapped_column(default=False)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    invited_at: Mapped[datetime | None]

    application: Mapped[Application] = relationship()

    def can_be_removed(self) -> bool:
        """Taken off only before the invitation went: a student told to pick a slot keeps it."""
        return self.invited_at is None


class InterviewSlot(db.Model):
    """A time an interview panel sits, where (or online), for how many students."""

    __tablename__ = "interview_slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("youth_cohorts.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    online: Mapped[bool] = mapped_column(default=False)
    place_ja: Mapped[str] = mapped_column(sa.String(200), default="")
    place_en: Mapped[str] = mapped_column(sa.String(200), default="")
    meeting_url: Mapped[str] = mapped_column(sa.String(500), default="")
    capacity: Mapped[int] = mapped_column(default=1)
    # How many bookings hold this slot; changed only with the slot's row locked.
    booked: Mapped[int] = mapped_column(default=0)

    cohort: Mapped[Cohort] = relationship()

    __table_args__ = (
        sa.CheckConstraint("capacity BETWEEN 1 AND 50", name="capacity_range"),
        sa.CheckConstraint("booked >= 0 AND booked <= capacity", name="booked_within_capacity"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    def place(self, language: str | None = None) -> str:
        return localised(self, "place", language)

    @property
    def is_full(self) -> bool:
        return self.booked >= self.capacity

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)

    def can_be_picked(self, now: datetime) -> bool:
        """Open to a new pick: not full, and more than PICK_CUTOFF ahead."""
        return not self.is_full and self.starts_at - PICK_CUTOFF > now

    def is_changeable(self, now: datetime) -> bool:
        """A pick of this slot can still be changed."""
        return self.starts_at - PICK_CUTOFF > now

    @property
    def pick_cutoff(self) -> datetime:
        return self.starts_at - PICK_CUTOFF

    def take(self) -> None:
        """One more booking (the slot's row is locked by the caller)."""
        if self.is_full:
            raise DomainError(_("This time is full. Please choose another time."), field="slot_id")
        self.booked += 1

    def release(self) -> None:
        self.booked = max(self.booked - 1, 0)


class InterviewBooking(db.Model):
    """The slot a shortlisted student picked; one per application. SEQUENCE grows with each change."""

    __tablename__ = "interview_bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("youth_applications.id", ondelete="CASCADE"), unique=True
    )
    slot_id: Mapped[int] = mapped_column(sa.ForeignKey("interview_slots.id", ondelete="RESTRICT"), index=True)
    booked_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_at: Mapped[datetime | None]
    sequence: Mapped[int] = mapped_column(default=0)
    reminded_at: Mapped[datetime | None]

    application: Mapped[Application] = relationship()
    slot: Mapped[InterviewSlot] = relationship()

    def move_to(self, slot: InterviewSlot, now: datetime) -> None:
        """Change the pick (both slots' rows are locked by the caller)."""
        self.slot.release()
        slot.take()
        self.slot = slot
        self.changed_at = now
        self.sequence += 1
        self.reminded_at = None


class InterviewCriterion(db.Model):
    """One line of a cohort's interview rubric."""

    __tablename__ = "interview_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("youth_cohorts.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name_ja: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[str] = mapped_column(sa.String(100), default="")
    description_ja: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    max_score: Mapped[int] = mapped_column(default=5)
    weight: Mapped[Decimal] = mapped_column(sa.Numeric(4, 2), default=Decimal("1"))

    __table_args__ = (
        sa.CheckConstraint("max_score BETWEEN 1 AND 100", name="max_score_range"),
        sa.CheckConstraint("weight > 0", name="weight_positive"),
    )

    def name(self, language: str | None = None) -> str:
        return localised(self, "name", language)

    def description(self, language: str | None = None) -> str:
        return localised(self, "description", language)


class Interviewer(db.Model):
    """A staff member (reviewer or coordinator) the coordinator chose to interview for a cohort."""

    __tablename__ = "interview_interviewers"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("youth_cohorts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)

    user: Mapped[User] = relationship()

    __table_args__ = (sa.UniqueConstraint("cohort_id", "user_id", name="uq_interview_interviewers_pair"),)


class InterviewScore(db.Model):
    """One interviewer's score of one criterion for one applicant."""

    __tablename__ = "interview_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("youth_cohorts.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("youth_applications.id", ondelete="CASCADE"), index=True
    )
    interviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("interview_criteria.id", ondelete="CASCADE"))
    value: Mapped[int]
    scored_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        sa.UniqueConstraint(
            "application_id", "interviewer_id", "criterion_id", name="uq_interview_scores_triple"
        ),
        sa.CheckConstraint("value >= 0", name="value_not_negative"),
    )
