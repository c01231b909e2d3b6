"""The decision package as a download: a ZIP of the stored canonical JSON (the
bytes the digest covers, as stored), its SHA-256, an XLSX workbook and a printable
HTML report. The workbook and the report are rendered from the stored package
alone, so they too never change when the catalog or the standards do."""

import io
import json
import zipfile
from typing import Any

from django.template.loader import render_to_string

from brokering.models import Decision
from brokering.scoring.formula import credit_text
from marketplace.spreadsheets import Sheet, xlsx_bytes

JSON_NAME = "package.json"
DIGEST_NAME = "package.sha256"
# Fixed member times: the same package gives the same JSON member bytes.
_MEMBER_TIME = (2000, 1, 1, 0, 0, 0)


def package_data(decision: Decision) -> dict[str, Any]:
    return json.loads(bytes(decision.package).decode())


def _workbook(data: dict[str, Any]) -> bytes:
    scores = data["scores"]
    names = {i["offering_id"]: i for i in data["invited"]}
    ranking_rows: list[list[Any]] = [
        ["Rank", "Offering", "Provider", "Basis", "Score", "Eligible", "Gaps"]
    ]
    by_key = {(s["offering_id"], s["basis"]): s for s in scores}
    for rank, offering_id in enumerate(data["ranking"], start=1):
        entry = (
            by_key.get((offering_id, "response")) or by_key[(offering_id, "catalog")]
        )
        ranking_rows.append(
            [
                rank,
                names[offering_id]["offering"],
                names[offering_id]["provider"],
                entry["basis"],
                round(entry["score"], 4),
                "yes" if entry["eligible"] else "no",
                ", ".join(entry["gaps"]),
            ]
        )
    item_rows = [
        ["ID", "Kind", "Function", "Priority", "Statement", "Target", "Awaiting answer"]
    ]
    item_rows += [
        [
            i["code"],
            i["kind"],
            i["function"],
            i["priority"],
            i["statement"],
            i["target"],
            "yes" if i["awaiting"] else "no",
        ]
        for i in data["items"]
    ]
    line_rows = [
        [
            "Offering",
            "Basis",
            "Item",
            "Weight",
            "Level",
            "Roadmap date",
            "Credit",
            "Gap",
        ]
    ]
    for entry in scores:
        for line in entry["lines"]:
            line_rows.append(
                [
                    names[entry["offering_id"]]["offering"],
                    entry["basis"],
                    line["item"],
                    line["weight"],
                    line["level"] or "",
                    line["roadmap_date"] or "",
                    credit_text(line["credit"]),
                    "yes" if line["gap"] else "no",
                ]
            )
    response_rows = [
        [
            "Offering",
            "Status",
            "One-time cost",
            "Annual cost",
            "Pricing basis",
            "Months to go-live",
            "Fits go-live",
            "Above the catalog",
        ]
    ]
    for invited in data["invited"]:
        price = invited["price"]
        response_rows.append(
            [
                invited["offering"],
                invited["status"],
                price["one_time_cost"] or "",
                price["annual_cost"] or "",
                price["pricing_basis"],
                invited["timeline_months"]
                if invited["timeline_months"] is not None
                else "",
                {True: "yes", False: "no", None: ""}[invited["fits_go_live"]],
                ", ".join(invited["above_catalog"]),
            ]
        )
    qa_rows: list[list[Any]] = [["Question", "Answer"]] + [
        [q["text"], q["reply"]] for q in data["questions"]
    ]
    return xlsx_bytes(
        [
            Sheet("Ranking", ranking_rows),
            Sheet("Items", item_rows),
            Sheet("Responses", response_rows),
            Sheet("Score lines", line_rows),
            Sheet("Questions", qa_rows),
        ]
    )


def package_zip(decision: Decision) -> bytes:
    data = package_data(decision)
    report = render_to_string(
        "brokering/rounds/package_report.html",
        {"data": data, "digest": decision.digest},
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in (
            (JSON_NAME, bytes(decision.package)),
            (DIGEST_NAME, f"{decision.digest}  {JSON_NAME}\n".encode()),
            ("package.xlsx", _workbook(data)),
            ("report.html", report.encode()),
        ):
            archive.writestr(zipfile.ZipInfo(name, _MEMBER_TIME), content)
    return out.getvalue()
