"""Small workbooks in Treasury's official layout, built with openpyxl for the tests.

Each has the real quirks: a title row and a ``=Cover!A4`` formula above the header,
non-breaking spaces, trailing spaces and line breaks inside header cells.
"""

import os
from pathlib import Path

from openpyxl import Workbook


def _shared_fy2025() -> Path:
    """Treasury's FY2025 workbooks live in ``../shared`` beside the checkout; a clone
    elsewhere (a temporary folder, CI) finds them through ``FM_SHARED_DIR`` or the
    workplace's fixed location."""
    candidates = [
        os.environ.get("FM_SHARED_DIR", ""),
        Path(__file__).resolve().parents[3] / "shared",
        "/work/shared",
    ]
    for candidate in candidates:
        folder = Path(candidate) / "standards" / "fy2025" if candidate else None
        if folder and folder.is_dir():
            return folder
    raise FileNotFoundError(
        "Treasury's FY2025 workbooks were not found: set FM_SHARED_DIR to the folder "
        "that holds standards/fy2025/"
    )


SHARED_FY2025 = _shared_fy2025()

FUNCTION_HEADERS = [
    "Function ID",
    "Function Name",
    "Activity ID",
    "Activity Name",
    "Activity Description",
    "Authoritative and Other References",
]
CAPABILITY_HEADERS = [
    "Function ID and Name",
    "Activity ID and Name",
    "Capability ID",
    "I-Input\nP-Process\nO-Output",
    "Business Capability Statement\n [Federal Financial Management System "
    "Requirement (FFMSR)]",
    "Authoritative Reference",
    "Other Reference",
    "FFMSR Goal Group ID",
    "FFMSR Goal Group Name",
    "FFMSR ID",
]
MEASURE_HEADERS = [
    "Functional Area",
    "Function",
    "Activity",
    "Service Measure ID",
    "Service Measure Name",
    "Service Measure Description",
    "Service Measure Target",
    "Service Measure Rationale",
    "Service Measure Category ",
    "Service Level Type ",
    "Service Measure Type",
    "Service Measurement Frequency",
    "Service Measurement Formula",
]
ELEMENT_HEADERS = [
    "Functional Area",
    "Functional Area Steward",
    "Data Element Label",
    "Definition",
    "Activity Reference",
    "Business Capability Reference",
    "Authoritative and Other Reference(s)",
    "Data Group Name",
    "Data Type",
    "Element Format",
    "Min Length",
    "Max Length",
    "Domain Values",
]


def function_rows() -> list[list]:
    return [
        ["FFM.010", "Budget Execution", "FFM.010.010", "Budget Setup\xa0", "", ""],
        ["FFM.010", "Budget Execution ", "FFM.010.020", "Fund Control", "", ""],
        ["FFM.020", "Asset\nManagement", "FFM.020.010", "Asset Processing", "", ""],
        ["FFM.050 ", "[Retired]", None, None, None, None],
    ]


def capability_rows() -> list[list]:
    return [
        [
            "FFM.010 Budget Execution",
            "FFM.010.010 Budget Setup",
            "FFM.010.010.011",
            "I",
            "Record the budget attributes.\xa0 ",
            "(1) A law",
            None,
            "2.1.1",
            "Recording Budget Authority",
            "2.1.1.1",
        ],
        [
            "FFM.010 Budget Execution",
            "FFM.010.020 Fund Control",
            "FFM.010.020.011",
            "P",
            "Stop overspending.",
            None,
            None,
            "2.1.2",
            "Controlling funds",
            "2.1.2.1",
        ],
        [
            "FFM.020 Asset Management",
            "FFM.020.010 Asset Processing",
            "FFM.020.010.011 ",
            "o",
            "Post asset entries.",
            None,
            "(2) Guidance",
            None,
            None,
            None,
        ],
    ]


def measure_rows() -> list[list]:
    return [
        [
            "FFM Financial Management",
            "FFM.000 All Functions",
            "FFM.000.000 All Activities",
            "FFM.000.000.0011",
            "Customer satisfaction",
            "Share of customers rating 4 or 5",
            ">=85%",
            None,
            "QSMO Monitoring",
            "Performance Level",
            "Quality",
            "Annually",
            None,
        ],
        [
            "FFM Financial Management",
            "FFM.010 Budget Execution",
            "FFM.010.010 Budget Setup",
            "FFM.010.010.0011",
            "Budget setup timeliness",
            "Share loaded in two days",
            ">=95%",
            None,
            "Customer Facing",
            "Performance Level",
            "Timeliness",
            "Monthly",
            None,
        ],
    ]


def element_rows() -> list[list]:
    return [
        [
            "FFM",
            "FFM",
            "AccountEffectiveDate",
            "The first usable date.",
            "",
            "",
            "",
            "",
            "Date",
            "YYYYMMDD",
            "8",
            "8",
            "",
        ],
        [
            "FFM",
            "FFM",
            "ObligationAmount",
            "The amount obligated.",
            "",
            "",
            "",
            "",
            "Decimal",
            "",
            "",
            "",
            "",
        ],
    ]


FILES = {
    "functions": ("functions_and_activities_2025.xlsx", "Function-Activity List"),
    "capabilities": ("business_capabilities_2025.xlsx", "Business Capability List"),
    "measures": ("service_measures_2025.xlsx", "FFM Service Measures"),
    "elements": ("business_data_elements_2025.xlsx", "Business Data Element List"),
}


def _write(path: Path, sheet: str, headers: list, rows: list[list]) -> None:
    workbook = Workbook()
    cover = workbook.active
    cover.title = "Cover"
    cover["A4"] = "Release FY2025\xa0"
    listing = workbook.create_sheet(sheet)
    listing.append([None])
    listing.append([sheet])
    listing.append(["=Cover!A4"])
    listing.append([None])
    listing.append(headers)
    for row in rows:
        listing.append(row)
    workbook.save(path)


def write_workbooks(
    folder: Path,
    *,
    functions: list[list] | None = None,
    capabilities: list[list] | None = None,
    measures: list[list] | None = None,
    elements: list[list] | None = None,
    headers: dict[str, list] | None = None,
    sheets: dict[str, str] | None = None,
) -> Path:
    """Write the four workbooks into ``folder``; pass rows/headers/sheets to break
    them."""
    folder.mkdir(parents=True, exist_ok=True)
    headers = headers or {}
    sheets = sheets or {}
    content = {
        "functions": (
            FUNCTION_HEADERS,
            function_rows() if functions is None else functions,
        ),
        "capabilities": (
            CAPABILITY_HEADERS,
            capability_rows() if capabilities is None else capabilities,
        ),
        "measures": (MEASURE_HEADERS, measure_rows() if measures is None else measures),
        "elements": (ELEMENT_HEADERS, element_rows() if elements is None else elements),
    }
    for key, (file_name, sheet) in FILES.items():
        default_headers, rows = content[key]
        _write(
            folder / file_name,
            sheets.get(key, sheet),
            headers.get(key, default_headers),
            rows,
        )
    return folder


def reworded_release(name: str):
    """Treasury's FY2025 content under another name, with FFM.010.010.011 reworded
    and FFM.010.020.021 removed: a later release to diff against FY2025."""
    from standards.importers import read_path
    from standards.services import release_import

    data = read_path(SHARED_FY2025)
    data.capabilities = [c for c in data.capabilities if c["code"] != "FFM.010.020.021"]
    for capability in data.capabilities:
        if capability["code"] == "FFM.010.010.011":
            capability["statement"] += " (reworded)"
    release, _ = release_import(name=name, data=data)
    return release
