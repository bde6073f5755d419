"""Demo history for the track record: the lectures held in fiscal years 2017 to 2025.

The story follows the bureau's own page: a few dozen lectures a year in the city's
elementary, junior high and high schools, all in person until the pandemic closed the
schools in March 2020; a dip in fiscal year 2020; online lectures from the autumn of 2020,
many of them live from Cambodia; in-person visits coming back beside them.

They are completed requests written through the models (submitted, scheduled, held, each
step in the history), on school days and in school hours. They carry no lecturer
assignments: the system was not there to record who lectured, and inventing it would put
lectures nobody gave into real lecturers' diaries and calendar feeds. Without assignments
they cannot clash with anything booked. Numbers are taken from each fiscal year's
reference counter, as any request's are. Only dates already past are written, and a
lecture written once is recognised by its key, so running the seeder again adds nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from booking.core.time import fiscal_year, jst_to_utc, to_zone, utcnow
from booking.core.tokens import hash_token
from booking.extensions import db
from booking.lectures.demo import PROGRAMS
from booking.lectures.models import (
    LectureFormat,
    LectureRequest,
    LectureSlot,
    LectureStatus,
    MeetingHost,
    OnlinePlatform,
    Program,
    SlotKind,
)
from booking.lectures.rules import is_day_off
from booking.lectures.services import next_reference_number
from booking.schools.demo import NOT_YET_REACHED_NAMES
from booking.schools.models import School, SchoolType


@dataclass(frozen=True)
class Year:
    fiscal_year: int
    in_person: int
    online: int
    # The first days lectures could be given in each format that year (schools closed, or
    # online lectures not started yet), and the last day of the year's lectures.
    in_person_from: date | None = None
    online_from: date | None = None
    until: date | None = None


YEARS = [
    Year(2017, 24, 0),
    Year(2018, 29, 0),
    # Schools closed from 2 March 2020.
    Year(2019, 27, 0, until=date(2020, 2, 28)),
    # Closed until June; the first online lectures in the autumn, a few visits again later.
    Year(2020, 5, 9, in_person_from=date(2020, 10, 19), online_from=date(2020, 9, 14)),
    Year(2021, 7, 16, in_person_from=date(2021, 10, 4)),
    Year(2022, 14, 17),
    Year(2023, 21, 15),
    Year(2024, 24, 14),
    Year(2025, 26, 15),
]

# Term times (month, day) of the city's schools: no lectures in the holidays.
TERMS = [((4, 15), (7, 17)), ((9, 1), (12, 22)), ((1, 12), (3, 14))]
# Periods lectures usually take (Japan time), from the second to the sixth.
PERIODS = [time(9, 45), time(10, 45), time(11, 40), time(13, 40), time(14, 40)]

E, J, H, S, OTHER = (
    SchoolType.ELEMENTARY,
    SchoolType.JUNIOR_HIGH,
    SchoolType.HIGH,
    SchoolType.SPECIAL_NEEDS,
    SchoolType.OTHER,
)
# How often each type of school asks (the college of technology counts as "other").
TYPES, TYPE_WEIGHTS = [E, J, H, S, OTHER], [48, 28, 20, 2, 2]

# Indexes into lectures.demo.PROGRAMS: 0 cooperation, 1 Phnom Penh miracle, 2 SDGs,
# 3 careers, 4 live from Cambodia (online only).
COOP, MIRACLE, SDGS, CAREERS, LIVE = range(5)
PROGRAM_CHOICES = {
    (E, LectureFormat.IN_PERSON): [COOP, MIRACLE, MIRACLE, SDGS, SDGS],
    (E, LectureFormat.ONLINE): [LIVE, LIVE, SDGS, MIRACLE],
    (J, LectureFormat.IN_PERSON): [COOP, MIRACLE, SDGS, CAREERS],
    (J, LectureFormat.ONLINE): [LIVE, LIVE, CAREERS, SDGS],
    (H, LectureFormat.IN_PERSON): [CAREERS, CAREERS, COOP, SDGS],
    (H, LectureFormat.ONLINE): [LIVE, CAREERS, CAREERS],
    (S, LectureFormat.IN_PERSON): [SDGS],
    (S, LectureFormat.ONLINE): [LIVE],
    (OTHER, LectureFormat.IN_PERSON): [CAREERS, COOP],
    (OTHER, LectureFormat.ONLINE): [CAREERS],
}
GRADES = {
    E: ["4年生", "5年生", "5年生 2クラス", "6年生", "5・6年生", "4年生 3クラス"],
    J: ["1年生", "2年生 全クラス", "3年生", "1年生 総合的な学習の時間", "全校生徒"],
    H: ["1年生 総合的な探究の時間", "2年生", "1・2年生 希望者", "2年生 国際理解講座"],
    S: ["中学部・高等部"],
    OTHER: ["本科3年"],
}
AUDIENCE = {E: (45, 110), J: (70, 160), H: (35, 200), S: (12, 30), OTHER: (40, 80)}
CONTACTS = [
    "森 由紀",
    "井上 剛",
    "坂本 真由美",
    "松尾 健二",
    "江口 智子",
    "古賀 聡",
    "野口 恵",
    "吉村 直樹",
    "平田 美穂",
    "原田 誠",
]
NOTES_IN_PERSON = [
    "質問がたくさん出た。",
    "浄水の実験が好評。",
    "漏水を探す道具を体験してもらった。",
    "プノンペンの写真に関心が高かった。",
    "",
]
NOTES_ONLINE = ["北九州から配信。", "音声・映像とも良好。", "学校側で複数教室に配信。"]
NOTES_FROM_CAMBODIA = [
    "プノンペンの浄水場から中継。",
    "プノンペン市内の配水の現場から中継。",
    "シエムレアップから中継。通信は安定していた。",
]
HISTORY_NOTE = "紙の実績台帳から登録した講座です（講師の記録はありません）。"


def _school_days(year: Year) -> list[date]:
    """The school days of the year's terms, within its own limits."""
    days = []
    for (start_month, start_day), (end_month, end_day) in TERMS:
        calendar_year = year.fiscal_year + (1 if start_month < 4 else 0)
        day, end = date(calendar_year, start_month, start_day), date(calendar_year, end_month, end_day)
        while day <= end:
            if not is_day_off(day) and (year.until is None or day <= year.until):
                days.append(day)
            day += timedelta(days=1)
    return days


