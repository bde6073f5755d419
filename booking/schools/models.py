"""Schools of the city."""

from __future__ import annotations

from datetime import datetime, time

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.core.enums import LabelledEnum
from booking.core.time import utcnow
from booking.db import enum_type
from booking.extensions import db


class SchoolType(LabelledEnum):
    ELEMENTARY = "elementary"
    JUNIOR_HIGH = "junior_high"
    HIGH = "high"
    SPECIAL_NEEDS = "special_needs"
    OTHER = "other"


SCHOOL_TYPE_LABELS = SchoolType.set_labels(
    {
        SchoolType.ELEMENTARY: _l("Elementary school"),
        SchoolType.JUNIOR_HIGH: _l("Junior high school"),
        SchoolType.HIGH: _l("High school"),
        SchoolType.SPECIAL_NEEDS: _l("Special needs school"),
        SchoolType.OTHER: _l("Other"),
    }
)

# The city's seven wards, in the order the city lists them.
WARDS = ("門司区", "小倉北区", "小倉南区", "若松区", "八幡東区", "八幡西区", "戸畑区")


class School(db.Model):
    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    name_kana: Mapped[str] = mapped_column(sa.String(100), default="")
    school_type: Mapped[SchoolType] = mapped_column(enum_type(SchoolType, "school_type"), index=True)
    ward: Mapped[str] = mapped_column(sa.String(20), default="")
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    phone: Mapped[str] = mapped_column(sa.String(20), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    # The school's own bell schedule; empty: the default of its type (booking.schools.periods).
    periods: Mapped[list[SchoolPeriod]] = relationship(
        back_populates="school", cascade="all, delete-orphan", order_by="SchoolPeriod.number"
    )

    def __repr__(self) -> str:
        return f"<School {self.id}>"


# A school day has at most this many periods (校時).
MAX_PERIODS = 8


class SchoolPeriod(db.Model):
    """One period (校時) of a school's bell schedule, in Japan time."""

    __tablename__ = "school_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id", ondelete="CASCADE"))
    number: Mapped[int]
    starts_at: Mapped[time]
    ends_at: Mapped[time]

    school: Mapped[School] = relationship(back_populates="periods")

    __table_args__ = (
        sa.UniqueConstraint("school_id", "number", name="uq_school_periods_school_number"),
        sa.CheckConstraint(f"number BETWEEN 1 AND {MAX_PERIODS}", name="number"),
        sa.CheckConstraint("ends_at > starts_at", name="times"),
    )
