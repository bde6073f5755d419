"""Whole numbers as people type them: ASCII or full-width digits, nothing else.

Never str.isdigit: it also says yes to ², ① and other scripts' digits,
which int() then refuses (a server error) or reads as a number nobody typed.
"""

from __future__ import annotations

import re

# The largest id a form, a query or a path may name (PostgreSQL's INTEGER).
LARGEST_ID = 2**31 - 1

_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_PLAIN_NUMBER = re.compile(r"[0-9]{1,18}", re.ASCII)


def parse_digits(value: object) -> int | None:
    """A whole number written in ASCII or full-width digits (spaces around allowed), else None."""
    if not isinstance(value, str):
        return None
    text = value.strip(" \t\r\n\u3000").translate(_FULL_WIDTH_DIGITS)
    return int(text) if _PLAIN_NUMBER.fullmatch(text) else None
