"""Busy-term rounds: requests for a term's dates collected, then allocated in one step.

A round is open (requests whose first choice falls in its dates join it), then closed by
a coordinator, then allocated once (the seed and the inputs are kept so the result can be
re-run by anyone). Its moves come from one table, ROUND_ACTIONS.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.core.enums import LabelledEnum
from booking.core.errors import InvalidTransition
from booking.core.time import utcnow
from booking.core.workflow import Workflow
from booking.db import enum_type
from booking.extensions import db
from booking.lectures.models import LectureRequest
from booking.staff.models import User

ROUND_NAME_MAX = 100
# Lectures a day at most, as a round can set it.
ROUND_PER_DAY_MAX = 20


class RoundStatus(LabelledEnum):
    OPEN = "open"
    CLOSED = "closed"
    ALLOCATED = "allocated"

    @property
    def tone(self) -> str:
        return {"open": "info", "closed": "warning", "allocated": "success"}[self.value]


ROUND_STATUS_LABELS = RoundStatus.set_labels(
    {
        RoundStatus.OPEN: _l("Collecting requests"),
        RoundStatus.CLOSED: _l("Closed, waiting for allocation"),
        RoundStatus.ALLOCATED: _l("Allocated"),
    }
)


class RoundAction(enum.StrEnum):
    CLOSE = "close"
    ALLOCATE = "allocate"


# Each action: the statuses it can be taken from, and where it leads.
ROUND_ACTIONS: dict[RoundAction, tuple[frozenset[RoundStatus], RoundStatus]] = {
    RoundAction.CLOSE: (frozenset({RoundStatus.OPEN}), RoundStatus.CLOSED),
    RoundAction.ALLOCATE: (frozenset({RoundStatus.CLOSED}), RoundStatus.ALLOCATED),
}
ROUND_WORKFLOW = Workflow.of(
    RoundStatus, {(source, target) for sources, target in ROUND_ACTIONS.values() for source in sources}
)


class EntryOutcome(LabelledEnum):
    WAITING = "waiting"
    ALLOCATED = "allocated"
    NOT_ALLOCATED = "not_allocated"


ENTRY_OUTCOME_LABELS = EntryOutcome.set_labels(
    {
        EntryOutcome.WAITING: _l("Waiting for the allocation"),
        EntryOutcome.ALLOCATED: _l("Allocated a date"),
        EntryOutcome.NOT_ALLOCATED: _l("No date in this round"),
    }
)


class LectureRound(db.Model):
    """A term whose requests are allocated together instead of first come, first served."""

    __tablename__ = "lecture_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(ROUND_NAME_MAX))
    # The lecture days it covers (Japan time, both included).
    first_day: Mapped[date]
    last_day: Mapped[date]
    # The last day requests join it; allocation follows.
    closes_on: Mapped[date]
    # Lectures each day can take in the round (lectures already booked that day count).
    per_day: Mapped[int]
    status: Mapped[RoundStatus] = mapped_column(
        enum_type(RoundStatus, "lecture_round_status"), default=RoundStatus.OPEN, index=True
    )
    # Set once, when allocated: the draw's seed, the inputs (no personal data) and their digest.
    seed: Mapped[str | None] = mapped_column(sa.String(64))
    inputs: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    inputs_digest: Mapped[str | None] = mapped_column(sa.String(64))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    allocated_at: Mapped[datetime | None]
    allocated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    entries: Mapped[list[LectureRoundEntry]] = relationship(
        back_populates="round",
        cascade="all, delete-orphan",
        order_by="[LectureRoundEntry.position, LectureRoundEntry.id]",
    )
    allocated_by: Mapped[User | None] = relationship(foreign_keys=[allocated_by_id])

    __table_args__ = (
        sa.CheckConstraint("last_day >= first_day", name="days"),
        sa.CheckConstraint("closes_on < first_day", name="closes_before"),
        sa.CheckConstraint(f"per_day BETWEEN 1 AND {ROUND_PER_DAY_MAX}", name="per_day"),
        sa.CheckConstraint(
            "(status = 'allocated') = "
            "(seed IS NOT NULL AND inputs_digest IS NOT NULL AND allocated_at IS NOT NULL)",
            name="allocated_once",
        ),
    )

    def __repr__(self) -> str:
        return f"<LectureRound {self.id}>"

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def collects_on(self, today: date) -> bool:
        """Whether a request sent `today` joins the round (open, and not past its closing day)."""
        return self.status == RoundStatus.OPEN and today <= self.closes_on

    def can(self, action: RoundAction) -> bool:
        return self.status in ROUND_ACTIONS[action][0]

    def can_close(self) -> bool:
        return self.can(RoundAction.CLOSE)

    def can_allocate(self) -> bool:
        return self.can(RoundAction.ALLOCATE)

    def _move(self, action: RoundAction) -> None:
        target = ROUND_ACTIONS[action][1]
        if not self.can(action):
            ROUND_WORKFLOW.check(self.status, target, describe=lambda s: s.label)
            raise InvalidTransition(str(_l("This cannot be done now.")))  # pragma: no cover
        self.status = target

    def close(self, now: datetime) -> None:
        self._move(RoundAction.CLOSE)
        self.closed_at = now

    def allocate(self, seed: str, inputs: dict[str, Any], digest: str, actor: User, now: datetime) -> None:
        actor_id = actor.id  # read first: loading it must not flush a half-made allocation
        self._move(RoundAction.ALLOCATE)
        self.seed, self.inputs, self.inputs_digest = seed, inputs, digest
        self.allocated_at, self.allocated_by_id = now, actor_id


class LectureRoundEntry(db.Model):
    """A request collected in a round, and what the allocation gave it."""

    __tablename__ = "lecture_round_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("lecture_rounds.id", ondelete="CASCADE"), index=True)
    # A request is in one round at most.
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lecture_requests.id", ondelete="CASCADE"), unique=True
    )
    outcome: Mapped[EntryOutcome] = mapped_column(
        enum_type(EntryOutcome, "lecture_round_outcome"), default=EntryOutcome.WAITING
    )
    # After the allocation: its place in the order, and the choice it was given (if any).
    position: Mapped[int | None]
    allocated_rank: Mapped[int | None]
    allocated_day: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    round: Mapped[LectureRound] = relationship(back_populates="entries")
    request: Mapped[LectureRequest] = relationship()

    __table_args__ = (
        sa.CheckConstraint(
            "(outcome = 'allocated') = (allocated_day IS NOT NULL AND allocated_rank IS NOT NULL)",
            name="allocated_day",
        ),
        sa.CheckConstraint("allocated_rank IS NULL OR allocated_rank BETWEEN 1 AND 3", name="allocated_rank"),
    )

    @property
    def waiting(self) -> bool:
        return self.outcome == EntryOutcome.WAITING

    def lets_book(self) -> bool:
        """Whether staff may schedule the request (or propose dates) yet: only once its round
        is allocated; before, dates go by the round's rule, not by who is handled first."""
        return self.round.status == RoundStatus.ALLOCATED
