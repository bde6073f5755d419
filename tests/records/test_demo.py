"""The demo's history: lectures held in fiscal years 2017 to 2025 that tell the program's story."""

from __future__ import annotations

from collections import Counter
from datetime import time

import sqlalchemy as sa

from booking.core.time import fiscal_year, to_zone
from booking.core.tokens import hash_token
from booking.extensions import db
from booking.lectures.demo import PROGRAMS
from booking.lectures.models import (
    LectureFormat,
    LectureRequest,
    LectureStatus,
)
from booking.lectures.rules import is_day_off
from booking.records import services
from booking.records.demo import YEARS
from booking.scheduling.models import StaffBooking
from booking.schools.models import SchoolType


def _history() -> list[LectureRequest]:
    keys = [
        hash_token(f"demo-record-{year.fiscal_year}-{index:02d}")
        for year in YEARS
        for index in range(year.in_person + year.online)
    ]
    return list(
        db.session.scalars(sa.select(LectureRequest).where(LectureRequest.submission_key_hash.in_(keys)))
    )


def test_the_demo_tells_the_lectures_history_once(app, ctx, frozen):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    planned = sum(year.in_person + year.online for year in YEARS)
    assert f"Track record at /records: {planned} lectures held in FY2017–2025 added now" in first.output
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert "Track record at /records: 0 lectures held" in second.output
    db.session.rollback()

    history = _history()
    assert len(history) == planned
    assert {lecture.status for lecture in history} == {LectureStatus.COMPLETED}
    # Nobody's diary is touched: the history has no lecturer assignments.
    ids = [lecture.id for lecture in history]
    assert db.session.scalar(sa.select(sa.func.count()).where(StaffBooking.subject_id.in_(ids))) == 0

    by_year = {year.fiscal_year: year for year in services.lecture_years()}
    for year in YEARS:
        found = by_year[year.fiscal_year]
        assert (found.in_person, found.online) == (year.in_person, year.online)
        assert found.held_at(SchoolType.ELEMENTARY) and found.held_at(SchoolType.JUNIOR_HIGH)
    assert all(by_year[y].online == 0 for y in (2017, 2018, 2019))
    assert by_year[2020].held < min(by_year[2019].held, by_year[2021].held) / 1.5  # the dip
    assert all(by_year[y].online > 0 for y in range(2020, 2026))
    assert min(by_year[y].held for y in range(2021, 2026)) >= 20


def test_the_demo_lectures_are_plausible_school_lectures(app, ctx, frozen):
    app.test_cli_runner().invoke(args=["seed-demo"])
    db.session.rollback()
    history = _history()
    live = PROGRAMS[4]["title_ja"]

    days = Counter()
    for lecture in history:
        local = to_zone(lecture.starts_at)
        days[local.date()] += 1
        assert not is_day_off(local.date())
        assert time(8, 30) <= local.time() and to_zone(lecture.ends_at).time() <= time(16, 30)
        assert lecture.lecture_day == local.date()
        assert [(slot.rank, slot.starts_at) for slot in lecture.candidates] == [(1, lecture.starts_at)]
        assert lecture.created_at < lecture.starts_at < lecture.events[-1].occurred_at
        assert [e.to_status for e in lecture.events] == [
            LectureStatus.SUBMITTED,
            LectureStatus.SCHEDULED,
            LectureStatus.COMPLETED,
        ]
        assert 1 <= lecture.actual_audience <= 210
        assert lecture.reference == f"L-{lecture.fiscal_year}-{lecture.number:04d}"
        assert lecture.fiscal_year == fiscal_year(to_zone(lecture.created_at).date())
        if lecture.program.title_ja == live:
            assert lecture.format == LectureFormat.ONLINE and local.date().year >= 2020
    assert max(days.values()) == 1  # one lecture a day at most: within any daily cap
    from_cambodia = [lecture for lecture in history if lecture.program.title_ja == live]
    assert len(from_cambodia) >= 20

    # Reference numbers follow the order the requests came in, within each fiscal year.
    for year in {lecture.fiscal_year for lecture in history}:
        same_year = sorted(
            (lecture for lecture in history if lecture.fiscal_year == year), key=lambda r: r.created_at
        )
        assert [lecture.number for lecture in same_year] == sorted(lecture.number for lecture in same_year)


def test_the_demo_record_page_shows_the_real_past_cohorts(app, client, ctx, frozen):
    app.test_cli_runner().invoke(args=["seed-demo"])
    db.session.rollback()
    cohorts = {c.fiscal_year: c for c in services.cohort_records()}
    assert sorted(cohorts) == [2017, 2018, 2019, 2021]  # this year's and next spring's are not published
    assert all(cohort.participants == 6 for cohort in cohorts.values())
    assert cohorts[2019].applications == 12  # its full selection history is in the demo
    assert cohorts[2017].applications is None
    assert "プノンペン" in cohorts[2017].destination_ja and "高等専門学校" in cohorts[2021].destination_ja

    body = client.get("/records").get_data(as_text=True)
    assert "2017年度" in body and "2025年度" in body and "2026年度（途中）" in body


def test_staff_see_a_demo_lecture_of_the_past_without_lecturers(app, ctx, frozen, login):
    app.test_cli_runner().invoke(args=["seed-demo"])
    db.session.rollback()
    lecture = next(lecture for lecture in _history() if lecture.fiscal_year == 2019)
    client = app.test_client()
    login(client, "coordinator@example.jp", "demo-password-2026")
    body = client.get(f"/staff/lectures/{lecture.id}").get_data(as_text=True)
    assert lecture.reference in body
    assert "<li>—</li>" in body  # no lecturer recorded
    assert "紙の実績台帳から登録した講座です（講師の記録はありません）。" in body
