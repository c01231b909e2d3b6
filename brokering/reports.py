"""Spreadsheets of the brokering app: priorities export/import and the fit-gap report.

Every cell written is escaped against spreadsheet formula injection: a text value that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
apostrophe, so Excel and LibreOffice show it as text instead of running it.
"""

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from brokering import scoring
from brokering.models import Match, Need, Priority
from catalog.models import ClaimLevel

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PRIORITY_COLUMNS = ["capability_code", "function_code", "priority", "statement"]
FIT_GAP_COLUMNS = [
    "need_id",
    "need_title",
    "offering_id",
    "offering_slug",
    "offering_name",
    "provider",
    "match_status",
    "match_score",
    "function_code",
    "capability_code",
    "statement",
    "priority",
    "weight",
    "claim_level",
    "roadmap_date",
    "credit",
    "gap",
    "verified",
    "evidence",
    "evidence_url",
    "item_kind",
    "awaiting_provider_answer",
]


def escape_cell(value):
    """Neutralise text that a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(columns: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([escape_cell("" if v is None else v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(title: str, columns: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(list(columns))
    for row in rows:
        sheet.append([escape_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- priorities --------------------------------------------------------------------


def priority_rows(need: Need) -> list[list]:
    return [
        [
            item.capability.code,
            item.capability.function.code,
            item.priority,
            item.capability.statement,
        ]
        for item in need.items.select_related(
            "capability", "capability__function"
        ).order_by("capability__code")
    ]


@dataclass(frozen=True)
class ImportProblem:
    row: int  # 1 is the header row, as a spreadsheet numbers it
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}: {self.message}"


class UnreadableFile(ValueError):
    pass


def read_table(name: str, content: bytes) -> list[dict[str, str]]:
    """The rows of an uploaded CSV or XLSX as dicts keyed by lower-case header."""
    if name.lower().endswith(".xlsx"):
        try:
            workbook = load_workbook(
                io.BytesIO(content), read_only=True, data_only=True
            )
        except (
            InvalidFileException,
            zipfile.BadZipFile,
            OSError,
            KeyError,
            ValueError,
        ) as error:
            raise UnreadableFile(
                "The file is not a readable .xlsx workbook."
            ) from error
        values = [
            ["" if cell is None else str(cell).strip() for cell in row]
            for row in workbook.active.iter_rows(values_only=True)
        ]
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise UnreadableFile("The CSV file is not UTF-8 text.") from error
        values = [
            [cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))
        ]
    if not values:
        raise UnreadableFile("The file is empty.")
    header = [cell.lower() for cell in values[0]]
    missing = {"capability_code", "priority"} - set(header)
    if missing:
        raise UnreadableFile(
            "The first row must name the columns capability_code and priority "
            f"(missing: {', '.join(sorted(missing))})."
        )
    return [dict(zip(header, row, strict=False)) for row in values[1:]]


def parse_priorities(
    rows: list[dict[str, str]], capability_ids: dict[str, int]
) -> tuple[dict[int, str], list[ImportProblem]]:
    """Validate every row; ``capability_ids`` maps the release's codes to ids."""
    priorities: dict[int, str] = {}
    problems = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        code = (row.get("capability_code") or "").lstrip("'").strip()
        priority = (row.get("priority") or "").strip().lower()
        if not code and not priority:
            continue
        if code not in capability_ids:
            problems.append(
                ImportProblem(number, f"“{code}” is not a capability of the release.")
            )
            continue
        if priority not in Priority.values:
            problems.append(
                ImportProblem(
                    number, f"priority “{priority}” is not must, should or could."
                )
            )
            continue
        if code in seen:
            problems.append(
                ImportProblem(number, f"“{code}” is already on row {seen[code]}.")
            )
            continue
        seen[code] = number
        priorities[capability_ids[code]] = priority
    if not priorities and not problems:
        problems.append(ImportProblem(2, "the file has no priorities."))
    return priorities, problems


# --- fit-gap -----------------------------------------------------------------------


KIND_ORDER = ["capability", "measure", "exchange", "report", "agency"]


def kind_order(row: dict) -> tuple:
    """Fit-gap rows grouped by kind, then function and ID (items awaiting the
    provider's answer last within their kind)."""
    kind = row["item_kind"]
    position = KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)
    return (
        position,
        row["awaiting_provider_answer"] == "yes",
        row["function_code"],
        row["capability_code"],
    )


def _awaiting_statement(item: dict) -> str:
    extra = [
        f"{name}: {item[key]}"
        for name, key in (("target asked", "target"), ("authority", "authority"))
        if item[key]
    ]
    return item["statement"] + (f" ({'; '.join(extra)})" if extra else "")


def fit_gap_rows(need: Need, matches: Sequence[Match], claims) -> list[list]:
    """One row per capability of the need x shortlisted offering."""
    from brokering.selectors import (
        awaiting_items,
        item_statements,
        need_spec,
        offering_spec,
    )

    spec = need_spec(need=need)
    statements = item_statements(need=need)
    awaiting = awaiting_items(need=need)
    claims_by_offering: dict[int, list] = {}
    for claim in claims:
        claims_by_offering.setdefault(claim.offering_id, []).append(claim)
    rows = []
    for match in matches:
        offering_claims = claims_by_offering.get(match.offering_id, [])
        by_code = {claim.item_code: claim for claim in offering_claims}
        lines = scoring.explain(
            spec, offering_spec(offering=match.offering, claims=offering_claims)
        )
        for line in lines:
            claim = by_code.get(line.item.capability)
            rows.append(
                [
                    need.pk,
                    need.title,
                    match.offering_id,
                    match.offering.slug,
                    match.offering.name,
                    match.offering.provider.name,
                    match.status,
                    round(match.score, 2),
                    line.item.function,
                    line.item.capability,
                    statements.get(line.item.capability, ""),
                    line.item.priority,
                    line.weight,
                    ClaimLevel(line.level).label
                    if line.level
                    else "Unknown (no claim)",
                    line.roadmap_date.isoformat() if line.roadmap_date else "",
                    line.credit / 100,
                    "yes" if line.is_gap else "no",
                    "yes" if claim and claim.verified else "no",
                    claim.evidence if claim else "",
                    claim.evidence_url if claim else "",
                    line.item.kind,
                    "no",
                ]
            )
        # Items no catalog claim answers: listed, left out of the score's sums.
        for item in awaiting:
            rows.append(
                [
                    need.pk,
                    need.title,
                    match.offering_id,
                    match.offering.slug,
                    match.offering.name,
                    match.offering.provider.name,
                    match.status,
                    round(match.score, 2),
                    item["function"],
                    item["code"],
                    _awaiting_statement(item),
                    item["priority"],
                    "",
                    "Awaiting the provider's answer (not in the score)",
                    "",
                    "",
                    "",
                    "no",
                    "",
                    "",
                    item["kind"],
                    "yes",
                ]
            )
    return rows
