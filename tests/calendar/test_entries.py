"""What the calendar shows, and to whom: entries in the period, by person, time off, zones."""

from __future__ import annotations

from datetime import date

from booking.calendar import services
from booking.calendar.formatting import local_times
from booking.calendar.periods import Period, ViewKind
from booking.core.auth import Role
from tests.factories import make_user

DECEMBER = Period(ViewKind.MONTH, date(2026, 12, 1))


def _titles(page) -> list[str]:
    return [entry.title for entry in page.entries]


def test_staff_see_everyones_booked_lectures_time_off_and_program_events_in_the_period(app, world):
    coordinator = make_user(Role.COORDINATOR)
    with app.test_request_context():
        page = services.calendar_page(DECEMBER, coordinator, None)
        kinds = [entry.kind for entry in page.entries]
        titles = " ".join(_titles(page))
    assert kinds.count("lecture") == 2 and kinds.count("time_off") == 1 and kinds.count("youth_event") == 1
    assert "港小学校" in titles and "山手中学校" in titles and "国内研修" in titles
    # Not booked (received, cancelled) or not in the period (January, outside the grid): not shown.
    assert "中止小学校" not in titles and "受付中小学校" not in titles and "L-" in titles
    assert all(e.starts_at.month == 12 for e in page.entries)


def test_a_person_filter_keeps_that_persons_lectures_and_time_off_only(app, world):
    coordinator = make_user(Role.COORDINATOR)
    with app.test_request_context():
        page = services.calendar_page(DECEMBER, coordinator, world.kitano)
    assert [e.kind for e in page.entries] == ["lecture"]
    assert "山手中学校" in page.entries[0].title
    assert [p.name for p in page.entries[0].people] == ["北野 真理子"]


def test_a_lecturer_sees_only_their_own_entries_whatever_person_is_asked_for(app, world):
    with app.test_request_context():
        page = services.calendar_page(DECEMBER, world.mizuno, world.kitano)
        urls = {entry.url for entry in page.entries}
    assert page.person.id == world.mizuno.id
    assert sorted(e.kind for e in page.entries) == ["lecture", "time_off"]
    assert "山手中学校" not in " ".join(_titles(page))
    # A lecturer's lectures lead to their own page of the lecture, not to the request's staff
    # page; their time off to their diary.
    assert urls == {f"/staff/lectures/schedule/{world.december}", "/staff/lectures/schedule#time-off"}


def test_staff_entries_lead_to_the_request_and_the_lecturers_diary(app, world):
    coordinator = make_user(Role.COORDINATOR)
    with app.test_request_context():
        page = services.calendar_page(DECEMBER, coordinator, world.mizuno)
    urls = {entry.kind: entry.url for entry in page.entries}
    assert urls == {
        "lecture": f"/staff/lectures/{world.december}",
        "time_off": f"/staff/lectures/lecturers/{world.mizuno.id}#time-off",
    }


def test_time_off_fills_each_day_it_covers_and_not_the_day_it_ends_at_midnight(app, world):
    coordinator = make_user(Role.COORDINATOR)
    with app.test_request_context():
        page = services.calendar_page(DECEMBER, coordinator, world.mizuno)
    covered = [day for day, entries in page.days.items() if any(e.kind == "time_off" for e in entries)]
    assert sorted(covered) == [date(2026, 12, 21), date(2026, 12, 22), date(2026, 12, 23)]
    assert page.entries[-1].busy_only and "通院" not in page.entries[-1].title  # the reason stays private


def test_an_admin_sees_program_events_without_a_link_a_coordinator_with_one(app, world):
    admin = make_user(Role.ADMIN)
    coordinator = make_user(Role.COORDINATOR)
    with app.test_request_context():
        for_admin = [
            e for e in services.calendar_page(DECEMBER, admin, None).entries if e.kind == "youth_event"
        ]
        for_coordinator = [
            e for e in services.calendar_page(DECEMBER, coordinator, None).entries if e.kind == "youth_event"
        ]
    assert for_admin[0].url is None
    assert for_coordinator[0].url.startswith("/staff/youth/cohorts/")


def test_program_events_are_left_out_when_one_person_is_shown(app, world):
    coordinator = make_user(Role.COORDINATOR)
    with app.test_request_context():
        page = services.calendar_page(DECEMBER, coordinator, world.mizuno)
    assert "youth_event" not in {e.kind for e in page.entries}


def test_the_lecturer_abroad_gets_their_own_clock_beside_japan_time(app, world):
    coordinator = make_user(Role.COORDINATOR)
    with app.test_request_context(headers={"Accept-Language": "ja"}):
        page = services.calendar_page(DECEMBER, coordinator, None)
        abroad = next(e for e in page.entries if "山手中学校" in e.title)
        at_home = next(e for e in page.entries if "港小学校" in e.title)
        assert local_times(abroad) == ["北野 真理子: 2026年12月10日(木) 8:30–9:15 (カンボジア時間)"]
        assert local_times(at_home) == []


def test_a_week_reads_the_days_of_its_week_only(app, world):
    coordinator = make_user(Role.COORDINATOR)
    with app.test_request_context():
        page = services.calendar_page(Period(ViewKind.WEEK, date(2026, 12, 9)), coordinator, None)
    assert [e.title for e in page.entries if e.kind == "lecture"] == [
        t for t in _titles(page) if "山手中学校" in t
    ]
