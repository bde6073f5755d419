"""The visitor list of a study tour, read and checked without touching the database.

A list arrives as rows typed in the organiser's form or as a CSV file (UTF-8 with or
without BOM, or Shift_JIS as Excel in Japan saves it). Each row is a person as their
passport names them, their organisation and their nationality (an ISO 3166 alpha-2 code, or
a country's name in English or Japanese, read through Babel's territory names; the codes
are those of booking.visits.countries). Every row is
checked before anything is kept: the result holds either every row ready to save, or every
problem with its line, never half a list.

Limits: at most `max_rows(group_size)` people (the group size and a margin of ROW_MARGIN
for a late addition such as an escort or a driver), at most MAX_CELL characters a cell,
MAX_FILE_BYTES a file. Blank lines are skipped. Text that a spreadsheet would run as a
formula (= + - @) is kept as the text it is; every export neutralises it
(booking.core.exports).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from babel import Locale
from flask_babel import gettext as _

from booking.core.input_guard import has_unusable_characters
from booking.visits.countries import country_codes, country_name

COLUMNS = ("full_name", "organisation", "nationality")
MAX_CELL = 200
ROW_MARGIN = 5
MAX_FILE_BYTES = 256 * 1024
# However large the group, no list is longer than this (a page and an export stay small).
MAX_ROWS = 500

HEADER_ALIASES = {
    "full_name": (
        "name",
        "fullname",
        "passportname",
        "nameinpassport",
        "氏名",
        "名前",
        "姓名",
        "ローマ字氏名",
    ),
    "organisation": (
        "organisation",
        "organization",
        "affiliation",
        "company",
        "所属",
        "所属先",
        "所属機関",
        "所属団体",
        "団体名",
    ),
    "nationality": ("nationality", "country", "countryorregion", "国籍", "国", "国・地域", "国地域"),
}
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_HEADER_LOOKUP = {alias: column for column, aliases in HEADER_ALIASES.items() for alias in aliases}

# Names people write that Babel does not give: long forms, older names, nationalities.
_COUNTRY_ALIASES = {
    "usa": "US",
    "us": "US",
    "unitedstatesofamerica": "US",
    "america": "US",
    "american": "US",
    "uk": "GB",
    "greatbritain": "GB",
    "britain": "GB",
    "british": "GB",
    "england": "GB",
    "vietnam": "VN",
    "vietnamese": "VN",
    "cambodian": "KH",
    "khmer": "KH",
    "myanmar": "MM",
    "burmese": "MM",
    "lao": "LA",
    "laopdr": "LA",
    "thai": "TH",
    "filipino": "PH",
    "philippine": "PH",
    "indonesian": "ID",
    "malaysian": "MY",
    "japanese": "JP",
    "chinese": "CN",
    "korea": "KR",
    "republicofkorea": "KR",
    "korean": "KR",
    "southafrican": "ZA",
    "indian": "IN",
    "nepali": "NP",
    "nepalese": "NP",
    "bangladeshi": "BD",
    "pakistani": "PK",
    "srilankan": "LK",
    "mongolian": "MN",
    "kenyan": "KE",
    "timorese": "TL",
    "easttimor": "TL",
    "hongkong": "HK",
    "日本国": "JP",
    "大韓民国": "KR",
    "中華人民共和国": "CN",
    "米国": "US",
    "英国": "GB",
    "香港": "HK",
    "カンボジア王国": "KH",
    "ベトナム社会主義共和国": "VN",
    "ミャンマー連邦共和国": "MM",
    "ラオス人民民主共和国": "LA",
    "南アフリカ共和国": "ZA",
    "タイ王国": "TH",
    "フィリピン共和国": "PH",
    "インドネシア共和国": "ID",
}


@dataclass(frozen=True)
class VisitorRow:
    """One person of the list, as checked: nationality is an alpha-2 code."""

    full_name: str
    organisation: str
    nationality: str


@dataclass(frozen=True)
class LineError:
    line: int  # the file's line, or the form's row; 0 means the list as a whole
    message: str
    column: str | None = None  # the column at fault, when one is

    def __str__(self) -> str:
        if self.line == 0:
            return self.message
        return _("Line %(line)d: %(message)s", line=self.line, message=self.message)


@dataclass
class ParsedList:
    rows: list[VisitorRow] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def max_rows(group_size: int) -> int:
    """How many people a group's list may name."""
    return min(max(group_size, 0) + ROW_MARGIN, MAX_ROWS)


