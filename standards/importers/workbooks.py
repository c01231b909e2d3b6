"""Treasury's six FY2025 workbooks in their official layout.

Each workbook is opened once. Besides its list sheet, every workbook's *Change Log*
is read, the *Auth and Other References* index (the same in four workbooks) is read
from the capabilities workbook, and the exchanges and reports workbooks give their
free-form tabs (specifications, report layouts) as tables.
"""

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

from standards.importers.base import (
    ReleaseData,
    StandardsFileError,
    header_key,
    is_formula,
    text,
)
from standards.importers.builder import Builder, check_unique
from standards.importers.sheets import Row, Sheet, WorkbookReader, read_table

FUNCTIONS_SHEET = Sheet(
    "functions_and_activities*.xlsx",
    "Function-Activity List",
    {
        "function_code": "Function ID",
        "function_name": "Function Name",
        "activity_code": "Activity ID",
        "activity_name": "Activity Name",
        "description": "Activity Description",
        "references": "Authoritative and Other References",
    },
)
CAPABILITIES_SHEET = Sheet(
    "business_capabilities*.xlsx",
    "Business Capability List",
    {
        "function": "Function ID and Name",
        "activity": "Activity ID and Name",
        "code": "Capability ID",
        "kind": "I-Input",
        "statement": "Business Capability Statement",
        "authoritative_references": "Authoritative Reference",
        "other_references": "Other Reference",
        "goal_group_id": "FFMSR Goal Group ID",
        "goal_group_name": "FFMSR Goal Group Name",
        "ffmsr_id": "FFMSR ID",
    },
)
MEASURES_SHEET = Sheet(
    "service_measures*.xlsx",
    "FFM Service Measures",
    {
        "function": "Function",
        "activity": "Activity",
        "code": "Service Measure ID",
        "name": "Service Measure Name",
        "description": "Service Measure Description",
        "target": "Service Measure Target",
        "category": "Service Measure Category",
        "level_type": "Service Level Type",
        "measure_type": "Service Measure Type",
        "frequency": "Service Measurement Frequency",
        "formula": "Service Measurement Formula",
    },
    optional={
        "functional_area": "Functional Area",
        "rationale": "Service Measure Rationale",
        "performing_organization": "Performing Organization",
        "reporting_organization": "Reporting Organization",
        "accountable_organization": "Accountable Organization",
        "method": "Service Measurement Method",
        "reporting_level": "Service Measurement Reporting Level",
        "source": "Service Measurement Source",
        "source_detail": "Service Measurement Source Detail",
    },
)
DATA_ELEMENTS_SHEET = Sheet(
    "business_data_elements*.xlsx",
    "Business Data Element List",
    {
        "label": "Data Element Label",
        "definition": "Definition",
        "activity_references": "Activity Reference",
        "capability_references": "Business Capability Reference",
        "data_group": "Data Group Name",
        "data_type": "Data Type",
        "element_format": "Element Format",
        "min_length": "Min Length",
        "max_length": "Max Length",
        "domain_values": "Domain Values",
    },
    optional={
        "functional_area": "Functional Area",
        "steward": "Functional Area Steward",
        "references": "Authoritative and Other Reference",
        "exchanges": "Business Information Exchange",
        "reports": "Core FS Pre-Built Business Report",
        "example_value": "Example Value",
        "master_reference_data": "Core FS Pre-Loaded Master Reference Data",
        "validations": "Validations",
        "related_elements": "Related Data Element Reference",
    },
)
EXCHANGES_SHEET = Sheet(
    "business_information_exchanges*.xlsx",
    "Core FS Pre-Built BIE List",
    {
        "system": "System Exchanging Information",
        "area": "Centralized Service / Functional Area",
        "description": "System Description",
        "url": "System Information URL",
        "manager": "System Manager",
        "requirement": "BIE Required",
        "information": "Core FS Incoming/Outgoing Information",
        "specification": "BIE Specification",
        "functions": "FFM Function",
        "activities": "FFM Activity",
        "use_cases": "FFM Business Use Case",
    },
    required=False,
)
REPORTS_SHEET = Sheet(
    "pre_built_business_reports*.xlsx",
    "Core FS Pre-Built Reports List",
    {
        "name": "Report Name",
        "function": "FFM Function",
        "activity": "FFM Activity",
        "description": "Report Description",
        "specification": "Report Specification",
        "use_cases": "FFM Business Use Case",
    },
    required=False,
)
REFERENCES_SHEET = Sheet(
    "business_capabilities*.xlsx",
    "Auth and Other References",
    {
        "code": "Reference ID",
        "name": "Reference Name",
        "reference_type": "Reference Type",
    },
)
WORKBOOK_SHEETS = (
    FUNCTIONS_SHEET,
    CAPABILITIES_SHEET,
    MEASURES_SHEET,
    DATA_ELEMENTS_SHEET,
    EXCHANGES_SHEET,
    REPORTS_SHEET,
)
CHANGE_LOG = "Change Log"
SYSTEM_FIELDS = ("area", "description", "url", "manager")
EXCHANGE_FIELDS = (
    "information",
    "requirement",
    "specification",
    "functions",
    "activities",
    "use_cases",
)
# Tabs of the exchanges workbook that are not specifications.
NOT_SPECIFICATIONS = {
    "cover",
    "change log",
    "overview",
    "bie principles and assumptions",
    EXCHANGES_SHEET.sheet.casefold(),
}
SPECIFICATION_MARKERS = ("fibf ffm: data element label", "field name")
REPORT_TAB = re.compile(r"^Workbook tab:\s*(.+)$", re.IGNORECASE)


