"""Blind review of the essays: a cohort's rubric, reviewers' declared conflicts, the reviews.

Nothing here holds an applicant's personal data, but for the phrases coordinators mask by
hand in an essay (`EssayMask`, deleted with the cohort's personal data). A review points at an
`Application` (code and essay); reviewer pages never show the `Applicant` behind it, whose
names the server reads only to mask them in the essay (booking.review.services.masking).
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.core.enums import LabelledEnum
from booking.core.errors import DomainError, InvalidTransition
from booking.core.i18n import localised
from booking.core.time import utcnow
from booking.core.workflow import Workflow
from booking.db import enum_type
from booking.extensions import db
from booking.schools.models import School
from booking.staff.models import User
from booking.youth.models import Application, Cohort

# The longest note in the discussion and the longest reason for an amended score (characters).
NOTE_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 1000


class Criterion(db.Model):
    """One line of a cohort's rubric: what is judged, out of how much, and how much it weighs."""

    __tablename__ = "review_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("youth_cohorts.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name_ja: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[str] = mapped_column(sa.String(100), default="")
    description_ja: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    max_score: Mapped[int] = mapped_column(default=5)
    weight: Mapped[Decimal] = mapped_column(sa.Numeric(4, 2), default=Decimal("1"))
    # Level descriptors: what an essay at the lowest, the middle and the highest level reads like.
    level_low_ja: Mapped[str] = mapped_column(sa.Text, default="")
    level_low_en: Mapped[str] = mapped_column(sa.Text, default="")
    level_mid_ja: Mapped[str] = mapped_column(sa.Text, default="")
    level_mid_en: Mapped[str] = mapped_column(sa.Text, default="")
    level_high_ja: Mapped[str] = mapped_column(sa.Text, default="")
    level_high_en: Mapped[str] = mapped_column(sa.Text, default="")

    cohort: Mapped[Cohort] = relationship()

    __table_args__ = (
        sa.CheckConstraint("max_score BETWEEN 1 AND 100", name="max_score_range"),
        sa.CheckConstraint("weight > 0", name="weight_positive"),
    )

    def name(self, language: str | None = None) -> str:
        return localised(self, "name", language)

    def description(self, language: str | None = None) -> str:
        return localised(self, "description", language)

    def level_scores(self) -> dict[str, int]:
        """The score each descriptor stands for: 1, 3 and 5 on a 0-5 scale; 1, 5 and 10 on 0-10.

        The lowest level is 1 (0 on a 0-1 scale: 0 stays "nothing of it"); a middle that falls
        on the lowest or the highest level is left out.
        """
        low = 1 if self.max_score >= 2 else 0
        levels = {"low": low, "mid": (low + self.max_score) // 2, "high": self.max_score}
        if levels["mid"] in (low, self.max_score):
            del levels["mid"]
        return levels

    def levels(self, language: str | None = None) -> list[tuple[int, str]]:
        """(score, descriptor) for each level described, lowest first, in the reader's language."""
        return [
            (score, text)
            for level, score in self.level_scores().items()
            if (text := localised(self, f"level_{level}", language))
        ]

    def __repr__(self) -> str:
        return f"<Criterion {self.id}>"


class ReviewRound(db.Model):
    """The review of one cohort: when reviewers were last assigned, and whether it is closed."""

    __tablename__ = "review_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("youth_cohorts.id", ondelete="CASCADE"), unique=True)
    last_assigned_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # The discussion runs from the close until a coordinator ends it (or the results are out).
    discussion_ended_at: Mapped[datetime | None]
    discussion_ended_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    cohort: Mapped[Cohort] = relationship()
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])

    __table_args__ = (
        sa.CheckConstraint(
            "discussion_ended_at IS NULL OR closed_at IS NOT NULL", name="discussion_after_close"
        ),
    )

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def discussion_open(self) -> bool:
        """Closed, the discussion not ended, the results not out: notes and amended scores."""
        return (
            self.is_closed and self.discussion_ended_at is None and self.cohort.results_published_at is None
        )


class DeclaredConflict(db.Model):
    """A school a reviewer is connected to (works at, their child attends...): never assigned."""

    __tablename__ = "review_declared_conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id", ondelete="CASCADE"))
    declared_at: Mapped[datetime] = mapped_column(default=utcnow)

    school: Mapped[School] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("reviewer_id", "school_id", name="uq_review_declared_conflicts_pair"),
    )


