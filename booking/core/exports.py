"""Downloads of staff lists as CSV (UTF-8 with BOM, which Excel in Japan opens) and Excel.

Both are streamed: the rows are read (pass a generator over a `yield_per` query) and written
while the response goes out, so a download of 10,000 rows needs no more memory than one of 10.

Any text may be in the database (old rows, imports, what a person once pasted): every cell
is cleaned here, whatever the export. Control characters (which openpyxl refuses and
spreadsheets show as garbage) become spaces, and text a spreadsheet would run as a formula
(starting with = + - @, their full-width forms, a tab or a carriage return) is quoted.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from urllib.parse import quote

from flask import Response, has_request_context, stream_with_context
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from booking.core.time import JST

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MIN_WIDTH = 12
# Exports are streamed: a CSV piece holds this many rows, an Excel piece this many bytes.
ROWS_PER_CHUNK = 500
CHUNK_BYTES = 64 * 1024
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


def _csv_values(row: Sequence[object]) -> list[object]:
    values = []
    for value in row:
        value = _cell(value)
        if isinstance(value, datetime):
            value = value.strftime("%Y-%m-%d %H:%M")
        values.append(_safe_text(value))
    return values


def _csv_chunks(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[bytes]:
    """The file in pieces of about ROWS_PER_CHUNK rows, so no export is ever whole in memory."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([_safe_text(_cell(h)) for h in header])
    for number, row in enumerate(rows, start=1):
        writer.writerow(_csv_values(row))
        if number % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _streamed(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Inside a request, the chunks keep its context (the database session) while they flow."""
    return stream_with_context(chunks) if has_request_context() else chunks


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Response:
    """A CSV download streamed as `rows` is read: pass a generator for exports of any size."""
    response = Response(_streamed(_csv_chunks(header, rows)), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = _disposition(filename)
    return response


def _xlsx_chunks(title: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[bytes]:
    """The workbook written row by row to a temporary file (openpyxl's write-only mode), then sent
    in pieces: memory stays the same whatever the number of rows.

    A write-only sheet cannot be measured after the fact, so each column is as wide as its
    heading, at least XLSX_MIN_WIDTH characters.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(title))
    for i, heading in enumerate(header, start=1):
        width = max(len(str(heading)) * 2, XLSX_MIN_WIDTH)  # headings are often Japanese: two columns each
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    cells = []
    for heading in header:
        cell = WriteOnlyCell(sheet, value=_safe_text(_cell(heading)))
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for row in rows:
        sheet.append([_safe_text(_cell(v)) for v in row])
    with tempfile.TemporaryFile() as file:
        workbook.save(file)
        file.seek(0)
        while chunk := file.read(CHUNK_BYTES):
            yield chunk


def xlsx_response(
    filename: str, title: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> Response:
    """An Excel download streamed from a temporary file: pass a generator for exports of any size."""
    response = Response(_streamed(_xlsx_chunks(title, header, rows)), mimetype=XLSX_TYPE)
    response.headers["Content-Disposition"] = _disposition(filename)
    return response
