"""GET /records: both languages, charts and tables that agree, nothing personal, flat query count."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest

from booking.core.cache import page_cache
from booking.lectures.models import LectureFormat
from booking.schools.models import SchoolType
from booking.youth.models import ApplicationStatus as A
from tests.factories.lectures import make_request
from tests.factories.records import applications, held, past_cohort
from tests.helpers import count_queries

ONLINE, IN_PERSON = LectureFormat.ONLINE, LectureFormat.IN_PERSON
E, J, H = SchoolType.ELEMENTARY, SchoolType.JUNIOR_HIGH, SchoolType.HIGH


@pytest.fixture
def history(frozen, program):
    """Two past years and this one, a cohort before the system and one run with it."""
    held(program, date(2024, 6, 3), fmt=IN_PERSON, school_type=E, audience=1060, contact_name="秘密 花子")
    held(
        program,
        date(2024, 6, 4),
        fmt=IN_PERSON,
        school_type=E,
        audience=75,
        school_name="北九州市立秘密小学校",
    )
    held(program, date(2024, 11, 12), fmt=ONLINE, school_type=J, audience=120)
    held(program, date(2025, 5, 20), fmt=ONLINE, school_type=H, audience=200)
    held(program, date(2026, 10, 1), fmt=ONLINE, school_type=E, audience=30)
    make_request(program, status="cancelled", school_type=H)
    past_cohort(2017, published=False, recorded_participants=6, destination_ja="カンボジア王国 プノンペン都")
    cohort = past_cohort(2025)
    applications(cohort, A.DRAFT, *[A.NOT_SELECTED] * 10, *[A.CONFIRMED] * 6)


def page(client, language: str = "ja") -> str:
    client.set_cookie("lang", language)
    response = client.get("/records")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))).strip()


def chart_svg(body: str, key: str) -> str:
    labelled = f'aria-labelledby="chart-{key}-title chart-{key}-desc"'
    return re.search(rf"<svg[^>]*{labelled}.*?</svg>", body, re.S).group(0)


def bar_labels(body: str, key: str) -> list[str]:
    """The words at the end of each bar, top to bottom."""
    return [
        text_of(t)
        for t in re.findall(r'<text class="chart__value[^"]*"[^>]*>(.*?)</text>', chart_svg(body, key))
    ]


def row_labels(body: str, key: str) -> list[str]:
    return [
        text_of(t) for t in re.findall(r'<tspan class="chart__label">(.*?)</tspan>', chart_svg(body, key))
    ]


def table(body: str, key: str, part: str = "tbody") -> list[list[str]]:
    """The cells of the table beside chart `key`, row by row."""
    found = re.search(rf'<table class="table" data-chart="{key}">.*?</table>', body, re.S).group(0)
    section = re.search(rf"<{part}>(.*?)</{part}>", found, re.S).group(1)
    return [
        [text_of(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", section, re.S)
    ]


def digits(text: str) -> str:
    return "".join(re.findall(r"[\d,]+", text)).replace(",", "")


def test_the_page_is_public_and_in_japanese_first(client, history):
    body = page(client)
    assert "<h1>実績</h1>" in body
    assert "出前講座の実施件数" in body and "ユース研修の参加者数" in body
    assert "2026年度は年度途中のため、2026年11月2日(月)までの実績です。" in body
    # The bureau's cooperation record, worded as on the home page.
    assert (
        "国際技術協力の成果（1990年〜2023年）" in body and "6,846" in body and "名（158の国と地域）" in body
    )


def test_the_page_in_english(client, history):
    body = page(client, "en")
    assert "<h1>Track record</h1>" in body
    assert "Lectures held per fiscal year, at the school and online" in body
    assert "At the school: 2" in text_of(chart_svg(body, "lectures-by-format"))
    assert "FY 2026 (so far)" in body
    assert "Hai Phong, Vietnam" in body and "Applications: not recorded" in body


def test_the_figures_of_the_small_history(client, history):
    body = page(client)
    assert row_labels(body, "lectures-by-format") == ["2024年度", "2025年度", "2026年度（途中）"]
    assert bar_labels(body, "lectures-by-format") == [
        "訪問 2件",
        "オンライン 1件",
        "訪問 0件",
        "オンライン 1件",
        "訪問 0件",
        "オンライン 1件",
    ]
    assert bar_labels(body, "audience") == ["1,255人", "200人", "30人"]
    assert row_labels(body, "school-types") == ["小学校", "中学校", "高等学校"]
    assert bar_labels(body, "school-types") == ["3件", "1件", "1件"]
    assert row_labels(body, "youth") == ["2017年度", "2025年度"]
    assert bar_labels(body, "youth") == ["応募 記録なし", "参加 6人", "応募 16人", "参加 6人"]
    assert '<span class="stat__number">5</span> 件（2024年度から）' in body
    assert '<span class="stat__number">1,485</span> 人' in body
    assert '<span class="stat__number">12</span> 人（2回）' in body


@pytest.mark.parametrize("language", ["ja", "en"])
def test_each_table_holds_the_numbers_of_its_chart(client, history, language):
    body = page(client, language)

    rows = table(body, "lectures-by-format")
    labels = bar_labels(body, "lectures-by-format")
    assert [digits(label) for label in labels] == [cell for row in rows for cell in row[1:3]]
    notes = re.findall(
        r'<tspan class="chart__note"[^>]*>(.*?)</tspan>', chart_svg(body, "lectures-by-format")
    )
    assert [digits(note) for note in notes] == [row[3] for row in rows]
    (totals,) = table(body, "lectures-by-format", "tfoot")
    assert totals[1:] == ["2", "3", "5"]

    assert [digits(label) for label in bar_labels(body, "audience")] == [
        digits(row[2]) for row in table(body, "audience")
    ]
    assert digits(table(body, "audience", "tfoot")[0][2]) == "1485"

    (totals,) = table(body, "school-types", "tfoot")
    assert [digits(label) for label in bar_labels(body, "school-types")] == totals[1:]

    youth = table(body, "youth")
    assert [digits(label) or "—" for label in bar_labels(body, "youth")] == [
        cell.split(" ")[0] for row in youth for cell in row[2:4]
    ]
    assert [row[1] for row in youth][1] == (
        "ベトナム社会主義共和国 ハイフォン市" if language == "ja" else "Hai Phong, Vietnam"
    )


def test_each_chart_is_an_image_whose_text_alternative_states_the_figures(client, history):
    body = page(client)
    for key in ("lectures-by-format", "audience", "school-types", "youth"):
        svg = chart_svg(body, key)
        assert 'role="img"' in svg
        assert f'<title id="chart-{key}-title">' in svg and f'<desc id="chart-{key}-desc">' in svg
    desc = re.search(r'<desc id="chart-lectures-by-format-desc">(.*?)</desc>', body).group(1)
    assert desc.startswith(
        "2024年度：計3件（訪問 2件、オンライン 1件）。2025年度：計1件（訪問 0件、オンライン 1件）。"
    )
    youth = re.search(r'<desc id="chart-youth-desc">(.*?)</desc>', body).group(1)
    assert "2017年度（カンボジア王国 プノンペン都）：応募 記録なし、参加 6人。" in youth


def test_a_cohort_of_this_year_is_shown_as_under_way_not_as_so_far(client, ctx, frozen):
    cohort = past_cohort(2026)
    event = cohort.events[0]
    event.starts_at, event.ends_at = (
        event.starts_at.replace(year=2026, month=10),
        event.ends_at.replace(year=2027, month=3),
    )
    applications(cohort, A.SUBMITTED, A.CONFIRMED)
    body = page(client)
    assert row_labels(body, "youth") == ["2026年度"]
    assert "研修実施中" in chart_svg(body, "youth")
    assert table(body, "youth")[0][0] == "2026年度 研修実施中"


def test_every_id_on_the_page_is_unique(client, history):
    ids = re.findall(r'\bid="([^"]+)"', page(client))
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_in_person_and_online_differ_by_pattern_and_words_not_colour_alone(client, history):
    svg = chart_svg(page(client), "lectures-by-format")
    online_bars = re.findall(r'<rect class="chart__bar chart__bar--online"[^>]*>', svg)
    assert online_bars and all('fill="url(#chart-lectures-by-format-online)"' in bar for bar in online_bars)
    assert '<pattern id="chart-lectures-by-format-online"' in svg
    assert all(
        "fill=" not in bar for bar in re.findall(r'<rect class="chart__bar chart__bar--in-person"[^>]*>', svg)
    )


def test_nothing_personal_and_nothing_inline_is_on_the_page(client, history):
    response = client.get("/records")
    body = response.get_data(as_text=True)
    assert "秘密" not in body  # no teacher's name, no school's name
    assert "teacher" not in body  # contact addresses are teacher<n>@example.jp
    assert "style=" not in body
    assert re.search(r"<script(?![^>]*\bsrc=)", body) is None
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_an_empty_record_says_so(client, frozen):
    body = page(client)
    assert "実施した講座はまだありません。" in body
    assert "公表している研修の実績はまだありません。" in body
    assert "<svg" not in body


def test_the_home_page_links_to_the_record(client):
    body = client.get("/").get_data(as_text=True)
    assert 'href="/records"' in body


def _many_lectures(program, start_year: int, years: int, per_year: int) -> None:
    formats, types = [IN_PERSON, ONLINE], [E, J, H, SchoolType.SPECIAL_NEEDS, SchoolType.OTHER]
    for year in range(start_year, start_year + years):
        for n in range(per_year):
            day = date(year, 5, 7) + timedelta(days=3 * n)
            held(program, day, fmt=formats[n % 2], school_type=types[n % 5], audience=40 + n)


def test_the_query_count_does_not_grow_with_the_lectures(app, client, frozen, program):
    _many_lectures(program, 2025, 1, 2)
    applications(past_cohort(2025), A.SUBMITTED, A.CONFIRMED)
    client.get("/records")  # warm up (the first request loads the catalogs)
    page_cache(app).clear()  # the figures as read from the database, not the cached page
    with count_queries(app) as few:
        assert client.get("/records").status_code == 200

    _many_lectures(program, 2017, 8, 12)
    for year in (2017, 2018, 2019, 2021):
        applications(past_cohort(year), *[A.NOT_SELECTED] * 8, *[A.CONFIRMED] * 6)
    with count_queries(app) as many:
        body = client.get("/records").get_data(as_text=True)
    assert '<span class="stat__number">98</span>' in body
    assert many.count == few.count <= 6, (few.statements, many.statements)


def test_the_cached_page_counts_the_participants_once_the_program_begins(app, client, ctx, frozen):
    cohort = past_cohort(2026)
    event = cohort.events[0]
    begins = event.starts_at.replace(year=2026, month=11, day=20)
    event.starts_at, event.ends_at = begins, begins + timedelta(days=5)
    applications(cohort, A.NOT_SELECTED, A.CONFIRMED, A.CONFIRMED)
    page_cache(app).clear()
    body = page(client)
    assert table(body, "youth")[0][0] == "2026年度 研修開始前"
    assert "参加 研修開始後に集計" in text_of(chart_svg(body, "youth"))
    assert page(client) == body  # served again from the cache, nothing written meanwhile
    frozen.move_to(begins)
    body = page(client)
    assert table(body, "youth")[0][0] == "2026年度 研修実施中"
    assert table(body, "youth")[0][3].startswith("2")
