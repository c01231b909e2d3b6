"""The one spreadsheet module: bounded readers, one escaping policy, capped errors."""

import datetime
import io
import struct
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from marketplace.spreadsheets import (
    Limits,
    Problems,
    Sheet,
    SpreadsheetError,
    csv_bytes,
    escape,
    read_table,
    unescape,
    xlsx_bytes,
)
from tests.spreadsheet_bombs import SHEET, one_cell_rows, workbook_with_sheet

RISKY = ["=1+1", "+cmd", "-2", "@SUM(A1)", "\tx", "'quoted", "''twice", "plain", "a=b"]
LIMITS = Limits(rows=100)


@pytest.mark.parametrize("value", RISKY)
def test_unescape_reverses_escape(value):
    assert unescape(escape(value)) == value
    assert not str(escape(value)).startswith(("=", "+", "-", "@", "\t"))


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_what_is_written_is_read_back(kind):
    day = datetime.date(2027, 6, 30)
    rows = [
        ["Code", "Text", "When"],
        *[[f"C{i}", value, day] for i, value in enumerate(RISKY)],
    ]
    if kind == "csv":
        content = csv_bytes(rows)
    else:
        content = xlsx_bytes([Sheet("Data", rows)])
        sheet = load_workbook(io.BytesIO(content))["Data"]
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    table = read_table(f"t.{kind}", content, LIMITS)
    assert table.header == ["code", "text", "when"]
    texts = [values["text"] for _, values in table.records()]
    assert texts == [value.strip() for value in RISKY]
    when = table.rows[0][1][2]
    assert when == (
        day.isoformat() if kind == "csv" else datetime.datetime(2027, 6, 30)
    )


def test_rows_are_numbered_as_a_spreadsheet_numbers_them_and_blank_ones_skipped():
    table = read_table("t.csv", b"a,b\n1,2\n,\n3,4\n", LIMITS)
    assert [number for number, _ in table.rows] == [2, 4]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"a\n" + b"1\n" * 101, "more than 100 rows"),
        (b"a\n" + b"\n" * 200, "more than 100 rows"),
        (b"a\n" + b"x," * 70 + b"\n", "Row 2 has more than 64 cells"),
        (b"", "The file is empty."),
        ("caf\xe9".encode("latin-1"), "not UTF-8"),
        (b"a\n" + b"x" * 200_000 + b"\n", "could not be read"),
    ],
)
def test_csv_reading_stops_at_the_limits(content, message):
    with pytest.raises(SpreadsheetError, match=message):
        read_table("t.csv", content, LIMITS)


def test_an_upload_over_the_byte_limit_is_refused_unread():
    with pytest.raises(SpreadsheetError, match="larger than 1 KB"):
        read_table("t.csv", b"a\n" * 1000, Limits(rows=10_000, upload_bytes=1024))


