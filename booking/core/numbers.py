"""Whole numbers as people type them: ASCII or full-width digits, nothing else.

Never str.isdigit: it also says yes to ², ① and other scripts' digits,
which int() then refuses (a server error) or reads as a number nobody typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# The largest id a form, a query or a path may name (PostgreSQL's INTEGER).
LARGEST_ID = 2**31 - 1

_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_PLAIN_NUMBER = re.compile(r"[0-9]{1,18}", re.ASCII)


def parse_digits(value: object) -> int | None:
    """A whole number written in ASCII or full-width digits (spaces around allowed), else None.

    Nothing this app counts goes beyond a database integer: a larger number is None too, so
    no query can overflow a column.
    """
    if not isinstance(value, str):
        return None
    text = value.strip(" \t\r\n\u3000").translate(_FULL_WIDTH_DIGITS)
    if not _PLAIN_NUMBER.fullmatch(text):
        return None
    number = int(text)
    return number if number <= LARGEST_ID else None


def number_between(low: int, high: int) -> Callable[[str], int]:
    """A `type=` for request.args.get: the number from `low` to `high`, else the default.

    Werkzeug answers the default when the converter raises ValueError, so `?page=²`,
    `?page=99999999999999999999` or `?fiscal_year=0` read as if they were not there.
    """

    def convert(value: str) -> int:
        number = parse_digits(value)
        if number is None or not low <= number <= high:
            raise ValueError(value)
        return number

    return convert


# The query-string numbers staff pages read.
page_number = number_between(1, 1_000_000)
record_number = number_between(1, LARGEST_ID)
fiscal_year_number = number_between(2000, 2100)
