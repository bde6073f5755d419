"""The inbox exports open whatever text old rows hold: control characters, formula starts."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa
from openpyxl import load_workbook

from booking.extensions import db
from booking.lectures.models import LectureRequest
from tests.factories.lectures import make_request

# As old data could hold them: inserted straight into the table, past every form.
HOSTILE = {
    "contact_name": "山田\x0b花子\x1b",  # PostgreSQL never held NUL; SQLite may
    "school_name": '＝HYPERLINK("http://evil.example")',
    "grade": "+1+1",
    "notes": "@SUM(A1)",
    "venue": "－2",
    "equipment": "\t=1",
}


def _hostile_request(program) -> LectureRequest:
    lecture = make_request(program)
    db.session.execute(sa.update(LectureRequest).where(LectureRequest.id == lecture.id).values(**HOSTILE))
    db.session.commit()
    return lecture


def test_excel_export_holds_a_name_with_a_control_character(ctx, program, coordinator_client):
    lecture = _hostile_request(program)
    response = coordinator_client.get("/staff/lectures/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    row = [cell.value for cell in sheet[2]]
    assert row[0] == lecture.reference
    assert any(isinstance(v, str) and v.startswith("山田 花子") for v in row)
    assert not any(isinstance(v, str) and any(ord(ch) < 32 and ch not in "\t\n\r" for ch in v) for v in row)


def test_exports_quote_full_width_and_ascii_formula_starts(ctx, program, coordinator_client):
    _hostile_request(program)
    text = coordinator_client.get("/staff/lectures/export.csv").data.decode("utf-8-sig")
    cells = {cell for row in csv.reader(io.StringIO(text)) for cell in row}
    sheet = load_workbook(io.BytesIO(coordinator_client.get("/staff/lectures/export.xlsx").data)).active
    excel_cells = {cell.value for row in sheet.iter_rows() for cell in row}
    for found in (cells, excel_cells):
        assert '\'＝HYPERLINK("http://evil.example")' in found
        assert "'+1+1" in found
        assert "\x00" not in "".join(str(v) for v in found)
        starts = {str(v)[:1] for v in found if v}
        assert not starts & {"=", "+", "-", "@", "＝", "＋", "－", "＠", "\t"}
