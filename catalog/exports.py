"""Comparison exports: CSV and XLSX with stable IDs and formula-safe cells.

Columns: ``row`` (attribute or capability), ``id`` (attribute key or capability code),
``function``, ``label``, then one column per offering headed by its slug. Cells are
escaped by the one policy of ``marketplace.spreadsheets``.
"""

from catalog.selectors import Comparison
from marketplace.spreadsheets import Sheet, csv_bytes, xlsx_bytes


def comparison_rows(comparison: Comparison) -> list[list]:
    header = ["row", "id", "function", "label"] + [o.slug for o in comparison.offerings]
    names = ["offering", "name", "", "Offering name"] + [
        o.name for o in comparison.offerings
    ]
    rows = [header, names]
    for row in comparison.rows:
        rows.append([row.kind, row.key, row.group, row.label, *row.values])
    return rows


def comparison_csv(comparison: Comparison) -> bytes:
    return csv_bytes(comparison_rows(comparison), bom=False)


def comparison_xlsx(comparison: Comparison) -> bytes:
    return xlsx_bytes(
        [
            Sheet(
                "Comparison",
                comparison_rows(comparison),
                widths=(12, 18, 30, 60),
                freeze="E2",
                bold_header=False,
            )
        ]
    )
