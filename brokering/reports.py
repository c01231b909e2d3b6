"""Spreadsheets of the brokering app: priorities export/import and the fit-gap report.

Reading and writing (bounded readers, one formula-escaping policy) live in
``marketplace.spreadsheets``; this module knows the columns and the rules of a row.
"""

from collections.abc import Iterable, Sequence

from brokering.models import Match, Need, Priority
from catalog.models import claim_level_label
from marketplace.spreadsheets import (
    Limits,
    Problems,
    Sheet,
    SpreadsheetError,
    Table,
    csv_bytes,
    read_table,
    xlsx_bytes,
)

ROW_MARGIN = 100  # rows read beyond the release's capabilities before refusing
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
    "freshness",
    "unverified_credited_zero",
]


def to_csv(columns: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    return csv_bytes([columns, *rows])


def to_xlsx(title: str, columns: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    return xlsx_bytes([Sheet(title, [columns, *rows])])


# --- priorities --------------------------------------------------------------------


def priority_rows(need: Need) -> list[list]:
    """The need's capability priorities (the business needs workbook carries every
    kind; this file is the capabilities' short form)."""
    rows = []
    for item in (
        need.items.filter(capability__isnull=False)
        .select_related("capability", "capability__function")
        .order_by("capability__code")
    ):
        capability = item.capability
        if capability is None:  # excluded by the filter; tells the type checker
            continue
        rows.append(
            [
                capability.code,
                capability.function.code,
                item.priority,
                capability.statement,
            ]
        )
    return rows


UnreadableFile = SpreadsheetError


def read_priorities(name: str, content: bytes, capability_count: int) -> Table:
    """The rows of an uploaded CSV or XLSX, read no further than the release's
    capabilities plus a margin; raises ``UnreadableFile``."""
    table = read_table(name, content, Limits(rows=capability_count + ROW_MARGIN))
    missing = {"capability_code", "priority"} - set(table.header)
    if missing:
        raise UnreadableFile(
            "The first row must name the columns capability_code and priority "
            f"(missing: {', '.join(sorted(missing))})."
        )
    return table


def parse_priorities(
    table: Table, capability_ids: dict[str, int]
) -> tuple[dict[int, str], Problems]:
    """Validate every row; ``capability_ids`` maps the release's codes to ids."""
    priorities: dict[int, str] = {}
    problems = Problems()
    seen: dict[str, int] = {}
    for number, row in table.records():
        code = str(row.get("capability_code") or "").strip()
        priority = str(row.get("priority") or "").strip().lower()
        if not code and not priority:
            continue
        if code not in capability_ids:
            problems.add(number, f"“{code}” is not a capability of the release.")
            continue
        if priority not in Priority.values:
            problems.add(number, f"priority “{priority}” is not must, should or could.")
            continue
        if code in seen:
            problems.add(number, f"“{code}” is already on row {seen[code]}.")
            continue
        seen[code] = number
        priorities[capability_ids[code]] = priority
    if not priorities and not problems:
        problems.add(2, "the file has no priorities.")
    return priorities, problems


# --- fit-gap -----------------------------------------------------------------------


def _awaiting_statement(item: dict) -> str:
    extra = [
        f"{name}: {item[key]}"
        for name, key in (("target asked", "target"), ("authority", "authority"))
        if item[key]
    ]
    return item["statement"] + (f" ({'; '.join(extra)})" if extra else "")


def fit_gap_rows(
    need: Need, matches: Sequence[Match], explained: dict[int, list[dict]], awaiting
) -> list[list]:
    """One row per item of the need x shortlisted offering: the lines the page
    shows (:func:`brokering.selectors.explained_lines`), then the items awaiting
    the provider's answer (:func:`brokering.selectors.awaiting_items`)."""
    rows = []
    for match in matches:
        offering = match.offering
        head = [
            need.pk,
            need.title,
            match.offering_id,
            offering.slug,
            offering.name,
            offering.provider.name,
            match.status,
            round(match.score, 2),
        ]
        for entry in explained[match.pk]:
            line, claim = entry["line"], entry["claim"]
            rows.append(
                [
                    *head,
                    line.item.function,
                    line.item.capability,
                    entry["statement"],
                    line.item.priority,
                    line.weight,
                    claim_level_label(line.level),
                    line.roadmap_date.isoformat() if line.roadmap_date else "",
                    line.credit / 100,
                    "yes" if line.is_gap else "no",
                    "yes" if claim and claim.verified else "no",
                    claim.evidence if claim else "",
                    claim.evidence_url if claim else "",
                    line.item.kind,
                    "no",
                    entry["freshness"] or "",
                    "yes" if line.unverified else "no",
                ]
            )
        # Items no catalog claim answers: listed, left out of the score's sums.
        for item in awaiting:
            rows.append(
                [
                    *head,
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
                    "",
                    "no",
                ]
            )
    return rows
