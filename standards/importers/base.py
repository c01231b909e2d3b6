"""The pieces every reader shares: the error, the release as plain data, text rules.

Parsing and validation happen before anything touches the database: a reader returns
a :class:`ReleaseData` (plain dictionaries and lists) or raises a
:class:`StandardsFileError` naming the file, sheet, row and column at fault.
``standards.services.release_import`` writes it.

Text is kept exactly as Treasury wrote it: only whitespace at the end of a cell is
trimmed; line breaks, one-per-line lists, double spaces and values that look like
formulas (the ``=100%`` targets) are kept. IDs (``FFM.010.010.011``) are the one
exception: white space inside an ID is removed so that IDs match across workbooks.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field

JSON_FORMAT = "fm-marketplace-standards/2"
JSON_FORMATS = ("fm-marketplace-standards/1", JSON_FORMAT)

# The fields of every kind, in the order the workbooks give them. ``KEYS`` names the
# fields that identify an item within a release (and across releases, for the diff).
FIELDS: dict[str, tuple[str, ...]] = {
    "functions": ("code", "name", "description"),
    "activities": ("code", "function_code", "name", "description", "references"),
    "capabilities": (
        "code",
        "activity_code",
        "kind",
        "statement",
        "authoritative_references",
        "other_references",
        "goal_group_id",
        "goal_group_name",
        "ffmsr_id",
    ),
    "service_measures": (
        "code",
        "name",
        "functional_area",
        "function_code",
        "activity_code",
        "description",
        "target",
        "rationale",
        "category",
        "level_type",
        "measure_type",
        "performing_organization",
        "reporting_organization",
        "accountable_organization",
        "frequency",
        "method",
        "reporting_level",
        "source",
        "source_detail",
        "formula",
    ),
    "data_elements": (
        "label",
        "functional_area",
        "steward",
        "definition",
        "activity_references",
        "capability_references",
        "references",
        "data_group",
        "exchanges",
        "reports",
        "data_type",
        "element_format",
        "min_length",
        "max_length",
        "example_value",
        "domain_values",
        "master_reference_data",
        "validations",
        "related_elements",
    ),
    "references": ("code", "name", "reference_type"),
    "change_log": (
        "workbook",
        "position",
        "section",
        "workbook_tab",
        "item",
        "summary",
        "rationale",
    ),
    "systems": ("name", "area", "description", "url", "manager"),
    "exchanges": (
        "system",
        "information",
        "requirement",
        "specification",
        "functions",
        "activities",
        "use_cases",
    ),
    "specifications": ("name", "notes", "header_rows", "rows"),
    "reports": (
        "name",
        "function",
        "activity",
        "description",
        "specification",
        "use_cases",
        "selection_parameters",
        "header_rows",
        "rows",
    ),
}
KEYS: dict[str, tuple[str, ...]] = {
    "functions": ("code",),
    "activities": ("code",),
    "capabilities": ("code",),
    "service_measures": ("code", "name"),
    "data_elements": ("label",),
    "references": ("code",),
    "change_log": ("workbook", "position"),
    "systems": ("name",),
    "exchanges": ("system", "information"),
    "specifications": ("name",),
    "reports": ("name",),
}
# Kinds whose order in the workbook is content (the pages list them that way).
ORDERED_KINDS = {"systems", "exchanges", "specifications", "reports"}


def sort_key(kind: str, item: dict) -> tuple:
    """References sort by number: (2) before (10)."""
    if kind == "references":
        return (int(str(item["code"]).strip("()") or 0),)
    return tuple(item[name] for name in KEYS[kind])


# Fields holding a table (a list of rows, each a list of cell texts), not text.
TABLE_FIELDS = {"header_rows", "rows"}
INTEGER_FIELDS = {"position"}
KIND_LABELS = {
    "functions": "Functions",
    "activities": "Activities",
    "capabilities": "Capabilities",
    "service_measures": "Service measures",
    "data_elements": "Data elements",
    "references": "References",
    "change_log": "Change log entries",
    "systems": "Exchange systems",
    "exchanges": "Information exchanges",
    "specifications": "Exchange specifications",
    "reports": "Pre-built reports",
}


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
    references: list[dict] = field(default_factory=list)
    change_log: list[dict] = field(default_factory=list)
    systems: list[dict] = field(default_factory=list)
    exchanges: list[dict] = field(default_factory=list)
    specifications: list[dict] = field(default_factory=list)
    reports: list[dict] = field(default_factory=list)
    reference_notes: str = ""
    checksums: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def items(self, kind: str) -> list[dict]:
        return getattr(self, kind)

    def canonical(self) -> dict:
        """The content alone (no checksums), in a stable order: items are sorted by
        their key, except systems, exchanges, specifications and reports, whose
        order in the workbook is part of their content."""
        content: dict = {}
        for kind, names in FIELDS.items():
            items = [{n: item.get(n) for n in names} for item in self.items(kind)]
            if kind not in ORDERED_KINDS:
                items.sort(key=lambda item, k=kind: sort_key(k, item))
            content[kind] = items
        content["reference_notes"] = self.reference_notes
        return content

    def digest(self) -> str:
        text = json.dumps(self.canonical(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


# --- text -----------------------------------------------------------------------


def text(value) -> str:
    """A cell's text as written, with only the trailing white space trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\r\n", "\n").replace("\r", "\n").rstrip()


def one_line(value) -> str:
    return " ".join(text(value).split())


def code_of(value) -> str:
    return re.sub(r"\s+", "", text(value))


def header_key(value) -> str:
    """Header text compared without line breaks, NBSPs, case or extra spaces."""
    return " ".join(text(value).replace("\xa0", " ").split()).casefold()


def split_code_name(value) -> tuple[str, str]:
    """``'FFM.010 Budget Execution'`` -> ``('FFM.010', 'Budget Execution')``."""
    line = one_line(value)
    code, _, name = line.partition(" ")
    return code, name.strip(" -–")


def is_formula(value) -> bool:
    """A cross-sheet formula without a cached value (``=Cover!A4``, ``=+'Cover '!A4``,
    ``=A2``): a title that repeats another cell, not content."""
    return isinstance(value, str) and bool(
        re.match(
            r"^=\+?(\[\d+\])?('[^']*'|[A-Za-z_][\w ]*)?!?\$?[A-Z]{1,3}\$?\d+$",
            value.strip(),
        )
    )


REFERENCE_CITATION = re.compile(r"(?:^|[;\n])\s*\((\d{1,4})\)")


def cited_references(value: str) -> list[str]:
    """``"(19) OMB Circular A-11 ...;\\n(49) ..."`` -> ``["(19)", "(49)"]``: the
    reference numbers cited at the start of a line or list item."""
    seen: dict[str, None] = {}
    for number in REFERENCE_CITATION.findall(value or ""):
        seen[f"({int(number)})"] = None
    return list(seen)


# Which text fields of which kind cite the reference index.
CITING_FIELDS = {
    "activities": ("references",),
    "capabilities": ("authoritative_references", "other_references"),
    "service_measures": ("rationale", "source", "source_detail"),
    "data_elements": ("references", "domain_values", "validations"),
}