class ReviewStatus(LabelledEnum):
    ASSIGNED = "assigned"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    # The reviewer flagged a conflict with this essay; it went to someone else.
    CONFLICT = "conflict"
    # A coordinator took the reviewer off this essay.
    REMOVED = "removed"

    @property
    def tone(self) -> str:
        return {
            ReviewStatus.ASSIGNED: "info",
            ReviewStatus.DRAFT: "warning",
            ReviewStatus.SUBMITTED: "success",
        }.get(self, "neutral")


REVIEW_STATUS_LABELS = ReviewStatus.set_labels(
    {
        ReviewStatus.ASSIGNED: _l("Not started"),
        ReviewStatus.DRAFT: _l("Draft saved"),
        ReviewStatus.SUBMITTED: _l("Submitted"),
        ReviewStatus.CONFLICT: _l("Conflict declared"),
        ReviewStatus.REMOVED: _l("Removed"),
    }
)


class ReviewAction(enum.StrEnum):
    """What can happen to a review; each one is a move in REVIEW_ACTIONS."""

    SAVE_DRAFT = "save_draft"
    SUBMIT = "submit"
    # The reviewer submits again: the status stays, the scores the ranking reads change.
    REVISE = "revise"
    FLAG_CONFLICT = "flag_conflict"
    REMOVE = "remove"
    RESTORE = "restore"
    # After the close, while the discussion is open: a score changed, with the reviewer's reason.
    AMEND = "amend"


REVIEW_ACTION_LABELS = {
    ReviewAction.SAVE_DRAFT: _l("Draft saved"),
    ReviewAction.SUBMIT: _l("Submitted"),
    ReviewAction.REVISE: _l("Revised before the close"),
    ReviewAction.FLAG_CONFLICT: _l("Conflict declared"),
    ReviewAction.REMOVE: _l("Reviewer removed"),
    ReviewAction.RESTORE: _l("Reviewer added back"),
    ReviewAction.AMEND: _l("Score changed in the discussion"),
}


@dataclass(frozen=True)
class ReviewMove:
    sources: frozenset[ReviewStatus]
    target: ReviewStatus


def _from(sources: tuple[ReviewStatus, ...], target: ReviewStatus) -> ReviewMove:
    return ReviewMove(frozenset(sources), target)


_S = ReviewStatus
# The one table of what can happen to a review, from which statuses, to which. The status
# workflow and every `can_*` question are read from it.
REVIEW_ACTIONS: dict[ReviewAction, ReviewMove] = {
    ReviewAction.SAVE_DRAFT: _from((_S.ASSIGNED, _S.DRAFT), _S.DRAFT),
    ReviewAction.SUBMIT: _from((_S.ASSIGNED, _S.DRAFT), _S.SUBMITTED),
    ReviewAction.REVISE: _from((_S.SUBMITTED,), _S.SUBMITTED),
    ReviewAction.FLAG_CONFLICT: _from((_S.ASSIGNED, _S.DRAFT), _S.CONFLICT),
    ReviewAction.REMOVE: _from((_S.ASSIGNED, _S.DRAFT, _S.SUBMITTED), _S.REMOVED),
    ReviewAction.RESTORE: _from((_S.REMOVED,), _S.ASSIGNED),
    ReviewAction.AMEND: _from((_S.SUBMITTED,), _S.SUBMITTED),
}

REVIEW_WORKFLOW = Workflow.of(
    ReviewStatus,
    {
        (source, move.target)
        for move in REVIEW_ACTIONS.values()
        for source in move.sources
        if source != move.target
    },
)

# Reviews that count: on the reviewer's list, and towards the application's reviewers (the
# statuses a review can be scored from).
ACTIVE = tuple(
    s
    for s in ReviewStatus
    if s in REVIEW_ACTIONS[ReviewAction.SUBMIT].sources | REVIEW_ACTIONS[ReviewAction.REVISE].sources
)
# Reviews with work in them: running the assignment again keeps these.
STARTED = (ReviewStatus.DRAFT, ReviewStatus.SUBMITTED)


