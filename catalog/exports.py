"""Comparison exports: CSV and XLSX with stable IDs and formula-safe cells.

Columns: ``row`` (attribute or capability), ``id`` (attribute key or capability code),
``function``, ``label``, then one column per offering headed by its slug. A cell that a
spreadsheet would run as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return) gets a leading apostrophe, as OWASP advises.
"""

import csv
import io

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from catalog.selectors import Comparison

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def comparison_rows(comparison: Comparison) -> list[list[str]]:
    header = ["row", "id", "function", "label"] + [o.slug for o in comparison.offerings]
    names = ["offering", "name", "", "Offering name"] + [
        o.name for o in comparison.offerings
    ]
    rows = [header, names]
    for row in comparison.rows:
        rows.append([row.kind, row.key, row.group, row.label, *row.values])
    return [[spreadsheet_safe(cell) for cell in row] for row in rows]


def comparison_csv(comparison: Comparison) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(comparison_rows(comparison))
    return buffer.getvalue()


def comparison_xlsx(comparison: Comparison) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Comparison"
    for row in comparison_rows(comparison):
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            # openpyxl stores any text starting with "=" as a formula; keep text text.
            if cell.value is not None:
                cell.data_type = "s"
    sheet.freeze_panes = "E2"
    for index, width in enumerate([12, 18, 30, 60], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
