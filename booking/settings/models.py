"""One row of bureau-wide settings, and the days the bureau holds no lectures."""

from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.core.time import utcnow
from booking.extensions import db

# The only row of bureau_settings has this id (a CHECK constraint keeps it the only one).
SETTINGS_ID = 1


class BureauSettings(db.Model):
    __tablename__ = "bureau_settings"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False, default=SETTINGS_ID)
    # Requests: how far ahead a lecture may be asked for, in days from today (Japan time).
    lead_time_days: Mapped[int] = mapped_column(default=14)
    horizon_days: Mapped[int] = mapped_column(default=180)
    # A lecture starts within these hours (Japan time).
    school_day_start: Mapped[time] = mapped_column(default=time(8, 30))
    school_day_end: Mapped[time] = mapped_column(default=time(16, 30))
    # Time a lecturer needs between lectures: travel for in-person ones, setting up for online ones.
    in_person_buffer_minutes: Mapped[int] = mapped_column(default=60)
    online_buffer_minutes: Mapped[int] = mapped_column(default=15)
    # Lectures the bureau holds on one day at most, whoever gives them.
    daily_cap: Mapped[int] = mapped_column(default=3)
    # Reminders go this many days before a lecture.
    reminder_days: Mapped[int] = mapped_column(default=3)
    # Study tours: how far ahead a visit may be asked for, in days from today (Japan time).
    visit_lead_days: Mapped[int] = mapped_column(default=21, server_default="21")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    blackout_days: Mapped[list[BlackoutDay]] = relationship(
        back_populates="settings", cascade="all, delete-orphan", order_by="BlackoutDay.day"
    )

    __table_args__ = (
        sa.CheckConstraint(f"id = {SETTINGS_ID}", name="single_row"),
        sa.CheckConstraint("lead_time_days >= 0", name="lead_time"),
        sa.CheckConstraint("horizon_days > lead_time_days", name="horizon"),
        sa.CheckConstraint("school_day_start < school_day_end", name="school_day"),
        sa.CheckConstraint("in_person_buffer_minutes BETWEEN 0 AND 240", name="in_person_buffer"),
        sa.CheckConstraint("online_buffer_minutes BETWEEN 0 AND 240", name="online_buffer"),
        sa.CheckConstraint("daily_cap >= 1", name="daily_cap"),
        sa.CheckConstraint("reminder_days BETWEEN 0 AND 30", name="reminder_days"),
        sa.CheckConstraint("visit_lead_days BETWEEN 0 AND 365", name="visit_lead_days"),
    )


class BlackoutDay(db.Model):
    """A day the bureau holds no lectures (its own events, year-end closing, inspections)."""

    __tablename__ = "blackout_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Every blackout day hangs off the settings row, so one query reads them together.
    settings_id: Mapped[int] = mapped_column(
        sa.ForeignKey("bureau_settings.id", ondelete="CASCADE"), default=SETTINGS_ID
    )
    day: Mapped[date] = mapped_column(unique=True)
    reason: Mapped[str] = mapped_column(sa.String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    settings: Mapped[BureauSettings] = relationship(back_populates="blackout_days")
