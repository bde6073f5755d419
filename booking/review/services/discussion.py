"""The discussion after the close: notes on an essay, scores amended with a reason.

The discussion opens when a coordinator closes the review and runs until a coordinator ends
it, or until the results are published, whichever comes first. Reopening the review ends
nothing: reviewers then revise as before, and the next close opens the discussion again.
While it is open, a coordinator and the essay's reviewers write notes on the essay (shown by
its code only), and a reviewer may change a submitted score with a reason: every change is a
row of the review's history. Reviewers see each other as "Reviewer A", "Reviewer B"; only
coordinators see who wrote what.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from booking.audit.services import record
from booking.core.auth import Role
from booking.core.errors import DomainError
from booking.core.time import utcnow
from booking.db import write_lock
from booking.extensions import db
from booking.review.models import (
    ACTIVE,
    NOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    DiscussionNote,
    Review,
    ReviewHistory,
    ReviewRound,
)
from booking.review.services.cohorts import REVIEWABLE, _check_not_published, review_round
from booking.review.services.reviewing import _check_scores
from booking.review.services.rubric import criteria_for
from booking.staff.models import User
from booking.youth.models import Application, Cohort
from booking.youth.services import lock_cohort


@dataclass(frozen=True)
class NoteView:
    author: str
    body: str
    written_at: datetime
    mine: bool


def discussion_open(cohort: Cohort) -> bool:
    found = review_round(cohort)
    return found is not None and found.discussion_open


def _check_discussion_open(cohort: Cohort) -> ReviewRound:
    _check_not_published(cohort)
    found = review_round(cohort)
    if found is None or not found.is_closed:
        raise DomainError(_("The discussion opens once the review is closed."))
    if found.discussion_ended_at is not None:
        raise DomainError(
            _("The discussion of this cohort has ended: notes and scores can no longer change.")
        )
    return found


def _essay_reviewer_ids(application_id: int) -> list[int]:
    """The essay's reviewers (active reviews), in the order their reviews were made."""
    return list(
        db.session.scalars(
            sa.select(Review.reviewer_id)
            .where(Review.application_id == application_id, Review.status.in_(ACTIVE))
            .order_by(Review.id)
        )
    )


def _letter(index: int) -> str:
    return chr(ord("A") + index) if index < 26 else str(index + 1)


def notes_for(application_id: int, viewer: User, for_coordinator: bool) -> list[NoteView]:
    """The essay's notes, oldest first; coordinators see names, reviewers see letters."""
    notes = db.session.scalars(
        sa.select(DiscussionNote)
        .where(DiscussionNote.application_id == application_id)
        .options(joinedload(DiscussionNote.author).load_only(User.id, User.name))
        .order_by(DiscussionNote.written_at, DiscussionNote.id)
    ).all()
    reviewer_ids = [] if for_coordinator else _essay_reviewer_ids(application_id)
    views = []
    for note in notes:
        mine = note.author_id == viewer.id
        if note.author is None:
            author = _("Former staff member")
        elif for_coordinator:
            author = note.author.name
        elif mine:
            author = _("You")
        elif note.author_id in reviewer_ids:
            author = _("Reviewer %(letter)s", letter=_letter(reviewer_ids.index(note.author_id)))
        else:
            author = _("Coordinator")
        views.append(NoteView(author, note.body, note.written_at, mine))
    return views


def _checked_text(text: str, limit: int, empty: str, field: str) -> str:
    text = text.strip()
    if not text:
        raise DomainError(empty, field=field)
    if len(text) > limit:
        raise DomainError(_("Write at most %(max)d characters.", max=limit), field=field)
    return text


def add_note(cohort: Cohort, application_id: int, body: str, actor: User) -> DiscussionNote:
    """A coordinator's or one of the essay's reviewers' note, while the discussion is open."""
    body = _checked_text(body, NOTE_MAX_LENGTH, _("Write the note."), "body")
    with write_lock():
        cohort = lock_cohort(cohort.id)
        _check_discussion_open(cohort)
        code = db.session.scalar(
            sa.select(Application.code).where(
                Application.id == application_id,
                Application.cohort_id == cohort.id,
                Application.status.in_(REVIEWABLE),
            )
        )
        on_essay = actor.id in _essay_reviewer_ids(application_id)
        if code is None or not (on_essay or actor.has_role(Role.COORDINATOR)):
            raise DomainError(_("Only the coordinators and the essay's reviewers can write here."))
        note = DiscussionNote(
            cohort_id=cohort.id,
            application_id=application_id,
            author_id=actor.id,
            body=body,
            written_at=utcnow(),
        )
        db.session.add(note)
        db.session.flush()
        record(
            actor, "review.discussion.note", "youth_application", application_id, code=code, note_id=note.id
        )
        db.session.commit()
    return note


def amend_scores(review: Review, values: dict[int, int | None], reason: str, actor: User) -> Review:
    """The reviewer changes a submitted score during the discussion, giving the reason."""
    reason = _checked_text(reason, REASON_MAX_LENGTH, _("Give the reason for the change."), "reason")
    with write_lock():
        review = db.session.get(Review, review.id, populate_existing=True)
        if review is None or review.reviewer_id != actor.id or not review.is_active:
            raise DomainError(_("This essay is no longer on your list."))
        cohort = lock_cohort(review.cohort_id)
        _check_discussion_open(cohort)
        if not review.is_submitted:
            raise DomainError(_("Only a submitted review can be changed in the discussion."))
        checked = _check_scores(criteria_for(cohort), values, complete=True)
        entry = review.amend({k: v for k, v in checked.items() if v is not None}, reason, utcnow(), actor)
        record(
            actor, "review.amend", "review", review.id, code=review.application.code, changes=entry.changes
        )
        db.session.commit()
    return review


def end_discussion(cohort: Cohort, actor: User) -> None:
    """The coordinator ends the discussion: from now on no note and no score changes."""
    with write_lock():
        cohort = lock_cohort(cohort.id)
        found = _check_discussion_open(cohort)
        found.discussion_ended_at = utcnow()
        found.discussion_ended_by_id = actor.id
        record(actor, "review.discussion.end", "youth_cohort", cohort.id)
        db.session.commit()


def essay_history(application_id: int) -> list[ReviewHistory]:
    """Every move of the essay's reviews, oldest first, for coordinators (with reviewer and actor)."""
    return list(
        db.session.scalars(
            sa.select(ReviewHistory)
            .join(Review, Review.id == ReviewHistory.review_id)
            .where(Review.application_id == application_id)
            .options(
                joinedload(ReviewHistory.actor).load_only(User.id, User.name),
                joinedload(ReviewHistory.review).joinedload(Review.reviewer).load_only(User.id, User.name),
            )
            .order_by(ReviewHistory.occurred_at, ReviewHistory.id)
        )
    )