def _plan(year: Year, rng: random.Random) -> list[tuple[date, LectureFormat]]:
    """The year's lecture days, one lecture a day at most, oldest first."""
    days = _school_days(year)
    plan: list[tuple[date, LectureFormat]] = []
    for fmt, count, first in (
        (LectureFormat.IN_PERSON, year.in_person, year.in_person_from),
        (LectureFormat.ONLINE, year.online, year.online_from),
    ):
        taken = {day for day, _fmt in plan}
        free = [day for day in days if (first is None or day >= first) and day not in taken]
        plan += [(day, fmt) for day in rng.sample(free, count)]
    return sorted(plan)


def _schools() -> dict[SchoolType, list[School]]:
    by_type: dict[SchoolType, list[School]] = {}
    # The schools the demo keeps unreached are never drawn (see booking.schools.demo).
    unreached = School.name.in_(NOT_YET_REACHED_NAMES)
    for school in db.session.scalars(sa.select(School).where(sa.not_(unreached)).order_by(School.id)):
        by_type.setdefault(school.school_type, []).append(school)
    return by_type


@dataclass(frozen=True)
class Planned:
    key: str  # the hashed submission key that recognises the lecture on a second run
    program: Program
    school: School
    fmt: LectureFormat
    starts: datetime
    received: datetime
    rng: random.Random  # draws the lecture's details


def _planned(programs: list[Program], schools: dict[SchoolType, list[School]]) -> list[Planned]:
    """Every lecture of the history, in the order the requests came in."""
    planned = []
    for year in YEARS:
        rng = random.Random(year.fiscal_year)
        for index, (day, fmt) in enumerate(_plan(year, rng)):
            school_type = rng.choices(TYPES, weights=TYPE_WEIGHTS)[0]
            school = rng.choice(schools.get(school_type) or [s for group in schools.values() for s in group])
            program = programs[rng.choice(PROGRAM_CHOICES[(school.school_type, fmt)])]
            starts = jst_to_utc(day, rng.choice(PERIODS))
            received = starts - timedelta(days=rng.randint(21, 70), hours=rng.randint(0, 3))
            key = hash_token(f"demo-record-{year.fiscal_year}-{index:02d}")
            planned.append(Planned(key, program, school, fmt, starts, received, random.Random(key)))
    return sorted(planned, key=lambda p: p.received)


