"""Demo data of the interview round: the closed spring programme selects in two stages.

Runs after the review's seeder (which makes the spring programme, its applications and
reviewers) and before selection's. The spring programme gets an interview round (essay 60%,
interview 40%), an interview rubric, two interviewers and four times next week (one online,
its link given later). Nothing is shortlisted: the shortlist is drawn from the essay ranking
once the review is closed, which the demo leaves to whoever tries it.
Safe to run again: a cohort that already has a round is left as it is.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from booking.core.time import fiscal_year, jst_to_utc, today_jst
from booking.extensions import db
from booking.interview.models import (
    InterviewCriterion,
    Interviewer,
    InterviewRound,
    InterviewSlot,
)
from booking.staff.models import User
from booking.youth.models import Cohort

RUBRIC = [
    (
        "伝える力",
        "Communication",
        "自分の考えを、相手に分かるように話せるか。",
        "Explains their thinking clearly.",
    ),
    (
        "意欲と目的",
        "Motivation",
        "研修で何を学び、どう生かしたいかを具体的に語れるか。",
        "Says concretely what they want to learn and do with it.",
    ),
    (
        "協調性",
        "Teamwork",
        "他の人の話を聞き、一緒に考えられるか。",
        "Listens and thinks together with others.",
    ),
]
INTERVIEWERS = ("reviewer@example.jp", "coordinator@example.jp")


def _slots(cohort: Cohort, first: date) -> list[InterviewSlot]:
    def slot(day: date, hour: int, minute: int, online: bool, capacity: int) -> InterviewSlot:
        starts = jst_to_utc(day, time(hour, minute))
        return InterviewSlot(
            cohort_id=cohort.id,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=20),
            online=online,
            place_ja="" if online else "上下水道局 本庁舎 会議室",
            place_en="" if online else "Water and Sewer Bureau, meeting room",
            capacity=capacity,
        )

    second = first + timedelta(days=1)
    return [
        slot(first, 10, 0, False, 2),
        slot(first, 10, 30, False, 2),
        slot(first, 14, 0, True, 1),
        slot(second, 10, 0, False, 2),
    ]


def _seed_spring(cohort: Cohort) -> bool:
    if db.session.scalar(sa.select(InterviewRound.id).where(InterviewRound.cohort_id == cohort.id)):
        return False
    db.session.add(
        InterviewRound(
            cohort_id=cohort.id, enabled=True, essay_weight=60, interview_weight=40, shortlist_size=6
        )
    )
    for position, (name_ja, name_en, description_ja, description_en) in enumerate(RUBRIC, start=1):
        db.session.add(
            InterviewCriterion(
                cohort_id=cohort.id,
                position=position,
                name_ja=name_ja,
                name_en=name_en,
                description_ja=description_ja,
                description_en=description_en,
                max_score=5,
                weight=Decimal("1"),
            )
        )
    for user_id in db.session.scalars(sa.select(User.id).where(User.email.in_(INTERVIEWERS))):
        db.session.add(Interviewer(cohort_id=cohort.id, user_id=user_id))
    slots = _slots(cohort, today_jst() + timedelta(days=7))
    db.session.add_all(slots)
    db.session.commit()
    return True


def seed() -> list[str]:
    cohort = db.session.scalar(sa.select(Cohort).where(Cohort.fiscal_year == fiscal_year(today_jst()) + 1))
    if cohort is None:
        return []
    _seed_spring(cohort)
    return [
        "Interview round:",
        f"  {cohort.title_ja}: essay 60% and interview 40%, an interview rubric, four times next week.",
        f"  Once the review is closed: draw the shortlist at /staff/interview/cohorts/{cohort.id}/shortlist",
        "  and send the invitations; in the staff Outbox, follow an invitation's private link to",
        "  pick a time; interviewers (reviewer@example.jp) then score at /staff/interview/.",
    ]
