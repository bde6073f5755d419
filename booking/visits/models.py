"""Study tours: the facilities groups visit, organisers' requests and their history, and
the facilities' bookings.

A request changes status only through the verbs below, as the one table VISIT_ACTIONS
allows (the `can_*` questions and VISIT_WORKFLOW come from it); each move writes a
history row. Models never commit, mail, or read the web request.

How a facility's capacity is kept (the "never more than" rule):
- A scheduled visit books each facility it sees from `starts_at` to `ends_at` for its
  group (`FacilityBooking`, one row per facility).
- At no moment may the active bookings of a facility hold more visitors than its capacity.
  The services check that for a friendly message (services/facilities.py); the database
  checks it too, so two coordinators scheduling at the same instant cannot overfill a
  facility: a trigger on `visit_facility_bookings` (PostgreSQL: it first locks the
  facility's row, so bookings of one facility take turns; SQLite: writers are serialised)
  finds the busiest moment inside the new booking and refuses the row if the group would
  not fit then.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.core.enums import LabelledEnum
from booking.core.errors import InvalidTransition
from booking.core.feedback import FeedbackAnswers
from booking.core.i18n import format_date, localised
from booking.core.time import utcnow
from booking.core.workflow import Workflow
from booking.db import enum_type
from booking.extensions import db
from booking.staff.models import User


class Interpretation(LabelledEnum):
    NONE = "none"
    NEEDED = "needed"


INTERPRETATION_LABELS = Interpretation.set_labels(
    {
        Interpretation.NONE: _l("Not needed"),
        Interpretation.NEEDED: _l("Needed"),
    }
)


class VisitStatus(LabelledEnum):
    SUBMITTED = "submitted"
    PROPOSED = "proposed"
    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    DECLINED = "declined"
    CANCELLED = "cancelled"

    @property
    def tone(self) -> str:
        return STATUS_TONES[self]

    # What templates ask of a status, rather than comparing its string.
    @property
    def is_submitted(self) -> bool:
        return self is VisitStatus.SUBMITTED

    @property
    def is_proposed(self) -> bool:
        return self is VisitStatus.PROPOSED

    @property
    def is_scheduled(self) -> bool:
        return self is VisitStatus.SCHEDULED

    @property
    def is_completed(self) -> bool:
        return self is VisitStatus.COMPLETED

    @property
    def is_declined(self) -> bool:
        return self is VisitStatus.DECLINED

    @property
    def is_cancelled(self) -> bool:
        return self is VisitStatus.CANCELLED

    @property
    def is_closed(self) -> bool:
        return self not in OPEN_STATUSES


STATUS_LABELS = VisitStatus.set_labels(
    {
        VisitStatus.SUBMITTED: _l("Received"),
        VisitStatus.PROPOSED: _l("Dates proposed"),
        VisitStatus.SCHEDULED: _l("Scheduled"),
        VisitStatus.COMPLETED: _l("Held"),
        VisitStatus.DECLINED: _l("Declined"),
        VisitStatus.CANCELLED: _l("Cancelled"),
    }
)
STATUS_TONES = {
    VisitStatus.SUBMITTED: "info",
    VisitStatus.PROPOSED: "warning",
    VisitStatus.SCHEDULED: "success",
    VisitStatus.COMPLETED: "neutral",
    VisitStatus.DECLINED: "error",
    VisitStatus.CANCELLED: "error",
}

S = VisitStatus


class Action(enum.StrEnum):
    """What can be done to a visit request (see VISIT_ACTIONS)."""

    PROPOSE = "propose"
    SCHEDULE = "schedule"
    CHOOSE_DATE = "choose_date"
    RESCHEDULE = "reschedule"
    COMPLETE = "complete"
    DECLINE = "decline"
    CANCEL = "cancel"


@dataclass(frozen=True)
class Step:
    """An action's move: the statuses it can be taken from, and the status it leads to."""

    sources: frozenset[VisitStatus]
    target: VisitStatus