def workbook_label(spec: Sheet) -> str:
    """``business_capabilities*.xlsx`` -> ``business_capabilities``: the same in
    every year, so change logs of two releases can be compared."""
    return spec.file_glob.split("*")[0]


def read_workbooks(
    sources: Mapping[Sheet, tuple[str, BinaryIO | Path]],
) -> ReleaseData:
    """Build a release from the official workbooks: ``sources`` maps each sheet spec
    to ``(file name, path or open binary file)``; the exchanges and reports
    workbooks may be absent."""
    data = ReleaseData()
    builder = Builder(data)
    adders = {
        FUNCTIONS_SHEET: builder.add_function_activity,
        CAPABILITIES_SHEET: builder.add_capability,
        MEASURES_SHEET: builder.add_measure,
        DATA_ELEMENTS_SHEET: builder.add_data_element,
    }
    for spec in WORKBOOK_SHEETS:
        if spec not in sources:
            continue
        name, source = sources[spec]
        with WorkbookReader(source, name) as book:
            if spec in adders:
                for row in book.read(spec):
                    adders[spec](row)
            if spec is CAPABILITIES_SHEET and book.has(REFERENCES_SHEET.sheet):
                for row in book.read(REFERENCES_SHEET):
                    builder.add_reference(row)
            if spec is EXCHANGES_SHEET:
                read_exchanges(book, data)
            if spec is REPORTS_SHEET:
                read_reports(book, data)
            if book.has(CHANGE_LOG):
                read_change_log(book, workbook_label(spec), data)
    builder.finish(file=sources[CAPABILITIES_SHEET][0])
    return data


def read_change_log(book: WorkbookReader, workbook: str, data: ReleaseData) -> None:
    """General changes (one text each), then the table of changed items."""
    section = ""
    columns: dict[str, int] = {}
    position = 0
    for _, values in book.rows(CHANGE_LOG):
        cells = [text(v).strip() for v in values]
        if not any(cells):
            continue
        keys = [header_key(v) for v in values]
        if keys and keys[0] == "general changes":
            section = "general"
            continue
        if any(k.startswith("item changed") for k in keys):
            section = "item"
            columns = {
                field: next((i for i, k in enumerate(keys) if k.startswith(h)), -1)
                for field, h in (
                    ("workbook_tab", "workbook tab"),
                    ("item", "item changed"),
                    ("summary", "summary of change"),
                    ("rationale", "rationale"),
                )
            }
            continue
        if not section:
            continue  # title rows
        position += 1
        entry = {
            "workbook": workbook,
            "position": position,
            "section": section,
            "workbook_tab": "",
            "item": "",
            "summary": "",
            "rationale": "",
        }
        if section == "general":
            entry["summary"] = "\n".join(text(v) for v in values if text(v).strip())
        else:
            for field, index in columns.items():
                if 0 <= index < len(values):
                    entry[field] = text(values[index])
        data.change_log.append(entry)


