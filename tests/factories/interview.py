"""Building interview records for tests: a scored essay ranking, a round, slots, a rubric."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

from booking.core.time import jst_to_utc
from booking.extensions import db
from booking.interview.models import (
    InterviewCriterion,
    Interviewer,
    InterviewRound,
    InterviewSlot,
    ShortlistEntry,
)
from booking.review.models import Criterion, Review, ReviewRound, ReviewStatus, Score
from booking.staff.models import User
from booking.youth.models import Application, Cohort
from tests.factories.review import AFTER


def score_essays(
    cohort: Cohort, criteria: list[Criterion], reviewer: User, applications: list[Application]
) -> None:
    """One reviewer scores the essays in the list's order, best first (10/5, 9/5, 8/4...); review closed."""
    for index, application in enumerate(applications):
        review = Review.assign(cohort.id, application.id, reviewer.id, now=AFTER)
        review.status = ReviewStatus.SUBMITTED
        review.submitted_at = AFTER
        review.scores = [
            Score(criterion_id=criteria[0].id, value=max(10 - index, 0)),
            Score(criterion_id=criteria[1].id, value=max(5 - index // 2, 0)),
        ]
        db.session.add(review)
    db.session.add(ReviewRound(cohort_id=cohort.id, closed_at=AFTER, closed_by_id=reviewer.id))
    db.session.commit()


def add_round(
    cohort: Cohort, interviewers: list[User], size: int = 3, essay: int = 60, interview: int = 40
) -> InterviewRound:
    found = InterviewRound(
        cohort_id=cohort.id, enabled=True, essay_weight=essay, interview_weight=interview, shortlist_size=size
    )
    db.session.add(found)
    db.session.add_all(Interviewer(cohort_id=cohort.id, user_id=u.id) for u in interviewers)
    db.session.commit()
    return found


# The interviews are on Saturday 9 January 2027 (Japan time), after the test cohort's review.
INTERVIEW_DAY = date(2027, 1, 9)


def add_slot(
    cohort: Cohort, hour: int = 10, capacity: int = 1, online: bool = False, day: date = INTERVIEW_DAY
) -> InterviewSlot:
    slot = InterviewSlot(
        cohort_id=cohort.id,
        starts_at=jst_to_utc(day, time(hour)),
        ends_at=jst_to_utc(day, time(hour)) + timedelta(minutes=30),
        online=online,
        place_ja="" if online else "上下水道局 会議室",
        place_en="" if online else "Water Bureau meeting room",
        capacity=capacity,
    )
    db.session.add(slot)
    db.session.commit()
    return slot


def shortlist(cohort: Cohort, applications: list[Application], invited: bool = True) -> None:
    db.session.add_all(
        ShortlistEntry(cohort_id=cohort.id, application_id=a.id, invited_at=AFTER if invited else None)
        for a in applications
    )
    db.session.commit()


def add_interview_rubric(cohort: Cohort) -> list[InterviewCriterion]:
    """Two criteria: communication 0-5 weighing 1, motivation 0-5 weighing 1."""
    made = [
        InterviewCriterion(
            cohort_id=cohort.id,
            position=1,
            name_ja="伝える力",
            name_en="Communication",
            max_score=5,
            weight=Decimal("1"),
        ),
        InterviewCriterion(
            cohort_id=cohort.id,
            position=2,
            name_ja="意欲",
            name_en="Motivation",
            max_score=5,
            weight=Decimal("1"),
        ),
    ]
    db.session.add_all(made)
    db.session.commit()
    return made
