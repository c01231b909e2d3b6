"""Read a standards release from Treasury's workbooks or the project's own CSV/JSON.

Parsing and validation happen here, before anything touches the database: the result is
a :class:`ReleaseData` (plain dictionaries) or a :class:`StandardsFileError` naming the
file, sheet, row and column at fault. ``standards.services.release_import`` writes it.

Treasury's workbooks have title rows above the header, ``=Cover!A4`` formulas,
non-breaking spaces, trailing white space and line breaks inside headers; the readers
below normalise all of that.
"""

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.core.exceptions import FieldDoesNotExist
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from standards.models import (
    Activity,
    Capability,
    DataElement,
    Function,
    ServiceMeasure,
)

JSON_FORMAT = "fm-marketplace-standards/1"

# Treasury's IDs start with FFM; the bundled demonstration release (seeding/data) uses
# DEMO, so that none of its invented items can be mistaken for one of Treasury's.
ID_PREFIX = r"(?:FFM|DEMO)"
FUNCTION_CODE = re.compile(rf"^{ID_PREFIX}\.\d{{3}}$")
ACTIVITY_CODE = re.compile(rf"^{ID_PREFIX}\.\d{{3}}\.\d{{3}}$")
CAPABILITY_CODE = re.compile(rf"^{ID_PREFIX}\.\d{{3}}\.\d{{3}}\.\d{{3}}$")
MEASURE_CODE = re.compile(rf"^{ID_PREFIX}\.\d{{3}}\.\d{{3}}\.\d{{4}}$")
KINDS = {"I", "P", "O"}
ALL_ACTIVITIES = ("FFM.000.000", "DEMO.000.000")
HEADER_SEARCH_ROWS = 20

CAPABILITY_FIELDS = (
    "code",
    "kind",
    "statement",
    "authoritative_references",
    "other_references",
    "goal_group_id",
    "goal_group_name",
    "ffmsr_id",
)
MEASURE_FIELDS = (
    "code",
    "name",
    "description",
    "target",
    "category",
    "level_type",
    "measure_type",
    "frequency",
    "formula",
)
DATA_ELEMENT_FIELDS = (
    "label",
    "definition",
    "activity_references",
    "capability_references",
    "data_group",
    "data_type",
    "element_format",
    "min_length",
    "max_length",
    "domain_values",
)
CSV_COLUMNS = (
    "function_code",
    "function_name",
    "activity_code",
    "activity_name",
    *CAPABILITY_FIELDS,
)


class StandardsFileError(ValueError):
    """One problem in one place of one source file."""

    def __init__(
        self,
        message: str,
        *,
        file: str,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ):
        self.file, self.sheet, self.row, self.column = file, sheet, row, column
        self.problem = message
        where = [file]
        if sheet is not None:
            where.append(f"sheet '{sheet}'")
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column '{column}'")
        super().__init__(f"{', '.join(where)}: {message}")


