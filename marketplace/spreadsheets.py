"""Spreadsheets from and for users: the one home for reading and writing CSV and XLSX.

Every import and export of the portal goes through this module (it imports no app).

Reading — ``read_table(name, data, limits)`` and ``read_sheets(…, titles)``
    Returns a ``Table``: the header row (stripped, lower-cased) and the non-blank data
    rows with their spreadsheet row numbers (the header is row 1). Whatever the file,
    reading stops early and raises ``SpreadsheetError`` (its text is the message for the
    user; views answer it with 400) when the file is damaged or passes a ``Limits``:

    * the upload's size (``upload_bytes``);
    * rows read, blank ones included (``rows``: the caller's expected row count plus a
      margin, e.g. the release's capabilities + 100);
    * cells in any one row (``cells``);
    * for an XLSX (a zip): the number of members, each member's uncompressed size as
      declared in the zip *and* as actually inflated while streaming
      (``member_bytes``), their total (``total_bytes``), and the XML elements of every
      part that is parsed whole when the workbook opens (``elements``).

    An XLSX is checked before openpyxl sees it: the declared sizes first (a zip bomb is
    refused without inflating a byte), then one streaming pass of expat over every XML
    part (openpyxl parses each worksheet whole when it opens a workbook, to find its
    size), which refuses any DTD (entity expansion, external entities) and stops at
    the first row, cell or element past the limits. Only then does openpyxl read the
    sheet, in read-only streaming mode, with defusedxml underneath. The work done is
    bounded by the limits, not by the file. ``read_sheets`` reads several named sheets
    of one workbook (each sheet within the same limits) after the same checks.

Writing — ``csv_bytes(rows)``, ``csv_attachment(rows, filename)``,
    ``xlsx_bytes(sheets)`` (a ``Sheet`` may offer a drop-down list of allowed
    values for some of its columns: ``choices``).
    One formula-escaping policy (``escape``): a text cell that starts with ``=``,
    ``+``, ``-``, ``@``, a tab, a carriage return, a line feed or an apostrophe gets a
    leading apostrophe, so Excel and LibreOffice show it as text instead of running it
    (OWASP's advice). XLSX cells are also stored as text cells. Reading removes that
    one apostrophe (``unescape``), so an import reads back exactly what an export wrote.

Errors of an import — ``Problems``
    Collects per-row problems, keeps the first ``Problems.SHOWN`` (50) and counts the
    rest, so an error page stays small whatever the file.

openpyxl is imported by the functions that read or write a workbook, not with this
module: the CSV files every page's tables offer do not load it into every web
process (docs/performance.md, finding 30).
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import PurePath
from xml.parsers import expat

import filetype
from django.http import HttpResponse

MIB = 1024 * 1024
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
TEXT_MARK = "'"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
_CHUNK = 64 * 1024


class SpreadsheetError(ValueError):
    """A file the portal cannot or will not read; ``str()`` is the user's message."""


# --- one escaping policy -------------------------------------------------------------


def escape(value):
    """Text that a spreadsheet would run as a formula, marked as text."""
    if isinstance(value, str) and value.startswith((*FORMULA_STARTS, TEXT_MARK)):
        return TEXT_MARK + value
    return value


def unescape(value):
    """The inverse of ``escape``: a leading apostrophe is a text mark, not content."""
    if isinstance(value, str) and value.startswith(TEXT_MARK):
        return value[1:]
    return value


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return escape(value)


# --- writing -------------------------------------------------------------------------


