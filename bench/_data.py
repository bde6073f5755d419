"""A large data set for the staff-scale benchmark, written with bulk inserts.

`build(scale)` fills an empty, migrated database (inside an app context) with, at scale 1:
10,000 lecture requests over five fiscal years (with their requested dates, some scheduled
with a lecturer, some held with feedback), a cohort of 1,000 applications with 3 submitted
reviews each on a 4-criterion rubric, a second closed cohort of 1,000 applications waiting
for reviewers, 40 reviewers, 200 schools, 100,000 outbox rows, and this month's time off and
training days for the calendar. Smaller scales shrink
every count but the schools and the reviewers (the directory and the staff stay the same).

Rows are made as dictionaries and sent with executemany, a few thousand at a time: a per-row
factory would take longer than the benchmark itself.
"""

from __future__ import annotations

import hashlib
import random
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa

import booking.staff  # noqa: F401  (first: the features import each other in this order)
from booking.core.auth import Role
from booking.core.time import JST, fiscal_year, jst_to_utc, utcnow
from booking.extensions import db
from booking.lectures.models import (
    LectureEvent,
    LectureFeedback,
    LectureRequest,
    LectureSlot,
    Program,
)
from booking.notifications.models import OutboxEmail
from booking.review.models import Criterion, Review, Score
from booking.scheduling.models import BookingRole, StaffBooking, TimeOff
from booking.scheduling.models import Program as BookingProgram
from booking.schools.models import School
from booking.youth.models import Applicant, Application, Cohort, CohortEvent, EventKind

FULL = {"lectures": 10_000, "applications": 1_000, "outbox": 100_000}
SCHOOLS = 200
REVIEWERS = 40
LECTURERS = 8
CHUNK = 2_000
PASSWORD = "bench-password-2026"  # noqa: S105 (a throwaway benchmark database)
COORDINATOR_EMAIL = "bench.coordinator@example.jp"


@dataclass
class DataSet:
    lectures: int
    applications: int
    outbox: int
    ranking_cohort_id: int
    assignment_cohort_id: int


