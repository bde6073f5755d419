"""What the review keeps once a cohort's personal data is deleted."""

from __future__ import annotations

import sqlalchemy as sa

from booking.audit.services import record
from booking.db import write_lock
from booking.extensions import db
from booking.review.models import DiscussionNote, EssayMask, Review, ReviewHistory
from booking.youth.models import Application, Cohort


def purge_comments() -> str:
    """Reviewers' comments, the notes in the reviews' history, the discussion's notes and the
    essays' manual masks go once a cohort's personal data is.

    Scores and the history's moves stay (they are not personal data, and the ranking of past
    cohorts keeps its figures).
    """
    purged = sa.select(Cohort.id).where(Cohort.personal_data_purged_at.is_not(None))
    with write_lock():
        result = db.session.execute(
            sa.update(Review).where(Review.cohort_id.in_(purged), Review.comment != "").values(comment="")
        )
        count = result.rowcount or 0
        reviews_of_purged = sa.select(Review.id).where(Review.cohort_id.in_(purged))
        result = db.session.execute(
            sa.update(ReviewHistory)
            .where(ReviewHistory.review_id.in_(reviews_of_purged), ReviewHistory.note != "")
            .values(note="")
        )
        notes = result.rowcount or 0
        result = db.session.execute(sa.delete(DiscussionNote).where(DiscussionNote.cohort_id.in_(purged)))
        discussion = result.rowcount or 0
        applications_of_purged = sa.select(Application.id).where(Application.cohort_id.in_(purged))
        result = db.session.execute(
            sa.delete(EssayMask).where(EssayMask.application_id.in_(applications_of_purged))
        )
        masks = result.rowcount or 0
        if count or notes or discussion or masks:
            record(
                None,
                "review.comments.purge",
                None,
                None,
                reviews=count,
                notes=notes,
                discussion=discussion,
                masks=masks,
            )
        db.session.commit()
    return (
        f"Review: comments of {count} review(s) and {notes} history note(s) in purged cohorts deleted; "
        f"{discussion} discussion note(s) and {masks} essay mask(s) deleted."
    )
