"""The visitor list read from a CSV file or from rows: encodings, headers, every check, limits."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask_babel import force_locale

from booking.visits import visitors
from booking.visits.visitors import MAX_CELL, ROW_MARGIN, VisitorRow, country_code, parse_csv

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def english(app):
    """Messages in English, as an organiser who chose English reads them."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def csv_bytes(*lines: str, encoding: str = "utf-8") -> bytes:
    return "\r\n".join(lines).encode(encoding)


def messages(result) -> list[str]:
    return [str(error) for error in result.errors]


# Encodings ---------------------------------------------------------------------


def test_a_real_shift_jis_file_is_read():
    result = parse_csv((DATA / "visitors_shift_jis.csv").read_bytes(), group_size=3)
    assert result.ok, messages(result)
    assert result.rows == [
        VisitorRow("SOK DARA", "プノンペン水道公社", "KH"),
        VisitorRow("髙橋 一郎", "北九州市上下水道局", "JP"),
        VisitorRow("NGUYEN VAN AN", "ハイフォン給水公社", "VN"),
    ]


@pytest.mark.parametrize("bom", ["", "\ufeff"], ids=["without-bom", "with-bom"])
def test_utf8_is_read_with_or_without_bom(bom):
    data = (bom + "Name,Organisation,Nationality\r\nSOK DARA,PPWSA,KH\r\n").encode("utf-8")
    result = parse_csv(data, group_size=1)
    assert result.rows == [VisitorRow("SOK DARA", "PPWSA", "KH")]


@pytest.mark.parametrize(
    "data",
    [
        "Name,Nationality\r\nJosé,ES\r\n".encode("utf-16"),
        b"Name,Nationality\r\nSOK\x82\x20DARA,KH\r\n",
        b"Name,Nationality\r\nSOK DARA,KH\x82",
        b"PK\x03\x04\x14\x00\x06\x00 workbook",
        b"Name,Nationality\r\n\xf0\x40\xf0\x41,KH\r\n",
    ],
    ids=["utf-16", "broken-shift-jis", "cut-in-a-character", "a-spreadsheet", "private-use"],
)
def test_a_file_in_another_encoding_is_refused_as_a_whole(data):
    result = parse_csv(data, group_size=5)
    assert not result.ok and result.rows == []
    assert messages(result) == ["The file is not text in UTF-8 or Shift_JIS. Save it as CSV and try again."]


def test_the_blank_list_has_a_bom_and_the_page_languages_headers(app):
    data = visitors.template_csv()
    assert data.startswith("\ufeff".encode())
    assert data.decode("utf-8-sig").strip() == "Full name (as in passport),Affiliation,Nationality"
    with force_locale("ja"):
        assert visitors.template_csv().decode("utf-8-sig").strip() == "氏名（パスポート表記）,所属,国籍"


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_blank_list_filled_in_is_read_back(app, language):
    with force_locale(language):
        data = visitors.template_csv() + b"SOK DARA,PPWSA,KH\r\n"
        result = parse_csv(data, group_size=1)
    assert result.rows == [VisitorRow("SOK DARA", "PPWSA", "KH")]


# Headers and columns ---------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "name,organisation,nationality",
        "Full name (as in passport),Organization,Country",
        "氏名,所属,国籍",
        "氏名（パスポート表記）,所属機関,国・地域",
        "ＮＡＭＥ , Affiliation , NATIONALITY",
    ],
)
def test_a_header_in_english_or_japanese_is_recognised(header):
    result = parse_csv(csv_bytes(header, "SOK DARA,PPWSA,KH"), group_size=1)
    assert result.rows == [VisitorRow("SOK DARA", "PPWSA", "KH")]


def test_header_columns_may_come_in_any_order_and_extra_ones_are_ignored():
    result = parse_csv(csv_bytes("No.,国籍,氏名,備考,所属", "1,KH,SOK DARA,vegetarian,PPWSA"), group_size=1)
    assert result.rows == [VisitorRow("SOK DARA", "PPWSA", "KH")]