def _lecture(plan: Planned) -> LectureRequest:
    """A request received, scheduled and held, with its history dated as it happened."""
    rng, program, school = plan.rng, plan.program, plan.school
    year = fiscal_year(to_zone(plan.received).date())
    number = next_reference_number(year)
    low, high = AUDIENCE[school.school_type]
    planned_audience = min(rng.randint(low, high), program.max_audience)
    lecture = LectureRequest(
        reference=f"L-{year}-{number:04d}",
        fiscal_year=year,
        number=number,
        submission_key_hash=plan.key,
        language="ja",
        status=LectureStatus.SUBMITTED,
        program=program,
        format=plan.fmt,
        school_id=school.id,
        school_name=school.name,
        school_address=school.address,
        school_type=school.school_type,
        contact_name=rng.choice(CONTACTS),
        contact_email=f"teacher.{plan.key[:8]}@example.jp",
        contact_phone="093-582-0000",
        grade=rng.choice(GRADES[school.school_type]),
        audience_size=planned_audience,
        created_at=plan.received,
    )
    if plan.fmt == LectureFormat.ONLINE:
        lecture.online_platform = rng.choice([OnlinePlatform.ZOOM, OnlinePlatform.ZOOM, OnlinePlatform.TEAMS])
        lecture.meeting_link_by = rng.choice(list(MeetingHost))
        lecture.connection_test = True
        notes = NOTES_FROM_CAMBODIA if program.title_ja == PROGRAMS[LIVE]["title_ja"] else NOTES_ONLINE
        buffer_minutes = 15
    else:
        lecture.venue = rng.choice(["体育館", "視聴覚室", "多目的ホール"])
        lecture.equipment = "プロジェクター、スクリーン、マイク"
        notes = NOTES_IN_PERSON
        buffer_minutes = 60
    ends = plan.starts + program.duration
    # The date given was the school's first choice.
    lecture.slots.append(LectureSlot(kind=SlotKind.REQUESTED, rank=1, starts_at=plan.starts, ends_at=ends))
    lecture.record_submission()
    lecture.schedule(plan.starts, ends, [], buffer_minutes, None, internal_note=HISTORY_NOTE)
    recorded = ends + timedelta(days=rng.randint(0, 3), hours=3)
    lecture.complete(max(planned_audience + rng.randint(-8, 3), 1), rng.choice(notes), None, recorded)
    scheduled = plan.received + timedelta(days=rng.randint(2, 7))
    for event, when in zip(lecture.events, (plan.received, scheduled, recorded), strict=True):
        event.occurred_at = when
    lecture.updated_at = recorded
    return lecture


def seed() -> list[str]:
    found = {p.title_ja: p for p in db.session.scalars(sa.select(Program))}
    programs = [found.get(values["title_ja"]) for values in PROGRAMS]
    schools = _schools()
    if any(program is None for program in programs) or not schools:
        return ["Track record: no demo history (the lecture catalog or the school directory is missing)."]
    planned = _planned(programs, schools)
    existing = set(
        db.session.scalars(
            sa.select(LectureRequest.submission_key_hash).where(
                LectureRequest.submission_key_hash.in_([p.key for p in planned])
            )
        )
    )
    # Only what is over: a lecture recorded as held a few days after its date.
    latest = utcnow() - timedelta(days=4)
    added = 0
    for plan in planned:
        if plan.key not in existing and plan.starts <= latest:
            db.session.add(_lecture(plan))
            added += 1
    db.session.commit()
    years = f"FY{YEARS[0].fiscal_year}–{YEARS[-1].fiscal_year}"
    return [f"Track record at /records: {added} lectures held in {years} added now (no lecturers recorded)."]
