"""Building a small, known history for the track record: held lectures and past cohorts."""

from __future__ import annotations

import hashlib
import itertools
from datetime import UTC, date, datetime

from booking.extensions import db
from booking.lectures.models import LectureFormat, LectureRequest, Program
from booking.schools.models import SchoolType
from booking.youth.models import Application, ApplicationStatus, Cohort, ConsentStatus
from tests.factories.lectures import at, make_request
from tests.factories.youth import make_cohort

_numbers = itertools.count(1)


def held(
    program: Program,
    day: date,
    hour: int = 10,
    minute: int = 0,
    *,
    fmt: LectureFormat = LectureFormat.IN_PERSON,
    school_type: SchoolType = SchoolType.ELEMENTARY,
    audience: int = 60,
    **overrides,
) -> LectureRequest:
    """A lecture given on `day` at `hour`:`minute` Japan time and recorded with its audience."""
    lecture = make_request(
        program,
        starts_at=at(day, hour, minute),
        status="completed",
        fmt=fmt,
        school_type=school_type,
        commit=False,
        **overrides,
    )
    lecture.actual_audience = audience
    db.session.commit()
    return lecture


def past_cohort(year: int, published: bool = True, **overrides) -> Cohort:
    """A cohort of fiscal year `year` whose window closed in June (results out in July if published)."""
    values = {
        "fiscal_year": year,
        "title_ja": f"{year}年度 上下水道ユース研修",
        "destination_ja": "ベトナム社会主義共和国 ハイフォン市",
        "destination_en": "Hai Phong, Vietnam",
        "opens_at": datetime(year, 5, 15, 0, 0, tzinfo=UTC),
        "closes_at": datetime(year, 6, 16, 8, 0, tzinfo=UTC),
        "results_published_at": datetime(year, 7, 7, 3, 0, tzinfo=UTC) if published else None,
    }
    cohort = make_cohort(**(values | overrides))
    # make_cohort gives every cohort a dispatch in March 2027; a past cohort's was in August.
    event = cohort.events[0]
    event.starts_at, event.ends_at = datetime(year, 8, 20, tzinfo=UTC), datetime(year, 8, 26, tzinfo=UTC)
    db.session.commit()
    return cohort


def applications(cohort: Cohort, *statuses: ApplicationStatus) -> None:
    """Applications in the given statuses, written straight to the database (no personal data needed)."""
    for status in statuses:
        number = next(_numbers)
        sent = status != ApplicationStatus.DRAFT
        db.session.add(
            Application(
                cohort=cohort,
                status=status,
                code=f"Y-{cohort.fiscal_year}-{number:03d}" if sent else None,
                email_key=hashlib.sha256(f"student{number}".encode()).hexdigest() if sent else None,
                submitted_at=cohort.closes_at if sent else None,
                consent_status=ConsentStatus.GIVEN if sent else ConsentStatus.PENDING,
                consent_answered_at=cohort.closes_at if sent else None,
            )
        )
    db.session.commit()
