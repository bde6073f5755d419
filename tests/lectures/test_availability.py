"""GET /lectures/availability: open, nearly full and full school days, by format.

The states are checked against a hand-made December 2026 (the clock stands on Monday
2 November 2026): three lecturers, one of them based abroad for the month, a daily cap of
three, time off, scheduled lectures, a blackout day and requests that reserve nothing.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime, time, timedelta

import pytest

from booking.core.cache import page_cache
from booking.core.time import JST
from booking.extensions import db
from booking.lectures.availability import (
    Busy,
    DayKind,
    DayState,
    Month,
    can_fit,
    judge,
    month_days,
    parse_month,
)
from booking.lectures.models import LectureFormat
from booking.scheduling.models import BookingRole, Posting, StaffBooking, TimeOff
from booking.scheduling.models import Program as BookingProgram
from booking.settings.models import BlackoutDay, BureauSettings
from booking.settings.services import Settings, current_settings
from tests.factories.lectures import at, make_lecturer, make_program, make_request
from tests.helpers import count_queries

IN_PERSON, ONLINE = LectureFormat.IN_PERSON, LectureFormat.ONLINE
OPEN, NEARLY, FULL, NOT_OFFERED = DayState.OPEN, DayState.NEARLY_FULL, DayState.FULL, DayState.NOT_OFFERED
TODAY = date(2026, 11, 2)
DECEMBER = Month(date(2026, 12, 1))


def time_off(lecturer, day: date, start: int = 0, end: int = 24) -> None:
    starts = datetime.combine(day, time(0), tzinfo=JST) + timedelta(hours=start)
    db.session.add(
        TimeOff(person_id=lecturer.id, starts_at=starts, ends_at=starts + timedelta(hours=end - start))
    )


@pytest.fixture
def december(frozen, ctx):
    """The hand-made month; returns the lecturers by name."""
    program = make_program(duration_minutes=45)
    a, b, c = make_lecturer(name="講師 A"), make_lecturer(name="講師 B"), make_lecturer(name="講師 C")
    db.session.add(BureauSettings(id=1, daily_cap=3))
    db.session.add(BlackoutDay(day=date(2026, 12, 8), reason="施設点検"))
    # C is based in Phnom Penh all December: online only.
    db.session.add(
        Posting(person_id=c.id, place="Phnom Penh", first_day=date(2026, 12, 1), last_day=date(2026, 12, 31))
    )
    # 2 Dec: A off all day. 3 Dec: A and B off all day.
    time_off(a, date(2026, 12, 2))
    time_off(a, date(2026, 12, 3))
    time_off(b, date(2026, 12, 3))
    # 4 Dec: two lectures scheduled (one place left under the cap); 7 Dec: three (full).
    for hour in (9, 13):
        make_request(program, starts_at=at(date(2026, 12, 4), hour), status="scheduled", lecturers=[c])
    for hour in (9, 11, 14):
        make_request(program, starts_at=at(date(2026, 12, 7), hour), status="scheduled", lecturers=[c])
    # 9 Dec: A off in the morning, B in the afternoon: each still fits a lecture.
    time_off(a, date(2026, 12, 9), 0, 12)
    time_off(b, date(2026, 12, 9), 12, 24)
    # 10 Dec: A off; B lectures at a school from 08:30.
    time_off(a, date(2026, 12, 10))
    make_request(
        program,
        starts_at=at(date(2026, 12, 10), 8, 30),
        status="scheduled",
        lecturers=[b],
        fmt=IN_PERSON,
    )
    # 14 Dec: requests only (submitted, proposed, cancelled): nothing is reserved.
    for status in ("submitted", "proposed", "cancelled_scheduled", "declined"):
        make_request(program, starts_at=at(date(2026, 12, 14), 10), status=status, lecturers=[a, b])
    db.session.commit()
    return {"a": a, "b": b, "c": c, "program": program}


def states(day: int) -> dict:
    found = {d.day: d for d in month_days(DECEMBER, current_settings(), TODAY)}[date(2026, 12, day)]
    assert found.kind is DayKind.SCHOOL_DAY
    return dict(found.states)


@pytest.mark.parametrize(
    ("day", "in_person", "online", "why"),
    [
        (1, OPEN, OPEN, "two lecturers in Japan, three online, three places"),
        (2, NEARLY, OPEN, "only B in Japan; B and C online"),
        (3, FULL, NEARLY, "nobody in Japan; only C online"),
        (4, NEARLY, NEARLY, "one place left under the daily cap"),
        (7, FULL, FULL, "the daily cap is reached"),
        (9, OPEN, OPEN, "half-day time off leaves room for a lecture"),
        (14, OPEN, OPEN, "requests that are not scheduled reserve nothing"),
    ],
)
def test_the_states_follow_the_bookings_time_off_base_and_cap(december, day, in_person, online, why):
    assert states(day) == {IN_PERSON: in_person, ONLINE: online}, why


def test_a_lecturer_booked_through_school_hours_is_not_free(december):
    # 10 Dec: A is off, C abroad; B lectures at a school 08:30-09:15 (60 minutes' buffer).
    assert states(10) == {IN_PERSON: NEARLY, ONLINE: OPEN}
    make_request(
        make_program(duration_minutes=240),
        starts_at=at(date(2026, 12, 10), 10, 15),
        status="scheduled",
        lecturers=[december["b"]],
        fmt=IN_PERSON,
    )
    # 10:15-14:15 too: B's first possible start is 15:15, within school hours.
    assert states(10) == {IN_PERSON: NEARLY, ONLINE: NEARLY}  # two lectures: one place left
    time_off(december["b"], date(2026, 12, 10), 15, 24)
    db.session.commit()
    assert states(10) == {IN_PERSON: FULL, ONLINE: NEARLY}


def test_a_lecturer_on_a_study_tour_is_busy_too(december):
    # 15 Dec: B is off; A guides a study tour all day; C is abroad.
    time_off(december["b"], date(2026, 12, 15))
    db.session.commit()
    assert states(15) == {IN_PERSON: NEARLY, ONLINE: OPEN}
    tour = StaffBooking(
        program=BookingProgram.VISIT, subject_id=1, role=BookingRole.GUIDE, person_id=december["a"].id
    )
    tour.place(at(date(2026, 12, 15), 8), at(date(2026, 12, 15), 17), 60, in_person=True)
    db.session.add(tour)
    db.session.commit()
    assert states(15) == {IN_PERSON: FULL, ONLINE: NEARLY}


def test_days_that_are_not_school_days_or_out_of_reach_are_not_judged(december):
    kinds = {d.day: d for d in month_days(Month(date(2026, 11, 1)), current_settings(), TODAY)}
    assert kinds[date(2026, 11, 1)].kind is DayKind.PAST
    assert kinds[date(2026, 11, 3)].kind is DayKind.CLOSED  # Culture Day
    assert kinds[date(2026, 11, 3)].note
    assert kinds[date(2026, 11, 13)].kind is DayKind.TOO_SOON  # the lead time is 14 days
    assert kinds[date(2026, 11, 16)].kind is DayKind.SCHOOL_DAY
    assert kinds[date(2026, 11, 21)].kind is DayKind.CLOSED  # a Saturday
    december_days = {d.day: d for d in month_days(DECEMBER, current_settings(), TODAY)}
    assert december_days[date(2026, 12, 8)].kind is DayKind.CLOSED
    assert december_days[date(2026, 12, 8)].note == "施設点検"
    assert december_days[date(2026, 12, 29)].kind is DayKind.CLOSED  # the year-end closing
    may = {d.day: d for d in month_days(Month(date(2027, 5, 1)), current_settings(), TODAY)}
    assert may[date(2027, 5, 10)].kind is DayKind.NOT_YET  # beyond the 180-day horizon


def test_a_format_no_program_offers_is_not_offered(frozen, ctx):
    make_program(offers_in_person=False)
    make_lecturer()
    assert states(1) == {IN_PERSON: NOT_OFFERED, ONLINE: NEARLY}  # one lecturer: nearly full


def test_without_lecturers_every_school_day_is_full(frozen, ctx):
    make_program()
    assert states(1) == {IN_PERSON: FULL, ONLINE: FULL}


@pytest.mark.parametrize(
    ("places_left", "free", "expected"),
    [(3, 3, OPEN), (2, 2, OPEN), (1, 5, NEARLY), (5, 1, NEARLY), (0, 5, FULL), (5, 0, FULL), (-1, 2, FULL)],
)
def test_judge(places_left, free, expected):
    assert judge(places_left, free) is expected


DAY = date(2026, 12, 1)
SETTINGS = Settings()  # school hours 08:30-16:30


def _busy(start: tuple[int, int], end: tuple[int, int], buffer: int = 0) -> Busy:
    return Busy(
        1,
        datetime.combine(DAY, time(*start), tzinfo=JST),
        datetime.combine(DAY, time(*end), tzinfo=JST),
        buffer,
    )


@pytest.mark.parametrize(
    ("busy", "buffer", "fits"),
    [
        ([], 60, True),
        ([_busy((0, 0), (23, 59))], 15, False),
        # Time off until 15:30: with a 60-minute buffer the first start is 16:30, the latest allowed.
        ([_busy((0, 0), (15, 30))], 60, True),
        ([_busy((0, 0), (15, 31))], 60, False),
        # Time off from 09:45: a lecture at 08:30 ends 09:15, and its 30 minutes' buffer just fits.
        ([_busy((9, 45), (23, 0))], 30, True),
        ([_busy((9, 44), (23, 0))], 30, False),
        # A booking's own buffer counts when it is the larger one (60 > 15).
        ([_busy((0, 0), (15, 30), 60)], 15, True),
        ([_busy((0, 0), (15, 45), 60)], 15, False),
        # Two bookings with a gap just wide enough between them: 10:00 + 60 + 45 + 60 = 12:45.
        ([_busy((0, 0), (10, 0), 60), _busy((12, 45), (23, 0), 60)], 60, True),
        ([_busy((0, 0), (10, 0), 60), _busy((12, 44), (23, 0), 60)], 60, False),
    ],
)
def test_a_lecture_fits_in_school_hours_only_with_the_buffers(busy, buffer, fits):
    assert can_fit(busy, DAY, 45, buffer, SETTINGS) is fits


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-12", date(2026, 12, 1)),
        ("２０２６-１２", date(2026, 12, 1)),
        ("2027-1", date(2027, 1, 1)),
        ("2026-13", None),
        ("2026-00", None),
        ("0000-01", None),
        ("abc", None),
        ("2026-1²", None),
        ("2026-12-01", None),
        ("", None),
        (None, None),
        ("2" * 10_000, None),
    ],
)
def test_parse_month(value, expected):
    month = parse_month(value)
    assert (month.first if month else None) == expected


# --- The page ------------------------------------------------------------------------


def page(client, language: str = "ja", **args) -> tuple[int, str]:
    client.set_cookie("lang", language)
    response = client.get("/lectures/availability", query_string=args)
    return response.status_code, response.get_data(as_text=True)


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))).strip()


def table_rows(body: str) -> dict[str, list[str]]:
    found = re.search(r'<table class="table availability-table".*?</table>', body, re.S).group(0)
    rows = re.findall(r"<tr>(.*?)</tr>", re.search(r"<tbody>(.*?)</tbody>", found, re.S).group(1), re.S)
    cells = [[text_of(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)] for row in rows]
    return {row[0]: row[1:] for row in cells}


def test_the_page_shows_the_states_in_japanese_with_links_to_the_form(client, december):
    status, body = page(client, "ja", month="2026-12")
    assert status == 200
    assert "2026年12月" in body
    rows = table_rows(body)
    assert rows["2026年12月1日(火)"][0].startswith("○ 空きあり")
    assert rows["2026年12月3日(木)"][0] == "× 空きなし"
    assert rows["2026年12月3日(木)"][1].startswith("△ 残りわずか")
    assert rows["2026年12月8日(火)"] == ["講座なし（施設点検）"]
    assert body.count("講座なし（施設点検）") == 2  # in the calendar and in the table
    assert 'href="/lectures/request?date=2026-12-01&amp;format=in_person"' in body
    assert 'href="/lectures/request?date=2026-12-03&amp;format=online"' in body
    assert "date=2026-12-03&amp;format=in_person" not in body  # full: no link
    assert "date=2026-12-07" not in body
    for name in ("講師 A", "講師 B", "講師 C", "Phnom Penh"):
        assert name not in body


def test_the_page_in_english(client, december):
    status, body = page(client, "en", month="2026-12")
    assert status == 200
    assert "December 2026" in body
    rows = table_rows(body)
    assert rows["Thu 3 Dec 2026"][0] == "× Full"
    assert rows["Thu 3 Dec 2026"][1].startswith("△ Nearly full")
    key = "Only one more lecture fits in the bureau's day, or only one lecturer is free."
    assert key in html.unescape(body)
    assert "Requests are taken from 14 to 180 days ahead" in body


def test_months_are_navigated_within_the_horizon(client, frozen, ctx):
    _, body = page(client, "en")
    assert "November 2026" in body
    assert 'rel="prev"' not in body
    assert 'href="/lectures/availability?month=2026-12" rel="next"' in body
    _, body = page(client, "en", month="2027-05")  # the horizon ends on 1 May 2027
    assert 'href="/lectures/availability?month=2027-04" rel="prev"' in body
    assert 'rel="next"' not in body


BAD_MONTHS = ["2026-13", "9999-12", "abc", "2026-1²", "1" * 10_000, "2026-10", "0001-01"]


@pytest.mark.parametrize("value", BAD_MONTHS)
def test_a_bad_month_shows_the_current_month_with_a_message(client, frozen, ctx, value):
    status, body = page(client, "en", month=value)
    assert status == 200
    assert "November 2026" in body
    assert 'class="notice notice--warning"' in body


def test_an_empty_or_repeated_month_is_read_without_fuss(client, frozen, ctx):
    status, body = page(client, "en", month="")
    assert (status, "notice--warning" in body) == (200, False)
    assert "November 2026" in body
    response = client.get("/lectures/availability?month=2026-12&month=abc")
    assert response.status_code == 200
    assert "December 2026" in response.get_data(as_text=True)


def test_full_width_digits_are_read(client, frozen, ctx):
    status, body = page(client, "ja", month="２０２６-１２")
    assert status == 200
    assert "<h1>講座の空き状況：2026年12月</h1>" in body
    assert "notice--warning" not in body


def test_a_nul_in_the_month_is_refused_with_a_message(client, frozen, ctx):
    status, body = page(client, "en", month="2026-12\x00")
    assert status == 400
    assert "Traceback" not in body


def test_the_query_count_does_not_grow_with_the_data(app, client, december):
    page(client, "en", month="2027-01")  # warm up (the first request loads the catalogs)
    page_cache(app).clear()
    with count_queries(app) as few:
        assert page(client, "en", month="2027-01")[0] == 200
    program = december["program"]
    lecturers = [make_lecturer() for _ in range(8)]
    for n, day in enumerate(date(2027, 1, 5) + timedelta(days=d) for d in range(20)):
        if day.weekday() >= 5:
            continue
        for lecturer in lecturers[:3]:
            time_off(lecturer, day, 12, 13)
        make_request(program, starts_at=at(day, 9 + n % 3), status="scheduled", lecturers=lecturers[3:5])
    db.session.commit()
    with count_queries(app) as many:
        assert page(client, "en", month="2027-01")[0] == 200
    assert many.count == few.count <= 6, (few.statements, many.statements)


def test_the_page_is_cached_and_a_new_booking_renews_it(app, client, december):
    page_cache(app).clear()
    _, before = page(client, "en", month="2026-12")
    with count_queries(app) as again:
        _, cached = page(client, "en", month="2026-12")
    assert cached == before
    assert again.count == 0
    for hour, lecturer in ((10, december["a"]), (14, december["b"])):
        make_request(
            december["program"],
            starts_at=at(date(2026, 12, 1), hour),
            status="scheduled",
            lecturers=[lecturer],
        )
    _, after = page(client, "en", month="2026-12")
    assert table_rows(after)["Tue 1 Dec 2026"][0].startswith("△ Nearly full")


def test_time_off_and_settings_renew_the_cached_page(app, client, december):
    _, before = page(client, "en", month="2026-12")
    assert table_rows(before)["Tue 1 Dec 2026"][0].startswith("○ Open")
    time_off(december["a"], date(2026, 12, 1))
    db.session.commit()
    _, after = page(client, "en", month="2026-12")
    assert table_rows(after)["Tue 1 Dec 2026"][0].startswith("△ Nearly full")
    assert table_rows(after)["Wed 2 Dec 2026"][1].startswith("○ Open")
    db.session.get(BureauSettings, 1).daily_cap = 1
    db.session.commit()
    _, capped = page(client, "en", month="2026-12")
    assert table_rows(capped)["Wed 2 Dec 2026"][1].startswith("△ Nearly full")
    db.session.add(BlackoutDay(day=date(2026, 12, 1), reason="inspection"))
    db.session.commit()
    _, closed = page(client, "en", month="2026-12")
    assert table_rows(closed)["Tue 1 Dec 2026"] == ["No lectures (inspection)"]


def test_the_catalog_and_the_request_form_link_to_the_open_days(client, frozen, program):
    for path in ("/lectures/", "/lectures/request"):
        body = client.get(path).get_data(as_text=True)
        assert 'href="/lectures/availability"' in body, path


def test_the_request_form_takes_the_format_from_the_link(client, frozen, program):
    checked = re.compile(r'<input[^>]*value="online"[^>]*checked|<input[^>]*checked[^>]*value="online"')
    body = client.get("/lectures/request?date=2026-12-03&format=online").get_data(as_text=True)
    assert checked.search(body)
    body = client.get("/lectures/request").get_data(as_text=True)  # not the cached prefilled form
    assert not checked.search(body)
    for value in ("zoom", "ONLINE", "online\u00b2", "x" * 10_000):
        response = client.get("/lectures/request", query_string={"format": value})
        assert response.status_code == 200
        assert not checked.search(response.get_data(as_text=True))
