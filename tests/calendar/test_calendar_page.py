"""The staff calendar page: each view, the list under the grid, printing, bad arguments, roles
and a query count that does not grow with the entries."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from booking.core.auth import Role
from booking.extensions import db
from booking.scheduling.models import TimeOff
from tests.factories import make_user
from tests.factories.lectures import at, make_lecturer, make_request
from tests.helpers import count_queries

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def staff(app, world, login):
    user = make_user(Role.COORDINATOR, email="coord@example.jp")
    client = app.test_client()
    login(client, user.email)
    db.session.rollback()  # the sign-in wrote since this session last read
    return client


@pytest.fixture
def lecturer_client(app, world, login):
    client = app.test_client()
    login(client, world.mizuno.email)
    db.session.rollback()
    return client


def test_the_month_view_draws_a_grid_and_lists_the_entries_in_a_table(staff, world):
    page = staff.get("/staff/calendar?view=month&date=2026-12-03").get_data(as_text=True)
    assert "<h1" in page and "2026年12月" in page and "月表示" in page
    assert page.count('<th scope="col">') >= 7 + 6  # weekdays, and the list's headings
    assert 'class="table calendar-list"' in page and '<th scope="row">' in page
    assert "2026年12月3日(木) 10:30–11:15" in page
    assert f'href="/staff/lectures/{world.december}"' in page
    assert f'href="/staff/lectures/lecturers/{world.mizuno.id}#time-off"' in page
    assert "国内研修" in page
    # Kitano works from Phnom Penh: her clock is beside Japan time.
    assert "8:30–9:15 (カンボジア時間)" in page


def test_prev_next_and_today_links_keep_the_view_and_the_person(staff, world):
    page = staff.get(f"/staff/calendar?view=week&date=2026-12-03&person={world.mizuno.id}").get_data(
        as_text=True
    )
    assert (
        f'href="/staff/calendar?view=week&amp;date=2026-11-26&amp;person={world.mizuno.id}" rel="prev"'
        in page
    )
    assert (
        f'href="/staff/calendar?view=week&amp;date=2026-12-10&amp;person={world.mizuno.id}" rel="next"'
        in page
    )
    assert (
        f'href="/staff/calendar?view=week&amp;date=2026-11-02&amp;person={world.mizuno.id}"' in page
    )  # today
    assert 'aria-current="page">週</a>' in page


def test_the_week_view_shows_its_seven_days_and_the_day_view_its_day(staff, world):
    week = staff.get("/staff/calendar?view=week&date=2026-12-09").get_data(as_text=True)
    assert "calendar-grid--week" in week and "山手中学校" in week and "港小学校" not in week
    day = staff.get("/staff/calendar?view=day&date=2026-12-03").get_data(as_text=True)
    assert "calendar-grid" not in day.split("</nav>", 2)[-1] or "calendar-grid--" not in day
    assert "港小学校" in day and "山手中学校" not in day and "日表示" in day


def test_the_page_has_a_print_stylesheet(staff, world, app):
    page = staff.get("/staff/calendar").get_data(as_text=True)
    href = re.search(r'<link rel="stylesheet" href="([^"]*calendar\.css)"', page).group(1)
    assert href == "/static/css/calendar.css"
    css = (ROOT / "booking" / "static" / "css" / "calendar.css").read_text(encoding="utf-8")
    assert "@media print" in css and ".staff-bar" in css


def test_the_english_page_reads_in_english(staff, world):
    page = staff.get("/staff/calendar?date=2026-12-03", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "December 2026" in page and "Month view" in page and "Thu 3 Dec 2026, 10:30–11:15" in page


@pytest.mark.parametrize(
    "query",
    [
        "view=year",
        "date=9999-99-99",
        "date=2026-02-30",
        "date=%EF%BC%92",
        "view=&date=",
        "date=10000-01-01",
        "view=month&date=2100-12-31",
        "view=day&date=2000-01-01",
        "person=",
    ],
)
def test_bad_arguments_give_the_default_view(staff, world, query):
    response = staff.get(f"/staff/calendar?{query}")
    assert response.status_code == 200


@pytest.mark.parametrize("person", ["abc", "0", "-1", "99999", "2147483648", "9" * 40, "1.5"])
def test_a_person_who_is_not_on_the_calendar_is_not_found(staff, world, person):
    assert staff.get(f"/staff/calendar?person={person}").status_code == 404


def test_a_coordinator_who_is_not_a_lecturer_is_no_person_to_filter_by(staff, world):
    db.session.rollback()
    coordinator = make_user(Role.COORDINATOR)
    assert staff.get(f"/staff/calendar?person={coordinator.id}").status_code == 404


def test_a_lecturer_sees_their_own_entries_and_no_person_filter(lecturer_client, world):
    page = lecturer_client.get(f"/staff/calendar?date=2026-12-03&person={world.kitano.id}").get_data(
        as_text=True
    )
    assert "港小学校" in page and "山手中学校" not in page and "北野" not in page
    assert 'name="person"' not in page and "国内研修" not in page
    # Their lectures lead to their own page of each lecture, not the coordinators' page.
    assert f'href="/staff/lectures/schedule/{world.december}"' in page
    assert f'href="/staff/lectures/{world.december}"' not in page


@pytest.mark.parametrize("role", [Role.REVIEWER])
def test_others_may_not_open_the_calendar(app, world, login, role):
    user = make_user(role)
    client = app.test_client()
    login(client, user.email)
    assert client.get("/staff/calendar").status_code == 403
    assert app.test_client().get("/staff/calendar").status_code == 302


def _page_queries(app, client, path) -> int:
    with count_queries(app) as counter:
        assert client.get(path).status_code == 200
    return counter.count


def test_the_query_count_does_not_grow_with_the_entries(app, staff, world, program):
    path = "/staff/calendar?view=month&date=2026-12-01"
    few = _page_queries(app, staff, path)
    db.session.rollback()
    for n in range(12):
        lecturer = make_lecturer(time_zone="Asia/Phnom_Penh" if n % 2 else "Asia/Tokyo")
        day = date(2026, 12, 1) + timedelta(days=n * 2)
        make_request(
            program,
            status="scheduled",
            lecturers=[lecturer, world.kitano] if n % 3 == 0 else [lecturer],
            starts_at=at(day, 13, 0),
        )
        db.session.add(TimeOff(person_id=lecturer.id, starts_at=at(day, 15), ends_at=at(day, 18)))
    db.session.commit()
    many = _page_queries(app, staff, path)
    assert many == few
    assert few <= 12


# The statements of a month page: the session and its user's roles, the lecturers one can pick
# and their roles, then one each for lectures, their lecturers, time off, study tours (with
# their staff and facilities) and the program's events (not asked for when the page shows one
# person), whatever the month holds.
MONTH_QUERIES = {False: 9, True: 8}


@pytest.mark.parametrize("person", [False, True])
def test_a_month_with_lectures_time_off_and_events_runs_as_many_statements_as_an_empty_one(
    app, staff, world, person
):
    who = f"&person={world.mizuno.id}" if person else ""
    empty = _page_queries(app, staff, f"/staff/calendar?view=month&date=2031-06-01{who}")
    db.session.rollback()
    december = staff.get(f"/staff/calendar?view=month&date=2026-12-01{who}").get_data(as_text=True)
    assert "北九州市立港小学校" in december and "通院" not in december  # a lecture; time off, no reason
    assert ("国内研修" in december) is not person  # the program's events show for everyone only
    assert "不在：水野 健太" in december
    full = _page_queries(app, staff, f"/staff/calendar?view=month&date=2026-12-01{who}")
    assert empty == full == MONTH_QUERIES[person]
