"""The demo: the closed spring programme gets an interview round and its times, and no shortlist
before its review is closed; safe to run twice."""

from __future__ import annotations

import sqlalchemy as sa

from booking.core.time import fiscal_year, today_jst
from booking.extensions import db
from booking.interview.models import InterviewBooking, InterviewRound, InterviewSlot, ShortlistEntry
from booking.youth.models import Cohort


def test_seeding_twice_gives_the_spring_programme_one_interview_round(app, ctx):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "/staff/interview/cohorts/" in first.output
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    db.session.rollback()

    spring = db.session.scalar(sa.select(Cohort).where(Cohort.fiscal_year == fiscal_year(today_jst()) + 1))
    found = db.session.scalar(sa.select(InterviewRound).where(InterviewRound.cohort_id == spring.id))
    assert (found.enabled, found.essay_weight, found.interview_weight) == (True, 60, 40)
    count = lambda model: db.session.scalar(sa.select(sa.func.count()).select_from(model))  # noqa: E731
    assert (count(InterviewRound), count(InterviewSlot), count(ShortlistEntry), count(InterviewBooking)) == (
        1,
        4,
        0,
        0,
    )
