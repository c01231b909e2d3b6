"""Uploaded workbooks are read with limits: a zip that inflates too far, too many
rows or too many cells in a row is refused with a message, quickly."""

import io
import time
import zipfile

import pytest
from openpyxl import Workbook

from standards.importers import StandardsFileError, sheets
from standards.importers.workbooks import FUNCTIONS_SHEET, read_workbooks


def _bomb() -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "xl/worksheets/sheet1.xml", b"0" * (sheets.MAX_MEMBER_BYTES + 1)
        )
    buffer.seek(0)
    return buffer


def test_a_zip_that_inflates_too_far_is_refused_from_its_directory():
    started = time.monotonic()
    with pytest.raises(StandardsFileError, match="unpacks to more than 50 MB"):
        read_workbooks({FUNCTIONS_SHEET: ("bomb.xlsx", _bomb())})
    # The bound tells a refusal from a read (inflating and parsing the bomb takes
    # minutes); it is loose so that a busy machine does not fail it.
    assert time.monotonic() - started < 10


def _sheet(rows: int, cells: int) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.title = "Function-Activity List"
    sheet.append(list(FUNCTIONS_SHEET.columns.values()))
    for _ in range(rows):
        # Content only beyond the sheet's columns: rows the reader skips.
        sheet.append([None] * 6 + ["x"] * max(cells - 6, 1))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(sheets, "MAX_ROWS", 30)
    with pytest.raises(StandardsFileError, match="more than 30 rows after the header"):
        read_workbooks({FUNCTIONS_SHEET: ("long.xlsx", _sheet(40, 2))})


def test_too_many_cells_in_a_row_are_refused(monkeypatch):
    monkeypatch.setattr(sheets, "MAX_CELLS_PER_ROW", 10)
    with pytest.raises(StandardsFileError, match="more than 10 cells"):
        read_workbooks({FUNCTIONS_SHEET: ("wide.xlsx", _sheet(2, 11))})
