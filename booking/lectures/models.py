"""Lecture programs, schools' requests and their history, lecturers' bookings and time off.

A request changes status only through the verbs below, as the one table LECTURE_ACTIONS
allows (the `can_*` questions and LECTURE_WORKFLOW come from it); each move writes a
history row. Models never commit, mail, or read the web request.

Lecturers' bookings are rows of the shared `staff_bookings` table (booking/scheduling,
program "lecture", subject_id = the request's id): the clash rule between a person's
bookings across programs, their time off and their base abroad lives there, once, and
the database enforces it there. `LectureRequest.assignments` is this request's rows; the
verbs below write them through scheduling's `arrange`. The daily cap stays a lecture rule
(lectures/scheduling.py).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, foreign, mapped_column, query_expression, relationship

from booking.core.enums import LabelledEnum
from booking.core.errors import InvalidTransition
from booking.core.feedback import FeedbackAnswers
from booking.core.i18n import format_date, localised
from booking.core.time import to_zone, utcnow
from booking.core.workflow import Workflow
from booking.db import enum_type
from booking.extensions import db
from booking.scheduling.models import BookingRole, StaffBooking, arrange
from booking.scheduling.models import Program as BookingProgram
from booking.schools.coverage import Reach
from booking.schools.models import MAX_PERIODS, School, SchoolType
from booking.staff.models import User


class LectureFormat(LabelledEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"


FORMAT_LABELS = LectureFormat.set_labels(
    {LectureFormat.IN_PERSON: _l("At the school"), LectureFormat.ONLINE: _l("Online")}
)


class OnlinePlatform(LabelledEnum):
    ZOOM = "zoom"
    TEAMS = "teams"
    GOOGLE_MEET = "google_meet"
    OTHER = "other"


PLATFORM_LABELS = OnlinePlatform.set_labels(
    {
        OnlinePlatform.ZOOM: "Zoom",
        OnlinePlatform.TEAMS: "Microsoft Teams",
        OnlinePlatform.GOOGLE_MEET: "Google Meet",
        OnlinePlatform.OTHER: _l("Other (tell us in the notes)"),
    }
)


class MeetingHost(LabelledEnum):
    """Who sends the meeting link for an online lecture."""

    SCHOOL = "school"
    BUREAU = "bureau"


MEETING_HOST_LABELS = MeetingHost.set_labels(
    {
        MeetingHost.SCHOOL: _l("The school sends us the link"),
        MeetingHost.BUREAU: _l("The bureau sends the school the link"),
    }
)


class GradeBand(LabelledEnum):
    ELEMENTARY_LOWER = "elementary_lower"
    ELEMENTARY_UPPER = "elementary_upper"
    JUNIOR_HIGH = "junior_high"
    HIGH = "high"
    ADULTS = "adults"


GRADE_BAND_LABELS = GradeBand.set_labels(
    {
        GradeBand.ELEMENTARY_LOWER: _l("Elementary grades 1–3"),
        GradeBand.ELEMENTARY_UPPER: _l("Elementary grades 4–6"),
        GradeBand.JUNIOR_HIGH: _l("Junior high school students"),
        GradeBand.HIGH: _l("High school students"),
        GradeBand.ADULTS: _l("Teachers, parents and adults"),
    }
)


class LectureStatus(LabelledEnum):
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
        return self is LectureStatus.SUBMITTED

    @property
    def is_proposed(self) -> bool:
        return self is LectureStatus.PROPOSED

    @property
    def is_scheduled(self) -> bool:
        return self is LectureStatus.SCHEDULED

    @property
    def is_completed(self) -> bool:
        return self is LectureStatus.COMPLETED

    @property
    def is_declined(self) -> bool:
        return self is LectureStatus.DECLINED


STATUS_LABELS = LectureStatus.set_labels(
    {
        LectureStatus.SUBMITTED: _l("Received"),
        LectureStatus.PROPOSED: _l("Dates proposed"),
        LectureStatus.SCHEDULED: _l("Scheduled"),
        LectureStatus.COMPLETED: _l("Held"),
        LectureStatus.DECLINED: _l("Declined"),
        LectureStatus.CANCELLED: _l("Cancelled"),
    }
)
STATUS_TONES = {
    LectureStatus.SUBMITTED: "info",
    LectureStatus.PROPOSED: "warning",
    LectureStatus.SCHEDULED: "success",
    LectureStatus.COMPLETED: "neutral",
    LectureStatus.DECLINED: "error",
    LectureStatus.CANCELLED: "error",
}

S = LectureStatus


class Action(enum.StrEnum):
    """What can be done to a request (see LECTURE_ACTIONS)."""

    PROPOSE = "propose"
    SCHEDULE = "schedule"
    RESCHEDULE = "reschedule"
    DECLINE = "decline"
    CANCEL = "cancel"
    COMPLETE = "complete"
    CHOOSE_DATE = "choose_date"
    ASK_OTHER_DATES = "ask_other_dates"


@dataclass(frozen=True)
class Step:
    """An action's move: the statuses it can be taken from, and the status it leads to."""

    sources: frozenset[LectureStatus]
    target: LectureStatus


