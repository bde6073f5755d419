"""The demo: reviewers, a cohort ready to review, the 2019 history with its report; safe to run twice."""

from __future__ import annotations

import sqlalchemy as sa

from booking.core.auth import Role
from booking.core.time import fiscal_year, today_jst, utcnow
from booking.extensions import db
from booking.review.models import Criterion, DeclaredConflict, Review, ReviewRound, ReviewStatus
from booking.selection.models import ActivityReport, Attendance
from booking.staff.models import User
from booking.youth.models import Applicant, Application, ApplicationStatus, Cohort, ConsentStatus


def test_seeding_twice_gives_the_review_and_selection_demo_once(app, client, ctx):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "reviewer@example.jp" in first.output and "/staff/selection/cohorts/" in first.output
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    db.session.rollback()

    judge = db.session.scalar(sa.select(User).where(User.email == "judge@example.jp"))
    assert judge.roles == {Role.REVIEWER}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DeclaredConflict)) == 1

    year = fiscal_year(today_jst())
    current = db.session.scalar(sa.select(Cohort).where(Cohort.fiscal_year == year))
    assert current.can_accept_applications(utcnow())
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Criterion).where(Criterion.cohort_id == current.id)
        )
        == 4
    )
    assert db.session.scalar(sa.select(Review.id).where(Review.cohort_id == current.id)) is None

    spring = db.session.scalar(sa.select(Cohort).where(Cohort.fiscal_year == year + 1))
    assert spring.closes_at < utcnow() and spring.results_published_at is None
    spring_apps = db.session.scalars(sa.select(Application).where(Application.cohort_id == spring.id)).all()
    assert len(spring_apps) == 12
    assert {a.consent_status for a in spring_apps} == {ConsentStatus.GIVEN}
    reviews = db.session.scalars(sa.select(Review).where(Review.cohort_id == spring.id)).all()
    assert len(reviews) == 24 and {r.status for r in reviews} == {ReviewStatus.ASSIGNED}

    history = db.session.scalar(sa.select(Cohort).where(Cohort.fiscal_year == 2019))
    statuses = [
        a.status
        for a in db.session.scalars(sa.select(Application).where(Application.cohort_id == history.id))
    ]
    assert statuses.count(ApplicationStatus.CONFIRMED) == 6 == history.recorded_participants
    assert db.session.scalar(sa.select(ReviewRound).where(ReviewRound.cohort_id == history.id)).is_closed
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 6 * len(history.events)
    report = db.session.scalar(sa.select(ActivityReport).where(ActivityReport.cohort_id == history.id))
    assert report.is_published
    page = client.get("/youth/").get_data(as_text=True)
    assert report.title_ja in page
    assert spring.title_ja not in page  # selection under way: not a past training yet


def test_the_demo_journey_works_for_the_printed_reviewer(app, ctx, login):
    app.test_cli_runner().invoke(args=["seed-demo"])
    client = app.test_client()
    client.post("/staff/login", data={"email": "reviewer@example.jp", "password": "demo-password-2026"})
    queue = client.get("/staff/review/")
    assert queue.status_code == 200
    assert "春季特別プログラム" in queue.get_data(as_text=True)


def test_no_demo_guardian_greeting_repeats_the_family_name(app, ctx):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    db.session.rollback()
    names = db.session.scalars(sa.select(Applicant.guardian_name).where(Applicant.guardian_name != "")).all()
    assert "Nguyen Thi Hoa" in names
    for name in names:
        words = name.split()
        assert len(words) == len(set(words)), name  # not "Nguyen Nguyen Thi Hoa"
