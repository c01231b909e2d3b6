"""Validation of a release's items, row by row, whatever file they come from."""

import re

from django.core.exceptions import FieldDoesNotExist

from standards.identifiers import (
    ACTIVITY_CODE,
    ALL_ACTIVITIES,
    CAPABILITY_CODE,
    FUNCTION_CODE,
    MEASURE_CODE,
)
from standards.importers.base import (
    FIELDS,
    KEYS,
    ReleaseData,
    StandardsFileError,
    code_of,
    one_line,
    split_code_name,
    text,
)
from standards.importers.sheets import Row
from standards.models import (
    Activity,
    Capability,
    DataElement,
    Function,
    Reference,
    ServiceMeasure,
)

REFERENCE_CODE = re.compile(r"^\((\d{1,4})\)$")
KINDS = {"I", "P", "O"}
RETIRED = "[Retired]"


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
        self.reference_rows: dict[str, int] = {}

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
        function_name = text(values["function_name"])
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
        activity_name = text(values["activity_name"])
        if not activity_name:
            raise row.error("activity_name", "Activity Name is empty")
        function = self.functions.get(function_code)
        if function is None:
            function = {"code": function_code, "name": function_name, "description": ""}
            self.check_lengths(row, Function, function, {"name": "function_name"})
            self.functions[function_code] = function
            self.data.functions.append(function)
        elif one_line(function["name"]) != one_line(function_name):
            raise row.error(
                "function_name",
                f"function {function_code} is named '{function_name}' here but "
                f"'{function['name']}' above",
            )
        activity = {
            "code": activity_code,
            "function_code": function_code,
            "name": activity_name,
            "description": text(values.get("description")),
            "references": text(values.get("references")),
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
        statement = text(values["statement"])
        if not statement.strip():
            raise row.error("statement", f"the statement of {code} is empty")
        capability = {name: text(values.get(name)) for name in FIELDS["capabilities"]}
        capability.update(
            code=code, activity_code=activity_code, kind=kind, statement=statement
        )
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
        name = text(values["name"])
        if not name.strip():
            raise row.error("name", f"the name of service measure {code} is empty")
        key = (code, name)
        if key in self.measure_rows:
            raise row.error(
                "code",
                f"duplicate service measure {code} '{name}' "
                f"(first in row {self.measure_rows[key]})",
            )
        self.measure_rows[key] = row.number
        measure = {n: text(values.get(n)) for n in FIELDS["service_measures"]}
        measure.update(
            code=code,
            name=name,
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
        element = {name: text(values.get(name)) for name in FIELDS["data_elements"]}
        element["label"] = label
        self.check_lengths(row, DataElement, element, {})
        self.data.data_elements.append(element)

    def add_reference(self, row: Row) -> None:
        values = row.values
        code = code_of(values["code"])
        if not code:
            # The index ends with its footnote: " (1)  Requires government access".
            note = text(values.get("name"))
            self.data.reference_notes = "\n".join(
                filter(None, [self.data.reference_notes, note])
            )
            return
        match = REFERENCE_CODE.match(code)
        if not match:
            raise row.error("code", f"Reference ID '{code}' is not of the form (n)")
        code = f"({int(match.group(1))})"
        if code in self.reference_rows:
            raise row.error(
                "code",
                f"duplicate Reference ID {code} "
                f"(first in row {self.reference_rows[code]})",
            )
        reference = {
            "code": code,
            "name": text(values.get("name")),
            "reference_type": text(values.get("reference_type")),
        }
        if not reference["name"].strip():
            raise row.error("name", f"reference {code} has no name")
        self.check_lengths(row, Reference, reference, {})
        self.reference_rows[code] = row.number
        self.data.references.append(reference)

    def finish(self, *, file: str) -> None:
        if not self.data.activities:
            raise StandardsFileError("no functions or activities found", file=file)
        if not self.data.capabilities:
            raise StandardsFileError("no capabilities found", file=file)
        check_unique(self.data, file)


def check_unique(data: ReleaseData, file: str) -> None:
    """Every kind's key is unique, and exchanges name a known system."""
    for kind in ("change_log", "systems", "exchanges", "specifications", "reports"):
        seen: set[tuple] = set()
        for item in data.items(kind):
            key = tuple(item.get(name) for name in KEYS[kind])
            if key in seen:
                raise StandardsFileError(
                    f"{kind.replace('_', ' ')}: {' / '.join(map(str, key))} "
                    "appears twice",
                    file=file,
                )
            seen.add(key)
    systems = {s["name"] for s in data.systems}
    for exchange in data.exchanges:
        if exchange["system"] not in systems:
            raise StandardsFileError(
                f"exchange '{exchange['information']}' names an unknown system "
                f"'{exchange['system']}'",
                file=file,
            )
