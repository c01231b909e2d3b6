"""The portal's own formats: the JSON export, the CSV zip (one CSV per kind) and the
older one-file capabilities CSV. Both full formats carry every kind and field, so a
release exported and imported under another name has an empty diff."""

import csv
import io
import json
import zipfile

from standards.importers.base import (
    FIELDS,
    INTEGER_FIELDS,
    JSON_FORMATS,
    TABLE_FIELDS,
    ReleaseData,
    StandardsFileError,
    code_of,
    header_key,
    text,
)
from standards.importers.builder import Builder
from standards.importers.sheets import Row

CSV_COLUMNS = (
    "function_code",
    "function_name",
    "activity_code",
    "activity_name",
    *FIELDS["capabilities"][:1],
    *FIELDS["capabilities"][2:],
)
# Kinds written through the builder's checks; the others are checked for shape.
BUILT = ("functions", "activities", "capabilities", "service_measures", "data_elements")
PLAIN = (
    "references",
    "change_log",
    "systems",
    "exchanges",
    "specifications",
    "reports",
)
RELEASE_MEMBER = "release.csv"
MAX_ZIP_MEMBER_BYTES = 100 * 1024 * 1024
TEXT_MARK = "'"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", TEXT_MARK)


def csv_escape(value: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading apostrophe."""
    return TEXT_MARK + value if value.startswith(FORMULA_STARTS) else value


def csv_unescape(value: str) -> str:
    return value[1:] if value.startswith(TEXT_MARK) else value


# --- one file of capabilities (the older CSV export) ------------------------------


def read_csv(text_: str, file_name: str) -> ReleaseData:
    """One row per capability with its function and activity."""
    try:
        return _read_csv_rows(text_, file_name)
    except csv.Error as exc:
        raise StandardsFileError(
            f"the file is not valid CSV ({exc})", file=file_name
        ) from exc


def _read_csv_rows(text_: str, file_name: str) -> ReleaseData:
    reader = csv.DictReader(io.StringIO(text_, newline=""))
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
    from openpyxl.utils import get_column_letter

    letters = {name: get_column_letter(header.index(name) + 1) for name in CSV_COLUMNS}
    letters.update(function=letters["function_code"], activity=letters["activity_code"])
    headers = {name: name for name in CSV_COLUMNS}
    headers.update(function="function_code", activity="activity_code")
    for number, raw in enumerate(reader, start=2):
        values: dict[str, object] = {
            header_key(k): csv_unescape(v or "")
            for k, v in raw.items()
            if k is not None
        }
        if not any(text(v) for v in values.values()):
            continue
        if code_of(values["activity_code"]) not in builder.activities:
            builder.add_function_activity(
                Row(file_name, None, number, values, letters, headers)
            )
        capability: dict[str, object] = {
            **values,
            "function": values["function_code"],
        }
        capability["activity"] = values["activity_code"]
        builder.add_capability(
            Row(file_name, None, number, capability, letters, headers)
        )
    builder.finish(file=file_name)
    return data


# --- the full formats ---------------------------------------------------------------


def read_json(text_: str, file_name: str) -> ReleaseData:
    """The JSON export. Format 2 lists every kind flat; format 1 (the bundled demo
    release) nests functions -> activities -> capabilities."""
    try:
        document = json.loads(text_)
    except json.JSONDecodeError as exc:
        raise StandardsFileError(
            f"not valid JSON ({exc.msg})", file=file_name, row=exc.lineno
        ) from exc
    if not isinstance(document, dict) or document.get("format") not in JSON_FORMATS:
        raise StandardsFileError(
            f"not a standards file: 'format' must be '{JSON_FORMATS[-1]}'",
            file=file_name,
        )
    if document["format"] == JSON_FORMATS[0]:
        document = flatten_v1(document, file_name)
    return read_document(document, file_name)


def flatten_v1(document: dict, file_name: str) -> dict:
    flat: dict = {"functions": [], "activities": [], "capabilities": []}
    for function in as_list(document.get("functions"), file_name, "functions"):
        flat["functions"].append(function)
        for activity in as_list(function.get("activities"), file_name, "activities"):
            flat["activities"].append(
                {**activity, "function_code": function.get("code")}
            )
            for capability in as_list(
                activity.get("capabilities"), file_name, "capabilities"
            ):
                flat["capabilities"].append(
                    {**capability, "activity_code": activity.get("code")}
                )
    for kind in ("service_measures", "data_elements"):
        flat[kind] = document.get(kind, [])
    for kind in PLAIN:  # systems, exchanges, reports …: flat in both formats
        if kind in document:
            flat[kind] = document[kind]
    return flat


def read_document(document: dict, file_name: str) -> ReleaseData:
    """Every kind as lists of flat objects, checked like the workbooks' rows."""
    data = ReleaseData()
    builder = Builder(data)

    def row(section: str, number: int, values: dict) -> Row:
        """A row with every field of its kind (missing ones empty)."""
        values = dict.fromkeys(FIELDS.get(section, ())) | values
        names = {name: name for name in values}
        return Row(file_name, section, number, values, names, names)

    functions = {
        code_of(f.get("code")): f
        for f in as_list(document.get("functions", []), file_name, "functions")
    }
    activities = as_list(document.get("activities", []), file_name, "activities")
    for number, activity in enumerate(activities, start=1):
        function = functions.get(code_of(activity.get("function_code")), {})
        values = {
            "function_code": activity.get("function_code"),
            "function_name": function.get("name"),
            "activity_code": activity.get("code"),
            "activity_name": activity.get("name"),
            "description": activity.get("description"),
            "references": activity.get("references"),
        }
        builder.add_function_activity(row("activities", number, values))
    for function in data.functions:
        function["description"] = text(functions[function["code"]].get("description"))
    capabilities = as_list(document.get("capabilities", []), file_name, "capabilities")
    for number, capability in enumerate(capabilities, start=1):
        values = {**capability, "activity": capability.get("activity_code")}
        activity = builder.activities.get(code_of(values["activity"]), {})
        values["function"] = activity.get("function_code", "")
        builder.add_capability(row("capabilities", number, values))
    measures = as_list(document.get("service_measures", []), file_name, "measures")
    for number, measure in enumerate(measures, start=1):
        values = {**measure, "function": measure.get("function_code")}
        values["activity"] = measure.get("activity_code")
        builder.add_measure(row("service_measures", number, values))
    elements = as_list(document.get("data_elements", []), file_name, "data_elements")
    for number, element in enumerate(elements, start=1):
        builder.add_data_element(row("data_elements", number, element))
    for number, reference in enumerate(
        as_list(document.get("references", []), file_name, "references"), start=1
    ):
        builder.add_reference(row("references", number, reference))
    for kind in PLAIN[1:]:
        items = as_list(document.get(kind, []), file_name, kind)
        data.items(kind).extend(
            plain_item(kind, item, file_name, number)
            for number, item in enumerate(items, start=1)
        )
    notes = document.get("reference_notes", "")
    if not isinstance(notes, str):
        raise StandardsFileError("'reference_notes' must be text", file=file_name)
    data.reference_notes = notes
    builder.finish(file=file_name)
    return data


# Columns of bounded length among the kinds checked here (the database's limits).
LIMITS = {
    ("change_log", "workbook"): 60,
    ("change_log", "section"): 10,
    ("specifications", "name"): 100,
}
MAX_POSITION = 1_000_000


def plain_item(kind: str, item: dict, file_name: str, number: int) -> dict:
    """An item of a kind without its own rules: every field of the right type and
    within its column's length."""
    result = {}
    for name in FIELDS[kind]:
        value = item.get(name, [] if name in TABLE_FIELDS else "")
        limit = LIMITS.get((kind, name))
        if limit and isinstance(value, str) and len(value) > limit:
            raise StandardsFileError(
                f"{len(value)} characters, more than the {limit} allowed",
                file=file_name,
                sheet=kind,
                row=number,
                column=name,
            )
        if name in INTEGER_FIELDS:
            ok = (
                isinstance(value, int)
                and not isinstance(value, bool)
                and 0 < value <= MAX_POSITION
            )
        elif name in TABLE_FIELDS:
            ok = isinstance(value, list) and all(
                isinstance(r, list) and all(isinstance(c, str) for c in r)
                for r in value
            )
        else:
            ok = isinstance(value, str)
        if not ok:
            kind_of = (
                f"a whole number from 1 to {MAX_POSITION}"
                if name in INTEGER_FIELDS
                else "a list of rows of text"
                if name in TABLE_FIELDS
                else "text"
            )
            raise StandardsFileError(
                f"'{name}' must be {kind_of}",
                file=file_name,
                sheet=kind,
                row=number,
                column=name,
            )
        result[name] = text(value) if isinstance(value, str) else value
    return result


def as_list(value, file_name: str, section: str) -> list[dict]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise StandardsFileError(
            f"'{section}' must be a list of objects", file=file_name, sheet=section
        )
    return value


def read_zip(source, file_name: str) -> ReleaseData:
    """The CSV export: ``<kind>.csv`` for every kind, tables as JSON text."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise StandardsFileError("not a readable .zip file", file=file_name) from exc
    document: dict = {}
    with archive:
        members = {info.filename: info for info in archive.infolist()}
        for info in members.values():
            if info.file_size > MAX_ZIP_MEMBER_BYTES:
                raise StandardsFileError(
                    f"{info.filename} inflates to more than "
                    f"{MAX_ZIP_MEMBER_BYTES} bytes",
                    file=file_name,
                )
        for kind in FIELDS:
            member = f"{kind}.csv"
            if member in members:
                document[kind] = read_member(archive, member, kind, file_name)
        if RELEASE_MEMBER in members:
            rows = read_member(archive, RELEASE_MEMBER, None, file_name)
            document["reference_notes"] = (
                rows[0].get("reference_notes", "") if rows else ""
            )
    return read_document(document, file_name)


def read_member(archive, member: str, kind: str | None, file_name: str) -> list[dict]:
    where = f"{file_name}/{member}"
    # A specification's table is one JSON cell of a few hundred kilobytes.
    # The limit is global to the process: raised for this read only.
    previous = csv.field_size_limit(max(csv.field_size_limit(), MAX_ZIP_MEMBER_BYTES))
    try:
        content = archive.read(member).decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(content, newline="")))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise StandardsFileError(f"not UTF-8 CSV ({exc})", file=where) from exc
    finally:
        csv.field_size_limit(previous)
    items = []
    for number, raw in enumerate(rows, start=2):
        item: dict = {}
        for name, value in raw.items():
            if name is None:
                raise StandardsFileError(
                    "more cells than headers", file=where, row=number
                )
            value = csv_unescape(value or "")
            if name in TABLE_FIELDS:
                try:
                    value = json.loads(value or "[]")
                except json.JSONDecodeError as exc:
                    raise StandardsFileError(
                        "not a JSON list of rows", file=where, row=number, column=name
                    ) from exc
            elif name in INTEGER_FIELDS:
                if not value.isascii() or not value.isdigit():
                    raise StandardsFileError(
                        "not a whole number", file=where, row=number, column=name
                    )
                value = int(value)
            item[name] = value
        items.append(item)
    return items
