"""The business needs workbook: a whole need as one XLSX file, as agencies are used
to from the M3 playbook, filled in offline and uploaded back.

Sheets: ``Instructions``; ``Need`` (the need's metadata, one field a row);
``Capabilities``, ``Service measures``, ``Information exchanges``, ``Pre-built
reports`` (every item of the need's standards release, one a row: a blank priority
means "not needed"); ``Agency requirements`` (the agency's own, one a row). Priority
cells offer a drop-down list (must, should, could).

Reading (:func:`read_workbook`) checks everything before anything is written: every
bad cell is reported by sheet, row and column, and a file with any problem writes
nothing. Cells are written formula-safe: a text that a spreadsheet would run as a
formula (or that starts with an apostrophe) gets a leading apostrophe, stored as
text; reading removes that one apostrophe, so a round trip is exact.
"""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.db import transaction

from brokering.models import ItemKind, Need, NeedItem, Priority
from brokering.services.items import NeedItemInput
from catalog.models import DeploymentModel, ImpactLevel, ProviderKind
from marketplace import spreadsheets
from standards.items import ItemRef, release_items
from standards.models import Function, StandardsRelease

CONTENT_TYPE = spreadsheets.XLSX_CONTENT_TYPE
MAX_UPLOAD_BYTES = 5 * spreadsheets.MIB
MAX_EXTRA_ROWS = 2000  # rows beyond the release's items a sheet may hold
# How much of an upload is read, whatever the release (each sheet on its own); a
# sheet's own bound (its release's items + MAX_EXTRA_ROWS) is checked afterwards.
LIMITS = spreadsheets.Limits(rows=20_000, cells=30, upload_bytes=MAX_UPLOAD_BYTES)

NEED_SHEET = "Need"
AGENCY_SHEET = "Agency requirements"
SHEETS = {
    ItemKind.CAPABILITY: "Capabilities",
    ItemKind.MEASURE: "Service measures",
    ItemKind.EXCHANGE: "Information exchanges",
    ItemKind.REPORT: "Pre-built reports",
}
LABELS = {
    ItemKind.CAPABILITY: "Statement",
    ItemKind.MEASURE: "Measure",
    ItemKind.EXCHANGE: "Exchange",
    ItemKind.REPORT: "Report",
}
MEASURE_COLUMNS = [
    "ID",
    "Function",
    "Measure",
    "Treasury target",
    "Target",
    "Priority",
    "Rationale",
]
AGENCY_COLUMNS = ["ID", "Function", "Statement", "Authority", "Priority", "Rationale"]
NEED_FIELDS = [
    ("need_id", "Need ID (blank: a new need)"),
    ("agency", "Agency (abbreviation)"),
    ("release", "Standards release"),
    ("title", "Title"),
    ("go_live_date", "Go-live date (YYYY-MM-DD)"),
    ("accepted_provider_kinds", "Accepted provider kinds (comma-separated)"),
    ("minimum_impact_level", "Minimum FedRAMP impact level"),
    ("accepted_deployment_models", "Accepted deployment models (comma-separated)"),
    ("status", "Status (read only)"),
]
INSTRUCTIONS = [
    "Business needs workbook",
    "",
    "One sheet per kind of requirement. On the Capabilities, Service measures, "
    "Information exchanges and Pre-built reports sheets every item of the standards "
    "release is listed: choose a priority (must, should or could) for each item the "
    "agency needs, and leave the priority blank for the others.",
    "Service measures: leave Target blank to ask for Treasury's target. Where "
    "Treasury leaves the target to the customer (TBD), or to ask for another target, "
    "write the agency's target: such a measure needs the provider's answer and is "
    "not counted in the catalog score.",
    "Agency requirements: one row per requirement of the agency's own: an ID of your "
    "choice (for example AGY-001), the FIBF function code (for example FFM.010), the "
    "statement, the authority or citation (statute, regulation, directive), and the "
    "priority. They need the provider's answer and are not counted in the catalog "
    "score.",
    "Rationale is optional on every sheet. Do not change IDs, sheet names or column "
    "headings. Need sheet: leave Need ID blank to create a new need on upload.",
    "Upload the file on the need's page or with PUT /api/v1/needs/{id}/workbook/; "
    "every problem is listed by sheet, row and column and nothing is written until "
    "the file has none.",
]


