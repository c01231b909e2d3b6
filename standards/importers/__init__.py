"""Read a standards release from Treasury's workbooks or the portal's own exports.

* ``base`` — the error, :class:`ReleaseData` (every kind and field), the text rules;
* ``sheets`` — bounded reading of a workbook's sheets;
* ``builder`` — the checks of functions, activities, capabilities, measures, data
  elements and references;
* ``workbooks`` — Treasury's six workbooks in their official layout;
* ``portable`` — the portal's JSON and CSV (zip) exports.
"""

from pathlib import Path

from standards.importers.base import (
    CITING_FIELDS,
    FIELDS,
    JSON_FORMAT,
    KEYS,
    KIND_LABELS,
    TABLE_FIELDS,
    ReleaseData,
    StandardsFileError,
    cited_references,
    text,
)
from standards.importers.portable import (
    CSV_COLUMNS,
    RELEASE_MEMBER,
    csv_escape,
    read_csv,
    read_json,
    read_zip,
)
from standards.importers.sheets import Sheet
from standards.importers.workbooks import (
    CAPABILITIES_SHEET,
    DATA_ELEMENTS_SHEET,
    EXCHANGES_SHEET,
    FUNCTIONS_SHEET,
    MEASURES_SHEET,
    REPORTS_SHEET,
    WORKBOOK_SHEETS,
    file_checksum,
    read_workbook_folder,
    read_workbooks,
)

__all__ = [
    "CAPABILITIES_SHEET",
    "CITING_FIELDS",
    "CSV_COLUMNS",
    "DATA_ELEMENTS_SHEET",
    "EXCHANGES_SHEET",
    "FIELDS",
    "FUNCTIONS_SHEET",
    "JSON_FORMAT",
    "KEYS",
    "KIND_LABELS",
    "MEASURES_SHEET",
    "RELEASE_MEMBER",
    "REPORTS_SHEET",
    "TABLE_FIELDS",
    "WORKBOOK_SHEETS",
    "ReleaseData",
    "Sheet",
    "StandardsFileError",
    "cited_references",
    "csv_escape",
    "read_csv",
    "read_json",
    "read_path",
    "read_workbooks",
    "read_zip",
    "text",
]


def read_path(path: Path) -> ReleaseData:
    """A folder of official workbooks, or a ``.json``, ``.zip`` or ``.csv`` export."""
    if path.is_dir():
        return read_workbook_folder(path)
    if not path.exists():
        raise StandardsFileError("no such file or folder", file=str(path))
    suffix = path.suffix.lower()
    if suffix == ".zip":
        with path.open("rb") as handle:
            data = read_zip(handle, path.name)
        data.checksums = {path.name: file_checksum(path)}
        return data
    try:
        content = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StandardsFileError("not UTF-8 text", file=path.name) from exc
    if suffix == ".json":
        data = read_json(content, path.name)
    elif suffix == ".csv":
        data = read_csv(content, path.name)
    else:
        raise StandardsFileError(
            "expected a folder of .xlsx workbooks, a .json, .zip or .csv file",
            file=path.name,
        )
    data.checksums = {path.name: file_checksum(path)}
    return data
