"""Downloads of staff lists as CSV (UTF-8 with BOM, which Excel in Japan opens) and Excel.

Any text may be in the database (old rows, imports, what a person once pasted): every cell
is cleaned here, whatever the export. Control characters (which openpyxl refuses and
spreadsheets show as garbage) become spaces, and text a spreadsheet would run as a formula
(starting with = + - @, their full-width forms, a tab or a carriage return) is quoted.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from booking.core.time import JST

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# C0 controls but tab, LF and CR; DEL and C1 controls; surrogates; what Excel cannot hold.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# What a spreadsheet reads as the start of a formula. Excel in Japan takes the full-width
# forms (＝＋－＠) as formulas too.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def _cell(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(JST).replace(tzinfo=None)  # Excel has no time zones: Japan time
    if value is None:
        return ""
    if isinstance(value, date | int | float):
        return value
    return _CONTROL_CHARACTERS.sub(" ", str(value))


def _sheet_title(title: str) -> str:
    """A sheet name Excel takes: 31 characters at most, none of []:*?/\\ nor controls."""
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", _CONTROL_CHARACTERS.sub(" ", title)).strip("' ")
    return cleaned[:31] or "Sheet"


def _disposition(filename: str) -> str:
    ascii_name = filename.encode("ascii", "ignore").decode() or "export"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def _safe_text(value: object) -> object:
    """Neutralise text a spreadsheet would run as a formula (CSV injection)."""
    if isinstance(value, str) and value.lstrip(" \u3000")[:1] in _FORMULA_STARTS:
        return "'" + value
    return value


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_safe_text(_cell(h)) for h in header])
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
    sheet.title = _sheet_title(title)
    sheet.append([_safe_text(_cell(h)) for h in header])
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