def test_without_a_header_the_columns_are_name_organisation_nationality():
    result = parse_csv(csv_bytes("SOK DARA,PPWSA,KH", "CHAN SOPHEA,,Cambodia"), group_size=2)
    assert result.rows == [VisitorRow("SOK DARA", "PPWSA", "KH"), VisitorRow("CHAN SOPHEA", "", "KH")]


def test_a_header_without_the_nationality_column_is_refused():
    result = parse_csv(csv_bytes("Name,Organisation", "SOK DARA,PPWSA"), group_size=1)
    assert messages(result) == ["Line 1: The first line names the columns but not: nationality."]


def test_a_row_with_more_columns_than_the_list_has_is_refused_by_line():
    result = parse_csv(csv_bytes("SOK DARA,PPWSA,KH", "CHAN SOPHEA,PPWSA,KH,P1234567"), group_size=2)
    assert not result.ok and result.rows == []
    assert messages(result) == [
        "Line 2: this line has more than three columns: name, organisation, nationality"
    ]


# Rows ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("KH", "KH"),
        ("kh", "KH"),
        ("ＫＨ", "KH"),
        ("Cambodia", "KH"),
        ("カンボジア", "KH"),
        ("Viet Nam", "VN"),
        ("ベトナム", "VN"),
        ("Myanmar", "MM"),
        ("Burma", "MM"),
        ("ミャンマー", "MM"),
        ("South Africa", "ZA"),
        ("南アフリカ共和国", "ZA"),
        ("japanese", "JP"),
        ("United States of America", "US"),
        ("Côte d’Ivoire", "CI"),
    ],
)
def test_a_nationality_is_a_code_or_a_countrys_name(written, code):
    assert country_code(written) == code


@pytest.mark.parametrize("written", ["Narnia", "EU", "ZZ", "UN", "Congo", "", "K", "KHM"])
def test_what_is_not_one_country_has_no_code(written):
    assert country_code(written) is None


def test_errors_name_the_line_of_the_file():
    data = csv_bytes(
        "Name,Organisation,Nationality",
        "SOK DARA,PPWSA,KH",
        "",
        "CHAN SOPHEA,PPWSA,Narnia",
        ",PPWSA,KH",
    )
    result = parse_csv(data, group_size=5)
    assert result.rows == []
    assert messages(result) == [
        "Line 4: nationality “Narnia” is not a country; write its name or its two-letter code (e.g. KH)",
        "Line 5: the name is missing",
    ]


def test_every_row_is_checked_before_any_is_accepted():
    lines = ["SOK DARA,PPWSA,KH"] * 0 + [f"PERSON {chr(65 + i)},PPWSA,KH" for i in range(8)]
    lines[6] = "PERSON G,PPWSA,Atlantis"
    result = parse_csv(csv_bytes(*lines), group_size=8)
    assert result.rows == [] and [error.line for error in result.errors] == [7]


def test_empty_lines_and_rows_of_empty_cells_are_skipped():
    result = parse_csv(
        csv_bytes("", "SOK DARA,PPWSA,KH", ",,", "   ,　,", "", "CHAN SOPHEA,PPWSA,KH", ""), group_size=2
    )
    assert [row.full_name for row in result.rows] == ["SOK DARA", "CHAN SOPHEA"]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("SOK\x1bDARA", "contains line breaks or control characters, which cannot be kept"),
        ("SOK\x85DARA", "contains line breaks or control characters, which cannot be kept"),
        ("X" * (MAX_CELL + 1), f"is longer than {MAX_CELL} characters"),
        ("X" * 10_000, f"is longer than {MAX_CELL} characters"),
        ("SOK DARA²", "the name “SOK DARA²” has digits in it; write it as in the passport"),
        ("SOK DARA１２", "the name “SOK DARA１２” has digits in it; write it as in the passport"),
    ],
    ids=["escape", "c1-control", "one-too-long", "ten-thousand", "superscript", "full-width-digits"],
)
def test_a_hostile_name_is_refused_with_its_line(cell, message):
    result = parse_csv(csv_bytes("Name,Nationality", "CHAN SOPHEA,KH", f"{cell},KH"), group_size=2)
    assert result.rows == []
    assert messages(result) == [f"Line 3: {message}"]


