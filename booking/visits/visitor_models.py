"""The visitor list of a study tour: who comes, as their passports name them, for site access.

Kept only until the visit is done: deleted when it is held or cancelled, and by the
retention purge, after its counts by nationality are kept in `VisitCountry`
(booking.visits.services.visitors.forget).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from booking.core.time import utcnow
from booking.extensions import db
from booking.visits.models import VisitRequest
from booking.visits.visitors import MAX_CELL, MAX_ROWS


class Visitor(db.Model):
    """One person of a visit's list, in the order the organiser gave."""

    __tablename__ = "visit_visitors"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("visit_requests.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    full_name: Mapped[str] = mapped_column(sa.String(MAX_CELL))
    organisation: Mapped[str] = mapped_column(sa.String(MAX_CELL), default="")
    nationality: Mapped[str] = mapped_column(sa.String(2))  # ISO 3166 alpha-2
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[VisitRequest] = relationship(
        backref=backref(
            "visitors", order_by="Visitor.position", passive_deletes=True, cascade="all, delete-orphan"
        )
    )

    __table_args__ = (
        sa.UniqueConstraint("request_id", "position"),
        sa.CheckConstraint(f"position BETWEEN 1 AND {MAX_ROWS}", name="position"),
        sa.CheckConstraint("length(full_name) >= 1", name="full_name"),
        sa.CheckConstraint("length(nationality) = 2", name="nationality"),
    )
