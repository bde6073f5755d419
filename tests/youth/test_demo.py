"""The demo data: the real history, an open cohort, valid essays; safe to run twice."""

from __future__ import annotations

import sqlalchemy as sa

from booking.core.time import utcnow
from booking.extensions import db
from booking.youth.demo_essays import BRIDGES, CLOSINGS, MIDDLES, OPENINGS, essay
from booking.youth.models import Application, ApplicationStatus, Cohort, ConsentStatus
from booking.youth.rules import essay_length


def test_every_demo_essay_combination_is_of_valid_length():
    for opening in OPENINGS:
        for bridge in BRIDGES:
            for middle in MIDDLES:
                for closing in CLOSINGS:
                    assert 600 <= essay_length("\n".join([opening, bridge, middle, closing])) <= 800
    assert len({essay(n) for n in range(20)}) == 20


def test_seeding_twice_adds_the_history_and_an_open_cohort_once(app, ctx):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "20 demo applications added now" in first.output
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert "0 demo applications added now" in second.output

    db.session.rollback()
    cohorts = db.session.scalars(sa.select(Cohort).order_by(Cohort.fiscal_year)).all()
    years = [c.fiscal_year for c in cohorts]
    assert years[:4] == [2017, 2018, 2019, 2021]
    assert all(c.recorded_participants == 6 for c in cohorts[:4])
    assert "ハイフォン" in cohorts[1].destination_ja and "5周年" in cohorts[1].description_ja
    assert "高等専門学校" in cohorts[3].destination_ja
    # This year's cohort, open now (the review's demo adds a later cohort whose window has closed).
    (current,) = [c for c in cohorts if c.can_accept_applications(utcnow())]
    assert len(current.events) == 5

    applications = db.session.scalars(sa.select(Application).where(Application.cohort_id == current.id)).all()
    submitted = [a for a in applications if a.status == ApplicationStatus.SUBMITTED]
    assert len(submitted) == 20
    assert len(applications) == 22  # and two drafts
    assert {a.consent_status for a in submitted} == set(ConsentStatus)
    for application in submitted:
        assert 600 <= application.essay_chars <= 800
        assert application.code.startswith(f"Y-{current.fiscal_year}-")