# What can be done to a request in each status, and where it leads; anything else is
# refused. The `can_*` questions, the verbs and VISIT_WORKFLOW all come from this table.
VISIT_ACTIONS = {
    Action.PROPOSE: Step(frozenset({S.SUBMITTED, S.PROPOSED}), S.PROPOSED),  # again: other dates
    Action.SCHEDULE: Step(frozenset({S.SUBMITTED, S.PROPOSED}), S.SCHEDULED),
    Action.CHOOSE_DATE: Step(frozenset({S.PROPOSED}), S.SCHEDULED),  # the organiser picks a date
    Action.RESCHEDULE: Step(frozenset({S.SCHEDULED}), S.SCHEDULED),
    Action.COMPLETE: Step(frozenset({S.SCHEDULED}), S.COMPLETED),
    Action.DECLINE: Step(frozenset({S.SUBMITTED, S.PROPOSED}), S.DECLINED),
    Action.CANCEL: Step(frozenset({S.SUBMITTED, S.PROPOSED, S.SCHEDULED}), S.CANCELLED),
}
# Every status move a request can make.
VISIT_WORKFLOW = Workflow.of(
    VisitStatus,
    {(source, step.target) for step in VISIT_ACTIONS.values() for source in step.sources},
)
# Open: something can still be done to the request; the other statuses are closed.
OPEN_STATUSES = frozenset(source for step in VISIT_ACTIONS.values() for source in step.sources)
# Finished: the visit took place or will not; its personal data has served its purpose.
FINISHED_STATUSES = frozenset({S.COMPLETED, S.DECLINED, S.CANCELLED})

GROUP_SIZE_MAX = 500
TEXT_MAX = 2000


class Facility(db.Model):
    """A place groups visit (Visitor Center, Water Plaza, the purification centre tour)."""

    __tablename__ = "visit_facilities"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name_ja: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[str] = mapped_column(sa.String(100))
    description_ja: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    # Visitors the facility holds at once (all groups together).
    capacity: Mapped[int]
    # ISO weekdays it is open, as digits: "12345" is Monday to Friday.
    open_weekdays: Mapped[str] = mapped_column(sa.String(7), default="12345")
    # Japan time: a visit starts at or after opens_at and ends by closes_at.
    opens_at: Mapped[time] = mapped_column(default=time(9, 0))
    closes_at: Mapped[time] = mapped_column(default=time(17, 0))
    visit_minutes: Mapped[int] = mapped_column(default=60)
    photo_policy_ja: Mapped[str] = mapped_column(sa.Text, default="")
    photo_policy_en: Mapped[str] = mapped_column(sa.Text, default="")
    meeting_point_ja: Mapped[str] = mapped_column(sa.Text, default="")
    meeting_point_en: Mapped[str] = mapped_column(sa.Text, default="")
    # How to get there, in words (no map service needed to read them).
    directions_ja: Mapped[str] = mapped_column(sa.Text, default="")
    directions_en: Mapped[str] = mapped_column(sa.Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    # List order: smaller first.
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        sa.CheckConstraint("capacity > 0", name="capacity"),
        sa.CheckConstraint("visit_minutes BETWEEN 15 AND 480", name="visit_minutes"),
        sa.CheckConstraint("opens_at < closes_at", name="hours"),
        sa.CheckConstraint("length(open_weekdays) BETWEEN 1 AND 7", name="open_weekdays"),
    )

    def __repr__(self) -> str:
        return f"<Facility {self.code}>"

    @property
    def name(self) -> str:
        return localised(self, "name")

    @property
    def description(self) -> str:
        return localised(self, "description")

    @property
    def photo_policy(self) -> str:
        return localised(self, "photo_policy")

    @property
    def meeting_point(self) -> str:
        return localised(self, "meeting_point")

    @property
    def directions(self) -> str:
        return localised(self, "directions")

    def text(self, name: str, language: str | None = None) -> str:
        """One of the bilingual texts in `language` (an email's, not the page's)."""
        return localised(self, name, language)

    @property
    def weekdays(self) -> list[int]:
        """ISO weekdays (1 = Monday) the facility is open."""
        return sorted({int(d) for d in self.open_weekdays if d in "1234567"})

    @property
    def visit_length(self) -> timedelta:
        return timedelta(minutes=self.visit_minutes)

    def open_on(self, day: date) -> bool:
        return day.isoweekday() in self.weekdays

    def open_between(self, start: time, end: time) -> bool:
        """A visit from `start` to `end` (Japan time, the same day) fits the opening hours."""
        return self.opens_at <= start and end <= self.closes_at and start < end