def item_columns(kind: str) -> list[str]:
    if kind == ItemKind.MEASURE:
        return MEASURE_COLUMNS
    return ["ID", "Function", LABELS[ItemKind(kind)], "Priority", "Rationale"]


# --- writing -----------------------------------------------------------------------


def _sheet(title: str, columns: list[str], rows: list[list]) -> spreadsheets.Sheet:
    choices = {"Priority": Priority.values} if "Priority" in columns else {}
    return spreadsheets.Sheet(title, [columns, *rows], choices=choices)


def need_metadata(need: Need) -> dict[str, str]:
    return {
        "need_id": str(need.pk),
        "agency": need.agency.abbreviation,
        "release": need.release.name,
        "title": need.title,
        "go_live_date": need.go_live_date.isoformat(),
        "accepted_provider_kinds": ", ".join(need.accepted_provider_kinds),
        "minimum_impact_level": need.minimum_impact_level,
        "accepted_deployment_models": ", ".join(need.accepted_deployment_models),
        "status": need.status,
    }


@dataclass(frozen=True)
class AnswerColumns:
    """Columns added after each item of the need (a provider's response): the
    sheets then list only the need's own items; ``cells`` are by item ID."""

    headings: list[str]
    cells: Mapping[str, list]
    choices: Mapping[str, Sequence[str]]
    agency: str  # the agency as the reader may see it


def workbook_sheets(
    need: Need, answers: AnswerColumns | None = None
) -> list[spreadsheets.Sheet]:
    """The need's sheets: every item of the release (a blank priority: not
    needed), or with ``answers`` the need's items and their answer columns."""
    items: dict[tuple[str, int | None], NeedItem] = {}
    agency_rows = []
    for item in NeedItem.objects.filter(need=need).select_related("function"):
        if item.kind == ItemKind.AGENCY:
            agency_rows.append(
                [
                    item.code,
                    item.function.code if item.function else "",
                    item.statement,
                    item.authority,
                    item.priority,
                    item.rationale,
                ]
            )
        else:
            items[(item.kind, item.item_id)] = item
    metadata = need_metadata(need)
    if answers is not None:
        metadata["agency"] = answers.agency
    sheets = [
        spreadsheets.Sheet(
            "Instructions", [[line] for line in INSTRUCTIONS], widths=[120], freeze=None
        ),
        _sheet(
            NEED_SHEET,
            ["Field", "Value", "Description"],
            [[name, metadata[name], label] for name, label in NEED_FIELDS],
        ),
    ]

    def answered(title: str, columns: list[str], rows: list[list]):
        if answers is None:
            return _sheet(title, columns, rows)
        rows = [row + answers.cells.get(row[0], []) for row in rows]
        return spreadsheets.Sheet(
            title, [columns + answers.headings, *rows], choices=answers.choices
        )

    space = release_items(need.release_id)
    for kind, title in SHEETS.items():
        rows = []
        for ref in space:
            found = items.get(ref.key)
            if ref.kind != kind or (answers is not None and found is None):
                continue
            stated = [found.priority, found.rationale] if found else ["", ""]
            if kind == ItemKind.MEASURE:
                target = found.target if found else ""
                rows.append([ref.code, ref.function, ref.label, ref.target, target])
            else:
                rows.append([ref.code, ref.function, ref.label])
            rows[-1] += stated
        sheets.append(answered(title, item_columns(kind), rows))
    agency_rows.sort(key=lambda row: row[0])
    sheets.append(answered(AGENCY_SHEET, AGENCY_COLUMNS, agency_rows))
    return sheets


