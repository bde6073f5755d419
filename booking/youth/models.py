"""Cohorts, their events, applications and guardians' consent.

An application is split in two on purpose. `Application` holds what selection works on
and what a blind reviewer may see: the applicant code, the essay, the status and the
consent state. `Applicant` holds everything that identifies the student and the guardian.
Reviewer pages read only the first.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.core.enums import LabelledEnum
from booking.core.i18n import localised
from booking.core.time import utcnow
from booking.core.workflow import Workflow
from booking.db import enum_type
from booking.extensions import db
from booking.schools.models import School
from booking.staff.models import User
from booking.youth.rules import essay_length

# High-school grades a cohort can be open to.
GRADES = (1, 2, 3)


class WindowState(enum.StrEnum):
    NOT_YET_OPEN = "not_yet_open"
    OPEN = "open"
    CLOSED = "closed"

    @property
    def is_open(self) -> bool:
        return self == WindowState.OPEN

    @property
    def is_not_yet_open(self) -> bool:
        return self == WindowState.NOT_YET_OPEN


class Cohort(db.Model):
    """One year's training: the call for applications and the program's dates."""

    __tablename__ = "youth_cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(unique=True)
    title_ja: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str] = mapped_column(sa.String(200), default="")
    destination_ja: Mapped[str] = mapped_column(sa.String(200))
    destination_en: Mapped[str] = mapped_column(sa.String(200), default="")
    description_ja: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    places: Mapped[int] = mapped_column(default=6)
    waitlist_length: Mapped[int] = mapped_column(default=3)
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    # School grades (1-3) that may apply, e.g. [1, 2].
    eligible_grades: Mapped[list[int]] = mapped_column(sa.JSON, default=lambda: [1, 2])
    essay_prompt_ja: Mapped[str] = mapped_column(sa.Text)
    essay_prompt_en: Mapped[str] = mapped_column(sa.Text, default="")
    essay_min_chars: Mapped[int] = mapped_column(default=600)
    essay_max_chars: Mapped[int] = mapped_column(default=800)
    reviewers_per_application: Mapped[int] = mapped_column(default=2)
    offer_days: Mapped[int] = mapped_column(default=7)
    # Guardians who have not answered are reminded this many days before the window closes.
    consent_reminder_days: Mapped[int] = mapped_column(default=5)
    # Set when selection results go out; guardians can change their answer until then.
    results_published_at: Mapped[datetime | None]
    # For cohorts run before this system (paper applications): participants as recorded.
    recorded_participants: Mapped[int | None]
    # When the applicants' personal data was deleted (retention), keeping codes and counts.
    personal_data_purged_at: Mapped[datetime | None]
    # The last applicant number handed out; the row is locked while taking the next one.
    last_applicant_number: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    events: Mapped[list[CohortEvent]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan", order_by="CohortEvent.starts_at"
    )

    __table_args__ = (
        sa.CheckConstraint("places > 0", name="places_positive"),
        sa.CheckConstraint("waitlist_length >= 0", name="waitlist_not_negative"),
        sa.CheckConstraint("opens_at < closes_at", name="window_order"),
        sa.CheckConstraint("essay_min_chars > 0 AND essay_min_chars <= essay_max_chars", name="essay_range"),
        sa.CheckConstraint("reviewers_per_application >= 1", name="reviewers_positive"),
        sa.CheckConstraint("offer_days >= 1", name="offer_days_positive"),
        sa.CheckConstraint("consent_reminder_days >= 0", name="reminder_days_not_negative"),
        sa.CheckConstraint("last_applicant_number >= 0", name="applicant_number_not_negative"),
    )

    def title(self, language: str | None = None) -> str:
        return localised(self, "title", language)

    def destination(self, language: str | None = None) -> str:
        return localised(self, "destination", language)

    def description(self, language: str | None = None) -> str:
        return localised(self, "description", language)

    def essay_prompt(self, language: str | None = None) -> str:
        return localised(self, "essay_prompt", language)

    def window_state(self, now: datetime) -> WindowState:
        if now < self.opens_at:
            return WindowState.NOT_YET_OPEN
        if now < self.closes_at:
            return WindowState.OPEN
        return WindowState.CLOSED

    def can_accept_applications(self, now: datetime) -> bool:
        """Applications, drafts and edits are taken while the window is open (to the minute)."""
        return self.window_state(now) == WindowState.OPEN

    def can_change_consent(self) -> bool:
        return self.results_published_at is None

    def is_eligible_grade(self, grade: int | None) -> bool:
        return grade in (self.eligible_grades or [])

    def next_applicant_code(self) -> str:
        """Take the next number; the caller holds the row lock (see services)."""
        self.last_applicant_number += 1
        return applicant_code(self.fiscal_year, self.last_applicant_number)

    def __repr__(self) -> str:
        return f"<Cohort {self.fiscal_year}>"


def applicant_code(fiscal_year: int, number: int) -> str:
    return f"Y-{fiscal_year}-{number:03d}"


class EventKind(LabelledEnum):
    BRIEFING = "briefing"
    DOMESTIC_TRAINING = "domestic_training"
    OVERSEAS_DISPATCH = "overseas_dispatch"
    DOMESTIC_PROGRAM = "domestic_program"
    RESULTS_REPORT = "results_report"
    OTHER = "other"


EVENT_KIND_LABELS = EventKind.set_labels(
    {
        EventKind.BRIEFING: _l("Briefing"),
        EventKind.DOMESTIC_TRAINING: _l("Domestic training"),
        EventKind.OVERSEAS_DISPATCH: _l("Overseas dispatch"),
        EventKind.DOMESTIC_PROGRAM: _l("Domestic program"),
        EventKind.RESULTS_REPORT: _l("Results report"),
        EventKind.OTHER: _l("Other"),
    }
)


class CohortEvent(db.Model):
    """A date of the program: a training session, the dispatch abroad, the results report."""

    __tablename__ = "youth_cohort_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("youth_cohorts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[EventKind] = mapped_column(enum_type(EventKind, "youth_event_kind"))
    title_ja: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str] = mapped_column(sa.String(200), default="")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    place_ja: Mapped[str] = mapped_column(sa.String(200), default="")
    place_en: Mapped[str] = mapped_column(sa.String(200), default="")
    # Grows with every change, for calendar entries (SEQUENCE).
    sequence: Mapped[int] = mapped_column(default=0)

    cohort: Mapped[Cohort] = relationship(back_populates="events")

    __table_args__ = (sa.CheckConstraint("starts_at < ends_at", name="event_order"),)

    def title(self, language: str | None = None) -> str:
        return localised(self, "title", language)

    def place(self, language: str | None = None) -> str:
        return localised(self, "place", language)


class ApplicationStatus(LabelledEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    # Selection's decisions: a place offered (and held), the waiting list, or not this time.
    ACCEPTED = "accepted"
    WAITLISTED = "waitlisted"
    NOT_SELECTED = "not_selected"
    # The student's answer to the offer: taking part, declining, or no answer by the deadline.
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"

    # What the pages and emails ask of a status (templates never compare its value).
    @property
    def is_undecided(self) -> bool:
        """Received, and no decision taken (or none published to the student yet)."""
        return self == ApplicationStatus.SUBMITTED

    @property
    def can_be_decided(self) -> bool:
        """Coordinators can decide on it, or change or take back the decision."""
        return self == ApplicationStatus.SUBMITTED or self in DECISIONS

    @property
    def is_accepted(self) -> bool:
        return self == ApplicationStatus.ACCEPTED

    @property
    def is_waitlisted(self) -> bool:
        return self == ApplicationStatus.WAITLISTED

    @property
    def is_not_selected(self) -> bool:
        return self == ApplicationStatus.NOT_SELECTED

    @property
    def is_confirmed(self) -> bool:
        return self == ApplicationStatus.CONFIRMED

    @property
    def is_declined(self) -> bool:
        return self == ApplicationStatus.DECLINED

    @property
    def is_expired(self) -> bool:
        return self == ApplicationStatus.EXPIRED

    @property
    def is_withdrawn(self) -> bool:
        return self == ApplicationStatus.WITHDRAWN

    @property
    def tone(self) -> str:
        return {
            ApplicationStatus.DRAFT: "neutral",
            ApplicationStatus.SUBMITTED: "info",
            ApplicationStatus.ACCEPTED: "success",
            ApplicationStatus.CONFIRMED: "success",
            ApplicationStatus.WAITLISTED: "warning",
        }.get(self, "neutral")


APPLICATION_STATUS_LABELS = ApplicationStatus.set_labels(
    {
        ApplicationStatus.DRAFT: _l("Draft (not sent)"),
        ApplicationStatus.SUBMITTED: lazy_pgettext("application status", "Received"),
        ApplicationStatus.ACCEPTED: _l("Selected"),
        ApplicationStatus.WAITLISTED: _l("On the waiting list"),
        ApplicationStatus.NOT_SELECTED: _l("Not selected"),
        ApplicationStatus.CONFIRMED: _l("Taking part"),
        ApplicationStatus.DECLINED: _l("Place declined"),
        ApplicationStatus.EXPIRED: _l("No answer by the deadline"),
        ApplicationStatus.WITHDRAWN: _l("Withdrawn"),
    }
)

# Selection's decisions; coordinators can change them until the results are published.
DECISIONS = (ApplicationStatus.ACCEPTED, ApplicationStatus.WAITLISTED, ApplicationStatus.NOT_SELECTED)
# The statuses that hold one of the cohort's places.
HOLDING_A_PLACE = (ApplicationStatus.ACCEPTED, ApplicationStatus.CONFIRMED)
# The statuses that need the guardian's consent: a place, taking part, the waiting list.
NEEDING_CONSENT = (ApplicationStatus.ACCEPTED, ApplicationStatus.CONFIRMED, ApplicationStatus.WAITLISTED)

# The allowed moves of an application, from the student's draft to the end of selection.
APPLICATION_WORKFLOW = Workflow.of(
    ApplicationStatus,
    [
        (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED),
        # Deciding, changing a decision, or taking it back (before publication).
        *(
            (frm, to)
            for frm in (ApplicationStatus.SUBMITTED, *DECISIONS)
            for to in (ApplicationStatus.SUBMITTED, *DECISIONS)
            if frm != to
        ),
        # The selected student's answer to the offer, or its deadline passing.
        (ApplicationStatus.ACCEPTED, ApplicationStatus.CONFIRMED),
        (ApplicationStatus.ACCEPTED, ApplicationStatus.DECLINED),
        (ApplicationStatus.ACCEPTED, ApplicationStatus.EXPIRED),
        # Leaving after the results: a participant, a student yet to answer, or one waiting.
        (ApplicationStatus.ACCEPTED, ApplicationStatus.WITHDRAWN),
        (ApplicationStatus.CONFIRMED, ApplicationStatus.WITHDRAWN),
        (ApplicationStatus.WAITLISTED, ApplicationStatus.WITHDRAWN),
    ],
)


class ConsentStatus(LabelledEnum):
    PENDING = "pending"
    GIVEN = "given"
    REFUSED = "refused"

    @property
    def is_pending(self) -> bool:
        return self == ConsentStatus.PENDING

    @property
    def is_given(self) -> bool:
        return self == ConsentStatus.GIVEN

    @property
    def is_refused(self) -> bool:
        return self == ConsentStatus.REFUSED

    @property
    def tone(self) -> str:
        return {ConsentStatus.GIVEN: "success", ConsentStatus.REFUSED: "error"}.get(self, "warning")


CONSENT_STATUS_LABELS = ConsentStatus.set_labels(
    {
        ConsentStatus.PENDING: _l("Awaiting the guardian's answer"),
        ConsentStatus.GIVEN: _l("Consent given"),
        ConsentStatus.REFUSED: _l("Consent refused"),
    }
)


class Application(db.Model):
    """What selection works on: code, essay, status, consent state. No personal data."""

    __tablename__ = "youth_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("youth_cohorts.id", ondelete="CASCADE"), index=True)
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_type(ApplicationStatus, "youth_application_status"), default=ApplicationStatus.DRAFT, index=True
    )
    # e.g. Y-2026-017, given when first submitted.
    code: Mapped[str | None] = mapped_column(sa.String(20))
    essay: Mapped[str] = mapped_column(sa.Text, default="")
    essay_chars: Mapped[int] = mapped_column(default=0)
    # The student's email, normalised and hashed, set on submission: the unique
    # constraint keeps one submitted application per student per cohort.
    email_key: Mapped[str | None] = mapped_column(sa.String(64))
    # The SHA-256 of the hidden one-time key of the form that created it: a form resent
    # within SUBMISSION_KEY_HOURS finds it. The key itself is never stored.
    submission_key_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    consent_status: Mapped[ConsentStatus] = mapped_column(
        enum_type(ConsentStatus, "youth_consent_status"), default=ConsentStatus.PENDING
    )
    consent_answered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # When retention deleted its personal data (the email key with it).
    purged_at: Mapped[datetime | None]

    cohort: Mapped[Cohort] = relationship()
    applicant: Mapped[Applicant] = relationship(
        back_populates="application", cascade="all, delete-orphan", uselist=False
    )
    history: Mapped[list[ApplicationHistory]] = relationship(
        cascade="all, delete-orphan", order_by="ApplicationHistory.id"
    )

    __table_args__ = (
        sa.UniqueConstraint("cohort_id", "code", name="uq_youth_applications_cohort_code"),
        sa.UniqueConstraint("cohort_id", "email_key", name="uq_youth_applications_cohort_email"),
        sa.CheckConstraint(
            "status = 'draft' OR (code IS NOT NULL AND submitted_at IS NOT NULL"
            " AND (email_key IS NOT NULL OR purged_at IS NOT NULL))",
            name="submitted_has_code",
        ),
        # Never a place, a participant or the waiting list without the guardian's consent,
        # whatever races past the services' checks.
        sa.CheckConstraint(
            "status NOT IN (" + ", ".join(f"'{s.value}'" for s in NEEDING_CONSENT) + ") "
            "OR consent_status = 'given'",
            name="place_needs_consent",
        ),
        sa.CheckConstraint(
            "(consent_status = 'pending') = (consent_answered_at IS NULL)", name="consent_answer_time"
        ),
    )

    @property
    def is_draft(self) -> bool:
        return self.status == ApplicationStatus.DRAFT

    def set_essay(self, text: str) -> None:
        self.essay = text
        self.essay_chars = essay_length(text)

    def can_edit(self, now: datetime) -> bool:
        """Drafts and received applications can be changed until the window closes."""
        return self.status in (
            ApplicationStatus.DRAFT,
            ApplicationStatus.SUBMITTED,
        ) and self.cohort.can_accept_applications(now)

    def can_answer_consent(self) -> bool:
        return not self.is_draft and self.cohort.can_change_consent()

    def _move(
        self, target: ApplicationStatus, by: ChangedBy, actor: User | None = None, note: str = ""
    ) -> None:
        APPLICATION_WORKFLOW.check(self.status, target, describe=lambda s: s.label)
        self.history.append(
            ApplicationHistory(
                event=HistoryEvent.STATUS,
                from_value=self.status.value,
                to_value=target.value,
                by=by,
                actor=actor,
                note=note,
            )
        )
        self.status = target

    def submit(self, code: str, email_key: str, now: datetime) -> None:
        self._move(ApplicationStatus.SUBMITTED, by=ChangedBy.STUDENT)
        self.code = code
        self.email_key = email_key
        self.submitted_at = now

    # Selection -------------------------------------------------------------------------

    @property
    def is_decided(self) -> bool:
        return self.status in DECISIONS

    @property
    def holds_place(self) -> bool:
        return self.status in HOLDING_A_PLACE

    @property
    def visible_status(self) -> ApplicationStatus:
        """The status the student and guardian see: decisions stay hidden until published."""
        if self.is_decided and self.cohort.results_published_at is None:
            return ApplicationStatus.SUBMITTED
        return self.status

    def can_be_offered_a_place(self) -> bool:
        """A place (or a place on the waiting list) needs the guardian's consent."""
        return self.consent_status == ConsentStatus.GIVEN

    def decide(self, decision: ApplicationStatus, actor: User) -> None:
        """A coordinator's decision (or SUBMITTED to take it back); the service checks the rules."""
        if decision not in (*DECISIONS, ApplicationStatus.SUBMITTED):
            raise ValueError(f"{decision} is not a selection decision")
        self._move(decision, by=ChangedBy.STAFF, actor=actor)

    def take_back_decision(self, by: ChangedBy, note: str = "") -> None:
        """The decision no longer stands (the guardian withdrew consent before publication)."""
        self._move(ApplicationStatus.SUBMITTED, by=by, note=note)

    def offer_place(self, by: ChangedBy, actor: User | None = None, note: str = "") -> None:
        """A place freed up and goes to this student from the waiting list."""
        self._move(ApplicationStatus.ACCEPTED, by=by, actor=actor, note=note)

    def accept_place(self) -> None:
        self._move(ApplicationStatus.CONFIRMED, by=ChangedBy.STUDENT)

    def decline_place(self) -> None:
        self._move(ApplicationStatus.DECLINED, by=ChangedBy.STUDENT)

    def expire_offer(self) -> None:
        self._move(ApplicationStatus.EXPIRED, by=ChangedBy.SYSTEM, note="deadline passed")

    def withdraw(self, actor: User | None, note: str = "") -> None:
        self._move(
            ApplicationStatus.WITHDRAWN,
            by=ChangedBy.STAFF if actor else ChangedBy.STUDENT,
            actor=actor,
            note=note,
        )

    # Consent ---------------------------------------------------------------------------

    def record_consent(self, status: ConsentStatus, now: datetime) -> None:
        """The guardian's answer (the typed name is kept with the personal data)."""
        if status == ConsentStatus.PENDING:
            raise ValueError("a guardian answers with consent given or refused")
        self.history.append(
            ApplicationHistory(
                event=HistoryEvent.CONSENT,
                from_value=self.consent_status.value,
                to_value=status.value,
                by=ChangedBy.GUARDIAN,
            )
        )
        self.consent_status = status
        self.consent_answered_at = now

    def reset_consent(self, by: ChangedBy) -> None:
        """A new guardian (another address) has to answer afresh."""
        self.history.append(
            ApplicationHistory(
                event=HistoryEvent.CONSENT,
                from_value=self.consent_status.value,
                to_value=ConsentStatus.PENDING.value,
                by=by,
            )
        )
        self.consent_status = ConsentStatus.PENDING
        self.consent_answered_at = None

    def __repr__(self) -> str:
        return f"<Application {self.id} {self.code or 'draft'}>"


