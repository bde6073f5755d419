"""What the review keeps once a cohort's personal data is deleted."""

from __future__ import annotations

import sqlalchemy as sa

from booking.audit.services import record
from booking.db import write_lock
from booking.extensions import db
from booking.review.models import (
    Review,
)
from booking.youth.models import Cohort


def purge_comments() -> str:
    """Reviewers' comments go with the essays they discuss, once a cohort's personal data is deleted.

    Scores stay (they are not personal data, and the ranking of past cohorts keeps its figures).
    """
    purged = sa.select(Cohort.id).where(Cohort.personal_data_purged_at.is_not(None))
    with write_lock():
        result = db.session.execute(
            sa.update(Review).where(Review.cohort_id.in_(purged), Review.comment != "").values(comment="")
        )
        count = result.rowcount or 0
        if count:
            record(None, "review.comments.purge", None, None, reviews=count)
        db.session.commit()
    return f"Review: comments of {count} review(s) in purged cohorts deleted."
