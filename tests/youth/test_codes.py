"""Applicant codes: Y-<fiscal year>-<number>, per cohort, unique even when students submit at once."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
import time_machine

from booking.extensions import db
from booking.youth import services
from booking.youth.models import Application, ApplicationStatus, Cohort, applicant_code
from tests.factories.youth import DURING, ESSAY, make_cohort
from tests.helpers import run_together


def _data(n: int, school_id: int) -> services.ApplicationData:
    return services.ApplicationData(
        family_name="山田",
        given_name=f"生徒{n}",
        family_name_kana="ヤマダ",
        given_name_kana="セイト",
        school_id=school_id,
        grade=1,
        email=f"student{n}@example.jp",
        phone="090-1234-5678",
        guardian_name="山田 保護者",
        guardian_relationship="母",
        guardian_email=f"guardian{n}@example.jp",
        guardian_phone="093-582-0000",
        essay=ESSAY,
        attest_eligibility=True,
        attest_schedule=True,
        privacy_consent=True,
    )


def test_code_format():
    assert applicant_code(2026, 17) == "Y-2026-017"
    assert applicant_code(2027, 1234) == "Y-2027-1234"


def test_codes_count_per_cohort(ctx, schools):
    with time_machine.travel(DURING, tick=False):
        this_year = make_cohort()
        other = make_cohort(fiscal_year=2025, title_ja="2025年度")
        for n in range(3):
            services.submit_application(this_year, _data(n, schools["high"]))
        services.submit_application(other, _data(9, schools["high"]))
    codes = db.session.execute(sa.select(Cohort.fiscal_year, Application.code).join(Cohort)).all()
    assert sorted(codes) == [
        (2025, "Y-2025-001"),
        (2026, "Y-2026-001"),
        (2026, "Y-2026-002"),
        (2026, "Y-2026-003"),
    ]


def test_the_database_refuses_a_second_application_with_the_same_code(ctx, schools):
    with time_machine.travel(DURING, tick=False):
        cohort = make_cohort()
        first = services.submit_application(cohort, _data(1, schools["high"])).application
        second = services.submit_application(cohort, _data(2, schools["high"])).application
    second = db.session.get(Application, second.id)
    second.code = first.code
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_database_refuses_two_submitted_applications_from_one_student(ctx, schools):
    with time_machine.travel(DURING, tick=False):
        cohort = make_cohort()
        first = services.submit_application(cohort, _data(1, schools["high"])).application
        second = services.submit_application(cohort, _data(2, schools["high"])).application
    db.session.get(Application, second.id).email_key = db.session.get(Application, first.id).email_key
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_codes_stay_unique_when_many_students_submit_at_once(app, ctx, schools):
    """Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL (where the cohort row is locked)."""
    with time_machine.travel(DURING, tick=True):
        cohort = make_cohort()
        cohort_id, school_id = cohort.id, schools["high"]
        db.session.remove()
        students = 12

        def submit(n: int, _) -> None:
            target = db.session.get(Cohort, cohort_id)
            services.submit_application(target, _data(n, school_id), submission_key=f"k{n}")

        run_together(students, submit, app=app)

    codes = sorted(db.session.scalars(sa.select(Application.code)))
    assert codes == [applicant_code(2026, n) for n in range(1, students + 1)]
    assert db.session.scalar(sa.select(Cohort.last_applicant_number)) == students
    statuses = set(db.session.scalars(sa.select(Application.status)))
    assert statuses == {ApplicationStatus.SUBMITTED}