# What can be done to a request in each status, and where it leads; anything else is
# refused. The `can_*` questions, the verbs and LECTURE_WORKFLOW all come from this table.
LECTURE_ACTIONS = {
    Action.PROPOSE: Step(frozenset({S.SUBMITTED, S.PROPOSED}), S.PROPOSED),  # again: other dates
    Action.SCHEDULE: Step(frozenset({S.SUBMITTED, S.PROPOSED}), S.SCHEDULED),
    Action.CHOOSE_DATE: Step(frozenset({S.PROPOSED}), S.SCHEDULED),  # the teacher picks a date
    # The teacher finds none of the proposed dates suitable and gives new candidates.
    Action.ASK_OTHER_DATES: Step(frozenset({S.PROPOSED}), S.SUBMITTED),
    Action.RESCHEDULE: Step(frozenset({S.SCHEDULED}), S.SCHEDULED),
    Action.COMPLETE: Step(frozenset({S.SCHEDULED}), S.COMPLETED),
    Action.DECLINE: Step(frozenset({S.SUBMITTED}), S.DECLINED),
    Action.CANCEL: Step(frozenset({S.SUBMITTED, S.PROPOSED, S.SCHEDULED}), S.CANCELLED),
}
# Every status move a request can make.
LECTURE_WORKFLOW = Workflow.of(
    LectureStatus,
    {(source, step.target) for step in LECTURE_ACTIONS.values() for source in step.sources},
)
# Open: something can still be done to the request; the other statuses are closed.
OPEN_STATUSES = frozenset(source for step in LECTURE_ACTIONS.values() for source in step.sources)
BOOKED_STATUSES = frozenset({S.SCHEDULED, S.COMPLETED})


# The meeting link's longest form (Teams links run to a few hundred characters).
MEETING_URL_MAX = 1000
# How many classes may listen to one lecture.
CLASS_COUNT_MAX = 20
# How many days before the lecture's day the bureau sends a link it issues (or asks the school for its own).
MEETING_LINK_DAYS_BEFORE = 7
MEETING_URL_CHECK = f"length(meeting_url) <= {MEETING_URL_MAX} AND (format = 'online' OR meeting_url = '')"
CONNECTION_TEST_AT_CHECK = (
    "connection_test_at IS NULL OR "
    "(format = 'online' AND starts_at IS NOT NULL AND connection_test_at < starts_at)"
)


class Program(db.Model):
    """A lecture of the catalog (講座メニュー)."""

    __tablename__ = "lecture_programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    title_ja: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str] = mapped_column(sa.String(200))
    summary_ja: Mapped[str] = mapped_column(sa.Text, default="")
    summary_en: Mapped[str] = mapped_column(sa.Text, default="")
    # GradeBand values the lecture is made for.
    target_grades: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    duration_minutes: Mapped[int] = mapped_column(default=45)
    offers_in_person: Mapped[bool] = mapped_column(default=True)
    offers_online: Mapped[bool] = mapped_column(default=True)
    max_audience: Mapped[int] = mapped_column(default=120)
    active: Mapped[bool] = mapped_column(default=True)
    # Catalog order: smaller first.
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        sa.CheckConstraint("duration_minutes BETWEEN 15 AND 240", name="duration"),
        sa.CheckConstraint("max_audience > 0", name="max_audience"),
        sa.CheckConstraint("offers_in_person OR offers_online", name="some_format"),
    )

    def title(self, language: str | None = None) -> str:
        return localised(self, "title", language)

    def summary(self, language: str | None = None) -> str:
        return localised(self, "summary", language)

    @property
    def formats(self) -> list[LectureFormat]:
        offered = [
            (self.offers_in_person, LectureFormat.IN_PERSON),
            (self.offers_online, LectureFormat.ONLINE),
        ]
        return [fmt for on, fmt in offered if on]

    def offers(self, fmt: LectureFormat) -> bool:
        return fmt in self.formats

    @property
    def grade_bands(self) -> list[GradeBand]:
        known = {band.value for band in GradeBand}
        return [GradeBand(value) for value in self.target_grades or [] if value in known]

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    def __repr__(self) -> str:
        return f"<Program {self.id}>"