def test_a_nul_in_a_file_refuses_the_file():
    result = parse_csv(csv_bytes("Name,Nationality", "SOK\x00DARA,KH"), group_size=1)
    assert result.rows == []
    assert messages(result) == ["The file is not text in UTF-8 or Shift_JIS. Save it as CSV and try again."]


def test_a_nul_typed_in_the_form_is_refused_by_row():
    result = visitors.check_rows([(2, ["SOK\x00DARA", "", "KH"])], 1)
    assert result.rows == []
    assert messages(result) == ["Line 2: contains line breaks or control characters, which cannot be kept"]


def test_a_line_break_inside_a_quoted_cell_is_refused():
    result = parse_csv(b'Name,Nationality\r\n"SOK\r\nDARA",KH\r\n', group_size=1)
    assert result.rows == [] and "control characters" in messages(result)[0]


def test_a_cell_at_the_limit_is_kept():
    result = parse_csv(csv_bytes(f"{'X' * MAX_CELL},{'Y' * MAX_CELL},KH"), group_size=1)
    assert result.ok and len(result.rows[0].full_name) == MAX_CELL


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x")', "+81 PPWSA", "-PPWSA", "@SUM(A1)"])
def test_formula_looking_cells_are_kept_as_the_text_they_are(cell):
    quoted = cell.replace('"', '""')
    result = parse_csv(csv_bytes(f'SOK DARA,"{quoted}",KH'), group_size=1)
    assert result.rows == [VisitorRow("SOK DARA", cell, "KH")]


def test_full_width_letters_and_repeated_spaces_are_made_plain():
    result = parse_csv(csv_bytes("ＳＯＫ　　ＤＡＲＡ , ＰＰＷＳＡ ,ｋｈ"), group_size=1)
    assert result.rows == [VisitorRow("SOK DARA", "PPWSA", "KH")]


def test_the_same_person_twice_is_refused():
    result = parse_csv(
        csv_bytes("SOK DARA,PPWSA,KH", "CHAN SOPHEA,PPWSA,KH", "SOK DARA,PPWSA,KH"), group_size=3
    )
    assert messages(result) == ["Line 3: the same person is also on line 1"]


# Limits ----------------------------------------------------------------------------


def test_a_list_may_name_the_group_and_the_margin():
    lines = [f"PERSON {chr(65 + i // 26)}{chr(65 + i % 26)},PPWSA,KH" for i in range(10 + ROW_MARGIN)]
    assert parse_csv(csv_bytes(*lines), group_size=10).ok


def test_a_list_longer_than_the_group_and_the_margin_is_refused():
    lines = [f"PERSON {chr(65 + i // 26)}{chr(65 + i % 26)},PPWSA,KH" for i in range(11 + ROW_MARGIN)]
    result = parse_csv(csv_bytes(*lines), group_size=10)
    assert result.rows == []
    assert messages(result)[0].startswith(
        f"The list names {11 + ROW_MARGIN} people; a group of 10 may name at most 15."
    )


def test_a_file_too_large_is_refused_unread():
    data = b"SOK DARA,PPWSA,KH\r\n" * 20_000
    result = parse_csv(data, group_size=10)
    assert result.rows == [] and messages(result) == ["The file is larger than 256 KB."]


@pytest.mark.parametrize("data", [b"", b"\r\n\r\n", "\ufeff".encode(), b"Name,Organisation,Nationality\r\n"])
def test_an_empty_list_is_refused(data):
    assert messages(parse_csv(data, group_size=3)) == ["The list has nobody on it."]


def test_rows_typed_in_the_form_are_checked_the_same_way():
    result = visitors.check_rows(
        [(1, ["SOK DARA", "PPWSA", "KH"]), (2, ["", "", ""]), (3, ["X", "", "Narnia"])], 3
    )
    assert result.rows == [VisitorRow("SOK DARA", "PPWSA", "KH")]
    assert [(error.line, error.column) for error in result.errors] == [(3, "nationality")]