class Review(db.Model):
    """One reviewer's reading of one essay: scores per criterion and a comment."""

    __tablename__ = "review_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("youth_cohorts.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("youth_applications.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[ReviewStatus] = mapped_column(
        enum_type(ReviewStatus, "review_status"), default=ReviewStatus.ASSIGNED
    )
    # Added by a coordinator by hand: the automatic assignment never takes it away.
    manual: Mapped[bool] = mapped_column(default=False)
    # Random, per reviewer and essay: each reviewer reads the essays in an order of their own.
    queue_key: Mapped[str] = mapped_column(sa.String(16))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    saved_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]

    application: Mapped[Application] = relationship()
    reviewer: Mapped[User] = relationship()
    scores: Mapped[list[Score]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="Score.criterion_id"
    )
    history: Mapped[list[ReviewHistory]] = relationship(
        back_populates="review",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ReviewHistory.occurred_at, ReviewHistory.id",
    )

    __table_args__ = (
        sa.UniqueConstraint("application_id", "reviewer_id", name="uq_review_reviews_application_reviewer"),
        sa.Index("ix_review_reviews_reviewer_queue", "reviewer_id", "cohort_id", "queue_key"),
        sa.CheckConstraint("status != 'submitted' OR submitted_at IS NOT NULL", name="submitted_has_time"),
    )

    @classmethod
    def assign(
        cls, cohort_id: int, application_id: int, reviewer_id: int, now: datetime | None = None
    ) -> Review:
        """A new review of the essay, at a random place in the reviewer's own order."""
        return cls(
            cohort_id=cohort_id,
            application_id=application_id,
            reviewer_id=reviewer_id,
            queue_key=secrets.token_hex(8),
            assigned_at=now or utcnow(),
        )

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def is_submitted(self) -> bool:
        return self.status == ReviewStatus.SUBMITTED

    def score_for(self, criterion_id: int) -> int | None:
        for score in self.scores:
            if score.criterion_id == criterion_id:
                return score.value
        return None

    def can(self, action: ReviewAction) -> bool:
        """Whether the table of moves allows `action` from the review's status."""
        return self.status in REVIEW_ACTIONS[action].sources

    def can_edit(self, review_round: ReviewRound | None) -> bool:
        """The reviewer can score and revise until the coordinator closes the review."""
        scorable = self.can(ReviewAction.SUBMIT) or self.can(ReviewAction.REVISE)
        return scorable and not (review_round is not None and review_round.is_closed)

    def can_flag_conflict(self, review_round: ReviewRound | None) -> bool:
        return self.can(ReviewAction.FLAG_CONFLICT) and self.can_edit(review_round)

    def can_remove(self) -> bool:
        return self.can(ReviewAction.REMOVE)

    def can_restore(self) -> bool:
        return self.can(ReviewAction.RESTORE)

    def _act(
        self, action: ReviewAction, actor: User | None, now: datetime | None = None, note: str = ""
    ) -> ReviewHistory:
        """Check `action` against the table, move the status and write the history row."""
        move = REVIEW_ACTIONS[action]
        if not self.can(action):
            REVIEW_WORKFLOW.check(self.status, move.target, describe=lambda s: s.label)
            # The target is reachable from here, but not by this action (a revision of a draft).
            raise InvalidTransition(
                _("This cannot be done now: the review is “%(current)s”.", current=self.status.label)
            )
        entry = ReviewHistory(
            action=action,
            from_status=self.status,
            to_status=move.target,
            actor_id=actor.id if actor is not None else None,
            occurred_at=now or utcnow(),
            note=note.strip(),
        )
        self.history.append(entry)
        self.status = move.target
        return entry

    def set_scores(self, values: dict[int, int | None], comment: str, now: datetime) -> None:
        """Keep the given scores (a draft may leave some out) and the comment."""
        by_criterion = {score.criterion_id: score for score in self.scores}
        for criterion_id, value in values.items():
            current = by_criterion.get(criterion_id)
            if value is None:
                if current is not None:
                    self.scores.remove(current)
            elif current is None:
                self.scores.append(Score(criterion_id=criterion_id, value=value))
            else:
                current.value = value
        self.comment = comment
        self.saved_at = now

    def save_draft(
        self, values: dict[int, int | None], comment: str, now: datetime, actor: User | None = None
    ) -> None:
        """Keep the scores as a draft; the first save moves the review to draft (a history row)."""
        if self.is_submitted:
            raise DomainError(_("A submitted review is revised by submitting it again."))
        if self.status != ReviewStatus.DRAFT:
            self._act(ReviewAction.SAVE_DRAFT, actor, now)
        self.set_scores(values, comment, now)

    def submit(self, values: dict[int, int], comment: str, now: datetime, actor: User | None = None) -> None:
        """Submit, or revise a submitted review (it stays submitted, with the new time)."""
        self._act(ReviewAction.REVISE if self.is_submitted else ReviewAction.SUBMIT, actor, now)
        self.submitted_at = now
        self.set_scores(dict(values), comment, now)

    def amend(
        self, values: dict[int, int], reason: str, now: datetime, actor: User | None = None
    ) -> ReviewHistory:
        """Change submitted scores during the discussion; the reason is the history row's note."""
        if not reason.strip():
            raise DomainError(_("Give the reason for the change."), field="reason")
        changes = [
            [criterion_id, self.score_for(criterion_id), value]
            for criterion_id, value in sorted(values.items())
            if self.score_for(criterion_id) != value
        ]
        if not changes:
            raise DomainError(
                _("No score has changed. Change at least one score, or leave the review as it is.")
            )
        entry = self._act(ReviewAction.AMEND, actor, now, note=reason)
        entry.changes = changes
        self.set_scores(dict(values), self.comment, now)
        return entry

    def flag_conflict(self, actor: User | None = None) -> None:
        """The reviewer gives the essay up; what they had written goes with it."""
        self._act(ReviewAction.FLAG_CONFLICT, actor)
        self.scores.clear()
        self.comment = ""

    def remove(self, actor: User | None = None, note: str = "") -> None:
        self._act(ReviewAction.REMOVE, actor, note=note)
        self.manual = False

    def restore(self, actor: User | None = None, note: str = "") -> None:
        """A coordinator puts a removed reviewer back on the essay; earlier scores are dropped."""
        self._act(ReviewAction.RESTORE, actor, note=note)
        self.queue_key = secrets.token_hex(8)
        self.scores.clear()
        self.comment = ""
        self.saved_at = None
        self.submitted_at = None

    def __repr__(self) -> str:
        return f"<Review {self.id} {self.status}>"


