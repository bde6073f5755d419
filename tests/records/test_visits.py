"""Study tours on the track record, on a small history built by hand where every number is known."""

from __future__ import annotations

from datetime import date

import pytest

from booking.extensions import db
from booking.records import study_tours
from booking.records.study_tours import CountryVisitors, TourYear
from tests.factories.visits import at, held_visit, make_visit_request
from tests.helpers import count_queries


def test_tours_count_in_the_fiscal_year_of_their_date_in_japan_time(ctx, coordinator):
    # 08:30 on 1 April in Japan is still 31 March in UTC: it opens the new fiscal year.
    held_visit(coordinator, date(2025, 4, 1), 8, 30, countries={"KH": 10})
    held_visit(coordinator, date(2025, 3, 31), 16, 0, countries={"VN": 7})
    held_visit(coordinator, date(2024, 4, 1), 9, 0, countries={"VN": 3})

    assert study_tours.tour_years() == [TourYear(2024, 2, 10), TourYear(2025, 1, 10)]


def test_only_tours_held_are_counted(ctx, coordinator):
    held_visit(coordinator, date(2025, 10, 15), countries={"KH": 12})
    for status in ("submitted", "proposed", "scheduled", "declined", "cancelled"):
        visit = make_visit_request(status=status, starts_at=at(date(2025, 10, 16), 10), actor=coordinator)
        visit.actual_visitors = 40
        db.session.commit()

    assert study_tours.tour_years() == [TourYear(2025, 1, 12)]
    assert study_tours.country_visitors() == [CountryVisitors("KH", 1, 12)]


def test_years_without_a_tour_are_listed_with_zero(ctx, coordinator):
    held_visit(coordinator, date(2022, 6, 1), countries={"ZA": 8})
    held_visit(coordinator, date(2024, 6, 1), countries={"ZA": 6})

    assert study_tours.tour_years() == [TourYear(2022, 1, 8), TourYear(2023, 0, 0), TourYear(2024, 1, 6)]


def test_visitors_are_the_recorded_number_else_the_counts_by_country(ctx, coordinator):
    held_visit(coordinator, date(2025, 5, 12), countries={"KH": 10, "JP": 2}, actual=14)
    unrecorded = held_visit(coordinator, date(2025, 5, 13), countries={"MM": 5, "TH": 4})
    unrecorded.actual_visitors = None
    nobody_counted = held_visit(coordinator, date(2025, 5, 14), countries={})
    nobody_counted.actual_visitors = None
    db.session.commit()

    assert study_tours.tour_years() == [TourYear(2025, 3, 14 + 9 + 0)]


def test_visitors_by_country_are_summed_over_every_year_most_first(ctx, coordinator):
    held_visit(coordinator, date(2019, 11, 5), countries={"KH": 15, "JP": 1})
    held_visit(coordinator, date(2023, 11, 5), countries={"VN": 20})
    held_visit(coordinator, date(2024, 7, 1), countries={"KH": 6, "VN": 0, "ZA": 4})
    held_visit(coordinator, date(2025, 2, 3), countries={"ZA": 4})

    assert study_tours.country_visitors() == [
        CountryVisitors("KH", 2, 21),
        CountryVisitors("VN", 1, 20),
        CountryVisitors("ZA", 2, 8),
        CountryVisitors("JP", 1, 1),
    ]


def test_the_figures_take_a_fixed_number_of_queries_however_many_tours(app, ctx, coordinator):
    def queries() -> int:
        with count_queries(app) as counter:
            study_tours.study_tour_record()
        return counter.count

    held_visit(coordinator, date(2024, 6, 1), countries={"KH": 3})
    few = queries()
    for day in range(2, 12):
        held_visit(coordinator, date(2024, 6, day), countries={"KH": 3, "VN": day})
    assert queries() == few


@pytest.mark.parametrize(
    ("language", "names"),
    [("ja", ["カンボジア", "ベトナム", "南アフリカ"]), ("en", ["Cambodia", "Vietnam", "South Africa"])],
)
def test_the_page_shows_tours_and_countries_in_the_page_language(client, ctx, coordinator, language, names):
    held_visit(coordinator, date(2024, 10, 10), countries={"KH": 12, "VN": 7})
    held_visit(coordinator, date(2025, 10, 10), countries={"ZA": 5})

    client.set_cookie("lang", language)
    page = client.get("/records", headers={"Accept-Language": language}).get_data(as_text=True)

    section = page[page.index('id="records-study-tours"') :]
    for name in names:
        assert name in section
    assert 'data-chart="study-tours"' in section and 'data-chart="visitor-countries"' in section
    # The totals row: two tours held, 24 visitors.
    assert ">24<" in section.replace(" ", "")


def test_a_page_with_no_tour_held_says_so(client, ctx, coordinator):
    make_visit_request(status="scheduled", actor=coordinator)
    page = client.get("/records", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "No study tours have been recorded yet." in page


def test_the_page_shows_a_tour_recorded_after_it_was_last_shown(client, ctx, coordinator):
    held_visit(coordinator, date(2024, 10, 10), countries={"KH": 12})
    client.set_cookie("lang", "en")
    assert "Laos" not in client.get("/records").get_data(as_text=True)

    held_visit(coordinator, date(2025, 1, 20), countries={"LA": 9})

    page = client.get("/records").get_data(as_text=True)
    assert "Laos" in page