def workbook_bytes(need: Need) -> bytes:
    """The need as a business needs workbook."""
    return spreadsheets.xlsx_bytes(workbook_sheets(need))


# --- reading -----------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int  # as the spreadsheet numbers it (1 is the header)
    column: str
    message: str

    def __str__(self) -> str:
        if not self.sheet:  # the file as a whole
            return self.message
        where = f"{self.sheet}, row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


class WorkbookError(ValueError):
    """A workbook that cannot be applied; ``problems`` says why, every one."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(map(str, problems[:5])))


@dataclass
class WorkbookData:
    """A read and checked workbook: the need's fields and its items."""

    need_id: int | None
    agency: str
    release: StandardsRelease
    title: str
    go_live_date: datetime.date
    accepted_provider_kinds: list[str]
    minimum_impact_level: str
    accepted_deployment_models: list[str]
    items: list[NeedItemInput] = field(default_factory=list)


def cell_text(value) -> str:
    """A cell as text (the reader already stripped it and removed the text mark)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_tables(
    content: bytes, titles: Sequence[str] = ()
) -> dict[str, spreadsheets.Table]:
    """The sheets named ``titles`` (by default every sheet of the need), read by the
    one bounded reader (size, zip members, rows, cells, no DTD); a file it refuses
    is one problem."""
    titles = titles or [NEED_SHEET, *SHEETS.values(), AGENCY_SHEET]
    try:
        return spreadsheets.read_sheets("workbook.xlsx", content, LIMITS, titles)
    except spreadsheets.SpreadsheetError as error:
        raise WorkbookError([Problem("", 0, "", str(error))]) from None


def sheet_rows(tables, title: str, columns: list[str], limit: int, problems) -> list:
    """``(row number, {column: text})`` of a sheet's non-blank data rows; the
    header must name ``columns``; a sheet of more than ``limit`` rows is refused."""
    table = tables.get(title)
    if table is None:
        problems.append(Problem(title, 0, "", "the sheet is missing."))
        return []
    header = [cell_text(value).casefold() for value in table.header]
    missing = [c for c in columns if c.casefold() not in header]
    if missing:
        problems.append(
            Problem(title, 1, "", f"missing column(s): {', '.join(missing)}.")
        )
        return []
    if table.rows and table.rows[-1][0] > limit:
        problems.append(
            Problem(title, limit + 1, "", f"the sheet has more than {limit} rows.")
        )
        return []
    found = []
    for number, row in table.rows:
        values = [cell_text(value) for value in row]
        by_name = {}
        for column in columns:
            index = header.index(column.casefold())
            by_name[column] = values[index] if index < len(values) else ""
        found.append((number, by_name))
    return found


def field_values(
    tables, title: str, count: int, problems: list[Problem]
) -> dict[str, tuple[int, str]]:
    """A sheet of one field a row (``Field``, ``Value``): field -> (row, value)."""
    fields = {}
    for number, row in sheet_rows(
        tables, title, ["Field", "Value"], count + 50, problems
    ):
        fields[row["Field"]] = (number, row["Value"])
    return fields


def _metadata(tables, problems: list[Problem]) -> dict[str, tuple[int, str]]:
    return field_values(tables, NEED_SHEET, len(NEED_FIELDS), problems)


def _choices(
    text: str, allowed: list[str], where: tuple[str, int, str], problems
) -> list[str]:
    values = [part.strip() for part in text.split(",") if part.strip()]
    for value in values:
        if value not in allowed:
            problems.append(
                Problem(*where, f"“{value}” is not one of {', '.join(allowed)}.")
            )
    return sorted(set(values))


def _read_need(tables, problems: list[Problem]) -> dict:
    fields = _metadata(tables, problems)

    def value(name: str) -> tuple[tuple[str, int, str], str]:
        number, text = fields.get(name, (0, ""))
        return (NEED_SHEET, number, "Value"), text

    where, need_id = value("need_id")
    data: dict = {"need_id": None}
    if need_id:
        if need_id.isdigit() and len(need_id) < 12:
            data["need_id"] = int(need_id)
        else:
            problems.append(Problem(*where, "the need ID is not a number."))
    data["agency"] = value("agency")[1]
    where, release = value("release")
    data["release"] = StandardsRelease.objects.filter(name=release).first()
    if data["release"] is None:
        problems.append(Problem(*where, f"“{release}” is not a standards release."))
    where, title = value("title")
    if not title or len(title) > 200:
        problems.append(Problem(*where, "a title of 1 to 200 characters is needed."))
    data["title"] = title
    where, go_live = value("go_live_date")
    try:
        data["go_live_date"] = datetime.date.fromisoformat(go_live)
    except ValueError:
        problems.append(Problem(*where, "the go-live date must be YYYY-MM-DD."))
    data["accepted_provider_kinds"] = _choices(
        value("accepted_provider_kinds")[1],
        ProviderKind.values,
        value("accepted_provider_kinds")[0],
        problems,
    )
    where, impact = value("minimum_impact_level")
    if impact and impact not in ImpactLevel.values:
        problems.append(
            Problem(
                *where, f"“{impact}” is not one of {', '.join(ImpactLevel.values)}."
            )
        )
    data["minimum_impact_level"] = impact
    data["accepted_deployment_models"] = _choices(
        value("accepted_deployment_models")[1],
        DeploymentModel.values,
        value("accepted_deployment_models")[0],
        problems,
    )
    return data


def choice_cell(
    where: tuple[str, int, str], row: dict, allowed: list[str], wording: str, problems
) -> str:
    """The cell of ``where``'s column, folded to lower case; a problem when it is
    neither blank nor one of ``allowed`` (``wording`` names them)."""
    value = row[where[2]].casefold()
    if value and value not in allowed:
        problems.append(Problem(*where, f"“{row[where[2]]}” is not {wording}."))
    return value


def once(
    where: tuple[str, int, str], code: str, seen: dict[str, int], problems
) -> bool:
    """Whether ``code`` is on its first row of the sheet (a problem otherwise)."""
    if code in seen:
        problems.append(Problem(*where, f"“{code}” is already on row {seen[code]}."))
        return False
    seen[code] = where[1]
    return True


def _priority(title: str, number: int, row: dict, problems) -> str:
    return choice_cell(
        (title, number, "Priority"),
        row,
        Priority.values,
        "must, should or could",
        problems,
    )


def _read_kind(tables, kind: str, refs: list[ItemRef], problems) -> list:
    title = SHEETS[ItemKind(kind)]
    by_code = {ref.code: ref for ref in refs}
    items: list[NeedItemInput] = []
    seen: dict[str, int] = {}
    for number, row in sheet_rows(
        tables, title, item_columns(kind), len(refs) + MAX_EXTRA_ROWS, problems
    ):
        code = row["ID"]
        ref = by_code.get(code)
        if ref is None:
            problems.append(
                Problem(title, number, "ID", f"“{code}” is not an item of the release.")
            )
            continue
        if not once((title, number, "ID"), code, seen, problems):
            continue
        priority = _priority(title, number, row, problems)
        target = row.get("Target", "")
        if len(target) > 255:
            problems.append(Problem(title, number, "Target", "at most 255 characters."))
        if not priority:
            if target or row["Rationale"]:
                problems.append(
                    Problem(
                        title,
                        number,
                        "Priority",
                        "a priority is needed for an item with a target or rationale.",
                    )
                )
            continue
        items.append(
            NeedItemInput(
                kind, ref.pk, priority, rationale=row["Rationale"], target=target
            )
        )
    return items


def _read_agency(tables, release, taken: set[str], problems) -> list:
    functions = dict(Function.objects.filter(release=release).values_list("code", "id"))
    items: list[NeedItemInput] = []
    seen: dict[str, int] = {}
    for number, row in sheet_rows(
        tables, AGENCY_SHEET, AGENCY_COLUMNS, MAX_EXTRA_ROWS, problems
    ):
        code = row["ID"]

        def bad(column: str, message: str, number=number) -> None:
            problems.append(Problem(AGENCY_SHEET, number, column, message))

        if not code or len(code) > 24:
            bad("ID", "an ID of 1 to 24 characters is needed.")
        elif code in taken:
            bad("ID", f"“{code}” is the ID of an item of the standards release.")
        elif code in seen:
            bad("ID", f"“{code}” is already on row {seen[code]}.")
        seen.setdefault(code, number)
        if row["Function"] not in functions:
            bad("Function", f"“{row['Function']}” is not a function of the release.")
        if not row["Statement"]:
            bad("Statement", "a statement is needed.")
        priority = _priority(AGENCY_SHEET, number, row, problems)
        if not priority:
            bad("Priority", "a priority (must, should or could) is needed.")
        items.append(
            NeedItemInput(
                ItemKind.AGENCY,
                None,
                priority,
                rationale=row["Rationale"],
                code=code,
                statement=row["Statement"],
                authority=row["Authority"],
                function_id=functions.get(row["Function"]),
            )
        )
    return items


def read_workbook(content: bytes) -> WorkbookData:
    """Read and check a business needs workbook; raises :class:`WorkbookError`
    listing every problem. Nothing is written here."""
    problems: list[Problem] = []
    tables = read_tables(content)
    data = _read_need(tables, problems)
    release = data["release"]
    items: list[NeedItemInput] = []
    if release is not None:
        refs = release_items(release.pk, labels=False)
        for kind in SHEETS:
            items += _read_kind(
                tables, kind, [r for r in refs if r.kind == kind], problems
            )
        items += _read_agency(tables, release, {ref.code for ref in refs}, problems)
    if problems:
        raise WorkbookError(problems)
    return WorkbookData(**data, items=items)


def workbook_apply(*, content: bytes, agency, by, need_id: int | None = None) -> Need:
    """Create or update a need from a business needs tables, for ``agency``.

    ``need_id`` (the page's or the API's need) is the need to update; without it
    the workbook's own need ID names it, and a blank one creates a new need. Raises
    :class:`WorkbookError` (nothing written) when the file has problems or names a
    need of another agency or release."""
    from brokering.services import need_create, need_update
    from brokering.services.items import need_items_replace

    data = read_workbook(content)
    where = (NEED_SHEET, 0, "Value")
    problems = []
    if data.agency and data.agency != agency.abbreviation:
        problems.append(
            Problem(
                *where, f"the workbook is for {data.agency}, not {agency.abbreviation}."
            )
        )
    if need_id is not None and data.need_id not in (None, need_id):
        problems.append(
            Problem(*where, f"the workbook is for need {data.need_id}, not {need_id}.")
        )
    target = need_id if need_id is not None else data.need_id
    need = None
    if target is not None:
        need = Need.objects.filter(pk=target, agency=agency).first()
        if need is None:
            problems.append(Problem(*where, f"the agency has no need {target}."))
        elif need.release_id != data.release.pk:
            problems.append(
                Problem(*where, f"need {target} is stated against {need.release.name}.")
            )
    if problems:
        raise WorkbookError(problems)
    with transaction.atomic():
        if need is None:
            need = need_create(
                agency=agency,
                created_by=by,
                release_id=data.release.pk,
                title=data.title,
                go_live_date=data.go_live_date,
                accepted_provider_kinds=data.accepted_provider_kinds,
                minimum_impact_level=data.minimum_impact_level,
                accepted_deployment_models=data.accepted_deployment_models,
            )
        else:
            need = need_update(
                need_id=need.pk,
                title=data.title,
                go_live_date=data.go_live_date,
                accepted_provider_kinds=data.accepted_provider_kinds,
                minimum_impact_level=data.minimum_impact_level,
                accepted_deployment_models=data.accepted_deployment_models,
            )
        need_items_replace(need_id=need.pk, items=data.items)
    need.refresh_from_db()
    return need