class Score(db.Model):
    __tablename__ = "review_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("review_reviews.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("review_criteria.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[int]

    review: Mapped[Review] = relationship(back_populates="scores")
    criterion: Mapped[Criterion] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("review_id", "criterion_id", name="uq_review_scores_review_criterion"),
        sa.CheckConstraint("value >= 0", name="value_not_negative"),
    )


class ReviewHistory(db.Model):
    """One move of a review: what was done, from which status to which, by whom, when.

    The note is a reason typed by staff, never essay text or a name; it is deleted with the
    cohort's personal data, like the reviewers' comments.
    """

    __tablename__ = "review_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("review_reviews.id", ondelete="CASCADE"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[ReviewAction] = mapped_column(enum_type(ReviewAction, "review_history_action"))
    from_status: Mapped[ReviewStatus] = mapped_column(enum_type(ReviewStatus, "review_history_from"))
    to_status: Mapped[ReviewStatus] = mapped_column(enum_type(ReviewStatus, "review_history_to"))
    # None when the system moved it.
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    # An amended review: [criterion id, score before, score after] for each score changed.
    changes: Mapped[list[list[int | None]] | None] = mapped_column(sa.JSON)

    review: Mapped[Review] = relationship(back_populates="history")
    actor: Mapped[User | None] = relationship()


class DiscussionNote(db.Model):
    """A note on one essay in the discussion after the close, by a coordinator or its reviewer.

    Shown by the essay's code only. Its text is personal data of the selection: deleted with
    the cohort's personal data, like the reviewers' comments.
    """

    __tablename__ = "review_discussion_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("youth_cohorts.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("youth_applications.id", ondelete="CASCADE"), index=True
    )
    # None once the staff account is deleted.
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    written_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(f"length(body) BETWEEN 1 AND {NOTE_MAX_LENGTH}", name="body_length"),
    )


class EssayMask(db.Model):
    """A phrase a coordinator masks by hand in one essay (every occurrence), besides the automatic masks.

    The phrase is usually a name: personal data, deleted with the cohort's. `phrase_key` is
    the phrase as masking compares it (booking.review.masking.normalise): the same phrase is
    never masked twice in one essay, however it is typed.
    """

    __tablename__ = "review_essay_masks"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("youth_applications.id", ondelete="CASCADE"), index=True
    )
    phrase: Mapped[str] = mapped_column(sa.String(100))
    phrase_key: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    created_by: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("application_id", "phrase_key", name="uq_review_essay_masks_application_phrase"),
        sa.CheckConstraint("length(phrase_key) > 0", name="phrase_not_empty"),
    )

    def __repr__(self) -> str:
        return f"<EssayMask {self.id}>"
