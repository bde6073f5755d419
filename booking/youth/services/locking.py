"""The cohort's row lock, which every change that counts within a cohort takes first.

Applicant numbers, consent answers, decisions, places and offers are all counted per
cohort: holding its row (PostgreSQL: SELECT ... FOR UPDATE; SQLite: the whole database,
through write_lock) until the commit makes them happen one at a time.
"""

from __future__ import annotations

from booking.extensions import db
from booking.youth.models import Cohort


def lock_cohort(cohort_id: int) -> Cohort:
    """The cohort read afresh, its row locked until the commit; call inside write_lock()."""
    return db.session.get(Cohort, cohort_id, with_for_update=True, populate_existing=True)
