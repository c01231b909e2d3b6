"""Reading Treasury's workbooks, bounded: a workbook is checked by the portal's one
bounded opener (``marketplace.spreadsheets.check_xlsx``: zip directory, DTDs, rows and
cells of every sheet) and opened once, in openpyxl's read-only streaming mode; every
sheet read also stops at the row and cell limits. An upload that passes a limit is
refused with a :class:`StandardsFileError` before it costs more than a moment."""

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from marketplace.spreadsheets import Limits, SpreadsheetError, check_xlsx
from standards.importers.base import (
    StandardsFileError,
    header_key,
    one_line,
    text,
)

HEADER_SEARCH_ROWS = 20
# Treasury's largest FY2025 workbook inflates to about 3 MB, its longest sheet has
# 745 rows and its widest 455 (mostly empty) columns: the limits leave ample room.
MAX_MEMBER_BYTES = 50 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_MEMBERS = 500
MAX_ROWS = 20_000
MAX_CELLS_PER_ROW = 2_000
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_ELEMENTS = 2_000_000  # XML elements of each non-sheet part (shared strings, …)


@dataclass(frozen=True, eq=False)
class Sheet:
    """Where a component lives in the official layout and which columns it has:
    ``columns`` are required, ``optional`` are read when the header row has them."""

    file_glob: str
    sheet: str
    columns: dict[str, str]  # our field -> header text the header cell starts with
    optional: dict[str, str] | None = None
    required: bool = True


@dataclass
class Row:
    file: str
    sheet: str | None
    number: int
    values: dict[str, object]
    letters: dict[str, str]
    headers: dict[str, str]

    def error(self, field_name: str, message: str) -> StandardsFileError:
        letter, header = self.letters[field_name], self.headers[field_name]
        column = header if letter == header else f"{letter} ({header})"
        return StandardsFileError(
            message, file=self.file, sheet=self.sheet, row=self.number, column=column
        )


def check_workbook(source: BinaryIO | Path, file_name: str) -> bytes:
    """The workbook's bytes, checked by the portal's one bounded opener
    (``marketplace.spreadsheets.check_xlsx``: zip directory, then one streaming pass
    over every part openpyxl parses) with the standards' limits."""
    if isinstance(source, Path):
        data = source.read_bytes()
    else:
        data = source.read()
        source.seek(0)
    limits = Limits(
        rows=MAX_ROWS,
        cells=MAX_CELLS_PER_ROW,
        upload_bytes=MAX_UPLOAD_BYTES,
        members=MAX_MEMBERS,
        member_bytes=MAX_MEMBER_BYTES,
        total_bytes=MAX_TOTAL_BYTES,
        elements=MAX_ELEMENTS,
    )
    if len(data) > limits.upload_bytes:
        raise StandardsFileError(
            f"larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB", file=file_name
        )
    try:
        check_xlsx(file_name, data, limits)
    except SpreadsheetError as error:
        # Our errors name the file first; the shared message names it too.
        message = str(error).replace(f"“{file_name}” ", "", 1)
        if message.startswith("is not a readable"):
            reason = message.partition(": ")[2].rstrip(".")
            message = f"not a readable .xlsx workbook ({reason})"
        raise StandardsFileError(message, file=file_name) from error
    return data


