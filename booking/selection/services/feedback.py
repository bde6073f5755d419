"""Structured feedback to students not selected: bands per criterion and the coordinator's note.

The bands come from the review's scores alone (`booking.selection.feedback` says how);
reviewers' comments are never read here. The note is written by a coordinator per
application, before the results are published, and goes with the result email.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import load_only

from booking.audit.services import record
from booking.core.errors import DomainError
from booking.db import write_lock
from booking.extensions import db
from booking.review import services as review_services
from booking.review.models import Criterion, Review, ReviewStatus, Score
from booking.review.ranking import ScoredReview
from booking.selection.feedback import Band, bands, ordered_bands
from booking.selection.models import FEEDBACK_NOTE_MAX, FeedbackNote
from booking.staff.models import User
from booking.youth.models import Application, ApplicationStatus, Cohort
from booking.youth.services import lock_cohort


@dataclass
class Feedback:
    """What a student not selected is told beside the result."""

    bands: list[tuple[Criterion, Band]] = field(default_factory=list)
    note: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.bands and not self.note


@dataclass
class FeedbackRow:
    application: Application
    feedback: Feedback


def _scored_reviews(cohort: Cohort) -> list[ScoredReview]:
    """Every submitted review of the cohort, as scores only (never the comment)."""
    reviews = db.session.execute(
        sa.select(Review.id, Review.application_id, Review.reviewer_id)
        .join(Application, Application.id == Review.application_id)
        .where(
            Review.cohort_id == cohort.id,
            Review.status == ReviewStatus.SUBMITTED,
            Application.status.in_(review_services.REVIEWABLE),
        )
    ).all()
    scores: dict[int, dict[int, int]] = defaultdict(dict)
    for review_id, criterion_id, value in db.session.execute(
        sa.select(Score.review_id, Score.criterion_id, Score.value)
        .join(Review, Review.id == Score.review_id)
        .where(Review.cohort_id == cohort.id, Review.status == ReviewStatus.SUBMITTED)
    ):
        scores[review_id][criterion_id] = value
    return [ScoredReview(r.application_id, r.reviewer_id, scores.get(r.id, {})) for r in reviews]


def cohort_feedback(cohort: Cohort) -> dict[int, Feedback]:
    """application id -> its feedback, for every application not selected (in a few queries)."""
    ids = list(
        db.session.scalars(
            sa.select(Application.id).where(
                Application.cohort_id == cohort.id, Application.status == ApplicationStatus.NOT_SELECTED
            )
        )
    )
    if not ids:
        return {}
    criteria = review_services.criteria_for(cohort)
    by_id = {c.id: c for c in criteria}
    order = [c.id for c in criteria]
    found = bands(_scored_reviews(cohort), order)
    notes = dict(
        db.session.execute(
            sa.select(FeedbackNote.application_id, FeedbackNote.note).where(
                FeedbackNote.application_id.in_(ids)
            )
        ).all()
    )
    return {
        app_id: Feedback(
            bands=[(by_id[c], band) for c, band in ordered_bands(found.get(app_id, {}), order)],
            note=notes.get(app_id, ""),
        )
        for app_id in ids
    }


def feedback_rows(cohort: Cohort) -> list[FeedbackRow]:
    """The applications not selected, by code, each with its bands and note (no names)."""
    feedback = cohort_feedback(cohort)
    applications = db.session.scalars(
        sa.select(Application)
        .where(Application.id.in_(list(feedback)))
        .options(load_only(Application.code, Application.status))
        .order_by(Application.code)
    )
    return [FeedbackRow(a, feedback[a.id]) for a in applications]


def save_feedback_note(cohort: Cohort, application_id: int, text: str, actor: User) -> None:
    """Write, change or (empty text) remove the note to one student not selected.

    Only before the results are published: the note goes out with the result. The audit
    says that a note was written and how long it is, never what it says.
    """
    text = text.strip()
    if len(text) > FEEDBACK_NOTE_MAX:
        raise DomainError(_("Keep the note to %(max)d characters.", max=FEEDBACK_NOTE_MAX))
    with write_lock():
        cohort = lock_cohort(cohort.id)
        if cohort.results_published_at is not None:
            db.session.rollback()
            raise DomainError(_("The results are already published: the note can no longer be sent."))
        application = db.session.scalar(
            sa.select(Application).where(Application.id == application_id, Application.cohort_id == cohort.id)
        )
        if application is None or application.status != ApplicationStatus.NOT_SELECTED:
            db.session.rollback()
            raise DomainError(_("A note can be written only to a student who is not selected."))
        note = db.session.scalar(sa.select(FeedbackNote).where(FeedbackNote.application_id == application.id))
        if not text:
            if note is not None:
                db.session.delete(note)
        elif note is None:
            db.session.add(FeedbackNote(application_id=application.id, note=text, updated_by_id=actor.id))
        else:
            note.note = text
            note.updated_by_id = actor.id
        record(
            actor,
            "selection.feedback.note",
            "youth_application",
            application.id,
            code=application.code,
            length=len(text),
        )
        db.session.commit()


def purge_feedback_notes() -> str:
    """The coordinators' notes go once their cohort's personal data is deleted."""
    purged = (
        sa.select(Application.id)
        .join(Cohort, Cohort.id == Application.cohort_id)
        .where(Cohort.personal_data_purged_at.is_not(None))
    )
    with write_lock():
        result = db.session.execute(sa.delete(FeedbackNote).where(FeedbackNote.application_id.in_(purged)))
        count = result.rowcount or 0
        if count:
            record(None, "selection.feedback.purge", None, None, notes=count)
        db.session.commit()
    return f"Selection: {count} feedback note(s) of purged cohorts deleted."