class Applicant(db.Model):
    """The personal data of one application: the student, the school, the guardian."""

    __tablename__ = "youth_applicants"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("youth_applications.id", ondelete="CASCADE"), unique=True
    )
    family_name: Mapped[str] = mapped_column(sa.String(50), default="")
    given_name: Mapped[str] = mapped_column(sa.String(50), default="")
    family_name_kana: Mapped[str] = mapped_column(sa.String(50), default="")
    given_name_kana: Mapped[str] = mapped_column(sa.String(50), default="")
    school_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("schools.id", ondelete="SET NULL"), index=True
    )
    # Written in when the school is not in the directory ("other").
    school_name: Mapped[str] = mapped_column(sa.String(100), default="")
    grade: Mapped[int | None]
    email: Mapped[str] = mapped_column(sa.String(254), default="", index=True)
    phone: Mapped[str] = mapped_column(sa.String(20), default="")
    guardian_name: Mapped[str] = mapped_column(sa.String(100), default="")
    guardian_relationship: Mapped[str] = mapped_column(sa.String(30), default="")
    guardian_email: Mapped[str] = mapped_column(sa.String(254), default="")
    guardian_phone: Mapped[str] = mapped_column(sa.String(20), default="")
    attest_eligibility: Mapped[bool] = mapped_column(default=False)
    attest_schedule: Mapped[bool] = mapped_column(default=False)
    privacy_consent: Mapped[bool] = mapped_column(default=False)
    # The language the student used; their emails and the guardian's are written in it.
    language: Mapped[str] = mapped_column(sa.String(5), default="ja")
    # The name the guardian typed when answering, as their signature.
    consent_signed_name: Mapped[str] = mapped_column(sa.String(100), default="")

    application: Mapped[Application] = relationship(back_populates="applicant")
    school: Mapped[School | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("grade IS NULL OR grade BETWEEN 1 AND 3", name="grade_range"),
        sa.CheckConstraint("language IN ('ja', 'en')", name="language"),
    )

    @property
    def full_name(self) -> str:
        return f"{self.family_name} {self.given_name}".strip()

    @property
    def full_name_kana(self) -> str:
        return f"{self.family_name_kana} {self.given_name_kana}".strip()

    @property
    def school_label(self) -> str:
        return self.school.name if self.school is not None else self.school_name


