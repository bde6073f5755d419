"""Building programs, lecturers and lecture requests for tests."""

from __future__ import annotations

import itertools
import secrets
from datetime import date, datetime, time, timedelta

from booking.core.auth import Role
from booking.core.time import JST, jst_to_utc
from booking.extensions import db
from booking.lectures import services
from booking.lectures.models import LectureFormat, LectureRequest, MeetingHost, OnlinePlatform, Program
from booking.schools.models import School, SchoolType
from booking.staff.models import User
from tests.factories import make_user

# Tests that depend on dates run on Monday 2 November 2026, 09:00 Japan time (fiscal year 2026).
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=JST)
GOOD_DAY = date(2026, 12, 3)  # a Thursday, 31 days ahead
_counter = itertools.count(1)


def make_program(**overrides) -> Program:
    values = {
        "title_ja": "プノンペンの奇跡",
        "title_en": "The Phnom Penh miracle",
        "summary_ja": "飲める水道水ができるまで。",
        "summary_en": "How the tap water became safe to drink.",
        "target_grades": ["elementary_upper", "junior_high"],
        "duration_minutes": 45,
        "offers_in_person": True,
        "offers_online": True,
        "max_audience": 120,
        "active": True,
    }
    values.update(overrides)
    program = Program(**values)
    db.session.add(program)
    db.session.commit()
    return program


def make_lecturer(name: str | None = None, time_zone: str = "Asia/Tokyo", **kwargs) -> User:
    return make_user(Role.LECTURER, name=name or f"講師 {next(_counter)}", time_zone=time_zone, **kwargs)


def request_data(program: Program, school: School | None = None, **overrides) -> services.RequestData:
    values = {
        "program_id": program.id,
        "format": LectureFormat.ONLINE,
        "school_id": school.id if school else None,
        "school_name": "" if school else "北九州市立どこか小学校",
        "school_address": "" if school else "北九州市門司区",
        "school_type": None if school else SchoolType.ELEMENTARY,
        "contact_name": "山田 花子",
        "contact_email": "teacher@example.jp",
        "contact_phone": "093-582-0000",
        "grade": "5年生",
        "audience_size": 60,
        "candidates": (services.Candidate(1, GOOD_DAY, time(10, 30)),),
        "submission_key": secrets.token_urlsafe(32),
        "language": "ja",
        "online_platform": OnlinePlatform.ZOOM,
        "meeting_link_by": MeetingHost.BUREAU,
        "connection_test": True,
    }
    values.update(overrides)
    return services.RequestData(**values)


def submit(program: Program, **overrides) -> tuple[LectureRequest, str]:
    """A request sent through the service (call with the clock at NOW or later dates)."""
    result = services.submit_request(request_data(program, **overrides))
    return result.request, result.token


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A Japan-time moment, as the aware UTC datetime the app stores."""
    return jst_to_utc(day, time(hour, minute))


def form_data(program: Program, school: School | None = None, **overrides) -> dict[str, str]:
    """The public form, filled in as a teacher would (an online lecture by default)."""
    data = {
        "program_id": str(program.id),
        "format": "online",
        "school_id": str(school.id) if school else "other",
        "school_name": "" if school else "北九州市立どこか小学校",
        "school_address": "" if school else "北九州市門司区",
        "school_type": "" if school else "elementary",
        "contact_name": "山田 花子",
        "contact_email": "teacher@example.jp",
        "contact_phone": "093-582-0000",
        "grade": "5年生 2クラス",
        "audience_size": "60",
        "candidate_1_date": GOOD_DAY.isoformat(),
        "candidate_1_time": "10:30",
        "candidate_2_date": (GOOD_DAY + timedelta(days=1)).isoformat(),
        "candidate_2_time": "13:30",
        "candidate_3_date": "",
        "candidate_3_time": "",
        "online_platform": "zoom",
        "meeting_link_by": "bureau",
        "connection_test": "y",
        "venue": "",
        "equipment": "",
        "notes": "SDGsの学習の一環です。",
        "privacy_consent": "y",
        "submission_key": secrets.token_urlsafe(32),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def make_request(
    program: Program,
    *,
    starts_at: datetime | None = None,
    status: str = "submitted",
    lecturers: list[User] | None = None,
    fmt: LectureFormat = LectureFormat.ONLINE,
    actor: User | None = None,
    commit: bool = True,
    **overrides,
) -> LectureRequest:
    """A request built straight from the models (no rules, no emails), in the status asked for.

    For records the tests need as they are, including lectures in the past.
    """
    from booking.core.time import fiscal_year, today_jst
    from booking.core.tokens import hash_token
    from booking.lectures.models import LectureSlot, SlotKind

    n = next(_counter)
    number = 5000 + n % 4999  # far from the numbers submissions take (1, 2, ...)
    year = overrides.pop("fiscal_year", None) or fiscal_year(today_jst())
    start = starts_at or at(GOOD_DAY, 10, 30)
    lecture = LectureRequest(
        reference=f"L-{year}-{number:04d}",
        fiscal_year=year,
        number=number,
        submission_key_hash=hash_token(f"factory-{n}-{secrets.token_hex(4)}"),
        language=overrides.pop("language", "ja"),
        status="submitted",
        program=program,
        format=fmt,
        school_name=overrides.pop("school_name", f"北九州市立テスト{n}小学校"),
        school_type=overrides.pop("school_type", SchoolType.ELEMENTARY),
        contact_name=overrides.pop("contact_name", f"先生 {n}"),
        contact_email=overrides.pop("contact_email", f"teacher{n}@example.jp"),
        contact_phone="093-582-0000",
        grade="5年生",
        audience_size=overrides.pop("audience_size", 60),
        **overrides,
    )
    if fmt == LectureFormat.ONLINE:
        lecture.online_platform = OnlinePlatform.ZOOM
        lecture.meeting_link_by = MeetingHost.BUREAU
    lecture.slots.append(
        LectureSlot(kind=SlotKind.REQUESTED, rank=1, starts_at=start, ends_at=start + program.duration)
    )
    lecture.record_submission()
    db.session.add(lecture)
    if status in ("scheduled", "completed", "cancelled_scheduled"):
        buffer = 15 if fmt == LectureFormat.ONLINE else 60
        lecture.schedule(start, start + program.duration, lecturers or [], buffer, actor)
    if status == "proposed":
        lecture.propose(
            [(start + timedelta(days=1), start + timedelta(days=1) + program.duration)],
            lecturers or [],
            "ご提案です。",
            actor,
        )
    if status == "completed":
        lecture.complete(55, "", actor, start + timedelta(hours=2))
    if status == "declined":
        lecture.decline("講師の都合がつきません。", actor)
    if status in ("cancelled", "cancelled_scheduled"):
        lecture.cancel("行事のため。", actor, by_school=actor is None)
    if commit:
        db.session.commit()
    return lecture
