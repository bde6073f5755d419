"""Coverage on /records: schools reached in the last three fiscal years per ward and type,
and those never reached, against a hand-counted set of schools and lectures."""

from __future__ import annotations

import html
import re
from datetime import date, datetime

import pytest

from booking.core.time import JST
from booking.extensions import db
from booking.records import services
from booking.schools.coverage import Reach, reach_figures, school_coverage
from booking.schools.demo import DEMO_SCHOOLS, NOT_YET_REACHED, NOT_YET_REACHED_NAMES
from booking.schools.models import SchoolType
from tests.factories.lectures import make_request
from tests.factories.records import held
from tests.factories.schools import make_school

E, J, H = SchoolType.ELEMENTARY, SchoolType.JUNIOR_HIGH, SchoolType.HIGH


@pytest.fixture
def directory(frozen, program):
    """Seven active schools in three wards (hand-counted below), one closed, one typed in.

    As of 2 Nov 2026 (FY2026) a lecture counts from 1 Apr 2024:
      門司区  E 門司A held 2025-06-10 (reached)  E 門司B never  J 門司C held 2022-06-10 (lapsed)
      若松区  E 若松A never  H 若松B never
      戸畑区  H 戸畑A held 2024-04-01 (reached, the first day)  H 戸畑B only scheduled (never)
    """
    schools = {}
    for name, ward, kind in [
        ("門司A小学校", "門司区", E),
        ("門司B小学校", "門司区", E),
        ("門司C中学校", "門司区", J),
        ("若松A小学校", "若松区", E),
        ("若松B高等学校", "若松区", H),
        ("戸畑A高等学校", "戸畑区", H),
        ("戸畑B高等学校", "戸畑区", H),
    ]:
        schools[name] = make_school(name, ward=ward, school_type=kind)
    closed = make_school("戸畑閉校小学校", ward="戸畑区", active=False)

    def at_school(name: str, day: date, school=None) -> None:
        school = school or schools[name]
        held(program, day, school_id=school.id, school_name=school.name, school_type=school.school_type)

    at_school("門司A小学校", date(2025, 6, 10))
    at_school("門司C中学校", date(2022, 6, 10))
    at_school(
        "戸畑A高等学校",
        date(2024, 4, 1),
    )
    at_school("", date(2025, 6, 10), school=closed)
    make_request(
        program, status="scheduled", school_id=schools["戸畑B高等学校"].id, school_name="戸畑B高等学校"
    )
    held(program, date(2025, 7, 1), school_name="私立どこか学園")  # typed in: not in the directory
    return schools


def test_the_figures_match_the_hand_count(ctx, directory):
    figures = reach_figures()
    assert figures.since_fiscal_year == 2024
    by_ward = [(g.key, g.schools, g.reached, g.never, g.percent) for g in figures.by_ward]
    assert by_ward == [("門司区", 3, 1, 1, 33), ("若松区", 2, 0, 2, 0), ("戸畑区", 2, 1, 1, 50)]
    by_type = [(g.school_type, g.schools, g.reached, g.never, g.percent) for g in figures.by_school_type]
    assert by_type == [(E, 3, 1, 2, 33), (J, 1, 0, 0, 0), (H, 3, 1, 2, 33)]
    assert (figures.schools, figures.reached, figures.never, figures.percent) == (7, 2, 4, 28)


def test_a_new_fiscal_year_moves_the_window_on_april_first(ctx, directory, frozen):
    frozen.move_to(datetime(2027, 3, 31, 23, 59, tzinfo=JST))
    assert reach_figures().reached == 2
    frozen.move_to(datetime(2027, 4, 1, 0, 0, tzinfo=JST))
    figures = reach_figures()
    assert figures.since_fiscal_year == 2025
    assert figures.reached == 1  # 戸畑A's lecture of 1 Apr 2024 is out of the window
    assert [(g.key, g.reached) for g in figures.by_ward] == [("門司区", 1), ("若松区", 0), ("戸畑区", 0)]


def test_the_cached_figures_follow_the_fiscal_year(app, ctx, directory, frozen):
    with app.test_request_context("/records"):
        assert services.coverage().reached == 2
        frozen.move_to(datetime(2027, 4, 1, 9, 0, tzinfo=JST))
        assert services.coverage().reached == 1


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def page(client, language: str) -> str:
    client.set_cookie("lang", language)
    response = client.get("/records")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_page_shows_coverage_as_chart_and_table_in_both_languages(client, directory):
    en = page(client, "en")
    text = _text(en)
    assert "Schools reached" in text
    assert "Schools reached in the last three fiscal years 2 of 7 schools (28%)" in text
    assert "Schools never reached 4 schools" in text
    assert "門司区 3 1 33% 1" in text and "若松区 2 0 0% 2" in text and "戸畑区 2 1 50% 1" in text
    assert "Elementary school 3 1 33% 2" in text and "High school 3 1 33% 2" in text
    assert "門司区: 1 of 3 schools (33%)." in text  # the chart's words
    assert 'id="chart-coverage-wards-title"' in en and 'id="chart-coverage-types-title"' in en
    ja = _text(page(client, "ja"))
    assert "学校への到達状況" in ja
    assert "門司区 3 1 33% 1" in ja
    assert "小学校 3 1 33% 2" in ja


def test_the_page_names_no_school(client, directory):
    for language in ("ja", "en"):
        text = page(client, language)
        assert not any(name in text for name in directory)


def test_the_demo_directory_has_schools_never_reached_and_wards_reached_less(app, ctx, frozen):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.rollback()

    rows = school_coverage().rows
    never = {row.name for row in rows if row.reach is Reach.NEVER}
    assert never == NOT_YET_REACHED_NAMES
    assert {row.name for row in rows[: len(never)]} == never  # listed first

    # Counted by hand from the demo directory: 若松区 3 of 7 schools have had a lecture at all,
    # 門司区 4 of 6, 八幡西区 4 of 5; every other ward all of its schools.
    figures = reach_figures()
    ever = {group.key: group.schools - group.never for group in figures.by_ward}
    schools = {group.key: group.schools for group in figures.by_ward}
    assert (ever["若松区"], schools["若松区"]) == (3, 7)
    assert (ever["門司区"], schools["門司区"]) == (4, 6)
    assert (ever["八幡西区"], schools["八幡西区"]) == (4, 5)
    assert figures.never == len(NOT_YET_REACHED) == 7
    assert figures.schools == len(DEMO_SCHOOLS) + len(NOT_YET_REACHED)
    # The figures and the staff list count the same schools.
    for group in figures.by_ward:
        in_ward = [row for row in rows if row.ward == group.key]
        assert group.reached == sum(row.reach is Reach.REACHED for row in in_ward)
    low = min(figures.by_ward, key=lambda group: group.percent)
    assert low.key == "若松区"


def test_the_demo_inbox_marks_the_request_from_a_school_never_reached(app, ctx, frozen, coordinator_client):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    page_html = coordinator_client.get("/staff/lectures/").get_data(as_text=True)
    cell = page_html.split("<td>北九州市立二島中学校")[1].split("</td>")[0]
    assert "初めての学校" in cell