class Audience(enum.StrEnum):
    STUDENT = "student"
    GUARDIAN = "guardian"


class AccessLink(db.Model):
    """A private link to an application: only the token's SHA-256 is kept.

    A student or guardian may hold several (a link sent again does not break the one
    already open on their phone); a guardian's links stop working when the guardian
    address changes.
    """

    __tablename__ = "youth_access_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("youth_applications.id", ondelete="CASCADE"), index=True
    )
    audience: Mapped[Audience] = mapped_column(enum_type(Audience, "youth_audience"))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    application: Mapped[Application] = relationship()


class HistoryEvent(LabelledEnum):
    """What a history row records: a move of the application's status, or of the consent."""

    STATUS = "status"
    CONSENT = "consent"


HISTORY_EVENT_LABELS = HistoryEvent.set_labels(
    {
        HistoryEvent.STATUS: _l("Status"),
        HistoryEvent.CONSENT: _l("Guardian's consent"),
    }
)


class ChangedBy(LabelledEnum):
    """Who made a move: the student, the guardian, staff (with the user), or the system."""

    STUDENT = "student"
    GUARDIAN = "guardian"
    STAFF = "staff"
    SYSTEM = "system"


CHANGED_BY_LABELS = ChangedBy.set_labels(
    {
        ChangedBy.STUDENT: _l("the student"),
        ChangedBy.GUARDIAN: _l("the guardian"),
        ChangedBy.STAFF: _l("staff"),
        ChangedBy.SYSTEM: _l("the system"),
    }
)


class ApplicationHistory(db.Model):
    """Every status move and consent answer: what, from, to, by whom, when."""

    __tablename__ = "youth_application_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("youth_applications.id", ondelete="CASCADE"), index=True
    )
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    event: Mapped[HistoryEvent] = mapped_column(enum_type(HistoryEvent, "youth_history_event"))
    from_value: Mapped[str] = mapped_column(sa.String(20))
    to_value: Mapped[str] = mapped_column(sa.String(20))
    by: Mapped[ChangedBy] = mapped_column(enum_type(ChangedBy, "youth_history_by"))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    actor: Mapped[User | None] = relationship()

    def _label(self, value: str) -> str:
        statuses = ConsentStatus if self.event == HistoryEvent.CONSENT else ApplicationStatus
        try:
            return statuses(value).label
        except ValueError:
            return value

    @property
    def from_label(self) -> str:
        return self._label(self.from_value)

    @property
    def to_label(self) -> str:
        return self._label(self.to_value)

    @property
    def by_label(self) -> str:
        return self.by.label