# Countries ------------------------------------------------------------------


def _key(text: str) -> str:
    """A name reduced for comparison: width, case, spaces and punctuation do not count."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\s.,'’\-_・･()（）&]", "", text)


@lru_cache(maxsize=1)
def _country_index() -> dict[str, str]:
    index: dict[str, str] = {}
    ambiguous: set[str] = set()
    codes = country_codes()
    for language in ("en", "ja"):
        names = Locale(language).territories
        for code in codes:
            name = names.get(code)
            if not name:
                continue
            # "Myanmar (Burma)" is found as itself, as "Myanmar" and as "Burma".
            variants = {name, re.sub(r"\s*[(（].*?[)）]\s*", "", name)}
            variants.update(re.findall(r"[(（](.*?)[)）]", name))
            variants.add(re.sub(r" SAR China$", "", name))
            for variant in variants:
                key = _key(variant)
                if key in index and index[key] != code:
                    ambiguous.add(key)
                index.setdefault(key, code)
    for key in ambiguous:  # "Congo" names two countries: neither is guessed
        del index[key]
    index.update(_COUNTRY_ALIASES)
    return index


def country_code(text: str) -> str | None:
    """The alpha-2 code of a country written as a code or a name (English or Japanese), or None."""
    cleaned = unicodedata.normalize("NFKC", text or "").strip()
    if len(cleaned) == 2 and cleaned.isascii() and cleaned.isalpha() and cleaned.upper() in country_codes():
        return cleaned.upper()
    if not cleaned:
        return None
    return _country_index().get(_key(cleaned))


def country_names(language: str) -> list[tuple[str, str]]:
    """(code, name) of every country or region, by name in `language` (for a list to pick from)."""
    return sorted(
        ((code, country_name(code, language)) for code in country_codes()), key=lambda item: item[1]
    )


# Rows -----------------------------------------------------------------------


def _clean(value: str) -> str:
    """Full-width letters and digits made plain, runs of spaces made one, ends trimmed."""
    return re.sub(r"[ \t\u3000]+", " ", unicodedata.normalize("NFKC", value)).strip()


def _shown(value: str) -> str:
    """A cell quoted back in a message, cut short."""
    return value if len(value) <= 30 else value[:30] + "…"


def _has_digits(text: str) -> bool:
    """Digits of any script, superscripts and circled numbers; not kanji such as 一 in 一郎."""
    return any(unicodedata.category(ch) in ("Nd", "No", "Nl") for ch in text)


def check_row(values: Sequence[str]) -> tuple[VisitorRow | None, dict[str, str]]:
    """One person's three values checked: the row, or the problem of each column at fault."""
    raw = {column: (values[i] if i < len(values) else "") for i, column in enumerate(COLUMNS)}
    problems: dict[str, str] = {}
    for column, value in raw.items():
        if has_unusable_characters(value) or "\n" in value or "\r" in value:
            problems[column] = _("contains line breaks or control characters, which cannot be kept")
        elif len(value) > MAX_CELL:
            problems[column] = _("is longer than %(max)d characters", max=MAX_CELL)
    if problems:
        return None, problems
    name, organisation, nationality = (_clean(raw[column]) for column in COLUMNS)
    if not name:
        problems["full_name"] = _("the name is missing")
    elif _has_digits(raw["full_name"]):
        problems["full_name"] = _(
            "the name “%(value)s” has digits in it; write it as in the passport",
            value=_shown(raw["full_name"].strip()),
        )
    code = country_code(nationality)
    if not nationality:
        problems["nationality"] = _("the nationality is missing")
    elif code is None:
        problems["nationality"] = _(
            "nationality “%(value)s” is not a country; write its name or its two-letter code (e.g. KH)",
            value=_shown(nationality),
        )
    if problems:
        return None, problems
    return VisitorRow(name, organisation, code or ""), {}