visit_request_facilities = sa.Table(
    "visit_request_facilities",
    db.metadata,
    sa.Column("request_id", sa.ForeignKey("visit_requests.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("facility_id", sa.ForeignKey("visit_facilities.id", ondelete="RESTRICT"), primary_key=True),
)


class ReferenceCounter(db.Model):
    """The last visit reference number given in a fiscal year; its row is the lock for the next."""

    __tablename__ = "visit_reference_counters"

    fiscal_year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)

    __table_args__ = (sa.CheckConstraint("last_number BETWEEN 0 AND 9999", name="last_number"),)


class VisitRequest(db.Model):
    """A group's request for a study tour, from submission to the visit held."""

    __tablename__ = "visit_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    # V-<fiscal year>-<number>, numbered per fiscal year of submission (April to March).
    reference: Mapped[str] = mapped_column(sa.String(12), unique=True)
    fiscal_year: Mapped[int] = mapped_column(index=True)
    number: Mapped[int]
    # The form's one-time key (hashed): a resent form finds its request instead of adding one.
    submission_key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    status: Mapped[VisitStatus] = mapped_column(
        enum_type(VisitStatus, "visit_status"), default=VisitStatus.SUBMITTED, index=True
    )
    organisation: Mapped[str] = mapped_column(sa.String(200))
    # ISO 3166 alpha-2 country or region of the group.
    country: Mapped[str] = mapped_column(sa.String(2), index=True)
    contact_name: Mapped[str] = mapped_column(sa.String(100))
    contact_email: Mapped[str] = mapped_column(sa.String(254))
    contact_phone: Mapped[str] = mapped_column(sa.String(30))
    purpose: Mapped[str] = mapped_column(sa.Text)
    group_size: Mapped[int]
    languages: Mapped[str] = mapped_column(sa.String(200), default="")
    interpretation: Mapped[Interpretation] = mapped_column(
        enum_type(Interpretation, "visit_interpretation"), default=Interpretation.NONE
    )
    accessibility: Mapped[str] = mapped_column(sa.Text, default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    # The organiser's page and emails are in this language (the form's, at submission).
    language: Mapped[str] = mapped_column(sa.String(5), default="en")
    # The organiser's own time zone (IANA), shown beside Japan time.
    time_zone: Mapped[str] = mapped_column(sa.String(64), default="Asia/Tokyo")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The booked visit, once scheduled.
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    # An outside interpreter, by name (a staff interpreter is booked like a guide).
    interpreter_name: Mapped[str] = mapped_column(sa.String(100), default="")
    # Staff's message with the dates they proposed.
    proposal_message: Mapped[str] = mapped_column(sa.Text, default="")
    # The reason given when declined or cancelled.
    closed_reason: Mapped[str] = mapped_column(sa.Text, default="")
    # Recorded when held.
    actual_visitors: Mapped[int | None]
    held_note: Mapped[str] = mapped_column(sa.Text, default="")
    # Calendar entries: each change of the booked visit is a newer version of one entry.
    calendar_sequence: Mapped[int] = mapped_column(default=0)
    # When the contact details were blanked (the retention purge); counts stay.
    personal_data_purged_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    facilities: Mapped[list[Facility]] = relationship(
        secondary=visit_request_facilities, order_by="Facility.position, Facility.id"
    )
    slots: Mapped[list[VisitSlot]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="[VisitSlot.kind, VisitSlot.rank]"
    )
    events: Mapped[list[VisitEvent]] = relationship(
        back_populates="request",
        cascade="all, delete-orphan",
        order_by="[VisitEvent.occurred_at, VisitEvent.id]",
    )
    links: Mapped[list[VisitLink]] = relationship(back_populates="request", cascade="all, delete-orphan")
    countries: Mapped[list[VisitCountry]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="VisitCountry.country"
    )
    facility_bookings: Mapped[list[FacilityBooking]] = relationship(
        back_populates="request", cascade="all, delete-orphan"
    )
    feedback: Mapped[VisitFeedback | None] = relationship(
        back_populates="request", cascade="all, delete-orphan", uselist=False
    )

    __table_args__ = (
        sa.UniqueConstraint("fiscal_year", "number", name="uq_visit_requests_fiscal_year_number"),
        sa.CheckConstraint("number BETWEEN 1 AND 9999", name="number"),
        sa.CheckConstraint(f"group_size BETWEEN 1 AND {GROUP_SIZE_MAX}", name="group_size"),
        sa.CheckConstraint("actual_visitors IS NULL OR actual_visitors >= 0", name="actual_visitors"),
        sa.CheckConstraint("language IN ('ja', 'en')", name="language"),
        sa.CheckConstraint("starts_at IS NULL OR ends_at > starts_at", name="times"),
        sa.CheckConstraint(
            "status NOT IN ('scheduled', 'completed') OR starts_at IS NOT NULL", name="booked_has_time"
        ),
    )

    def __repr__(self) -> str:
        return f"<VisitRequest {self.reference}>"

    # What the request holds.
    @property
    def candidates(self) -> list[VisitSlot]:
        """The dates the organiser asked for, first choice first."""
        return sorted((s for s in self.slots if s.kind == SlotKind.REQUESTED), key=lambda s: s.rank)

    @property
    def proposals(self) -> list[VisitSlot]:
        """The dates staff offered instead, if any."""
        return sorted((s for s in self.slots if s.kind == SlotKind.PROPOSED), key=lambda s: s.rank)

    def slot(self, slot_id: int) -> VisitSlot | None:
        return next((slot for slot in self.slots if slot.id == slot_id), None)

    @property
    def visit_minutes(self) -> int:
        """How long the visit lasts: the facilities are seen one after the other."""
        return sum(f.visit_minutes for f in self.facilities) or 60

    @property
    def visit_length(self) -> timedelta:
        return timedelta(minutes=self.visit_minutes)

    @property
    def needs_interpreter(self) -> bool:
        return self.interpretation == Interpretation.NEEDED

    @property
    def personal_data_purged(self) -> bool:
        return self.personal_data_purged_at is not None

    @property
    def calendar_uid_stem(self) -> str:
        """Stable for the life of the visit, so calendars update one entry (a domain is added)."""
        return f"visit-{self.reference.lower()}"

    @property
    def has_booked_date(self) -> bool:
        """A date was booked: the visit is scheduled, was held, or was cancelled once booked."""
        return self.starts_at is not None and self.status in (S.SCHEDULED, S.COMPLETED, S.CANCELLED)

    @property
    def visitor_count(self) -> int:
        """Visitors counted by country (after the visit), else the group size asked for."""
        counted = sum(c.visitors for c in self.countries)
        return counted or self.actual_visitors or self.group_size

    # Questions views and templates share.
    def can(self, action: Action, now: datetime | None = None) -> bool:
        """Whether `action` is possible now: the table allows it from this status, and (to
        record a visit as held) it has started, or (to choose a date) dates were proposed."""
        if self.status not in VISIT_ACTIONS[action].sources:
            return False
        if action == Action.COMPLETE:
            return self.starts_at is not None and self.starts_at <= (now or utcnow())
        if action == Action.CHOOSE_DATE:
            return bool(self.proposals)
        return True

    def can_propose(self) -> bool:
        return self.can(Action.PROPOSE)

    def can_schedule(self) -> bool:
        return self.can(Action.SCHEDULE)

    def can_choose_date(self) -> bool:
        return self.can(Action.CHOOSE_DATE)

    def can_reschedule(self) -> bool:
        return self.can(Action.RESCHEDULE)

    def can_complete(self, now: datetime | None = None) -> bool:
        return self.can(Action.COMPLETE, now)

    def can_decline(self) -> bool:
        return self.can(Action.DECLINE)

    def can_cancel(self) -> bool:
        return self.can(Action.CANCEL)

    def has_calendar(self) -> bool:
        return self.status == S.SCHEDULED and self.starts_at is not None

    def can_give_feedback(self, now: datetime | None = None) -> bool:
        """The organiser may answer (or change the answers) now: held, within the edit window."""
        if self.status != S.COMPLETED:
            return False
        return self.feedback is None or self.feedback.can_edit(now or utcnow())

    def ensure_can(self, action: Action, now: datetime | None = None) -> None:
        """Raise InvalidTransition, with a message for a person, unless `action` is possible now."""
        if self.can(action, now):
            return
        if action == Action.SCHEDULE and self.status == S.SCHEDULED:
            raise InvalidTransition(_("This visit is already scheduled; reschedule it to move it."))
        if action == Action.RESCHEDULE:
            raise InvalidTransition(_("Only a scheduled visit can be rescheduled."))
        if action == Action.COMPLETE and self.status == S.SCHEDULED:
            raise InvalidTransition(_("The visit has not taken place yet."))
        if action == Action.CHOOSE_DATE and self.status == S.PROPOSED:
            raise InvalidTransition(_("There are no proposed dates to choose from."))
        raise InvalidTransition(
            _(
                "This cannot be done now: the status “%(current)s” cannot change to “%(target)s”.",
                current=self.status.label,
                target=VISIT_ACTIONS[action].target.label,
            )
        )

    # Status moves.
    def _move(
        self,
        action: Action,
        actor: User | None,
        note: str = "",
        internal_note: str = "",
        details: dict[str, Any] | None = None,
        by_organiser: bool = False,
    ) -> VisitEvent:
        target = VISIT_ACTIONS[action].target
        VISIT_WORKFLOW.check(self.status, target, describe=lambda status: status.label)
        event = VisitEvent(
            from_status=self.status,
            to_status=target,
            actor_id=actor.id if actor is not None else None,
            by_organiser=by_organiser,
            note=note,
            internal_note=internal_note,
            details={"action": action.value, **(details or {})},
            occurred_at=utcnow(),
        )
        self.events.append(event)
        self.status = target
        return event

    def record_submission(self) -> None:
        """The first history row: the organiser sent the request."""
        self.events.append(
            VisitEvent(from_status=None, to_status=S.SUBMITTED, by_organiser=True, occurred_at=utcnow())
        )

    def propose(
        self,
        times: list[tuple[datetime, datetime]],
        message: str,
        actor: User,
        internal_note: str = "",
        details: dict[str, Any] | None = None,
    ) -> VisitEvent:
        """Offer the organiser other dates (replacing any offered before)."""
        self.ensure_can(Action.PROPOSE)
        facts = {"starts_at": [start.isoformat() for start, _end in times], **(details or {})}
        event = self._move(Action.PROPOSE, actor, note=message, internal_note=internal_note, details=facts)
        self.proposal_message = message
        existing = self.proposals
        for rank, (start, end) in enumerate(times, start=1):
            # Rewritten in place: a delete and an insert of the same rank in one flush
            # would meet the unique constraint before the delete runs.
            slot = existing[rank - 1] if rank <= len(existing) else None
            if slot is None:
                slot = VisitSlot(kind=SlotKind.PROPOSED, rank=rank)
                self.slots.append(slot)
            slot.starts_at, slot.ends_at = start, end
        for slot in existing[len(times) :]:
            self.slots.remove(slot)
        return event

    def schedule(
        self,
        starts_at: datetime,
        ends_at: datetime,
        actor: User | None,
        note: str = "",
        internal_note: str = "",
        details: dict[str, Any] | None = None,
        by_organiser: bool = False,
    ) -> VisitEvent:
        """Book the visit (from received, or from proposed dates). Facilities and guides are
        booked by the services (facility bookings, the staff diary)."""
        action = Action.CHOOSE_DATE if by_organiser else Action.SCHEDULE
        self.ensure_can(action)
        facts = {"starts_at": [starts_at.isoformat()], **(details or {})}
        event = self._move(
            action, actor, note=note, internal_note=internal_note, details=facts, by_organiser=by_organiser
        )
        self.starts_at, self.ends_at = starts_at, ends_at
        return event

    def reschedule(
        self,
        starts_at: datetime,
        ends_at: datetime,
        actor: User,
        note: str = "",
        internal_note: str = "",
        details: dict[str, Any] | None = None,
    ) -> VisitEvent:
        """Move a scheduled visit (or change its guides); calendars get a newer version."""
        self.ensure_can(Action.RESCHEDULE)
        facts = {"starts_at": [starts_at.isoformat()], **(details or {})}
        event = self._move(Action.RESCHEDULE, actor, note=note, internal_note=internal_note, details=facts)
        self.calendar_sequence = (self.calendar_sequence or 0) + 1
        self.starts_at, self.ends_at = starts_at, ends_at
        return event

    def decline(self, reason: str, actor: User) -> VisitEvent:
        self.ensure_can(Action.DECLINE)
        event = self._move(Action.DECLINE, actor, note=reason)
        self.closed_reason = reason
        return event

    def cancel(self, reason: str, actor: User | None, by_organiser: bool = False) -> bool:
        """Cancel; returns whether the visit had been scheduled (calendars need a CANCEL).
        The facilities' bookings are released here; the guides' by the services."""
        self.ensure_can(Action.CANCEL)
        was_scheduled = self.status == S.SCHEDULED
        self._move(Action.CANCEL, actor, note=reason, by_organiser=by_organiser)
        self.closed_reason = reason
        for booking in self.facility_bookings:
            booking.active = False
        if was_scheduled:
            self.calendar_sequence = (self.calendar_sequence or 0) + 1
        return was_scheduled

    def complete(
        self,
        actual_visitors: int,
        by_country: dict[str, int],
        note: str,
        actor: User,
        now: datetime | None = None,
    ) -> VisitEvent:
        """Record the visit as held: how many came, and from which countries."""
        self.ensure_can(Action.COMPLETE, now)
        event = self._move(
            Action.COMPLETE,
            actor,
            internal_note=note,
            details={"actual_visitors": actual_visitors, "countries": dict(by_country)},
        )
        self.actual_visitors = actual_visitors
        self.held_note = note
        self.set_country_counts(by_country)
        return event

    def set_country_counts(self, by_country: dict[str, int]) -> None:
        """Keep the visitors per country (for the track record), replacing earlier counts."""
        current = {c.country: c for c in self.countries}
        for code, count in by_country.items():
            row = current.pop(code, None)
            if row is None:
                self.countries.append(VisitCountry(country=code, visitors=count))
            else:
                row.visitors = count
        for row in current.values():
            self.countries.remove(row)

    def give_feedback(self, satisfaction: int, comments: str, now: datetime) -> VisitFeedback:
        """The organiser's answers after the visit; changing them is allowed for a few days."""
        if self.status != S.COMPLETED:
            raise InvalidTransition(_("Feedback can be given once the visit has taken place."))
        if self.feedback is not None and not self.feedback.can_edit(now):
            raise InvalidTransition(
                _(
                    "Your answers were received on %(date)s and can no longer be changed. "
                    "Please contact us if something needs correcting.",
                    date=format_date(self.feedback.submitted_at),
                )
            )
        if self.feedback is None:
            self.feedback = VisitFeedback(submitted_at=now, updated_at=now)
        self.feedback.satisfaction = satisfaction
        self.feedback.comments = comments
        self.feedback.updated_at = now
        return self.feedback

    def purge_personal_data(self, now: datetime) -> None:
        """Blank who the organiser is and what they wrote; the counts stay for the record."""
        self.contact_name = ""
        self.contact_email = ""
        self.contact_phone = ""
        self.accessibility = ""
        self.notes = ""
        self.personal_data_purged_at = now
        self.links.clear()
        for event in self.events:
            if event.by_organiser:
                event.note = ""
        if self.feedback is not None:
            self.feedback.comments = ""


class SlotKind(enum.StrEnum):
    REQUESTED = "requested"  # the organiser's first to third choice
    PROPOSED = "proposed"  # dates staff offered instead


class VisitSlot(db.Model):
    """A date and time the organiser asked for, or one staff proposed."""

    __tablename__ = "visit_slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("visit_requests.id", ondelete="CASCADE"))
    kind: Mapped[SlotKind] = mapped_column(enum_type(SlotKind, "visit_slot_kind"))
    rank: Mapped[int]
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]

    request: Mapped[VisitRequest] = relationship(back_populates="slots")

    __table_args__ = (
        sa.UniqueConstraint("request_id", "kind", "rank", name="uq_visit_slots_request_kind_rank"),
        sa.CheckConstraint("rank BETWEEN 1 AND 3", name="rank"),
        sa.CheckConstraint("ends_at > starts_at", name="times"),
    )


class VisitEvent(db.Model):
    """One line of a request's history: who moved it from which status to which, and why."""

    __tablename__ = "visit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("visit_requests.id", ondelete="CASCADE"), index=True
    )
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # True when the organiser did it through the private link.
    by_organiser: Mapped[bool] = mapped_column(default=False)
    from_status: Mapped[VisitStatus | None] = mapped_column(enum_type(VisitStatus, "visit_event_from"))
    to_status: Mapped[VisitStatus] = mapped_column(enum_type(VisitStatus, "visit_event_to"))
    # Shown to the organiser (a reason, a message); the internal note only to staff.
    note: Mapped[str] = mapped_column(sa.Text, default="")
    internal_note: Mapped[str] = mapped_column(sa.Text, default="")
    # Facts of the move: action, dates (ISO, UTC), guide ids, visitors.
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    request: Mapped[VisitRequest] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()

    @property
    def times(self) -> list[datetime]:
        return [datetime.fromisoformat(value) for value in self.details.get("starts_at", [])]


