"""Demo data of the interview round: the closed spring programme selects in two stages.

Runs after the review's seeder (which makes the spring programme, its applications and
reviewers) and before selection's. The spring programme gets an interview round (essay 60%,
interview 40%), an interview rubric, two interviewers and four times next week (one online,
its link given later); six students are shortlisted and invited, and three have picked a
time, so a newcomer can follow an invitation's link from the outbox and pick one.
Safe to run again: a cohort that already has a round is left as it is.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from booking.core.time import fiscal_year, jst_to_utc, today_jst, utcnow
from booking.extensions import db
from booking.interview import notifications, services
from booking.interview.models import (
    InterviewCriterion,
    Interviewer,
    InterviewRound,
    InterviewSlot,
    ShortlistEntry,
)
from booking.staff.models import User
from booking.youth.models import Application, Cohort
from booking.youth.services import new_student_link

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
SHORTLISTED = 6
PICKS = 3


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
    applications = list(
        db.session.scalars(
            sa.select(Application)
            .where(Application.cohort_id == cohort.id, Application.code.is_not(None))
            .order_by(Application.code)
            .limit(SHORTLISTED)
        )
    )
    now = utcnow()
    for application in applications:
        db.session.add(
            ShortlistEntry(cohort_id=cohort.id, application_id=application.id, by_hand=True, invited_at=now)
        )
        notifications.invitation(application, slots, new_student_link(application))
    db.session.commit()
    for application, slot in zip(applications[:PICKS], slots, strict=False):
        services.pick_slot(application, slot.id)
    return True


def seed() -> list[str]:
    cohort = db.session.scalar(sa.select(Cohort).where(Cohort.fiscal_year == fiscal_year(today_jst()) + 1))
    if cohort is None:
        return []
    _seed_spring(cohort)
    return [
        "Interview round:",
        f"  {cohort.title_ja}: essay 60% and interview 40%; six students invited, three have picked a time.",
        f"  Coordinators: /staff/interview/cohorts/{cohort.id}/settings (times, shortlist, ranking).",
        "  In the staff Outbox, open an interview invitation and follow its private link to pick a time;",
        "  interviewers (reviewer@example.jp) score at /staff/interview/.",
    ]
