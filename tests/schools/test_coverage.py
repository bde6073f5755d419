"""Coverage: which schools the lectures have reached, the staff list, its filters and download,
and the inbox's mark on a request from a school never (or long not) reached."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest

from booking.core.auth import Role
from booking.core.time import JST
from booking.extensions import db
from booking.lectures.models import LectureFormat
from booking.schools.coverage import CoverageFilters, Reach, reach_since, school_coverage
from booking.schools.models import SchoolType
from tests.factories import make_user
from tests.factories.lectures import at, make_request
from tests.factories.records import held
from tests.factories.schools import make_school
from tests.helpers import count_queries

EN = {"Accept-Language": "en"}
JA = {"Accept-Language": "ja"}


def held_at(program, school, day: date) -> None:
    held(program, day, school_id=school.id, school_name=school.name, school_type=school.school_type)


@pytest.fixture
def admin_client(app, ctx, login):
    client = app.test_client()
    login(client, make_user(Role.ADMIN, email="admin@example.jp").email)
    db.session.rollback()  # the sign-in wrote since this session last read
    return client


# The three-fiscal-year window ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "since"),
    [
        (date(2027, 3, 31), date(2024, 4, 1)),
        (date(2027, 4, 1), date(2025, 4, 1)),
        (date(2026, 11, 2), date(2024, 4, 1)),
        (date(2026, 4, 1), date(2024, 4, 1)),
    ],
)
def test_the_window_opens_on_april_first_of_the_fiscal_year_two_before_this_one(today, since):
    assert reach_since(today) == datetime(since.year, since.month, since.day, tzinfo=JST)


@pytest.mark.parametrize(
    ("lecture_day", "today", "reach"),
    [
        (date(2024, 4, 1), date(2027, 3, 31), Reach.REACHED),
        (date(2024, 4, 1), date(2027, 4, 1), Reach.LAPSED),
        (date(2024, 3, 29), date(2027, 3, 31), Reach.LAPSED),
        (date(2025, 4, 1), date(2028, 3, 31), Reach.REACHED),
    ],
)
def test_a_lecture_reaches_its_school_until_its_third_fiscal_year_ends(
    ctx, frozen, program, lecture_day, today, reach
):
    school = make_school()
    held_at(program, school, lecture_day)
    (row,) = school_coverage(today=today).rows
    assert row.reach is reach


def test_a_school_without_a_lecture_held_is_never_reached_even_with_one_scheduled(ctx, frozen, program):
    school = make_school()
    make_request(program, status="scheduled", school_id=school.id, school_name=school.name)
    make_request(program, status="submitted", school_id=school.id, school_name=school.name)
    (row,) = school_coverage().rows
    assert (row.reach, row.last_held_at) == (Reach.NEVER, None)
    assert row.next_at == at(date(2026, 12, 3), 10, 30)


# The list ------------------------------------------------------------------------------------


def test_the_list_puts_never_first_then_not_for_three_years_then_the_longest_since(ctx, frozen, program):
    recent = make_school("北九州市立最近小学校")
    old = make_school("北九州市立昔小学校")
    older = make_school("北九州市立大昔小学校")
    never = make_school("北九州市立未訪問小学校")
    closed = make_school("北九州市立閉校小学校", active=False)
    held_at(program, recent, date(2025, 10, 8))
    held_at(program, recent, date(2019, 10, 8))
    held_at(program, old, date(2023, 6, 14))
    held_at(program, older, date(2019, 6, 14))
    held_at(program, closed, date(2018, 6, 14))

    coverage = school_coverage()
    assert [row.name for row in coverage.rows] == [never.name, older.name, old.name, recent.name]
    assert [row.reach for row in coverage.rows] == [Reach.NEVER, Reach.LAPSED, Reach.LAPSED, Reach.REACHED]
    assert coverage.rows[-1].last_held_at == at(date(2025, 10, 8), 10)  # the latest of its two
    assert (coverage.count(), coverage.count(Reach.NEVER), coverage.count(Reach.LAPSED)) == (4, 1, 2)


def test_lectures_declined_or_cancelled_do_not_reach_a_school(ctx, frozen, program):
    school = make_school()
    for status in ("declined", "cancelled"):
        make_request(program, status=status, school_id=school.id, school_name=school.name)
    assert school_coverage().rows[0].reach is Reach.NEVER


def test_filters_narrow_by_ward_type_and_reach(ctx, frozen, program):
    moji = make_school("北九州市立門司テスト小学校", ward="門司区")
    make_school("北九州市立門司テスト中学校", ward="門司区", school_type=SchoolType.JUNIOR_HIGH)
    make_school("北九州市立戸畑テスト小学校", ward="戸畑区")
    held_at(program, moji, date(2025, 10, 8))

    def names(**filters) -> list[str]:
        return [row.name for row in school_coverage(CoverageFilters(**filters)).rows]

    assert names(ward="門司区") == ["北九州市立門司テスト小学校", "北九州市立門司テスト中学校"][::-1]
    assert names(ward="門司区", school_type=SchoolType.ELEMENTARY) == [moji.name]
    assert names(reach=Reach.REACHED) == [moji.name]
    assert len(names(reach=Reach.NEVER)) == 2


HOSTILE = ["x" * 10_000, "²", "１２", "9999-12-31", "0001-01-01", "' OR 1=1 --", "%", "門司区 "]


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("name", ["ward", "type", "reach"])
def test_hostile_filter_values_are_ignored(ctx, frozen, admin_client, name, value):
    make_school("北九州市立門司テスト小学校", ward="門司区")
    make_school("北九州市立戸畑テスト小学校", ward="戸畑区")
    response = admin_client.get("/staff/schools/coverage", query_string={name: value}, headers=EN)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "北九州市立門司テスト小学校" in html and "北九州市立戸畑テスト小学校" in html
    assert admin_client.get("/staff/schools/coverage.csv", query_string={name: value}).status_code == 200


@pytest.mark.parametrize("value", ["\x00", "門司区\x00", "\x1b[31m"])
def test_control_characters_in_a_filter_are_refused_by_the_input_guard_not_a_server_error(
    ctx, frozen, admin_client, value
):
    response = admin_client.get("/staff/schools/coverage", query_string={"ward": value}, headers=EN)
    assert response.status_code == 400


def test_a_duplicated_filter_takes_the_first_value(ctx, frozen, admin_client):
    make_school("北九州市立門司テスト小学校", ward="門司区")
    make_school("北九州市立戸畑テスト小学校", ward="戸畑区")
    html = admin_client.get("/staff/schools/coverage?ward=門司区&ward=戸畑区").get_data(as_text=True)
    assert "北九州市立門司テスト小学校" in html and "北九州市立戸畑テスト小学校" not in html


def _page_queries(app, client) -> int:
    with count_queries(app) as counter:
        assert client.get("/staff/schools/coverage").status_code == 200
    return counter.count


def test_the_page_query_count_does_not_grow_with_the_schools(app, ctx, frozen, program, admin_client):
    held_at(program, make_school(), date(2025, 6, 4))
    few = _page_queries(app, admin_client)
    for n in range(12):
        school = make_school(ward="若松区")
        if n % 2:
            held_at(program, school, date(2020 + n % 6, 6, 4))
            make_request(program, status="scheduled", school_id=school.id, school_name=school.name)
    assert _page_queries(app, admin_client) == few


def test_the_page_shows_counts_dates_and_words_not_only_colour(ctx, frozen, program, admin_client):
    reached = make_school("北九州市立最近小学校")
    make_school("北九州市立未訪問小学校")
    held_at(program, reached, date(2025, 10, 8))
    make_request(program, status="scheduled", school_id=reached.id, school_name=reached.name)
    html = admin_client.get("/staff/schools/coverage", headers=EN).get_data(as_text=True)
    assert "<h1>Coverage of the city's schools</h1>" in html
    assert "since Mon 1 Apr 2024" in html
    assert "Wed 8 Oct 2025" in html and "Thu 3 Dec 2026" in html
    assert ">Never</span>" in html and ">In the last 3 years</span>" in html
    ja = admin_client.get("/staff/schools/coverage", headers=JA).get_data(as_text=True)
    assert "市内学校への到達状況" in ja and ">未実施</span>" in ja


def test_the_download_lists_the_rows_in_the_page_order(ctx, frozen, program, admin_client):
    reached = make_school("北九州市立最近小学校", ward="門司区")
    make_school("北九州市立未訪問小学校", ward="門司区")
    make_school("北九州市立戸畑テスト小学校", ward="戸畑区")
    held_at(program, reached, date(2025, 10, 8))
    response = admin_client.get("/staff/schools/coverage.csv?ward=門司区", headers=EN)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:4] == ["School name", "Type", "Ward", "Last lecture held"]
    assert [row[0] for row in rows[1:]] == ["北九州市立未訪問小学校", "北九州市立最近小学校"]
    assert rows[2][3].startswith("2025-10-08")
    assert rows[1][5] == "Never"


@pytest.mark.parametrize(
    ("role", "status"), [(Role.COORDINATOR, 200), (Role.LECTURER, 403), (Role.REVIEWER, 403)]
)
def test_the_page_is_for_coordinators_and_admins(app, ctx, login, role, status):
    client = app.test_client()
    login(client, make_user(role, email=f"{role.value}@example.jp").email)
    db.session.rollback()
    assert client.get("/staff/schools/coverage").status_code == status
    assert client.get("/staff/schools/coverage.csv").status_code == status


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get("/staff/schools/coverage").status_code == 302


# The inbox's mark ------------------------------------------------------------------------------


@pytest.fixture
def marked_requests(ctx, frozen, program):
    """Requests from a school never reached, one not for three years, one reached, one typed in."""
    never = make_school("北九州市立未訪問小学校")
    lapsed = make_school("北九州市立昔小学校")
    reached = make_school("北九州市立最近小学校")
    held_at(program, lapsed, date(2022, 6, 14))
    held_at(program, reached, date(2025, 6, 14))
    return {
        school.name: make_request(
            program, school_id=school.id, school_name=school.name, fmt=LectureFormat.ONLINE
        ).id
        for school in (never, lapsed, reached)
    } | {"typed": make_request(program, school_name="私立どこか学園").id}


def _school_cell(html: str, name: str) -> str:
    return html.split(f"<td>{name}")[1].split("</td>")[0]


def test_the_inbox_marks_requests_from_schools_never_or_long_not_reached(marked_requests, coordinator_client):
    html = coordinator_client.get("/staff/lectures/", headers=EN).get_data(as_text=True)
    assert "First lecture for this school" in _school_cell(html, "北九州市立未訪問小学校")
    assert "No lecture for 3 years" in _school_cell(html, "北九州市立昔小学校")
    assert "<span class" not in _school_cell(html, "北九州市立最近小学校")
    assert "<span class" not in _school_cell(html, "私立どこか学園")
    ja = coordinator_client.get("/staff/lectures/", headers=JA).get_data(as_text=True)
    assert "初めての学校" in _school_cell(ja, "北九州市立未訪問小学校")
    assert "3年以上実施なし" in _school_cell(ja, "北九州市立昔小学校")


def test_the_request_page_carries_the_same_mark(marked_requests, coordinator_client):
    def page(key: str) -> str:
        url = f"/staff/lectures/{marked_requests[key]}"
        return coordinator_client.get(url, headers=EN).get_data(as_text=True)

    assert "First lecture for this school" in page("北九州市立未訪問小学校")
    assert "No lecture for 3 years" in page("北九州市立昔小学校")
    assert "First lecture" not in page("北九州市立最近小学校")
    assert "First lecture" not in page("typed")


def _inbox_queries(app, client) -> int:
    with count_queries(app) as counter:
        assert client.get("/staff/lectures/").status_code == 200
    return counter.count


def test_the_inbox_query_count_stays_the_same_with_marks(app, marked_requests, program, coordinator_client):
    before = _inbox_queries(app, coordinator_client)
    for n in range(10):
        school = make_school()
        if n % 2:
            held_at(program, school, date(2021 + n % 5, 6, 14))
        make_request(program, school_id=school.id, school_name=school.name)
    assert _inbox_queries(app, coordinator_client) == before
