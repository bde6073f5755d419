"""Which days a calendar page covers, and how lenient query arguments are read."""

from __future__ import annotations

from datetime import date

import pytest

from booking.calendar.periods import Period, ViewKind, parse_day, parse_view


@pytest.mark.parametrize("value", [None, "", "year", "MONTH", "month ", "%00", "日"])
def test_an_unknown_view_reads_as_the_month(value):
    assert parse_view(value) is ViewKind.MONTH


@pytest.mark.parametrize("value", ["week", "day", "month"])
def test_known_views_are_read(value):
    assert parse_view(value).value == value


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "9999-99-99",
        "2026-02-30",
        "2026-13-01",
        "20261203",
        "2026-12-3",
        "２０２６-１２-０３",
        "1999-12-31",
        "2101-01-01",
        "0001-01-01",
        "2026-12-03T00:00",
        "٢٠٢٦-١٢-٠٣",
    ],
)
def test_a_date_that_is_no_real_yyyy_mm_dd_in_range_is_none(value):
    assert parse_day(value) is None


def test_a_real_date_is_read():
    assert parse_day("2026-12-03") == date(2026, 12, 3)


def test_a_month_is_drawn_from_the_monday_before_its_first_to_the_sunday_after_its_last():
    period = Period(ViewKind.MONTH, date(2026, 12, 17))
    assert (period.first, period.last) == (date(2026, 12, 1), date(2026, 12, 31))
    assert period.grid_first == date(2026, 11, 30) and period.grid_last == date(2027, 1, 3)
    assert len(period.weeks) == 5 and all(len(week) == 7 for week in period.weeks)
    assert not period.contains(date(2026, 11, 30)) and period.contains(date(2026, 12, 31))
    assert (period.previous, period.next) == (date(2026, 11, 1), date(2027, 1, 1))


def test_a_week_runs_monday_to_sunday_and_steps_by_seven_days():
    period = Period(ViewKind.WEEK, date(2026, 12, 3))  # a Thursday
    assert (period.first, period.last) == (date(2026, 11, 30), date(2026, 12, 6))
    assert period.weeks == [[date(2026, 11, 30), *(date(2026, 12, n) for n in range(1, 7))]]
    assert (period.previous, period.next) == (date(2026, 11, 26), date(2026, 12, 10))


def test_a_day_covers_its_japan_time_day_in_utc():
    period = Period(ViewKind.DAY, date(2026, 12, 3))
    assert period.start.isoformat() == "2026-12-02T15:00:00+00:00"
    assert period.end.isoformat() == "2026-12-03T15:00:00+00:00"
    assert (period.previous, period.next) == (date(2026, 12, 2), date(2026, 12, 4))


def test_no_link_leads_outside_the_years_forms_accept():
    assert Period(ViewKind.MONTH, date(2100, 12, 5)).next is None
    assert Period(ViewKind.DAY, date(2000, 1, 1)).previous is None
    assert Period(ViewKind.MONTH, date(2000, 1, 31)).previous is None


def test_the_heading_says_the_period_in_each_language(app):
    with app.test_request_context():
        assert Period(ViewKind.MONTH, date(2026, 12, 3)).title("ja") == "2026年12月"
        assert Period(ViewKind.MONTH, date(2026, 12, 3)).title("en") == "December 2026"
        assert Period(ViewKind.DAY, date(2026, 12, 3)).title("en") == "Thu 3 Dec 2026"
        assert (
            Period(ViewKind.WEEK, date(2026, 12, 3)).title("ja") == "2026年11月30日(月) – 2026年12月6日(日)"
        )