def csv_bytes(rows: Iterable[Sequence], *, bom: bool = True) -> bytes:
    """Rows (the header included) as CSV, every cell escaped; UTF-8 with a byte-order
    mark so spreadsheet programs open it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def csv_attachment(rows: Iterable[Sequence], filename: str) -> HttpResponse:
    """A download of :func:`csv_bytes` named ``filename`` (letters, digits, dots,
    dashes: the callers name it, never the user)."""
    response = HttpResponse(csv_bytes(rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@dataclass
class Sheet:
    """One worksheet to write: ``rows`` include the header row."""

    title: str
    rows: Iterable[Sequence]
    widths: Sequence[int] = ()
    freeze: str | None = "A2"
    bold_header: bool = True
    # column heading -> the values its drop-down list offers (blank allowed), on
    # every data row and ``CHOICE_SPARE_ROWS`` more for rows a user adds
    choices: Mapping[str, Sequence[str]] = field(default_factory=dict)


CHOICE_SPARE_ROWS = 500


def _add_choices(sheet, header: Sequence, choices: Mapping[str, Sequence[str]]) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    for heading, allowed in choices.items():
        letter = get_column_letter(list(header).index(heading) + 1)
        values = ", ".join(allowed)
        validation = DataValidation(
            type="list",
            formula1='"' + ",".join(allowed) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=heading,
            error=f"Choose one of {values}, or leave it blank.",
        )
        sheet.add_data_validation(validation)
        last = max(sheet.max_row, 2) + CHOICE_SPARE_ROWS
        validation.add(f"{letter}2:{letter}{last}")


def _xlsx_text(value):
    """``escape``, and the control characters XML cannot hold (a stray U+0001 in a
    title, say) shown as U+FFFD instead of failing the whole file."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = escape(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return value


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A workbook of the given sheets, every text cell escaped and stored as text;
    dates are real dates shown as YYYY-MM-DD."""
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for spec in sheets:
        sheet = workbook.create_sheet(spec.title[:31])
        header: Sequence = ()
        for number, row in enumerate(spec.rows, start=1):
            if number == 1:
                header = row
            sheet.append([None if value == "" else _xlsx_text(value) for value in row])
            for cell in sheet[number]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text
                elif isinstance(cell.value, datetime.date):
                    cell.number_format = "yyyy-mm-dd"
                if number == 1 and spec.bold_header:
                    cell.font = Font(bold=True)
        if spec.freeze:
            sheet.freeze_panes = spec.freeze
        for index, width in enumerate(spec.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        _add_choices(sheet, header, spec.choices)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- reading -------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """How much of an uploaded spreadsheet the portal reads before refusing it."""

    rows: int  # data rows after the header, blank ones included
    cells: int = 64  # cells in any one row, empty styled ones included
    cell_chars: int = 131_072  # characters in any one CSV cell
    upload_bytes: int = 5 * MIB
    members: int = 200  # files inside an XLSX
    member_bytes: int = 16 * MIB  # each member, uncompressed
    total_bytes: int = 48 * MIB  # all members, uncompressed
    elements: int = 100_000  # XML elements of each part openpyxl parses whole


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)

    def records(self) -> list[tuple[int, dict]]:
        """``(row number, {column: value})`` of every data row."""
        return [
            (number, dict(zip(self.header, values, strict=False)))
            for number, values in self.rows
        ]


def read_table(
    name: str, data: bytes, limits: Limits, *, sheet: str | None = None
) -> Table:
    """The first sheet (or ``sheet`` when the workbook has it) of an uploaded ``.csv``
    or ``.xlsx`` as a ``Table``; raises ``SpreadsheetError``."""
    if len(data) > limits.upload_bytes:
        raise SpreadsheetError(f"“{name}” is larger than {_size(limits.upload_bytes)}.")
    suffix = PurePath(name).suffix.lower()
    if suffix == ".xlsx":
        rows = _xlsx_rows(name, data, limits, sheet)
    elif suffix == ".csv":
        rows = _csv_rows(name, data, limits)
    else:
        raise SpreadsheetError("Upload it as a .csv or .xlsx file.")
    return _table(rows, limits)


def read_sheets(
    name: str, data: bytes, limits: Limits, titles: Sequence[str]
) -> dict[str, Table]:
    """The sheets named ``titles`` of an uploaded ``.xlsx``, each a ``Table`` read
    within ``limits`` (an empty sheet gives a table without header or rows; a sheet
    the workbook lacks is left out); raises ``SpreadsheetError``."""
    if len(data) > limits.upload_bytes:
        raise SpreadsheetError(f"“{name}” is larger than {_size(limits.upload_bytes)}.")
    if PurePath(name).suffix.lower() != ".xlsx":
        raise SpreadsheetError("Upload it as an .xlsx workbook.")
    tables = {}
    with _opened(name, data, limits) as workbook:
        for title in titles:
            if title in workbook.sheetnames:
                rows = _rows_of(name, workbook[title], limits)
                tables[title] = _table(rows, limits, sheet=title, empty_ok=True)
    return tables


def _size(count: int) -> str:
    return f"{count // MIB} MB" if count >= MIB else f"{count // 1024} KB"


def _table(
    rows: Iterator[list], limits: Limits, *, sheet: str = "", empty_ok: bool = False
) -> Table:
    where = f"The sheet “{sheet}”" if sheet else "The file"
    table = None
    for number, values in enumerate(rows, start=1):
        if number > limits.rows + 1:
            raise SpreadsheetError(
                f"{where} has more than {limits.rows} rows after the header; "
                "nothing was read."
            )
        if len(values) > limits.cells and any(
            value not in (None, "") for value in values[limits.cells :]
        ):
            raise SpreadsheetError(
                f"{where + ': r' if sheet else 'R'}ow {number} has more than "
                f"{limits.cells} cells; nothing was read."
            )
        values = [_value(value) for value in values[: limits.cells]]
        while values and values[-1] in (None, ""):
            values.pop()  # openpyxl pads rows to the widest one read
        if table is None:
            table = Table([str(value or "").lower() for value in values])
        elif any(value not in (None, "") for value in values):
            table.rows.append((number, values))
    if table is None:
        if empty_ok:
            return Table([])
        raise SpreadsheetError("The file is empty.")
    return table


def _value(value):
    if isinstance(value, str):
        return unescape(value.strip()).strip()
    return value


def _csv_rows(name: str, data: bytes, limits: Limits) -> Iterator[list]:
    guessed = filetype.guess(data[:8192])
    if guessed is not None:
        raise SpreadsheetError(
            f"“{name}” is named .csv but is a {guessed.extension} file."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SpreadsheetError(
            f"“{name}” is not UTF-8 text; save it as CSV UTF-8."
        ) from error
    reader = csv.reader(io.StringIO(text))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise SpreadsheetError(
                f"The CSV file could not be read: {error}."
            ) from error
        # Checked here, not left to csv.field_size_limit: that limit is global to the
        # process, and another reader (the standards import) may raise it.
        if any(len(cell) > limits.cell_chars for cell in row):
            raise SpreadsheetError(
                "The CSV file could not be read: a cell is longer than "
                f"{limits.cell_chars:,} characters."
            )
        yield row


def _budget(member: str, name: str, limits: Limits) -> Callable[[str], None] | None:
    """How a member is checked before openpyxl opens the workbook: worksheets (each
    of which openpyxl parses to find its size) by rows and cells, any other XML part
    by elements; media are never parsed."""
    lower = member.lower()
    if lower.startswith("xl/worksheets/") and lower.endswith(".xml"):
        return _row_budget(limits)
    if lower.endswith((".xml", ".rels", ".vml")):
        return _element_budget(name, limits)
    return None


def check_xlsx(name: str, data: bytes, limits: Limits) -> None:
    """Refuse an XLSX before openpyxl sees it: its zip directory (members, declared
    sizes), then one streaming pass over every part openpyxl parses, by ``limits``.
    Raises ``SpreadsheetError``. (Also used by the standards importer, which then
    reads several sheets of the workbook itself.)"""
    damaged = _damaged(name)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise SpreadsheetError(damaged) from error
    members = archive.infolist()
    if len(members) > limits.members:
        raise SpreadsheetError(f"“{name}” holds more than {limits.members} files.")
    for member in members:
        if member.file_size > limits.member_bytes:
            raise SpreadsheetError(
                f"“{name}” unpacks to more than {_size(limits.member_bytes)} "
                f"({member.filename}); nothing was read."
            )
    if sum(member.file_size for member in members) > limits.total_bytes:
        raise SpreadsheetError(
            f"“{name}” unpacks to more than {_size(limits.total_bytes)}; "
            "nothing was read."
        )
    try:
        for member in members:
            if budget := _budget(member.filename, name, limits):
                _scan(archive, member, limits, budget)
    except SpreadsheetError:
        raise
    except Exception as error:  # zipfile raises many kinds
        raise SpreadsheetError(damaged) from error


def _damaged(name: str) -> str:
    return (
        f"“{name}” is not a readable .xlsx file: it is not an Excel workbook "
        "or it is damaged."
    )


@contextmanager
def _opened(name: str, data: bytes, limits: Limits) -> Iterator:
    """The workbook, read-only, once ``check_xlsx`` passed; closed afterwards."""
    import openpyxl

    check_xlsx(name, data, limits)
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True
        )
    except Exception as error:  # openpyxl and zipfile raise many kinds
        raise SpreadsheetError(_damaged(name)) from error
    try:
        yield workbook
    finally:
        workbook.close()


def _rows_of(name: str, worksheet, limits: Limits) -> Iterator[list]:
    try:
        rows = worksheet.iter_rows(
            max_row=limits.rows + 2, max_col=limits.cells + 1, values_only=True
        )
        yield from (list(row) for row in rows)
    except SpreadsheetError:
        raise
    except Exception as error:
        raise SpreadsheetError(_damaged(name)) from error


def _xlsx_rows(
    name: str, data: bytes, limits: Limits, sheet: str | None
) -> Iterator[list]:
    with _opened(name, data, limits) as workbook:
        worksheet = (
            workbook[sheet]
            if sheet and sheet in workbook.sheetnames
            else workbook.worksheets[0]
        )
        yield from _rows_of(name, worksheet, limits)


def _element_budget(name: str, limits: Limits) -> Callable[[str], None]:
    count = 0

    def start(tag: str) -> None:
        nonlocal count
        count += 1
        if count > limits.elements:
            raise SpreadsheetError(
                f"“{name}” is more complex than a spreadsheet the portal reads; "
                "nothing was read."
            )

    return start


def _row_budget(limits: Limits) -> Callable[[str], None]:
    rows = 0
    cells = 0

    def start(tag: str) -> None:
        nonlocal rows, cells
        if tag == "row":
            rows += 1
            cells = 0
            if rows > limits.rows + 1:
                raise SpreadsheetError(
                    f"The file has more than {limits.rows} rows after the header; "
                    "nothing was read."
                )
        elif tag == "c":
            cells += 1
            if cells > limits.cells:
                raise SpreadsheetError(
                    f"Row {rows} has more than {limits.cells} cells; nothing was read."
                )

    return start


def _scan(
    archive: zipfile.ZipFile,
    member: zipfile.ZipInfo,
    limits: Limits,
    on_element: Callable[[str], None],
) -> None:
    """One streaming pass of expat over a member: refuses a DTD, counts what
    ``on_element`` counts, and checks the bytes actually inflated."""
    parser = expat.ParserCreate()

    def refuse_dtd(*args) -> None:
        raise SpreadsheetError(
            "The workbook declares a DTD or entities; nothing was read."
        )

    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.StartElementHandler = lambda tag, attrs: on_element(tag.rpartition(":")[2])
    inflated = 0
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                inflated += len(chunk)
                if inflated > min(member.file_size, limits.member_bytes):
                    raise SpreadsheetError(
                        f"{member.filename} unpacks to more than it declares."
                    )
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except (expat.ExpatError, zipfile.BadZipFile, OSError, EOFError) as error:
        raise SpreadsheetError(
            f"The workbook is damaged ({member.filename}); nothing was read."
        ) from error


# --- the errors of an import ---------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    row: int  # as a spreadsheet numbers it: the header is row 1
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}: {self.message}"


class Problems:
    """Per-row problems of an import: the first ``SHOWN`` kept, the rest counted."""

    SHOWN = 50

    def __init__(self) -> None:
        self.shown: list[Problem] = []
        self.total = 0

    def add(self, row: int, message: str) -> None:
        self.total += 1
        if len(self.shown) < self.SHOWN:
            self.shown.append(Problem(row, message))

    @property
    def more(self) -> int:
        """How many problems are not in ``shown``."""
        return self.total - len(self.shown)

    def __bool__(self) -> bool:
        return self.total > 0

    def __len__(self) -> int:
        return self.total

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.shown)

    def summary(self) -> str:
        text = "; ".join(str(problem) for problem in self.shown)
        if self.more:
            text += f"; and {self.more} more problem(s) not listed"
        return text
