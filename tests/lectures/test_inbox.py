"""The staff inbox: filters, search, sort, pages of 50, exports, and a query count that stays put."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from booking.audit.models import AuditEntry
from booking.extensions import db
from booking.lectures.models import LectureFormat
from tests.factories.lectures import GOOD_DAY, at, make_lecturer, make_program, make_request
from tests.factories.schools import make_school
from tests.helpers import count_queries


def references(html: str) -> list[str]:
    return re.findall(
        r'<th scope="row" class="nowrap"><a href="/staff/lectures/\d+">(L-\d{4}-\d{4})</a>', html
    )


def get(client, query=""):
    response = client.get(f"/staff/lectures/{query}", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def mix(ctx, frozen, coordinator_client):
    sdgs = make_program(title_ja="水から考えるSDGs", title_en="SDGs, starting from water")
    miracle = make_program()
    school = make_school("北九州市立思永中学校")
    lecturer = make_lecturer()
    made = {
        "submitted": make_request(sdgs, school_name="北九州市立足原小学校", contact_name="足原 先生"),
        "scheduled": make_request(
            miracle,
            status="scheduled",
            lecturers=[lecturer],
            fmt=LectureFormat.IN_PERSON,
            school_id=school.id,
            school_name=school.name,
            starts_at=at(GOOD_DAY, 13, 0),
        ),
        "declined": make_request(sdgs, status="declined", fiscal_year=2025, starts_at=at(GOOD_DAY, 9, 0)),
    }
    return {"programs": (sdgs, miracle), "school": school, "client": coordinator_client, **made}


def test_the_inbox_opens_on_the_open_requests(mix):
    html = get(mix["client"])
    assert sorted(references(html)) == sorted(mix[k].reference for k in ("submitted", "scheduled"))
    assert "2 requests" in html
    assert '<a href="/staff/lectures/" aria-current="page">Open requests <span class="count">2</span>' in html


def test_all_shows_every_request_closed_ones_too(mix):
    html = get(mix["client"], "?status=all")
    assert sorted(references(html)) == sorted(
        mix[k].reference for k in ("submitted", "scheduled", "declined")
    )
    assert "3 requests" in html
    assert re.search(r'aria-current="page">All <span class="count">3</span>', html)
    # The filter form and the pages keep the choice.
    assert '<input type="hidden" name="status" value="all">' in html


def test_each_status_keeps_its_count_whatever_is_shown(mix):
    for query in ("", "?status=all", "?status=declined"):
        html = get(mix["client"], query)
        for label, count in (("Received", 1), ("Scheduled", 1), ("Declined", 1), ("Cancelled", 0)):
            assert f'{label} <span class="count">{count}</span>' in html


def test_a_link_with_a_status_still_filters(mix):
    """The dashboard's "new requests" link, and any bookmark, go to one status."""
    assert references(get(mix["client"], "?status=declined")) == [mix["declined"].reference]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?status=scheduled", ["scheduled"]),
        ("?status=submitted", ["submitted"]),
        ("?fiscal_year=2025", []),
        ("?fiscal_year=2025&status=all", ["declined"]),
        ("?format=in_person", ["scheduled"]),
        ("?q=足原", ["submitted"]),
        ("?q=L-2025&status=all", ["declined"]),
        ("?status=nonsense", ["submitted", "scheduled"]),
    ],
)
def test_filters_and_search(mix, query, expected):
    assert sorted(references(get(mix["client"], query))) == sorted(mix[k].reference for k in expected)


def test_filter_by_program_and_by_school(mix):
    sdgs, _miracle = mix["programs"]
    assert sorted(references(get(mix["client"], f"?program={sdgs.id}&status=all"))) == sorted(
        [mix["submitted"].reference, mix["declined"].reference]
    )
    assert references(get(mix["client"], f"?school={mix['school'].id}")) == [mix["scheduled"].reference]


def test_sort_by_lecture_date(mix):
    order = references(get(mix["client"], "?sort=date&status=all"))
    assert order == [mix["declined"].reference, mix["submitted"].reference, mix["scheduled"].reference]


