"""The organiser's forms for the visitor list: rows typed in, or a CSV file.

The rows form has numbered fields `full_name-N`, `organisation-N`, `nationality-N` (N from
1), as many as the page showed; the "more rows" button posts the rows back with room for
ROWS_ADDED more. The form only reads the shape (each field at most once, N within the
limit); the rows are checked by booking.visits.visitors, the same checks as a file's.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from werkzeug.datastructures import MultiDict

from booking.core.forms import BaseForm
from booking.visits.visitors import COLUMNS, MAX_CELL, LineError, max_rows

# The row number in a field's name (full_name-3): ASCII digits only.
ROW_NUMBER = re.compile(r"[0-9]{1,4}")

ROWS_ADDED = 5


class VisitorRowsForm(BaseForm):
    """The list as rows of three text fields; see the module docstring."""

    def __init__(
        self, group_size: int, formdata: MultiDict | None = None, initial: list[list[str]] | None = None
    ):
        super().__init__(formdata=formdata)
        self.limit = max_rows(group_size)
        self.group_size = group_size
        self.row_errors: dict[tuple[int, str], str] = {}
        self.values: list[list[str]] = []
        if formdata is None:
            self.values = [list(values) for values in (initial or [])]
            self.values += [["", "", ""] for _ in range(max(group_size, 1) - len(self.values))]
            self.values = self.values[: self.limit]
        else:
            self._read(formdata)

    def _read(self, formdata: MultiDict) -> None:
        numbers = set()
        for key in formdata:
            column, _, number = key.rpartition("-")
            if column in COLUMNS and ROW_NUMBER.fullmatch(number):
                numbers.add(int(number))
        count = min(max(numbers, default=0), self.limit)
        if any(n > self.limit for n in numbers):
            self.form_errors_extra.append(
                str(_l("The list can name at most %(limit)d people.", limit=self.limit))
            )
        for number in range(1, count + 1):
            row = []
            for column in COLUMNS:
                sent = formdata.getlist(f"{column}-{number}")
                if len(sent) > 1:
                    self.row_errors[(number, column)] = str(_l("This field was sent more than once."))
                row.append(sent[0][: MAX_CELL * 2] if sent else "")
            self.values.append(row)

    def add_rows(self) -> None:
        """Room for more people, up to the limit."""
        room = min(ROWS_ADDED, self.limit - len(self.values))
        self.values += [["", "", ""] for _ in range(max(room, 0))]

    @property
    def can_add_rows(self) -> bool:
        return len(self.values) < self.limit

    def numbered(self) -> list[tuple[int, list[str]]]:
        return list(enumerate(self.values, start=1))

    def show_errors(self, errors: list[LineError]) -> None:
        for error in errors:
            if error.line and error.column and (error.line, error.column) not in self.row_errors:
                self.row_errors[(error.line, error.column)] = error.message
            elif not error.column:
                self.form_errors_extra.append(str(error))

    def error_for(self, number: int, column: str) -> str | None:
        return self.row_errors.get((number, column))

    @property
    def all_errors(self) -> list[tuple[str | None, str]]:
        found = super().all_errors
        labels = {
            "full_name": _l("name"),
            "organisation": _l("affiliation"),
            "nationality": _l("nationality"),
        }
        for (number, column), message in sorted(self.row_errors.items()):
            text = _l("Row %(n)d, %(column)s: %(message)s", n=number, column=labels[column], message=message)
            found.append((f"{column}-{number}", str(text)))
        return found


class VisitorFileForm(BaseForm):
    file = FileField(
        _l("CSV file"),
        description=_l(
            "UTF-8 or Shift_JIS, as saved by Excel. One person a line: name as in the passport, "
            "organisation, nationality (a country's name or its two-letter code). A first line "
            "naming the columns is optional."
        ),
        validators=[
            FileRequired(_l("Choose a CSV file.")),
            FileAllowed(["csv", "txt"], _l("Choose a file ending in .csv.")),
        ],
    )