class VisitLink(db.Model):
    """A private link to a request's page; only the token's SHA-256 is kept."""

    __tablename__ = "visit_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("visit_requests.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[VisitRequest] = relationship(back_populates="links")


class VisitCountry(db.Model):
    """How many visitors of one country or region came with a visit: kept after the
    visitor list (and its names) is gone, for the track record."""

    __tablename__ = "visit_countries"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("visit_requests.id", ondelete="CASCADE"))
    country: Mapped[str] = mapped_column(sa.String(2))
    visitors: Mapped[int] = mapped_column(default=0)

    request: Mapped[VisitRequest] = relationship(back_populates="countries")

    __table_args__ = (
        sa.UniqueConstraint("request_id", "country", name="uq_visit_countries_request_country"),
        sa.CheckConstraint("visitors >= 0", name="visitors"),
    )


class FacilityBooking(db.Model):
    """A scheduled visit's group at one facility, from start to end: what fills its capacity.

    The database refuses a row that would put more visitors in the facility at once than
    its capacity (see the module's docstring and migration 0022).
    """

    __tablename__ = "visit_facility_bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(
        sa.ForeignKey("visit_facilities.id", ondelete="RESTRICT"), index=True
    )
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("visit_requests.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    visitors: Mapped[int]
    # False once the visit is cancelled or moved: the room is free again, the record stays.
    active: Mapped[bool] = mapped_column(default=True)

    facility: Mapped[Facility] = relationship()
    request: Mapped[VisitRequest] = relationship(back_populates="facility_bookings")

    __table_args__ = (
        sa.UniqueConstraint("request_id", "facility_id", name="uq_visit_facility_bookings_request_facility"),
        sa.CheckConstraint("starts_at < ends_at", name="times"),
        sa.CheckConstraint("visitors > 0", name="visitors"),
    )


class VisitFeedback(FeedbackAnswers, db.Model):
    """The organiser's answers after a held visit: satisfaction (1 to 5) and optional comments."""

    __tablename__ = "visit_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("visit_requests.id", ondelete="CASCADE"), unique=True
    )

    request: Mapped[VisitRequest] = relationship(back_populates="feedback")

    __table_args__ = FeedbackAnswers.checks()