def test_fifty_a_page(ctx, frozen, coordinator_client):
    program = make_program()
    for n in range(55):
        make_request(program, commit=False, starts_at=at(GOOD_DAY, 9, 0) + timedelta(days=n))
    db.session.commit()
    first = get(coordinator_client)
    assert len(references(first)) == 50 and "Page 1 of 2" in first
    assert len(references(get(coordinator_client, "?page=2"))) == 5


def inbox_queries(app, client) -> int:
    with count_queries(app) as counter:
        assert client.get("/staff/lectures/").status_code == 200
    return counter.count


def add_requests(count: int) -> None:
    program = make_program()
    lecturers = [make_lecturer() for _ in range(3)]
    for n in range(count):
        status = ("scheduled", "submitted", "proposed", "declined")[n % 4]
        make_request(
            program,
            status=status,
            lecturers=[lecturers[n % 3]],
            starts_at=at(GOOD_DAY, 9, 0) + timedelta(days=n),
            commit=False,
        )
    db.session.commit()


def test_the_number_of_queries_does_not_grow_with_the_rows(app, ctx, frozen, coordinator_client):
    add_requests(1)
    with_one = inbox_queries(app, coordinator_client)
    add_requests(199)
    with_two_hundred = inbox_queries(app, coordinator_client)
    assert with_one == with_two_hundred
    assert with_one <= 12


def test_csv_export_opens_in_excel_in_japan(mix):
    response = mix["client"].get("/staff/lectures/export.csv?status=scheduled")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.data.startswith("\ufeff".encode())  # UTF-8 with BOM
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["受付番号", "状態", "年度"]
    assert len(rows) == 2 and rows[1][0] == mix["scheduled"].reference and rows[1][1] == "日程確定"
    assert "北九州市立思永中学校" in rows[1]
    db.session.rollback()
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "lecture.export"))
    assert entry.details == {"rows": 1}  # who exported how many rows, never the data


def test_excel_export_has_every_filtered_row(mix):
    response = mix["client"].get("/staff/lectures/export.xlsx?status=all")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.max_row == 4
    assert {sheet.cell(row=r, column=1).value for r in range(2, 5)} == {
        mix[k].reference for k in ("submitted", "scheduled", "declined")
    }


def test_opening_a_request_is_recorded(mix):
    lecture = mix["scheduled"]
    html = mix["client"].get(f"/staff/lectures/{lecture.id}").get_data(as_text=True)
    assert lecture.reference in html and "北九州市立思永中学校" in html
    db.session.rollback()
    assert (
        db.session.scalar(
            sa.select(sa.func.count(AuditEntry.id)).where(
                AuditEntry.action == "lecture.view", AuditEntry.subject_id == str(lecture.id)
            )
        )
        == 1
    )


def test_the_export_runs_the_same_number_of_queries_for_1_or_60_requests(
    app, ctx, frozen, coordinator_client
):
    def export_queries() -> int:
        with count_queries(app) as counter:
            assert coordinator_client.get("/staff/lectures/export.csv").status_code == 200
        return counter.count

    add_requests(1)
    with_one = export_queries()
    add_requests(59)
    assert export_queries() == with_one


def test_the_exports_give_the_number_of_classes_in_one_column(mix):
    mix["scheduled"].class_count = 3
    db.session.commit()
    response = mix["client"].get("/staff/lectures/export.csv?status=all")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    column = rows[0].index("学級数")
    assert rows[0].count("学級数") == 1
    by_reference = {row[0]: row[column] for row in rows[1:]}
    assert by_reference == {
        mix["submitted"].reference: "",
        mix["scheduled"].reference: "3",
        mix["declined"].reference: "",
    }
    sheet = load_workbook(io.BytesIO(mix["client"].get("/staff/lectures/export.xlsx?status=all").data)).active
    header = [cell.value for cell in sheet[1]]
    cells = {
        sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=header.index("学級数") + 1).value
        for r in (2, 3, 4)
    }
    assert cells[mix["scheduled"].reference] == 3
