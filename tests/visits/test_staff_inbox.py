"""The study-tour inbox: open requests first, filters, search, sort, pages, exports, and a
query count that does not grow with the rows."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from booking.audit.models import AuditEntry
from booking.extensions import db
from booking.visits.models import Interpretation
from tests.factories.visits import GOOD_DAY, at, make_facility, make_visit_request
from tests.helpers import count_queries

EN = {"Accept-Language": "en"}


def references(html: str) -> list[str]:
    return re.findall(r'<th scope="row" class="nowrap"><a href="/staff/visits/\d+">(V-\d{4}-\d{4})</a>', html)


def get(client, query=""):
    response = client.get(f"/staff/visits/{query}", headers=EN)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def mix(ctx, frozen, coordinator_client):
    plaza = make_facility(name_en="Water Plaza")
    centre = make_facility(name_en="Purification Centre")
    made = {
        "submitted": make_visit_request([plaza], organisation="Hai Phong Water Supply", country="VN"),
        "proposed": make_visit_request(
            [centre], status="proposed", organisation="Yangon City Development Committee", country="MM"
        ),
        "scheduled": make_visit_request(
            [plaza, centre],
            status="scheduled",
            organisation="JICA trainees",
            country="ZA",
            starts_at=at(GOOD_DAY + timedelta(days=14), 13),
            interpretation=Interpretation.NONE,
        ),
        "declined": make_visit_request(
            [plaza], status="declined", organisation="Vientiane Water", country="LA"
        ),
    }
    return {"plaza": plaza, "centre": centre, "client": coordinator_client, **made}


def test_the_inbox_opens_on_the_open_requests(mix):
    html = get(mix["client"])
    assert sorted(references(html)) == sorted(
        mix[k].reference for k in ("submitted", "proposed", "scheduled")
    )
    assert '<a href="/staff/visits/" aria-current="page">Open requests <span class="count">3</span>' in html


def test_all_shows_closed_requests_too(mix):
    html = get(mix["client"], "?status=all")
    assert len(references(html)) == 4


def test_rows_show_the_facilities_the_group_and_interpretation(mix):
    html = get(mix["client"])
    assert "Water Plaza, Purification Centre" in html
    assert "12 visitors" in html
    assert html.count("Interpreter needed") == 2  # the scheduled group needs none


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?status=declined", ["declined"]),
        ("?status=proposed", ["proposed"]),
        ("?country=VN", ["submitted"]),
        ("?country=vn", ["submitted"]),
        ("?q=jica", ["scheduled"]),
        ("?month=2026-12&status=all", ["submitted", "proposed", "scheduled", "declined"]),
        ("?month=2027-01", []),
    ],
)
def test_filters_and_search(mix, query, expected):
    assert sorted(references(get(mix["client"], query))) == sorted(mix[k].reference for k in expected)


def test_filter_by_facility(mix):
    html = get(mix["client"], f"?status=all&facility={mix['centre'].id}")
    assert sorted(references(html)) == sorted(mix[k].reference for k in ("proposed", "scheduled"))


def test_sort_by_visit_date(mix):
    html = get(mix["client"], "?sort=date")
    assert references(html)[-1] == mix["scheduled"].reference


@pytest.mark.parametrize(
    "query",
    [
        "?month=9999-99",
        "?month=0001-01",
        "?facility=%EF%BC%91%EF%BC%92",  # full-width digits
        "?facility=99999999999999999999",
        "?country=%3Cscript%3E",
        "?sort=nonsense&status=nonsense",
        "?q=" + "x" * 10_000,
        "?page=99999999",
        "?status=all&status=declined",
    ],
)
def test_odd_query_strings_show_the_page(mix, query):
    get(mix["client"], query)


def test_the_query_count_does_not_grow_with_the_rows(app, ctx, frozen, coordinator_client):
    plaza = make_facility()

    def count() -> int:
        with count_queries(app) as counter:
            get(coordinator_client)
        return counter.count

    for _ in range(2):
        make_visit_request([plaza])
    few = count()
    for _ in range(20):
        make_visit_request([plaza, make_facility()], status="scheduled", hold=False)
    assert count() == few


def test_csv_export_has_every_matching_request_and_is_audited(mix):
    response = mix["client"].get("/staff/visits/export.csv?status=all", headers=EN)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["Reference", "Status", "Fiscal year"]
    assert sorted(r[0] for r in rows[1:]) == sorted(
        mix[k].reference for k in ("submitted", "proposed", "scheduled", "declined")
    )
    scheduled = next(r for r in rows if r[0] == mix["scheduled"].reference)
    assert "South Africa" in scheduled and "Water Plaza, Purification Centre" in scheduled
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == "visit.export")) == 1


def test_excel_export_opens(mix):
    response = mix["client"].get("/staff/visits/export.xlsx?country=VN", headers=EN)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "Reference" and values[1][0] == mix["submitted"].reference
    assert len(values) == 2


def test_an_export_keeps_a_cell_that_looks_like_a_formula_as_text(ctx, frozen, coordinator_client):
    make_visit_request(organisation='=HYPERLINK("http://evil")')
    response = coordinator_client.get("/staff/visits/export.csv", headers=EN)
    assert "'=HYPERLINK" in response.get_data(as_text=True)


def test_a_month_filter_keeps_to_japan_time(ctx, frozen, coordinator_client):
    """A visit at 08:30 on 1 January, Japan time, is in January though it is still December in UTC."""
    plaza = make_facility(opens_at=time(8, 0))
    visit = make_visit_request([plaza], starts_at=at(date(2027, 1, 1), 8, 30))
    assert references(get(coordinator_client, "?month=2027-01")) == [visit.reference]
    assert references(get(coordinator_client, "?month=2026-12")) == []