def xlsx_of(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_rows_and_cells_are_bounded():
    with pytest.raises(SpreadsheetError, match="more than 100 rows"):
        read_table("t.xlsx", xlsx_of([["a"]] * 102), LIMITS)
    with pytest.raises(SpreadsheetError, match="Row 2 has more than 64 cells"):
        read_table("t.xlsx", xlsx_of([["a"], ["x"] * 65]), LIMITS)
    assert len(read_table("t.xlsx", xlsx_of([["a"]] * 101), LIMITS).rows) == 100


def test_a_sheet_that_declares_more_than_the_member_limit_is_refused_unread():
    bomb = one_cell_rows(20_000_000)
    assert len(bomb) < 2 * 1024 * 1024
    info = zipfile.ZipFile(io.BytesIO(bomb)).getinfo(SHEET)
    assert info.file_size > 500_000_000
    with pytest.raises(SpreadsheetError, match="unpacks to more than 16 MB"):
        read_table("bomb.xlsx", bomb, LIMITS)


def test_many_small_rows_stop_at_the_row_limit():
    bomb = one_cell_rows(200_000, chunk=10_000)
    assert len(bomb) < 20_000
    with pytest.raises(SpreadsheetError, match="more than 100 rows"):
        read_table("rows.xlsx", bomb, LIMITS)


def test_one_huge_row_stops_at_the_cell_limit():
    wide = workbook_with_sheet(
        b"<c><v>1</v></c>" * 10_000,
        50,
        head=(
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
            b'main"><sheetData><row>'
        ),
        tail=b"</row></sheetData></worksheet>",
    )
    with pytest.raises(SpreadsheetError, match="Row 1 has more than 64 cells"):
        read_table("wide.xlsx", wide, LIMITS)


def declaring(content: bytes, member: str, size: int) -> bytes:
    """``content`` with ``member``'s uncompressed size changed in both zip headers."""
    data = bytearray(content)
    info = zipfile.ZipFile(io.BytesIO(content)).getinfo(member)
    struct.pack_into("<I", data, info.header_offset + 22, size)
    start = content.find(b"PK\x01\x02")
    while start != -1:
        length = struct.unpack_from("<H", data, start + 28)[0]
        if content[start + 46 : start + 46 + length] == member.encode():
            struct.pack_into("<I", data, start + 24, size)
        start = content.find(b"PK\x01\x02", start + 4)
    return bytes(data)


def test_a_member_that_inflates_past_its_declared_size_is_refused():
    content = xlsx_of([["a"], ["b"]])
    actual = zipfile.ZipFile(io.BytesIO(content)).getinfo(SHEET).file_size
    lying = declaring(content, SHEET, actual - 10)
    assert zipfile.ZipFile(io.BytesIO(lying)).getinfo(SHEET).file_size == actual - 10
    with pytest.raises(SpreadsheetError, match="damaged|more than it declares"):
        read_table("lie.xlsx", lying, LIMITS)


@pytest.mark.parametrize(
    "sheet",
    [
        b"<worksheet><sheetData><row><c><v>1</v>",  # truncated
        b"<worksheet><sheetData><row><c t='inlineStr'><is><t>&nope;</t></is></c>"
        b"</row></sheetData></worksheet>",  # undefined entity
        b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><worksheet><sheetData><row>'
        b"<c t='inlineStr'><is><t>&c;</t></is></c></row></sheetData></worksheet>",
        b'<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]><worksheet>'
        b"<sheetData><row><c t='inlineStr'><is><t>&x;</t></is></c></row>"
        b"</sheetData></worksheet>",
    ],
    ids=["truncated", "undefined-entity", "amplification", "external-entity"],
)
def test_damaged_or_hostile_xml_is_one_clear_error(sheet):
    content = workbook_with_sheet(sheet, head=b"", tail=b"")
    with pytest.raises(SpreadsheetError):
        read_table("bad.xlsx", content, LIMITS)


def test_too_many_members_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(300):
            archive.writestr(f"x/{number}.txt", b"")
    with pytest.raises(SpreadsheetError, match="more than 200 files"):
        read_table("many.xlsx", buffer.getvalue(), LIMITS)


def test_a_named_sheet_is_read_when_the_workbook_has_it():
    content = xlsx_bytes([Sheet("Notes", [["n"], ["x"]]), Sheet("Data", [["a"], [1]])])
    assert read_table("t.xlsx", content, LIMITS, sheet="Data").rows == [(2, [1])]
    assert read_table("t.xlsx", content, LIMITS).header == ["n"]


def test_problems_keep_the_first_fifty_and_count_the_rest():
    problems = Problems()
    assert not problems
    for row in range(2, 122):
        problems.add(row, "bad")
    assert len(problems) == 120 and len(list(problems)) == 50 and problems.more == 70
    assert [p.row for p in problems][:2] == [2, 3]
    assert problems.summary().endswith("and 70 more problem(s) not listed")


def test_a_long_csv_cell_is_refused_whatever_the_process_wide_csv_limit():
    """``csv.field_size_limit`` is global: another reader raising it (the standards
    import reads specification tables of several hundred kilobytes) must not let a
    user's upload through with a huge cell."""
    import csv

    previous = csv.field_size_limit(10 * 1024 * 1024)
    try:
        with pytest.raises(SpreadsheetError, match="a cell is longer than"):
            read_table("t.csv", b"a\n" + b"x" * 200_000 + b"\n", LIMITS)
    finally:
        csv.field_size_limit(previous)


def test_control_characters_xml_cannot_hold_are_replaced_not_fatal():
    """A stray control character (it passes one-line field checks) never makes an
    export fail: the cell shows U+FFFD; tabs and line breaks stay."""
    content = xlsx_bytes(
        [Sheet("S", [["Title", "Notes"], ["A\x01B\x1fC", "line\nbreak\tand tab"]])]
    )
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A2"].value == "A\ufffdB\ufffdC"
    assert sheet["B2"].value == "line\nbreak\tand tab"
