"""Calibration: essays with reference scores that reviewers score before the real ones.

A calibration essay is either an essay of a past cohort, named by its applicant code (its
text is read from that application, the way a reviewer reads any essay), or a sample essay
written for calibration. Reviewers' calibration scores live here and nowhere else: the
ranking, the agreement figures and every other figure read `review_scores` only.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.core.time import utcnow
from booking.extensions import db
from booking.youth.models import Application

SAMPLE_PREFIX = "S-"


class CalibrationEssay(db.Model):
    """One essay of a cohort's calibration set, with the reference score of each criterion."""

    __tablename__ = "review_calibration_essays"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("youth_cohorts.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    # The past essay's applicant code, or S-1, S-2... for a sample essay.
    code: Mapped[str] = mapped_column(sa.String(20))
    # A past cohort's essay; if that application is deleted, it leaves the set with it.
    application_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("youth_applications.id", ondelete="CASCADE"), index=True
    )
    sample_text: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    application: Mapped[Application | None] = relationship()
    references: Mapped[list[CalibrationReference]] = relationship(
        back_populates="essay", cascade="all, delete-orphan", order_by="CalibrationReference.criterion_id"
    )

    __table_args__ = (
        sa.UniqueConstraint("cohort_id", "code", name="uq_review_calibration_essays_cohort_code"),
        sa.UniqueConstraint(
            "cohort_id", "application_id", name="uq_review_calibration_essays_cohort_application"
        ),
        # Exactly one source: a past essay or a sample's text.
        sa.CheckConstraint(
            "(application_id IS NULL) != (sample_text = '')",
            name="one_source",
        ),
    )

    @property
    def is_sample(self) -> bool:
        return self.application_id is None

    def reference_for(self, criterion_id: int) -> int | None:
        for reference in self.references:
            if reference.criterion_id == criterion_id:
                return reference.value
        return None

    def __repr__(self) -> str:
        return f"<CalibrationEssay {self.id}>"


class CalibrationReference(db.Model):
    """The score the coordinator gives a calibration essay on one criterion."""

    __tablename__ = "review_calibration_references"

    id: Mapped[int] = mapped_column(primary_key=True)
    essay_id: Mapped[int] = mapped_column(
        sa.ForeignKey("review_calibration_essays.id", ondelete="CASCADE"), index=True
    )
    criterion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("review_criteria.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[int]

    essay: Mapped[CalibrationEssay] = relationship(back_populates="references")

    __table_args__ = (
        sa.UniqueConstraint(
            "essay_id", "criterion_id", name="uq_review_calibration_references_essay_criterion"
        ),
        sa.CheckConstraint("value >= 0", name="value_not_negative"),
    )


class CalibrationScore(db.Model):
    """A reviewer's score of a calibration essay on one criterion: given once, never counted."""

    __tablename__ = "review_calibration_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    essay_id: Mapped[int] = mapped_column(
        sa.ForeignKey("review_calibration_essays.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("review_criteria.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[int]
    scored_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint(
            "essay_id",
            "reviewer_id",
            "criterion_id",
            name="uq_review_calibration_scores_essay_reviewer_criterion",
        ),
        sa.CheckConstraint("value >= 0", name="value_not_negative"),
    )