class WorkbookReader:
    """One workbook, opened once; ``rows(sheet)`` streams a sheet's rows."""

    def __init__(self, source: BinaryIO | Path, file_name: str):
        self.file = file_name
        data = check_workbook(source, file_name)
        try:
            from openpyxl import load_workbook

            self.book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a non-xlsx file
            raise StandardsFileError(
                f"not a readable .xlsx workbook ({exc.__class__.__name__})",
                file=file_name,
            ) from exc
        self.names = {name.strip().casefold(): name for name in self.book.sheetnames}

    def close(self) -> None:
        self.book.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def has(self, sheet: str) -> bool:
        return sheet.strip().casefold() in self.names

    def sheet_names(self) -> list[str]:
        return list(self.book.sheetnames)

    def rows(self, sheet: str) -> Iterator[tuple[int, tuple]]:
        """``(row number, cell values)`` with trailing empty cells dropped, bounded."""
        name = self.names.get(sheet.strip().casefold())
        if name is None:
            raise StandardsFileError(
                f"sheet '{sheet}' is missing "
                f"(found: {', '.join(self.book.sheetnames)})",
                file=self.file,
            )
        for number, values in enumerate(
            self.book[name].iter_rows(values_only=True), start=1
        ):
            if number > MAX_ROWS:
                raise StandardsFileError(
                    f"more than {MAX_ROWS} rows", file=self.file, sheet=sheet
                )
            if len(values) > MAX_CELLS_PER_ROW:
                raise StandardsFileError(
                    f"more than {MAX_CELLS_PER_ROW} cells in a row",
                    file=self.file,
                    sheet=sheet,
                    row=number,
                )
            end = len(values)
            while end and (values[end - 1] is None or text(values[end - 1]) == ""):
                end -= 1
            yield number, tuple(values[:end])

    def merged_ranges(self, sheet: str) -> list[tuple[int, int, int, int]]:
        """``(min_col, min_row, max_col, max_row)`` of every merged range of a sheet.

        openpyxl's streaming reader gives a merged value on its first row only, so
        the ranges are read from the sheet's XML: one streaming pass with the parser
        openpyxl itself uses (defusedxml when installed), bounded by the zip checks."""
        from openpyxl.utils import range_boundaries
        from openpyxl.xml.functions import iterparse

        worksheet = self.book[self.names[sheet.strip().casefold()]]
        ranges = []
        with worksheet._get_source() as source:  # openpyxl 3.1 (pinned)
            for _, element in iterparse(source):
                if element.tag.endswith("}mergeCell") and element.get("ref"):
                    ranges.append(range_boundaries(element.get("ref")))
                element.clear()
        return ranges

    def read(self, spec: Sheet) -> Iterator[Row]:
        """The data rows of ``spec.sheet`` below its header row, by field name."""
        rows = self.rows(spec.sheet)
        first_header = header_key(next(iter(spec.columns.values())))
        positions: dict[str, int] | None = None
        for number, values in rows:
            keys = [header_key(value) for value in values]
            if any(key.startswith(first_header) for key in keys):
                positions = locate_columns(keys, spec, self.file, number)
                titles = {name: one_line(values[i]) for name, i in positions.items()}
                break
            if number >= HEADER_SEARCH_ROWS:
                break
        if positions is None:
            raise StandardsFileError(
                f"no header row with column '{next(iter(spec.columns.values()))}' "
                f"in the first {HEADER_SEARCH_ROWS} rows",
                file=self.file,
                sheet=spec.sheet,
            )
        from openpyxl.utils import get_column_letter

        letters = {name: get_column_letter(i + 1) for name, i in positions.items()}
        for number, values in rows:
            picked = {
                name: values[i] if i < len(values) else None
                for name, i in positions.items()
            }
            if not any(text(value) for value in picked.values()):
                continue
            yield Row(self.file, spec.sheet, number, picked, letters, titles)


def locate_columns(
    keys: list[str], spec: Sheet, file_name: str, row: int
) -> dict[str, int]:
    positions: dict[str, int] = {}
    for required, columns in ((True, spec.columns), (False, spec.optional or {})):
        for name, header in columns.items():
            wanted = header_key(header)
            # Exact match first: "Function" must not take "Function ID and Name".
            matches = [i for i, key in enumerate(keys) if key == wanted] or [
                i for i, key in enumerate(keys) if key.startswith(wanted)
            ]
            if matches:
                positions[name] = matches[0]
            elif required:
                raise StandardsFileError(
                    f"column '{header}' is missing from the header row",
                    file=file_name,
                    sheet=spec.sheet,
                    row=row,
                    column=header,
                )
    return positions


def read_table(
    rows: Iterator[tuple[int, tuple]], markers: tuple[str, ...], headings: bool = True
) -> tuple[list[tuple[int, tuple]], list[list[str]], list[tuple[int, list[str]]]]:
    """A free-form tab (an exchange specification, a report): the rows above the
    header (titles and notes), the header rows, and the data rows as cell texts.

    The header row is the first whose cells include one of ``markers``; with
    ``headings``, the rows above it with content beyond column A (group headings
    over several columns) belong to the header too."""
    above: list[tuple[int, tuple]] = []
    header: tuple | None = None
    for number, values in rows:
        keys = [header_key(v) for v in values]
        if any(key.startswith(m) for key in keys for m in markers):
            header = values
            break
        if values:
            above.append((number, values))
    if header is None:
        return above, [], []
    groups: list[tuple] = []
    if headings:
        groups = [v for _, v in above if any(text(c) for c in v[1:])]
        above = [(n, v) for n, v in above if not any(text(c) for c in v[1:])]
    data = [(number, values) for number, values in rows if values]
    width = max([len(header), *(len(g) for g in groups), *(len(v) for _, v in data)])

    def cells(values: tuple) -> list[str]:
        return [text(v) for v in values] + [""] * (width - len(values))

    return (
        above,
        [cells(g) for g in [*groups, header]],
        [(n, cells(v)) for n, v in data],
    )