def check_rows(lines: Iterable[tuple[int, Sequence[str]]], group_size: int) -> ParsedList:
    """Check numbered rows (line, values), skipping empty ones; all problems are listed."""
    result = ParsedList()
    seen: dict[VisitorRow, int] = {}
    for line, values in lines:
        if not any(value.strip(" \t\u3000") for value in values):
            continue
        row, problems = check_row(values)
        for column, message in problems.items():
            result.errors.append(LineError(line, message, column))
        if row is None:
            continue
        if row in seen:
            result.errors.append(
                LineError(line, _("the same person is also on line %(line)d", line=seen[row]), "full_name")
            )
            continue
        seen[row] = line
        result.rows.append(row)
    count = len(result.rows) + len({error.line for error in result.errors if error.line})
    limit = max_rows(group_size)
    if count > limit:
        result.errors.insert(
            0,
            LineError(
                0,
                _(
                    "The list names %(count)d people; a group of %(size)d may name at most %(limit)d. "
                    "Change the group size with the bureau first if more people are coming.",
                    count=count,
                    size=group_size,
                    limit=limit,
                ),
            ),
        )
    if not result.rows and not result.errors:
        result.errors.append(LineError(0, _("The list has nobody on it.")))
    return result


# CSV ------------------------------------------------------------------------


def decode(data: bytes) -> str | None:
    """Text of a CSV saved as UTF-8 (with or without BOM) or Shift_JIS, or None."""
    if b"\x00" in data:  # UTF-16, a spreadsheet or another binary file
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError:
        return None
    # Bytes Shift_JIS leaves to private use are what another encoding's text becomes.
    return None if _PRIVATE_USE.search(text) else text


def _header_columns(values: Sequence[str]) -> dict[str, int] | None:
    """Where each column is, if this row names them (in English or Japanese), else None."""
    columns: dict[str, int] = {}
    for index, value in enumerate(values):
        key = _key(re.sub(r"[(（].*?[)）]", "", unicodedata.normalize("NFKC", value)))
        column = _HEADER_LOOKUP.get(key)
        if column and column not in columns:
            columns[column] = index
    return columns if len(columns) >= 2 else None


def parse_csv(data: bytes, group_size: int) -> ParsedList:
    """Read and check an uploaded list; its errors name the file's lines."""
    if len(data) > MAX_FILE_BYTES:
        return ParsedList(
            errors=[LineError(0, _("The file is larger than %(size)d KB.", size=MAX_FILE_BYTES // 1024))]
        )
    text = decode(data)
    if text is None:
        return ParsedList(
            errors=[
                LineError(0, _("The file is not text in UTF-8 or Shift_JIS. Save it as CSV and try again."))
            ]
        )
    reader = csv.reader(io.StringIO(text, newline=""))
    numbered: list[tuple[int, list[str] | None]] = []
    columns: dict[str, int] | None = None
    try:
        for values in reader:
            line = reader.line_num
            if not any(value.strip(" \t\u3000") for value in values):
                continue
            if not numbered and columns is None:
                columns = _header_columns(values)
                if columns is not None:
                    missing = [c for c in ("full_name", "nationality") if c not in columns]
                    if missing:
                        return ParsedList(errors=[LineError(line, _missing_columns_message(missing))])
                    continue
                columns = {column: index for index, column in enumerate(COLUMNS)}
            numbered.append((line, _arranged(values, columns)))
            if len(numbered) > MAX_ROWS:
                break
    except csv.Error:
        return ParsedList(
            errors=[
                LineError(
                    reader.line_num,
                    _("this line could not be read as CSV. Save the file as CSV and try again."),
                )
            ]
        )
    result = check_rows(((line, values) for line, values in numbered if values is not None), group_size)
    for line, values in numbered:
        if values is None:
            result.errors.append(
                LineError(line, _("this line has more than three columns: name, organisation, nationality"))
            )
    result.errors.sort(key=lambda error: error.line)
    if result.errors:
        result.rows = []
    return result


def _arranged(values: list[str], columns: dict[str, int]) -> list[str] | None:
    """The row's values in COLUMNS order; None for a row without a header that has extra cells."""
    positional = columns == {column: index for index, column in enumerate(COLUMNS)}
    if positional and any(value.strip() for value in values[len(COLUMNS) :]):
        return None
    return [values[columns[c]] if c in columns and columns[c] < len(values) else "" for c in COLUMNS]


def _missing_columns_message(missing: list[str]) -> str:
    names = {"full_name": _("name"), "nationality": _("nationality")}
    return _(
        "The first line names the columns but not: %(names)s.", names=", ".join(names[c] for c in missing)
    )


def template_headers() -> list[str]:
    """The columns as the blank list names them, in the page's language."""
    return [_("Full name (as in passport)"), _("Affiliation"), _("Nationality")]


def template_csv() -> bytes:
    """A blank list to fill in: UTF-8 with a BOM (Excel opens it), headers in the page's language."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(template_headers())
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