def read_exchanges(book: WorkbookReader, data: ReleaseData) -> None:
    """Systems with their incoming and outgoing exchanges (a system's further
    exchanges sit on the rows below it with the system cells empty), then every
    specification tab as a table."""
    system: dict | None = None
    list_rows = list(book.read(EXCHANGES_SHEET))
    fill_merged_exchange_cells(list_rows, book.merged_ranges(EXCHANGES_SHEET.sheet))
    for row in list_rows:
        values = row.values
        name = text(values.get("system"))
        if name.strip():
            system = {"name": name, **{f: text(values.get(f)) for f in SYSTEM_FIELDS}}
            data.systems.append(system)
        elif system is None:
            raise row.error("system", "an exchange row comes before any system")
        exchange = {f: text(values.get(f)) for f in EXCHANGE_FIELDS}
        if any(exchange.values()):
            data.exchanges.append({"system": system["name"], **exchange})
    for sheet in book.sheet_names():
        if sheet.strip().casefold() in NOT_SPECIFICATIONS:
            continue
        above, header_rows, rows = read_table(book.rows(sheet), SPECIFICATION_MARKERS)
        if not header_rows:
            continue
        notes = [
            text(values[0])
            for _, values in above
            if not is_formula(values[0]) and text(values[0]).strip() != sheet.strip()
        ]
        data.specifications.append(
            {
                "name": sheet.strip(),
                "notes": "\n\n".join(n for n in notes if n),
                "header_rows": header_rows,
                "rows": [cells for _, cells in rows],
            }
        )


def fill_merged_exchange_cells(
    rows: list[Row], ranges: list[tuple[int, int, int, int]]
) -> None:
    """An exchange row whose cell lies inside a merged range (below its first row)
    takes the range's value: Excel shows one cell over both exchanges. Only rows
    that have their own exchange (information) are filled, so systems whose whole
    exchange is merged with the system above keep no exchange of their own."""
    from openpyxl.utils import column_index_from_string  # not at start: 4 MB

    by_number = {row.number: row for row in rows}
    for row in rows:
        if not text(row.values.get("information")).strip():
            continue
        for field in EXCHANGE_FIELDS[1:]:
            if text(row.values.get(field)):
                continue
            column = column_index_from_string(row.letters[field])
            for min_col, min_row, max_col, max_row in ranges:
                top = by_number.get(min_row)
                if (
                    min_col <= column <= max_col
                    and min_row < row.number <= max_row
                    and top is not None
                ):
                    row.values[field] = top.values.get(field)
                    break


def read_reports(book: WorkbookReader, data: ReleaseData) -> None:
    """The reports list; a report whose specification is a tab of the workbook gets
    its selection parameters and its items (one row per report data element)."""
    reports = []
    for row in book.read(REPORTS_SHEET):
        report: dict = {f: text(row.values.get(f)) for f in REPORTS_SHEET.columns}
        report.update(selection_parameters="", header_rows=[], rows=[])
        if not report["name"].strip():
            raise row.error("name", "Report Name is empty")
        tab = REPORT_TAB.match(report["specification"].strip())
        if tab:
            if not book.has(tab.group(1)):
                raise row.error(
                    "specification", f"the tab '{tab.group(1)}' is not in the workbook"
                )
            read_report_tab(book, tab.group(1), report)
        reports.append(report)
    data.reports.extend(reports)


def read_report_tab(book: WorkbookReader, sheet: str, report: dict) -> None:
    above, header_rows, rows = read_table(
        book.rows(sheet), ("report item",), headings=False
    )
    if not header_rows:
        raise StandardsFileError(
            "no header row with column 'Report Item'", file=book.file, sheet=sheet
        )
    for _, values in above:
        if values and header_key(values[0]).startswith("report data selection"):
            report["selection_parameters"] = "\n".join(
                text(v) for v in values[1:] if text(v)
            )
    report["header_rows"] = header_rows
    report["rows"] = [cells for _, cells in rows]


def find_workbook(folder: Path, spec: Sheet) -> Path | None:
    found = sorted(folder.glob(spec.file_glob))
    if not found:
        if not spec.required:
            return None
        raise StandardsFileError(
            f"no workbook matching '{spec.file_glob}' "
            f"(needed for sheet '{spec.sheet}')",
            file=str(folder),
        )
    return found[0]


def file_checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_workbook_folder(folder: Path) -> ReleaseData:
    found = {spec: find_workbook(folder, spec) for spec in WORKBOOK_SHEETS}
    paths = {spec: path for spec, path in found.items() if path is not None}
    data = read_workbooks({spec: (path.name, path) for spec, path in paths.items()})
    for spec in WORKBOOK_SHEETS:
        if spec not in paths:
            data.warnings.append(
                f"{folder}: no workbook matching '{spec.file_glob}'; the release has "
                f"no {spec.sheet} content"
            )
    data.checksums = {path.name: file_checksum(path) for path in paths.values()}
    check_unique(data, str(folder))
    return data
