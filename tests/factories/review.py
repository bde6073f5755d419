"""Building review records for tests: applications written straight to the database, a rubric."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from decimal import Decimal

from booking.extensions import db
from booking.review.models import Criterion
from booking.schools.models import School, SchoolType
from booking.youth.models import Applicant, Application, ApplicationStatus, Cohort, ConsentStatus
from tests.factories.youth import CLOSES_AT, ESSAY

# A moment after the test cohort's window closed (Japan time, 21 December 2026 10:00).
AFTER = datetime(2026, 12, 21, 1, 0, tzinfo=UTC)

# Personal data that must never reach a reviewer's page.
SECRETS = {
    "family_name": "秘密川",
    "given_name": "花音子",
    "family_name_kana": "ヒミツカワ",
    "given_name_kana": "カノンコ",
    "email": "himitsu.student@example.jp",
    "phone": "090-7777-1234",
    "guardian_name": "秘密川 保護者",
    "guardian_email": "himitsu.guardian@example.jp",
    "guardian_phone": "093-777-4321",
}


def add_schools() -> dict[str, int]:
    """Three schools, by key; the first's name is among the data a reviewer must never see."""
    made = {
        "kokura": School(name="福岡県立秘密高等学校", school_type=SchoolType.HIGH),
        "tobata": School(name="福岡県立戸畑高等学校", school_type=SchoolType.HIGH),
        "kosen": School(name="北九州工業高等専門学校", school_type=SchoolType.OTHER),
    }
    db.session.add_all(made.values())
    db.session.commit()
    return {key: school.id for key, school in made.items()}


def add_application(
    cohort: Cohort,
    number: int,
    school_id: int | None,
    consent: ConsentStatus = ConsentStatus.GIVEN,
    language: str = "ja",
    essay: str = ESSAY,
    **personal: str,
) -> Application:
    """A submitted application, written straight to the database (fast, no emails)."""
    data = {
        "family_name": "山田",
        "given_name": f"生徒{number}",
        "family_name_kana": "ヤマダ",
        "given_name_kana": "セイト",
        "email": f"student{number}@example.jp",
        "phone": "090-1234-5678",
        "guardian_name": f"山田 保護者{number}",
        "guardian_relationship": "母",
        "guardian_email": f"guardian{number}@example.jp",
        "guardian_phone": "093-582-0000",
    } | personal
    application = Application(
        cohort=cohort,
        status=ApplicationStatus.SUBMITTED,
        code=f"Y-{cohort.fiscal_year}-{number:03d}",
        email_key=hashlib.sha256(data["email"].encode()).hexdigest(),
        submitted_at=CLOSES_AT.replace(day=1),
        essay=essay,
        essay_chars=len(essay),
        consent_status=consent,
        consent_answered_at=None if consent == ConsentStatus.PENDING else CLOSES_AT.replace(day=2),
        applicant=Applicant(school_id=school_id, grade=2, language=language, **data),
    )
    db.session.add(application)
    db.session.commit()
    return application


def add_rubric(cohort: Cohort) -> list[Criterion]:
    """The worked example's rubric: motivation 0-10 weighing 2, clarity 0-5 weighing 1."""
    criteria = [
        Criterion(
            cohort_id=cohort.id,
            position=1,
            name_ja="志望の動機",
            name_en="Motivation",
            description_ja="研修で何を学びたいかが具体的に書かれているか。",
            description_en="Says concretely what the student wants to learn.",
            max_score=10,
            weight=Decimal("2"),
        ),
        Criterion(
            cohort_id=cohort.id,
            position=2,
            name_ja="表現の明確さ",
            name_en="Clarity",
            description_ja="筋道立てて分かりやすく書かれているか。",
            description_en="Clear and well organised.",
            max_score=5,
            weight=Decimal("1"),
        ),
    ]
    db.session.add_all(criteria)
    db.session.commit()
    return criteria