@dataclass
class ReleaseData:
    """A whole release as plain data, ready to be written in one transaction."""

    functions: list[dict] = field(default_factory=list)
    activities: list[dict] = field(default_factory=list)
    capabilities: list[dict] = field(default_factory=list)
    service_measures: list[dict] = field(default_factory=list)
    data_elements: list[dict] = field(default_factory=list)
    checksums: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def canonical(self) -> dict:
        """The content alone (no checksums), in a stable order."""
        return {
            "functions": sorted(self.functions, key=lambda f: f["code"]),
            "activities": sorted(self.activities, key=lambda a: a["code"]),
            "capabilities": sorted(self.capabilities, key=lambda c: c["code"]),
            "service_measures": sorted(
                self.service_measures, key=lambda m: (m["code"], m["name"])
            ),
            "data_elements": sorted(self.data_elements, key=lambda d: d["label"]),
        }

    def digest(self) -> str:
        text = json.dumps(self.canonical(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


# --- text clean-up --------------------------------------------------------------


def clean(value) -> str:
    """Cell text without NBSPs, trailing spaces per line, or formula leftovers."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\xa0", " ").replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("="):
        return ""  # a formula without a cached value (=Cover!A4): no data
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line).strip()


def one_line(value) -> str:
    return " ".join(clean(value).split())


def code_of(value) -> str:
    return re.sub(r"\s+", "", clean(value))


def header_key(value) -> str:
    return " ".join(clean(value).split()).casefold()


def split_code_name(value) -> tuple[str, str]:
    """``'FFM.010 Budget Execution'`` -> ``('FFM.010', 'Budget Execution')``."""
    text = one_line(value)
    code, _, name = text.partition(" ")
    return code, name.strip(" -–")


def file_checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- workbooks ------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Sheet:
    """Where a component lives in the official layout and which columns it needs."""

    file_glob: str
    sheet: str
    columns: dict[str, str]  # our field -> header text the header cell starts with


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
)
WORKBOOK_SHEETS = (
    FUNCTIONS_SHEET,
    CAPABILITIES_SHEET,
    MEASURES_SHEET,
    DATA_ELEMENTS_SHEET,
)


@dataclass
class Row:
    file: str
    sheet: str
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


def read_sheet(source: BinaryIO | Path, file_name: str, spec: Sheet) -> Iterator[Row]:
    """Yield the data rows of ``spec.sheet`` below its header row, by field name."""
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not xlsx
        raise StandardsFileError(
            f"not a readable .xlsx workbook ({exc.__class__.__name__})",
            file=file_name,
        ) from exc
    try:
        names = {name.strip().casefold(): name for name in workbook.sheetnames}
        sheet_name = names.get(spec.sheet.casefold())
        if sheet_name is None:
            raise StandardsFileError(
                f"sheet '{spec.sheet}' is missing "
                f"(found: {', '.join(workbook.sheetnames)})",
                file=file_name,
            )
        sheet = workbook[sheet_name]
        rows = sheet.iter_rows(values_only=True)
        first_header = header_key(next(iter(spec.columns.values())))
        positions: dict[str, int] = {}
        header_row = 0
        for number, values in enumerate(rows, start=1):
            keys = [header_key(value) for value in values]
            if any(key.startswith(first_header) for key in keys):
                header_row = number
                positions = locate_columns(keys, spec, file_name, spec.sheet, number)
                # Errors name the column as the workbook spells it, on one line.
                titles = {name: one_line(values[i]) for name, i in positions.items()}
                break
            if number >= HEADER_SEARCH_ROWS:
                break
        if not header_row:
            raise StandardsFileError(
                f"no header row with column "
                f"'{next(iter(spec.columns.values()))}' in the first "
                f"{HEADER_SEARCH_ROWS} rows",
                file=file_name,
                sheet=spec.sheet,
            )
        letters = {name: get_column_letter(i + 1) for name, i in positions.items()}
        for number, values in enumerate(rows, start=header_row + 1):
            picked = {
                name: (values[i] if i < len(values) else None)
                for name, i in positions.items()
            }
            if not any(clean(value) for value in picked.values()):
                continue
            yield Row(file_name, spec.sheet, number, picked, letters, titles)
    finally:
        workbook.close()


def locate_columns(
    keys: list[str], spec: Sheet, file_name: str, sheet: str, row: int
) -> dict[str, int]:
    positions: dict[str, int] = {}
    for name, header in spec.columns.items():
        wanted = header_key(header)
        # Exact match first: "Function" must not take "Function ID and Name".
        matches = [i for i, key in enumerate(keys) if key == wanted] or [
            i for i, key in enumerate(keys) if key.startswith(wanted)
        ]
        if not matches:
            raise StandardsFileError(
                f"column '{header}' is missing from the header row",
                file=file_name,
                sheet=sheet,
                row=row,
                column=header,
            )
        positions[name] = matches[0]
    return positions


def find_workbook(folder: Path, spec: Sheet) -> Path:
    found = sorted(folder.glob(spec.file_glob))
    if not found:
        raise StandardsFileError(
            f"no workbook matching '{spec.file_glob}' "
            f"(needed for sheet '{spec.sheet}')",
            file=str(folder),
        )
    return found[0]


def read_workbooks(sources: dict[Sheet, tuple[str, BinaryIO | Path]]) -> ReleaseData:
    """Build a release from the four official workbooks.

    ``sources`` maps each sheet spec to ``(file name, path or open binary file)``.
    """
    data = ReleaseData()
    builder = Builder(data)
    name, source = sources[FUNCTIONS_SHEET]
    for row in read_sheet(source, name, FUNCTIONS_SHEET):
        builder.add_function_activity(row)
    name, source = sources[CAPABILITIES_SHEET]
    for row in read_sheet(source, name, CAPABILITIES_SHEET):
        builder.add_capability(row)
    name, source = sources[MEASURES_SHEET]
    for row in read_sheet(source, name, MEASURES_SHEET):
        builder.add_measure(row)
    name, source = sources[DATA_ELEMENTS_SHEET]
    for row in read_sheet(source, name, DATA_ELEMENTS_SHEET):
        builder.add_data_element(row)
    builder.finish(file=sources[CAPABILITIES_SHEET][0])
    return data


def read_workbook_folder(folder: Path) -> ReleaseData:
    paths = {spec: find_workbook(folder, spec) for spec in WORKBOOK_SHEETS}
    data = read_workbooks({spec: (path.name, path) for spec, path in paths.items()})
    data.checksums = {path.name: file_checksum(path) for path in paths.values()}
    return data


class Builder:
    """Validates rows one by one and collects them into a :class:`ReleaseData`."""

    def __init__(self, data: ReleaseData):
        self.data = data
        self.functions: dict[str, dict] = {}
        self.activities: dict[str, dict] = {}
        self.capability_rows: dict[str, int] = {}
        self.activity_rows: dict[str, int] = {}
        self.measure_rows: dict[tuple[str, str], int] = {}
        self.element_rows: dict[str, int] = {}

    @staticmethod
    def check_lengths(row: Row, model, record: dict, fields: dict[str, str]) -> None:
        """Refuse a value longer than its column, naming the cell, before the
        database would."""
        for key, value in record.items():
            try:
                limit = model._meta.get_field(key).max_length
            except FieldDoesNotExist:
                continue
            if limit and isinstance(value, str) and len(value) > limit:
                raise row.error(
                    fields.get(key, key),
                    f"{len(value)} characters, more than the {limit} allowed",
                )

    def add_function_activity(self, row: Row) -> None:
        values = row.values
        function_code = code_of(values["function_code"])
        function_name = one_line(values["function_name"])
        activity_code = code_of(values["activity_code"])
        if not activity_code and function_name.strip("[]").casefold() == "retired":
            return  # FY2025 keeps a "[Retired]" line for FFM.050
        if not FUNCTION_CODE.match(function_code):
            raise row.error(
                "function_code",
                f"Function ID '{function_code}' is not of the form FFM.nnn",
            )
        if not function_name:
            raise row.error("function_name", "Function Name is empty")
        if not ACTIVITY_CODE.match(activity_code):
            raise row.error(
                "activity_code",
                f"Activity ID '{activity_code}' is not of the form FFM.nnn.nnn",
            )
        if not activity_code.startswith(function_code + "."):
            raise row.error(
                "activity_code",
                f"Activity ID {activity_code} does not sit under function "
                f"{function_code}",
            )
        if activity_code in self.activity_rows:
            raise row.error(
                "activity_code",
                f"duplicate Activity ID {activity_code} "
                f"(first in row {self.activity_rows[activity_code]})",
            )
        activity_name = one_line(values["activity_name"])
        if not activity_name:
            raise row.error("activity_name", "Activity Name is empty")
        function = self.functions.get(function_code)
        if function is None:
            function = {"code": function_code, "name": function_name, "description": ""}
            self.check_lengths(row, Function, function, {"name": "function_name"})
            self.functions[function_code] = function
            self.data.functions.append(function)
        elif function["name"] != function_name:
            raise row.error(
                "function_name",
                f"function {function_code} is named '{function_name}' here but "
                f"'{function['name']}' above",
            )
        activity = {
            "code": activity_code,
            "function_code": function_code,
            "name": activity_name,
            "description": clean(values.get("description")),
            "references": clean(values.get("references")),
        }
        self.check_lengths(row, Activity, activity, {"name": "activity_name"})
        self.activity_rows[activity_code] = row.number
        self.activities[activity_code] = activity
        self.data.activities.append(activity)

    def add_capability(self, row: Row) -> None:
        values = row.values
        code = code_of(values["code"])
        if not CAPABILITY_CODE.match(code):
            raise row.error(
                "code", f"Capability ID '{code}' is not of the form FFM.nnn.nnn.nnn"
            )
        if code in self.capability_rows:
            raise row.error(
                "code",
                f"duplicate Capability ID {code} "
                f"(first in row {self.capability_rows[code]})",
            )
        function_code, _ = split_code_name(values["function"])
        activity_code, _ = split_code_name(values["activity"])
        if activity_code not in self.activities:
            raise row.error(
                "activity",
                f"activity '{activity_code}' is not in the Function-Activity List",
            )
        if self.activities[activity_code]["function_code"] != function_code:
            raise row.error(
                "function",
                f"activity {activity_code} does not belong to function "
                f"'{function_code}'",
            )
        if not code.startswith(activity_code + "."):
            raise row.error(
                "code",
                f"Capability ID {code} does not sit under its function "
                f"{function_code} and activity {activity_code}",
            )
        kind = one_line(values["kind"]).upper()
        if kind not in KINDS:
            raise row.error("kind", f"'{kind}' is not I, P or O")
        statement = clean(values["statement"])
        if not statement:
            raise row.error("statement", f"the statement of {code} is empty")
        capability = {
            "code": code,
            "activity_code": activity_code,
            "kind": kind,
            "statement": statement,
            "authoritative_references": clean(values["authoritative_references"]),
            "other_references": clean(values["other_references"]),
            "goal_group_id": one_line(values["goal_group_id"]),
            "goal_group_name": one_line(values["goal_group_name"]),
            "ffmsr_id": one_line(values["ffmsr_id"]),
        }
        self.check_lengths(row, Capability, capability, {})
        self.capability_rows[code] = row.number
        self.data.capabilities.append(capability)

    def add_measure(self, row: Row) -> None:
        values = row.values
        code = code_of(values["code"])
        if not MEASURE_CODE.match(code):
            raise row.error(
                "code",
                f"Service Measure ID '{code}' is not of the form FFM.nnn.nnn.nnnn",
            )
        function_code, _ = split_code_name(values["function"])
        activity_code, _ = split_code_name(values["activity"])
        if not activity_code.startswith(function_code + "."):
            raise row.error(
                "activity",
                f"activity {activity_code} does not sit under function {function_code}",
            )
        if not code.startswith(activity_code + "."):
            # Treasury's FY2025 workbook lists FFM.060.040.0012 under FFM.090.040;
            # the measure is kept under the activity its row names, and reported.
            self.data.warnings.append(
                str(
                    row.error(
                        "code",
                        f"Service Measure ID {code} does not start with its "
                        f"activity {activity_code}; kept under {activity_code}",
                    )
                )
            )
        if activity_code not in ALL_ACTIVITIES and activity_code not in self.activities:
            raise row.error(
                "activity",
                f"activity '{activity_code}' is not in the Function-Activity List",
            )
        name = one_line(values["name"])
        if not name:
            raise row.error("name", f"the name of service measure {code} is empty")
        key = (code, name)
        if key in self.measure_rows:
            raise row.error(
                "code",
                f"duplicate service measure {code} '{name}' "
                f"(first in row {self.measure_rows[key]})",
            )
        self.measure_rows[key] = row.number
        measure = {name_: one_line(values.get(name_)) for name_ in MEASURE_FIELDS}
        measure.update(
            code=code,
            name=name,
            description=clean(values["description"]),
            formula=clean(values["formula"]),
            function_code=function_code,
            activity_code=activity_code,
        )
        self.check_lengths(
            row,
            ServiceMeasure,
            measure,
            {"function_code": "function", "activity_code": "activity"},
        )
        self.data.service_measures.append(measure)

    def add_data_element(self, row: Row) -> None:
        values = row.values
        label = one_line(values["label"])
        if not label:
            raise row.error("label", "Data Element Label is empty")
        if label in self.element_rows:
            raise row.error(
                "label",
                f"duplicate data element {label} "
                f"(first in row {self.element_rows[label]})",
            )
        self.element_rows[label] = row.number
        element = {name: one_line(values.get(name)) for name in DATA_ELEMENT_FIELDS}
        for name in ("definition", "activity_references", "capability_references"):
            element[name] = clean(values[name])
        element["domain_values"] = clean(values["domain_values"])
        self.check_lengths(row, DataElement, element, {})
        self.data.data_elements.append(element)

    def finish(self, *, file: str) -> None:
        if not self.data.activities:
            raise StandardsFileError("no functions or activities found", file=file)
        if not self.data.capabilities:
            raise StandardsFileError("no capabilities found", file=file)


# --- the project's own CSV and JSON ---------------------------------------------


def read_csv(text: str, file_name: str) -> ReleaseData:
    """One row per capability with its function and activity (the CSV export)."""
    try:
        return _read_csv_rows(text, file_name)
    except csv.Error as exc:
        raise StandardsFileError(
            f"the file is not valid CSV ({exc})", file=file_name
        ) from exc


def _read_csv_rows(text: str, file_name: str) -> ReleaseData:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [header_key(name) for name in reader.fieldnames or []]
    for column in CSV_COLUMNS:
        if column not in header:
            raise StandardsFileError(
                f"column '{column}' is missing from the header row",
                file=file_name,
                row=1,
                column=column,
            )
    data = ReleaseData()
    builder = Builder(data)
    letters = {name: get_column_letter(header.index(name) + 1) for name in CSV_COLUMNS}
    headers = {name: name for name in CSV_COLUMNS}
    for number, raw in enumerate(reader, start=2):
        values = {header_key(k): v for k, v in raw.items() if k is not None}
        if not any(clean(v) for v in values.values()):
            continue
        activity_code = code_of(values["activity_code"])
        if activity_code not in builder.activities:
            builder.add_function_activity(
                Row(
                    file_name,
                    None,
                    number,
                    {
                        "function_code": values["function_code"],
                        "function_name": values["function_name"],
                        "activity_code": values["activity_code"],
                        "activity_name": values["activity_name"],
                    },
                    letters,
                    headers,
                )
            )
        capability = {name: values[name] for name in CAPABILITY_FIELDS}
        capability["function"] = values["function_code"]
        capability["activity"] = values["activity_code"]
        row_letters = {
            **letters,
            "function": letters["function_code"],
            "activity": letters["activity_code"],
        }
        row_headers = {
            **headers,
            "function": "function_code",
            "activity": "activity_code",
        }
        builder.add_capability(
            Row(file_name, None, number, capability, row_letters, row_headers)
        )
    builder.finish(file=file_name)
    return data


def read_json(text: str, file_name: str) -> ReleaseData:
    """The JSON export: functions -> activities -> capabilities, plus measures and
    data elements. Rows are numbered by item, columns are field names."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StandardsFileError(
            f"not valid JSON ({exc.msg})", file=file_name, row=exc.lineno
        ) from exc
    if not isinstance(document, dict) or document.get("format") != JSON_FORMAT:
        raise StandardsFileError(
            f"not a standards file: 'format' must be '{JSON_FORMAT}'", file=file_name
        )
    data = ReleaseData()
    builder = Builder(data)

    def row(section: str, number: int, values: dict) -> Row:
        names = {name: name for name in values}
        return Row(file_name, section, number, values, names, names)

    activity_number = capability_number = 0
    for function in as_list(document.get("functions"), file_name, "functions"):
        for activity in as_list(function.get("activities"), file_name, "activities"):
            activity_number += 1
            builder.add_function_activity(
                row(
                    "activities",
                    activity_number,
                    {
                        "function_code": function.get("code"),
                        "function_name": function.get("name"),
                        "activity_code": activity.get("code"),
                        "activity_name": activity.get("name"),
                        "description": activity.get("description"),
                        "references": activity.get("references"),
                    },
                )
            )
            capabilities = activity.get("capabilities")
            for capability in as_list(capabilities, file_name, "capabilities"):
                capability_number += 1
                values = {name: capability.get(name) for name in CAPABILITY_FIELDS}
                values["function"] = function.get("code")
                values["activity"] = activity.get("code")
                builder.add_capability(row("capabilities", capability_number, values))
    measures = as_list(document.get("service_measures", []), file_name, "measures")
    for number, measure in enumerate(measures, start=1):
        values = {name: measure.get(name) for name in MEASURE_FIELDS}
        values["function"] = measure.get("function_code")
        values["activity"] = measure.get("activity_code")
        builder.add_measure(row("service_measures", number, values))
    elements = as_list(document.get("data_elements", []), file_name, "data_elements")
    for number, element in enumerate(elements, start=1):
        values = {name: element.get(name) for name in DATA_ELEMENT_FIELDS}
        builder.add_data_element(row("data_elements", number, values))
    builder.finish(file=file_name)
    for function in data.functions:
        source = next(
            f
            for f in document["functions"]
            if code_of(f.get("code")) == function["code"]
        )
        function["description"] = clean(source.get("description"))
    return data


def as_list(value, file_name: str, section: str) -> Iterable[dict]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise StandardsFileError(
            f"'{section}' must be a list of objects", file=file_name, sheet=section
        )
    return value


# --- entry point ----------------------------------------------------------------


def read_path(path: Path) -> ReleaseData:
    """A folder of official workbooks, a ``.json`` file or a ``.csv`` file."""
    if path.is_dir():
        return read_workbook_folder(path)
    if not path.exists():
        raise StandardsFileError("no such file or folder", file=str(path))
    suffix = path.suffix.lower()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StandardsFileError("not UTF-8 text", file=path.name) from exc
    if suffix == ".json":
        data = read_json(text, path.name)
    elif suffix == ".csv":
        data = read_csv(text, path.name)
    else:
        raise StandardsFileError(
            "expected a folder of .xlsx workbooks, a .json or a .csv file",
            file=path.name,
        )
    data.checksums = {path.name: file_checksum(path)}
    return data