class ReferenceCounter(db.Model):
    """The last reference number given in a fiscal year; its row is the lock for the next."""

    __tablename__ = "lecture_reference_counters"

    fiscal_year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)

    __table_args__ = (sa.CheckConstraint("last_number BETWEEN 0 AND 9999", name="last_number"),)


proposed_lecturers = sa.Table(
    "lecture_proposed_lecturers",
    db.metadata,
    sa.Column("request_id", sa.ForeignKey("lecture_requests.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class LectureRequest(db.Model):
    """A school's request for a lecture, from submission to the lecture held."""

    __tablename__ = "lecture_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    # L-<fiscal year>-<number>, numbered per fiscal year of submission (April to March).
    reference: Mapped[str] = mapped_column(sa.String(12), unique=True)
    fiscal_year: Mapped[int] = mapped_column(index=True)
    number: Mapped[int]
    # The form's one-time key (hashed): a resent form finds its request instead of adding one.
    submission_key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    language: Mapped[str] = mapped_column(sa.String(5), default="ja")
    status: Mapped[LectureStatus] = mapped_column(
        enum_type(LectureStatus, "lecture_status"), default=LectureStatus.SUBMITTED, index=True
    )
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lecture_programs.id", ondelete="RESTRICT"), index=True
    )
    format: Mapped[LectureFormat] = mapped_column(enum_type(LectureFormat, "lecture_format"))

    # The school: from the directory (school_id) or typed in. Name, address and type are
    # kept as they were at submission, so the request reads the same if the directory changes.
    school_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("schools.id", ondelete="SET NULL"), index=True
    )
    school_name: Mapped[str] = mapped_column(sa.String(100))
    school_address: Mapped[str] = mapped_column(sa.String(200), default="")
    school_type: Mapped[SchoolType] = mapped_column(enum_type(SchoolType, "school_type"))

    contact_name: Mapped[str] = mapped_column(sa.String(100))
    contact_email: Mapped[str] = mapped_column(sa.String(254))
    contact_phone: Mapped[str] = mapped_column(sa.String(20))
    grade: Mapped[str] = mapped_column(sa.String(100))
    audience_size: Mapped[int]
    # How many classes listen (1 to CLASS_COUNT_MAX); None on requests made before it was asked.
    class_count: Mapped[int | None]

    online_platform: Mapped[OnlinePlatform | None] = mapped_column(
        enum_type(OnlinePlatform, "online_platform")
    )
    meeting_link_by: Mapped[MeetingHost | None] = mapped_column(enum_type(MeetingHost, "meeting_host"))
    connection_test: Mapped[bool] = mapped_column(default=False)
    venue: Mapped[str] = mapped_column(sa.String(200), default="")
    equipment: Mapped[str] = mapped_column(sa.String(500), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    # Online lectures, once scheduled: the meeting link (from the bureau or the school) and the
    # connection test's time; changing either sends the teacher and lecturers an update.
    meeting_url: Mapped[str] = mapped_column(sa.String(MEETING_URL_MAX), default="")
    connection_test_at: Mapped[datetime | None]
    meeting_updated_at: Mapped[datetime | None]

    # Set when scheduled.
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    lecture_day: Mapped[date | None] = mapped_column(index=True)  # Japan-time date of starts_at
    # Grows with every change to a scheduled lecture, for calendar programs (.ics SEQUENCE).
    calendar_sequence: Mapped[int] = mapped_column(default=0)
    proposal_message: Mapped[str] = mapped_column(sa.Text, default="")
    # Why it was declined or cancelled (shown to the school).
    closed_reason: Mapped[str] = mapped_column(sa.Text, default="")
    # After the lecture.
    actual_audience: Mapped[int | None]
    completion_notes: Mapped[str] = mapped_column(sa.Text, default="")

    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    program: Mapped[Program] = relationship()
    school: Mapped[School | None] = relationship()
    slots: Mapped[list[LectureSlot]] = relationship(
        back_populates="request",
        cascade="all, delete-orphan",
        order_by="[LectureSlot.kind, LectureSlot.rank]",
    )
    # The lecturers' bookings (scheduling's table; no foreign key, see the module docstring
    # of booking/scheduling): written through this list, deleted with the request.
    assignments: Mapped[list[StaffBooking]] = relationship(
        primaryjoin=lambda: sa.and_(
            LectureRequest.id == foreign(StaffBooking.subject_id),
            StaffBooking.program == BookingProgram.LECTURE,
        ),
        cascade="all, delete-orphan",
        order_by=lambda: StaffBooking.id,
    )
    events: Mapped[list[LectureEvent]] = relationship(
        back_populates="request",
        cascade="all, delete-orphan",
        order_by="[LectureEvent.occurred_at, LectureEvent.id]",
    )
    links: Mapped[list[LectureLink]] = relationship(back_populates="request", cascade="all, delete-orphan")
    proposed_lecturers: Mapped[list[User]] = relationship(secondary=proposed_lecturers, order_by=User.name)
    # The teacher's answers after the lecture (one at most).
    feedback: Mapped[LectureFeedback | None] = relationship(
        back_populates="request", cascade="all, delete-orphan", uselist=False
    )
    # Loaded only by queries that ask for it (the inbox, see lectures/time_off.py): one of
    # its lecturers has time off over the scheduled lecture. None where not asked for.
    time_off_clash: Mapped[bool | None] = query_expression()
    # Loaded only by the inbox's query: the school answered "none of these dates suit" and
    # the request waits for staff again (see asked_for_other_dates).
    other_dates_asked: Mapped[bool | None] = query_expression()
    # Loaded only by the inbox's and the request page's queries (see lectures/coverage.py):
    # how far the bureau has reached the request's school, a `Reach` value; None where not
    # asked for and for a school typed in.
    school_reach: Mapped[str | None] = query_expression()

    __table_args__ = (
        sa.UniqueConstraint("fiscal_year", "number", name="uq_lecture_requests_fiscal_year_number"),
        sa.CheckConstraint("number BETWEEN 1 AND 9999", name="number"),
        sa.CheckConstraint("audience_size > 0", name="audience_size"),
        sa.CheckConstraint(
            f"class_count IS NULL OR class_count BETWEEN 1 AND {CLASS_COUNT_MAX}", name="class_count"
        ),
        sa.CheckConstraint("actual_audience IS NULL OR actual_audience >= 0", name="actual_audience"),
        sa.CheckConstraint("language IN ('ja', 'en')", name="language"),
        sa.CheckConstraint("starts_at IS NULL OR ends_at > starts_at", name="times"),
        sa.CheckConstraint(
            "status NOT IN ('scheduled', 'completed') OR (starts_at IS NOT NULL AND lecture_day IS NOT NULL)",
            name="booked_has_time",
        ),
        sa.CheckConstraint("format = 'online' OR online_platform IS NULL", name="platform_only_online"),
        sa.CheckConstraint(MEETING_URL_CHECK, name="meeting_url"),
        sa.CheckConstraint(CONNECTION_TEST_AT_CHECK, name="connection_test_at"),
    )

    def __repr__(self) -> str:
        return f"<LectureRequest {self.reference}>"

    # Questions views and templates share.
    @property
    def is_online(self) -> bool:
        return self.format == LectureFormat.ONLINE

    @property
    def school_sends_link(self) -> bool:
        """An online lecture whose meeting link the school issues (otherwise the bureau does)."""
        return self.meeting_link_by == MeetingHost.SCHOOL

    @property
    def has_meeting_link(self) -> bool:
        return bool(self.meeting_url)

    def can_set_meeting(self) -> bool:
        """Staff can set the meeting link and connection test: an online lecture, scheduled."""
        return self.is_online and self.status == S.SCHEDULED

    def can_give_meeting_link(self) -> bool:
        """The teacher can give the link on their page: the school issues it."""
        return self.can_set_meeting() and self.school_sends_link

    @property
    def awaiting_meeting_link(self) -> bool:
        """A scheduled online lecture whose meeting link nobody has given yet."""
        return self.can_set_meeting() and not self.meeting_url

    def meeting_link_due_on(self, today: date | None = None) -> date | None:
        """The Japan-time day by which the link should be there (a week before the lecture's
        day), while that day is still ahead; None once it has passed (or with no date)."""
        if self.lecture_day is None:
            return None
        due = self.lecture_day - timedelta(days=MEETING_LINK_DAYS_BEFORE)
        return due if due >= (today or to_zone(utcnow()).date()) else None

    def set_meeting(self, url: str, connection_test_at: datetime | None, now: datetime) -> tuple[bool, bool]:
        """Keep the meeting link and the connection test's time; returns (link changed, test changed).

        A change is a new version of the calendar entry (SEQUENCE up, the same UID).
        """
        if not self.can_set_meeting():
            raise InvalidTransition(_("A meeting link can be given only for a scheduled online lecture."))
        link_changed = url != (self.meeting_url or "")
        test_changed = connection_test_at != self.connection_test_at
        if link_changed or test_changed:
            self.meeting_url = url
            self.connection_test_at = connection_test_at
            self.meeting_updated_at = now
            self.calendar_sequence = (self.calendar_sequence or 0) + 1
        return link_changed, test_changed

    @property
    def has_booked_date(self) -> bool:
        """A date was booked: the lecture is scheduled, was held, or was cancelled once booked."""
        return self.starts_at is not None and self.status in (S.SCHEDULED, S.COMPLETED, S.CANCELLED)

    def can(self, action: Action, now: datetime | None = None) -> bool:
        """Whether `action` is possible now: the table allows it from this status, and
        (to record a lecture as held) it has started, or (to choose a date, or to ask for
        others) dates were proposed.
        """
        if self.status not in LECTURE_ACTIONS[action].sources:
            return False
        if action == Action.COMPLETE:
            return self.starts_at is not None and self.starts_at <= (now or utcnow())
        if action in (Action.CHOOSE_DATE, Action.ASK_OTHER_DATES):
            return bool(self.proposals)
        return True

    def can_propose(self) -> bool:
        return self.can(Action.PROPOSE)

    def can_schedule(self) -> bool:
        return self.can(Action.SCHEDULE)

    def can_reschedule(self) -> bool:
        return self.can(Action.RESCHEDULE)

    def can_decline(self) -> bool:
        return self.can(Action.DECLINE)

    def can_cancel(self) -> bool:
        return self.can(Action.CANCEL)

    def can_complete(self, now: datetime) -> bool:
        return self.can(Action.COMPLETE, now)

    def can_choose_date(self) -> bool:
        return self.can(Action.CHOOSE_DATE)

    def can_ask_other_dates(self) -> bool:
        return self.can(Action.ASK_OTHER_DATES)

    @property
    def asked_for_other_dates(self) -> bool:
        """The school's latest word was "none of these dates suit" (from the inbox's query when
        it loaded the answer, else from the history)."""
        if self.other_dates_asked is not None:
            return bool(self.other_dates_asked)
        return bool(self.events) and self.events[-1].details.get("action") == Action.ASK_OTHER_DATES

    @property
    def reach(self) -> Reach | None:
        """How far the bureau has reached this school (from the query that loaded it), if known."""
        return Reach(self.school_reach) if self.school_reach else None

    def has_calendar(self) -> bool:
        return self.status == S.SCHEDULED and self.starts_at is not None

    def can_give_feedback(self, now: datetime) -> bool:
        """The teacher may answer (or change the answers) now: held, and not past the edit window."""
        if self.status != S.COMPLETED:
            return False
        return self.feedback is None or self.feedback.can_edit(now)

    @property
    def booked_at(self) -> datetime | None:
        """When the lecture was last booked or moved (the latest move into "scheduled")."""
        times = [e.occurred_at for e in self.events if e.to_status == S.SCHEDULED]
        return max(times) if times else None

    # What the request holds.
    @property
    def candidates(self) -> list[LectureSlot]:
        """The dates the school asked for, first choice first."""
        return [slot for slot in self.slots if slot.kind == SlotKind.REQUESTED]

    @property
    def proposals(self) -> list[LectureSlot]:
        """The dates staff offered instead, if any."""
        return [slot for slot in self.slots if slot.kind == SlotKind.PROPOSED]

    def slot(self, slot_id: int) -> LectureSlot | None:
        return next((slot for slot in self.slots if slot.id == slot_id), None)

    @property
    def first_choice(self) -> LectureSlot | None:
        """The first date asked for (as periods of the school's day, or a start time)."""
        candidates = self.candidates
        return candidates[0] if candidates else None

    @property
    def first_choice_at(self) -> datetime | None:
        first = self.first_choice
        return first.starts_at if first else None

    @property
    def lecturers(self) -> list[User]:
        return [a.person for a in self.assignments]

    @property
    def calendar_uid_stem(self) -> str:
        """Stable for the life of the lecture, so calendars update one entry (a domain is added)."""
        return f"lecture-{self.reference.lower()}"

    # Status moves.
    def _move(
        self,
        action: Action,
        actor: User | None,
        note: str = "",
        internal_note: str = "",
        details: dict[str, Any] | None = None,
        by_school: bool = False,
    ) -> LectureEvent:
        target = LECTURE_ACTIONS[action].target
        LECTURE_WORKFLOW.check(self.status, target, describe=lambda status: status.label)
        event = LectureEvent(
            from_status=self.status,
            to_status=target,
            actor_id=actor.id if actor is not None else None,
            by_school=by_school,
            note=note,
            internal_note=internal_note,
            details=details or {},
            occurred_at=utcnow(),
        )
        self.events.append(event)
        self.status = target
        return event

    def record_submission(self) -> None:
        """The first history row: the school sent the request."""
        self.events.append(
            LectureEvent(from_status=None, to_status=S.SUBMITTED, by_school=True, occurred_at=utcnow())
        )

    def ensure_can(self, action: Action, now: datetime | None = None) -> None:
        """Raise InvalidTransition, with a message for a person, unless `action` is possible now."""
        if self.can(action, now):
            return
        if action == Action.SCHEDULE and self.status == S.SCHEDULED:
            raise InvalidTransition(_("This lecture is already scheduled; reschedule it to move it."))
        if action == Action.RESCHEDULE:
            raise InvalidTransition(_("Only a scheduled lecture can be rescheduled."))
        if action == Action.COMPLETE and self.status == S.SCHEDULED:
            raise InvalidTransition(_("The lecture has not taken place yet."))
        if action in (Action.CHOOSE_DATE, Action.ASK_OTHER_DATES) and self.status == S.PROPOSED:
            raise InvalidTransition(_("There are no proposed dates to choose from."))
        if action == Action.ASK_OTHER_DATES:
            raise InvalidTransition(
                _(
                    "We are no longer waiting for your answer to proposed dates: the request is "
                    "“%(current)s”. Please contact us if something needs changing.",
                    current=self.status.label,
                )
            )
        raise InvalidTransition(
            _(
                "This cannot be done now: the status “%(current)s” cannot change to “%(target)s”.",
                current=self.status.label,
                target=LECTURE_ACTIONS[action].target.label,
            )
        )

    def propose(
        self,
        times: list[tuple[datetime, datetime]],
        lecturers: list[User],
        message: str,
        actor: User,
        internal_note: str = "",
        overridden: list[str] | None = None,
    ) -> None:
        """Offer the school other dates (replacing any offered before), with their lecturers."""
        self.ensure_can(Action.PROPOSE)
        details: dict[str, Any] = {"starts_at": [start.isoformat() for start, _end in times]}
        if overridden:
            details["overridden"] = list(overridden)
        self._move(Action.PROPOSE, actor, note=message, internal_note=internal_note, details=details)
        self.proposal_message = message
        self.proposed_lecturers = list(lecturers)
        existing = self.proposals
        for rank, (start, end) in enumerate(times, start=1):
            # Rewrite slots in place: a delete and an insert of the same rank in one flush
            # would meet the unique constraint before the delete runs.
            slot = existing[rank - 1] if rank <= len(existing) else None
            if slot is None:
                slot = LectureSlot(kind=SlotKind.PROPOSED, rank=rank)
                self.slots.append(slot)
            slot.starts_at, slot.ends_at = start, end
        for slot in existing[len(times) :]:
            self.slots.remove(slot)

    def ask_other_dates(self, times: list[tuple[datetime, datetime]], message: str) -> LectureEvent:
        """The school turns down every proposed date and gives new candidates, first choice
        first: they replace the old ones, the proposals are withdrawn, and the request is
        received again. The history keeps the withdrawn proposals and the new candidates.
        """
        self.ensure_can(Action.ASK_OTHER_DATES)
        details: dict[str, Any] = {
            "action": Action.ASK_OTHER_DATES.value,
            "starts_at": [start.isoformat() for start, _end in times],
            "withdrawn": [slot.starts_at.isoformat() for slot in self.proposals],
            "previous_candidates": [slot.starts_at.isoformat() for slot in self.candidates],
        }
        event = self._move(Action.ASK_OTHER_DATES, None, note=message, details=details, by_school=True)
        for slot in self.proposals:
            self.slots.remove(slot)
        self.proposal_message = ""
        self.proposed_lecturers = []
        existing = self.candidates
        for rank, (start, end) in enumerate(times, start=1):
            # Rewritten in place, as in `propose`: the unique rank would meet a delete and an insert.
            slot = existing[rank - 1] if rank <= len(existing) else None
            if slot is None:
                slot = LectureSlot(kind=SlotKind.REQUESTED, rank=rank)
                self.slots.append(slot)
            slot.starts_at, slot.ends_at = start, end
        for slot in existing[len(times) :]:
            self.slots.remove(slot)
        return event

    def schedule(
        self,
        starts_at: datetime,
        ends_at: datetime,
        lecturers: list[User],
        buffer_minutes: int,
        actor: User | None,
        note: str = "",
        internal_note: str = "",
        overridden: list[str] | None = None,
        by_school: bool = False,
    ) -> None:
        """Book the lecture (from received, or from proposed dates) with its lecturers."""
        self.ensure_can(Action.SCHEDULE)
        self._move(
            Action.SCHEDULE,
            actor,
            note=note,
            internal_note=internal_note,
            details=self._booking_details(starts_at, lecturers, overridden),
            by_school=by_school,
        )
        self._book(starts_at, ends_at, lecturers, buffer_minutes)

    def reschedule(
        self,
        starts_at: datetime,
        ends_at: datetime,
        lecturers: list[User],
        buffer_minutes: int,
        actor: User,
        note: str = "",
        internal_note: str = "",
        overridden: list[str] | None = None,
    ) -> None:
        """Move a scheduled lecture (or change its lecturers); calendars get a newer version."""
        self.ensure_can(Action.RESCHEDULE)
        self._move(
            Action.RESCHEDULE,
            actor,
            note=note,
            internal_note=internal_note,
            details=self._booking_details(starts_at, lecturers, overridden),
        )
        self.calendar_sequence = (self.calendar_sequence or 0) + 1
        self._book(starts_at, ends_at, lecturers, buffer_minutes)

    def decline(self, reason: str, actor: User) -> None:
        self.ensure_can(Action.DECLINE)
        self._move(Action.DECLINE, actor, note=reason)
        self.closed_reason = reason

    def cancel(self, reason: str, actor: User | None, by_school: bool = False) -> bool:
        """Cancel; returns whether the lecture had been scheduled (calendars need a CANCEL)."""
        self.ensure_can(Action.CANCEL)
        was_scheduled = self.status == S.SCHEDULED
        self._move(Action.CANCEL, actor, note=reason, by_school=by_school)
        self.closed_reason = reason
        for assignment in self.assignments:
            assignment.active = False
        if was_scheduled:
            self.calendar_sequence = (self.calendar_sequence or 0) + 1
        return was_scheduled

    def complete(self, actual_audience: int, notes: str, actor: User, now: datetime) -> None:
        self.ensure_can(Action.COMPLETE, now)
        self._move(Action.COMPLETE, actor, details={"actual_audience": actual_audience})
        self.actual_audience = actual_audience
        self.completion_notes = notes

    @staticmethod
    def _booking_details(
        starts_at: datetime, lecturers: list[User], overridden: list[str] | None
    ) -> dict[str, Any]:
        details: dict[str, Any] = {
            "starts_at": [starts_at.isoformat()],
            "lecturer_ids": [u.id for u in lecturers],
        }
        if overridden:
            details["overridden"] = list(overridden)
        return details

    def give_feedback(self, satisfaction: int, comments: str, now: datetime) -> LectureFeedback:
        """The teacher's answers after the lecture; changing them is allowed for a few days."""
        if self.status != S.COMPLETED:
            raise InvalidTransition(_("Feedback can be given once the lecture has taken place."))
        if self.feedback is not None and not self.feedback.can_edit(now):
            raise InvalidTransition(
                _(
                    "Your answers were received on %(date)s and can no longer be changed. "
                    "Please contact us if something needs correcting.",
                    date=format_date(self.feedback.submitted_at),
                )
            )
        if self.feedback is None:
            self.feedback = LectureFeedback(submitted_at=now, updated_at=now)
        self.feedback.satisfaction = satisfaction
        self.feedback.comments = comments
        self.feedback.updated_at = now
        return self.feedback

    def _book(
        self, starts_at: datetime, ends_at: datetime, lecturers: list[User], buffer_minutes: int
    ) -> None:
        self.starts_at, self.ends_at = starts_at, ends_at
        self.lecture_day = to_zone(starts_at).date()
        if self.connection_test_at is not None and self.connection_test_at >= starts_at:
            self.connection_test_at = None  # moved before its test: a new test time is agreed
        wanted, unwanted = arrange(
            self.assignments,
            lecturers,
            program=BookingProgram.LECTURE,
            subject_id=self.id,
            role=BookingRole.LECTURER,
            starts_at=starts_at,
            ends_at=ends_at,
            buffer_minutes=buffer_minutes,
            in_person=self.format == LectureFormat.IN_PERSON,
        )
        for booking in unwanted:
            self.assignments.remove(booking)
        for booking in wanted:
            if booking not in self.assignments:
                self.assignments.append(booking)


def lecture_booking(booking: Any = StaffBooking) -> sa.ColumnElement[bool]:
    """Join condition: a staff booking (or an alias of the table) is for this lecture request."""
    return sa.and_(booking.program == BookingProgram.LECTURE, booking.subject_id == LectureRequest.id)


@dataclass(frozen=True)
class LectureBooking:
    """A lecturer's booking with its lecture, as a diary lists it."""

    booking: StaffBooking
    request: LectureRequest

    @property
    def request_id(self) -> int:
        return self.request.id

    @property
    def starts_at(self) -> datetime:
        return self.booking.starts_at

    @property
    def ends_at(self) -> datetime:
        return self.booking.ends_at

    @property
    def lecturer(self) -> User:
        return self.booking.person


class SlotKind(enum.StrEnum):
    REQUESTED = "requested"  # the school's first to third choice
    PROPOSED = "proposed"  # dates staff offered instead


class LectureSlot(db.Model):
    """A date and time the school asked for, or one staff proposed."""

    __tablename__ = "lecture_slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("lecture_requests.id", ondelete="CASCADE"))
    kind: Mapped[SlotKind] = mapped_column(enum_type(SlotKind, "slot_kind"))
    rank: Mapped[int]
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    # A date asked for as periods (校時) of the school's day: the first and last period;
    # starts_at and ends_at are then when those periods start and end.
    period_from: Mapped[int | None]
    period_to: Mapped[int | None]

    request: Mapped[LectureRequest] = relationship(back_populates="slots")

    __table_args__ = (
        sa.UniqueConstraint("request_id", "kind", "rank", name="uq_lecture_slots_request_kind_rank"),
        sa.CheckConstraint("rank BETWEEN 1 AND 3", name="rank"),
        sa.CheckConstraint("ends_at > starts_at", name="times"),
        sa.CheckConstraint(
            "(period_from IS NULL AND period_to IS NULL) OR "
            "(period_from IS NOT NULL AND period_to IS NOT NULL "
            f"AND period_from BETWEEN 1 AND {MAX_PERIODS} "
            f"AND period_to BETWEEN period_from AND {MAX_PERIODS})",
            name="periods",
        ),
    )

    @property
    def periods(self) -> tuple[int, int] | None:
        """(first, last) period when the date was asked for as periods."""
        if self.period_from is None or self.period_to is None:
            return None
        return self.period_from, self.period_to


class LectureEvent(db.Model):
    """One line of a request's history: who moved it from which status to which, and why."""

    __tablename__ = "lecture_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lecture_requests.id", ondelete="CASCADE"), index=True
    )
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # True when the school did it through its private link.
    by_school: Mapped[bool] = mapped_column(default=False)
    from_status: Mapped[LectureStatus | None] = mapped_column(enum_type(LectureStatus, "lecture_event_from"))
    to_status: Mapped[LectureStatus] = mapped_column(enum_type(LectureStatus, "lecture_event_to"))
    # Shown to the school (a reason, a message); the internal note only to staff.
    note: Mapped[str] = mapped_column(sa.Text, default="")
    internal_note: Mapped[str] = mapped_column(sa.Text, default="")
    # Facts of the move: dates (ISO, UTC), lecturer ids, audience.
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    request: Mapped[LectureRequest] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()

    @property
    def times(self) -> list[datetime]:
        return [datetime.fromisoformat(value) for value in self.details.get("starts_at", [])]


class LectureLink(db.Model):
    """A private link to a request's page; only the token's SHA-256 is kept.

    Each email that carries the link gets a fresh token; every one of them keeps working,
    so a link the teacher bookmarked stays valid.
    """

    __tablename__ = "lecture_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lecture_requests.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[LectureRequest] = relationship(back_populates="links")


class LectureFeedback(FeedbackAnswers, db.Model):
    """The teacher's answers after a held lecture: satisfaction (1 to 5) and optional comments."""

    __tablename__ = "lecture_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    # One answer per lecture: a resent form finds the answer it already made.
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lecture_requests.id", ondelete="CASCADE"), unique=True
    )

    request: Mapped[LectureRequest] = relationship(back_populates="feedback")

    __table_args__ = FeedbackAnswers.checks()

    @property
    def changed(self) -> bool:
        return self.updated_at > self.submitted_at
