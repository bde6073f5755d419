"""Downloads of staff lists as CSV (UTF-8 with BOM, which Excel in Japan opens) and Excel."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from booking.core.time import JST

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(JST).replace(tzinfo=None)  # Excel has no time zones: Japan time
    if value is None:
        return ""
    if isinstance(value, date | int | float):
        return value
    return str(value)


def _disposition(filename: str) -> str:
    ascii_name = filename.encode("ascii", "ignore").decode() or "export"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def _safe_text(value: object) -> object:
    """Neutralise text a spreadsheet would run as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        values = []
        for value in row:
            value = _cell(value)
            if isinstance(value, datetime):
                value = value.strftime("%Y-%m-%d %H:%M")
            values.append(_safe_text(value))
        writer.writerow(values)
    data = "\ufeff" + buffer.getvalue()
    response = Response(data.encode("utf-8"), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = _disposition(filename)
    return response


def xlsx_response(
    filename: str, title: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> Response:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([str(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(str(h)) for h in header]
    for row in rows:
        values = [_safe_text(_cell(v)) for v in row]
        sheet.append(values)
        for i, value in enumerate(values):
            widths[i] = max(widths[i], min(len(str(value)), 60))
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width * 1.6 + 2
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = Response(buffer.getvalue(), mimetype=XLSX_TYPE)
    response.headers["Content-Disposition"] = _disposition(filename)
    return response