def _insert(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(sa.insert(model), rows[start : start + CHUNK])


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _users() -> tuple[int, list[int], list[int]]:
    """The coordinator (also admin), the lecturers and the reviewers; ids."""
    from booking.staff import services as staff_services

    def make(email: str, name: str, roles: set[Role], password: str | None = None) -> int:
        user = staff_services.create_user(
            staff_services.NewUser(
                email=email, name=name, roles=roles, language="ja", time_zone="Asia/Tokyo"
            ),
            password=password,
        )
        db.session.flush()
        return user.id

    coordinator = make(COORDINATOR_EMAIL, "計測 係", {Role.COORDINATOR, Role.ADMIN}, PASSWORD)
    lecturers = [
        make(f"lecturer{n}@bench.example.jp", f"講師 {n}", {Role.LECTURER}) for n in range(LECTURERS)
    ]
    reviewers = [
        make(f"reviewer{n}@bench.example.jp", f"審査員 {n}", {Role.REVIEWER}) for n in range(REVIEWERS)
    ]
    db.session.commit()
    return coordinator, lecturers, reviewers


def _schools() -> list[int]:
    types = ["elementary", "junior_high", "high", "special_needs", "other"]
    _insert(
        School,
        [
            {
                "name": f"北九州市立計測{n:03d}学校",
                "name_kana": f"けいそく{n:03d}",
                "school_type": types[n % len(types)],
                "ward": ["門司区", "小倉北区", "小倉南区", "若松区", "八幡東区", "八幡西区", "戸畑区"][n % 7],
            }
            for n in range(SCHOOLS)
        ],
    )
    db.session.commit()
    return list(db.session.scalars(sa.select(School.id).order_by(School.id)))


def _programs() -> list[int]:
    programs = [
        Program(
            title_ja=f"計測講座{n}",
            title_en=f"Bench lecture {n}",
            summary_ja="計測用の講座です。",
            summary_en="A lecture for the benchmark.",
            target_grades=["elementary_upper", "junior_high"],
            duration_minutes=45,
            offers_in_person=True,
            offers_online=True,
            max_audience=200,
            active=True,
        )
        for n in range(5)
    ]
    db.session.add_all(programs)
    db.session.commit()
    return [p.id for p in programs]


def _lectures(
    count: int, programs: list[int], schools: list[int], lecturers: list[int], now: datetime
) -> None:
    """Requests spread over five fiscal years: mostly closed in the past, some open, some due."""
    rng = random.Random(1)
    this_year = fiscal_year(now.astimezone(JST).date())
    statuses = ["completed"] * 5 + ["cancelled", "declined", "submitted", "proposed", "scheduled"]
    numbers: dict[int, int] = {}
    requests, slots, assignments, events, feedback = [], [], [], [], []
    booked_at = now - timedelta(days=60)
    # Scheduled lectures with a lecturer are four hours apart: never a clash in anyone's diary.
    future_slot = jst_to_utc((now + timedelta(days=10)).astimezone(JST).date(), time(9, 0))
    for n in range(count):
        request_id = n + 1
        year = this_year - 4 + n % 5
        status = statuses[n % len(statuses)]
        if year > this_year - 1 and status == "completed" and n % 3:
            status = "submitted"
        numbers[year] = numbers.get(year, 0) + 1
        created = jst_to_utc(date(year, 4, 1), time(9)) + timedelta(minutes=n * 7 % 500_000)
        created = min(created, now - timedelta(days=1))
        first_choice = created + timedelta(days=30, hours=rng.randint(0, 6))
        starts = ends = day = None
        if status in ("scheduled", "completed"):
            starts = first_choice
            if status == "scheduled":
                if n // 10 % 4 == 0:  # due for a reminder: within the next three days, teacher only
                    starts = now + timedelta(days=1, hours=n % 48)
                else:
                    starts = future_slot
                    future_slot += timedelta(hours=4)
            elif n % 10 == 0:  # recently held, feedback not given yet
                starts = now - timedelta(days=12)
            ends = starts + timedelta(minutes=45)
            day = starts.astimezone(JST).date()
        online = n % 2 == 0
        requests.append(
            {
                "id": request_id,
                "reference": f"L-{year}-{numbers[year]:04d}",
                "fiscal_year": year,
                "number": numbers[year],
                "submission_key_hash": _sha(f"bench-request-{n}"),
                "language": "ja",
                "status": status,
                "program_id": programs[n % len(programs)],
                "format": "online" if online else "in_person",
                "school_id": schools[n % len(schools)],
                "school_name": f"北九州市立計測{n % len(schools):03d}学校",
                "school_type": "elementary",
                "contact_name": f"教員 {n}",
                "contact_email": f"teacher{n}@school.example.jp",
                "contact_phone": "093-582-0000",
                "grade": f"{n % 6 + 1}年生",
                "audience_size": 30 + n % 90,
                "online_platform": "zoom" if online else None,
                "meeting_link_by": "bureau" if online else None,
                "connection_test": online,
                "notes": "計測用の依頼です。",
                "starts_at": starts,
                "ends_at": ends,
                "lecture_day": day,
                "actual_audience": 40 if status == "completed" else None,
                "created_at": created,
                "updated_at": created,
            }
        )
        for rank in (1, 2):
            slot_start = first_choice + timedelta(days=rank - 1)
            slots.append(
                {
                    "request_id": request_id,
                    "kind": "requested",
                    "rank": rank,
                    "starts_at": slot_start,
                    "ends_at": slot_start + timedelta(minutes=45),
                }
            )
        if status in ("scheduled", "completed"):
            held_recently = status == "completed" and n % 10 == 0
            events.append(
                {
                    "request_id": request_id,
                    "occurred_at": booked_at if status == "scheduled" else created + timedelta(days=2),
                    "from_status": "submitted",
                    "to_status": "scheduled",
                    "details": {},
                }
            )
            if status == "completed":
                events.append(
                    {
                        "request_id": request_id,
                        "occurred_at": now - timedelta(days=8) if held_recently else ends,
                        "from_status": "scheduled",
                        "to_status": "completed",
                        "details": {},
                    }
                )
                if not held_recently:
                    feedback.append(
                        {
                            "request_id": request_id,
                            "satisfaction": 1 + n % 5,
                            "comments": "分かりやすかったです。",
                            "submitted_at": ends + timedelta(days=3),
                            "updated_at": ends + timedelta(days=3),
                        }
                    )
            if status == "scheduled" and starts >= future_slot - timedelta(hours=4):
                lecturer = lecturers[len(assignments) % len(lecturers)]
                assignments.append(
                    {
                        "program": BookingProgram.LECTURE,
                        "subject_id": request_id,
                        "person_id": lecturer,
                        "role": BookingRole.LECTURER,
                        "in_person": True,
                        "starts_at": starts,
                        "ends_at": ends,
                        "buffer_minutes": 60,
                        "blocked_from": starts - timedelta(minutes=60),
                        "blocked_until": ends + timedelta(minutes=60),
                        "active": True,
                    }
                )
    _insert(LectureRequest, requests)
    _insert(LectureSlot, slots)
    _insert(LectureEvent, events)
    _insert(LectureFeedback, feedback)
    _insert(StaffBooking, assignments)
    _reset_sequence("lecture_requests")
    db.session.commit()


def _reset_sequence(table: str) -> None:
    """Rows inserted with their ids leave PostgreSQL's sequence behind: move it on."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        )


ESSAY = (
    "私が水道に関心を持ったのは、家族でカンボジアを訪れたことがきっかけです。"
    "プノンペンの市場で、地元の人が水道の水をそのまま飲んでいるのを見て驚きました。"
) * 8


def _cohort(title: str, year: int, closes_at: datetime, per_application: int = 3) -> Cohort:
    cohort = Cohort(
        fiscal_year=year,
        title_ja=title,
        title_en=title,
        destination_ja="プノンペン",
        destination_en="Phnom Penh",
        opens_at=closes_at - timedelta(days=45),
        closes_at=closes_at,
        eligible_grades=[1, 2],
        essay_prompt_ja="水と国際協力について書いてください。",
        essay_min_chars=100,
        essay_max_chars=800,
        reviewers_per_application=per_application,
    )
    db.session.add(cohort)
    db.session.flush()
    criteria = [
        Criterion(
            cohort_id=cohort.id,
            position=n + 1,
            name_ja=f"観点{n + 1}",
            name_en=f"Criterion {n + 1}",
            max_score=10 if n % 2 == 0 else 5,
            weight=Decimal(2 if n == 0 else 1),
        )
        for n in range(4)
    ]
    db.session.add_all(criteria)
    db.session.commit()
    return cohort


def _applications(cohort: Cohort, count: int, schools: list[int], first_id: int) -> list[int]:
    applications, applicants = [], []
    submitted = cohort.closes_at - timedelta(days=3)
    for n in range(count):
        application_id = first_id + n
        consent = "given" if n % 10 else "pending"
        applications.append(
            {
                "id": application_id,
                "cohort_id": cohort.id,
                "status": "submitted",
                "code": f"Y-{cohort.fiscal_year}-{n + 1:04d}",
                "essay": ESSAY,
                "essay_chars": len(ESSAY),
                "email_key": _sha(f"student-{cohort.id}-{n}"),
                "consent_status": consent,
                "consent_answered_at": submitted + timedelta(days=1) if consent == "given" else None,
                "created_at": submitted,
                "submitted_at": submitted,
                "updated_at": submitted,
            }
        )
        applicants.append(
            {
                "application_id": application_id,
                "family_name": "計測",
                "given_name": f"生徒{n}",
                "family_name_kana": "ケイソク",
                "given_name_kana": "セイト",
                "school_id": schools[n % len(schools)],
                "grade": 1 + n % 2,
                "email": f"student{cohort.id}-{n}@example.jp",
                "phone": "090-1234-5678",
                "guardian_name": f"計測 保護者{n}",
                "guardian_relationship": "母",
                "guardian_email": f"guardian{cohort.id}-{n}@example.jp",
                "guardian_phone": "093-582-0000",
                "attest_eligibility": True,
                "attest_schedule": True,
                "privacy_consent": True,
                "language": "ja",
            }
        )
    _insert(Application, applications)
    _insert(Applicant, applicants)
    _reset_sequence("youth_applications")
    db.session.commit()
    return [a["id"] for a in applications]


def _reviews(cohort: Cohort, applications: list[int], reviewers: list[int]) -> None:
    """Three submitted reviews per application, scored on every criterion."""
    rng = random.Random(2)
    criteria = list(db.session.scalars(sa.select(Criterion).where(Criterion.cohort_id == cohort.id)))
    first_id = (db.session.scalar(sa.select(sa.func.max(Review.id))) or 0) + 1
    reviews, scores = [], []
    at = cohort.closes_at + timedelta(days=5)
    for n, application_id in enumerate(applications):
        for k in range(3):
            review_id = first_id + len(reviews)
            reviews.append(
                {
                    "id": review_id,
                    "cohort_id": cohort.id,
                    "application_id": application_id,
                    "reviewer_id": reviewers[(n * 3 + k) % len(reviewers)],
                    "status": "submitted",
                    "manual": False,
                    "queue_key": f"{rng.getrandbits(64):016x}",
                    "comment": "丁寧に書かれています。",
                    "assigned_at": cohort.closes_at + timedelta(days=1),
                    "saved_at": at,
                    "submitted_at": at,
                }
            )
            for criterion in criteria:
                scores.append(
                    {
                        "review_id": review_id,
                        "criterion_id": criterion.id,
                        "value": rng.randint(0, criterion.max_score),
                    }
                )
    _insert(Review, reviews)
    _insert(Score, scores)
    _reset_sequence("review_reviews")
    db.session.commit()


def _outbox(count: int, lectures: int, now: datetime) -> None:
    """Emails of the past year: nearly all sent, some failed, a few queued; a third about a request."""
    body = "計測用のお知らせです。\n" * 20
    html = "<p>" + "計測用のお知らせです。<br>" * 20 + "</p>"
    rows = []
    for n in range(count):
        created = now - timedelta(minutes=(count - n) * 525_600 // count)  # over the last year
        status = "sent" if n % 50 else ("failed" if n % 100 else "queued")
        rows.append(
            {
                "message_id": f"<bench-{n}@booking.test>",
                "recipient": f"person{n % 5000}@example.jp",
                "language": "ja",
                "template": "lectures/received_to_teacher",
                "subject": f"【計測】お知らせ {n}",
                "body_text": body,
                "body_html": html,
                "status": status,
                "attempts": 1 if status != "queued" else 0,
                "next_attempt_at": created,
                "created_at": created,
                "sent_at": created if status == "sent" else None,
                "related_type": "lecture_request" if n % 3 == 0 and lectures else None,
                "related_id": str(1 + n % max(lectures, 1)) if n % 3 == 0 and lectures else None,
            }
        )
        if len(rows) == CHUNK:
            _insert(OutboxEmail, rows)
            rows = []
    _insert(OutboxEmail, rows)
    db.session.commit()


def _time_off_and_events(lecturers: list[int], cohort: Cohort, now: datetime) -> None:
    """This month's time off (two periods per lecturer) and three training days: the calendar
    month reads them beside the lectures."""
    today = now.astimezone(JST).date()
    rows = []
    for n, lecturer in enumerate(lecturers):
        for k in range(2):
            day = today.replace(day=1 + (3 * n + 11 * k) % 27)
            rows.append(
                {
                    "person_id": lecturer,
                    "starts_at": jst_to_utc(day, time(0, 0)),
                    "ends_at": jst_to_utc(day + timedelta(days=1), time(0, 0)),
                    "reason": "計測",
                    "whole_days": True,
                    "created_at": now,
                }
            )
    _insert(TimeOff, rows)
    for n in range(3):
        day = today.replace(day=5 + 7 * n)
        db.session.add(
            CohortEvent(
                cohort_id=cohort.id,
                kind=EventKind.DOMESTIC_TRAINING,
                title_ja=f"国内研修{n + 1}",
                title_en=f"Domestic training {n + 1}",
                starts_at=jst_to_utc(day, time(9, 0)),
                ends_at=jst_to_utc(day, time(16, 0)),
            )
        )
    db.session.commit()


def build(scale: float, now: datetime | None = None) -> DataSet:
    """Fill the (empty, migrated) database; `scale` 1.0 is the full size."""
    now = now or utcnow()
    counts = {name: max(1, round(full * scale)) for name, full in FULL.items()}
    _coordinator, lecturers, reviewers = _users()
    schools = _schools()
    programs = _programs()
    _lectures(counts["lectures"], programs, schools, lecturers, now)
    this_year = fiscal_year(now.astimezone(JST).date())
    ranked = _cohort("計測 審査済みの研修", this_year, now - timedelta(days=20))
    ranked_ids = _applications(ranked, counts["applications"], schools, 1)
    _reviews(ranked, ranked_ids, reviewers)
    waiting = _cohort("計測 審査前の研修", this_year + 1, now - timedelta(days=2))
    _applications(waiting, counts["applications"], schools, len(ranked_ids) + 1)
    _time_off_and_events(lecturers, ranked, now)
    _outbox(counts["outbox"], counts["lectures"], now)
    if db.session.get_bind().dialect.name == "postgresql":
        # What autovacuum does to a table that has lived a while: statistics, visibility map.
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    return DataSet(counts["lectures"], counts["applications"], counts["outbox"], ranked.id, waiting.id)


__all__ = ["COORDINATOR_EMAIL", "PASSWORD", "UTC", "DataSet", "build"]
