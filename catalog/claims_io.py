"""Claims as a spreadsheet: the template, export and import (CSV or XLSX).

One row per item of the release, in vector order (:mod:`standards.items`):
capabilities by code, then service measures, information exchanges (``EX-<n>``) and
pre-built reports (``RPT-<n>``); the ``capability_id`` column holds the item's ID.
For a measure "meets" commits to Treasury's target; for an exchange, that the
offering exchanges that data with that system today; for a report, that it produces
it. A provider fills ``level``
(``meets``, ``configurable``, ``extension``, ``roadmap``, ``does-not-meet``, or blank
for no claim), ``roadmap_date`` (YYYY-MM-DD, required for roadmap), ``evidence`` and
``evidence_url``; the other columns are there to read. Export writes the same template
filled with an offering's claims, so exporting and importing again changes nothing.

Import checks every row first and reports each bad one with its row number (the
header is row 1); nothing is written unless every row is good.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator

from catalog.models import ITEM_FIELD, ClaimLevel, Offering
from catalog.services.claims import (
    AnyClaimInput,
    ClaimInput,
    ItemClaimInput,
    claims_save,
)
from marketplace.spreadsheets import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    Limits,
    Problems,
    Sheet,
    SpreadsheetError,
    csv_bytes,
    read_table,
    xlsx_bytes,
)
from marketplace.validators import plausible_date
from standards.items import ItemKind, release_items
from standards.models import Capability, StandardsRelease

COLUMNS = [
    "capability_id",
    "function",
    "activity",
    "statement",
    "level",
    "roadmap_date",
    "evidence",
    "evidence_url",
]
INPUT_COLUMNS = ("capability_id", "level", "roadmap_date", "evidence", "evidence_url")
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
ROW_MARGIN = 100  # rows read beyond the release's items before refusing
_LEVELS = {
    **{value: value for value in ClaimLevel.values},
    **{str(label).lower(): value for value, label in ClaimLevel.choices},
    "does not meet": ClaimLevel.DOES_NOT_MEET,
}


class ClaimsImportError(Exception):
    def __init__(self, errors: Problems):
        self.errors = errors
        super().__init__(errors.summary())


# --- writing --------------------------------------------------------------------


def template_rows(
    release: StandardsRelease, offering: Offering | None = None
) -> list[list]:
    claims: dict[tuple[str, int], Any] = {}
    if offering:
        claims = {("capability", c.capability_id): c for c in offering.claims.all()}
        for item_claim in offering.item_claims.all():
            key = (
                item_claim.kind,
                getattr(item_claim, f"{ITEM_FIELD[item_claim.kind]}_id"),
            )
            claims[key] = item_claim
    capabilities = {
        capability.pk: capability
        for capability in Capability.objects.filter(release=release).select_related(
            "function", "activity"
        )
    }
    rows = []
    for ref in release_items(release.pk):
        claim = claims.get(ref.key)
        if ref.kind == ItemKind.CAPABILITY:
            capability = capabilities[ref.pk]
            function = f"{capability.function.code} {capability.function.name}"
            activity = f"{capability.activity.code} {capability.activity.name}"
        else:
            function, activity = ref.function, ItemKind(ref.kind).label
        statement = ref.label
        if ref.kind == ItemKind.MEASURE and ref.target:
            statement = f"{ref.label} (Treasury's target: {ref.target})"
        rows.append(
            [
                ref.code,
                function,
                activity,
                statement,
                claim.level if claim else "",
                claim.roadmap_date if claim and claim.roadmap_date else None,
                claim.evidence if claim else "",
                claim.evidence_url if claim else "",
            ]
        )
    return rows


def write_csv(rows: list[list]) -> bytes:
    return csv_bytes([COLUMNS, *rows])


def write_xlsx(rows: list[list], title: str) -> bytes:
    notes = [
        [title],
        ["level: one of " + ", ".join(ClaimLevel.values) + "; blank = no claim"],
        ["roadmap_date: YYYY-MM-DD, required when level is roadmap"],
        [
            "Do not change capability_id (the item's ID: capabilities, then service "
            "measures, information exchanges EX-n and pre-built reports RPT-n); other "
            "columns left of level are for reading."
        ],
    ]
    return xlsx_bytes(
        [
            Sheet("Claims", [COLUMNS, *rows], widths=(18, 30, 30, 60, 16, 14, 50, 40)),
            Sheet("How to fill", notes, freeze=None, bold_header=False),
        ]
    )


# --- reading --------------------------------------------------------------------


def _read_rows(upload: UploadedFile, *, expected_rows: int) -> list[dict]:
    if (upload.size or 0) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"“{upload.name}” is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB."
        )
    limits = Limits(
        rows=expected_rows + ROW_MARGIN,
        upload_bytes=MAX_UPLOAD_BYTES,
    )
    try:
        table = read_table(upload.name or "", upload.read(), limits, sheet="Claims")
    except SpreadsheetError as error:
        raise ValidationError(str(error)) from error
    missing = [c for c in ("capability_id", "level") if c not in table.header]
    if missing:
        raise ValidationError(
            "The first row must be the template's header; missing column(s): "
            + ", ".join(missing)
            + "."
        )
    return [
        {"row": number, **{name: values.get(name) for name in INPUT_COLUMNS}}
        for number, values in table.records()
    ]


def _text(value) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _date(value) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value).strip())


def parse_claims(
    upload: UploadedFile, release: StandardsRelease
) -> list[AnyClaimInput]:
    """Every row of the file as a claim, or ClaimsImportError listing each bad row."""
    keys = {ref.code: ref.key for ref in release_items(release.pk, labels=False)}
    rows = _read_rows(upload, expected_rows=len(keys))
    url_ok = URLValidator()
    errors = Problems()
    seen: dict[str, int] = {}
    claims: list[AnyClaimInput] = []
    for row in rows:
        number = row["row"]
        code = _text(row.get("capability_id"))
        row_errors = []
        if not code:
            row_errors.append("capability_id is empty.")
        elif code not in keys:
            row_errors.append(f"unknown capability ID “{code}” in {release}.")
        elif code in seen:
            row_errors.append(
                f"capability ID “{code}” appears again (first on row {seen[code]})."
            )
        else:
            seen[code] = number
        raw_level = _text(row.get("level"))
        level = _LEVELS.get(raw_level.lower()) if raw_level else ""
        if level is None:
            row_errors.append(
                f"unknown level “{raw_level}”; use one of "
                + ", ".join(ClaimLevel.values)
                + " or leave it blank."
            )
        try:
            roadmap_date = _date(row.get("roadmap_date"))
        except ValueError:
            roadmap_date = None
            row_errors.append(
                f"roadmap_date “{_text(row.get('roadmap_date'))}” is not a date "
                "(use YYYY-MM-DD)."
            )
        else:
            if level == ClaimLevel.ROADMAP and roadmap_date is None:
                row_errors.append("a roadmap claim needs a roadmap_date.")
            try:
                plausible_date(roadmap_date)
            except ValidationError as error:
                row_errors.append(f"roadmap_date: {error.messages[0]}")
        evidence_url = _text(row.get("evidence_url"))
        if evidence_url:
            try:
                url_ok(evidence_url)
            except ValidationError:
                row_errors.append(
                    f"evidence_url “{evidence_url}” is not a web address."
                )
        if len(evidence_url) > 200:
            row_errors.append("evidence_url is longer than 200 characters.")
        for message in row_errors:
            errors.add(number, message)
        if not row_errors:
            kind, pk = keys[code]
            stated = (
                str(level),
                roadmap_date if level == ClaimLevel.ROADMAP else None,
                _text(row.get("evidence")),
                evidence_url,
            )
            claims.append(
                ClaimInput(pk, *stated)
                if kind == ItemKind.CAPABILITY
                else ItemClaimInput(kind, pk, *stated)
            )
    if errors:
        raise ClaimsImportError(errors)
    if not rows:
        raise ValidationError("The file has a header but no rows.")
    return claims


def claims_import(*, offering: Offering, by, upload: UploadedFile) -> int:
    """Check the whole file, then write every claim that differs. Returns how many
    changed; raises ValidationError or ClaimsImportError and writes nothing."""
    claims = parse_claims(upload, offering.release)
    return claims_save(offering=offering, by=by, claims=claims)


def claims_export(*, offering: Offering, file_format: str) -> tuple[bytes, str, str]:
    """``(content, content_type, filename)`` of the offering's claims."""
    rows = template_rows(offering.release, offering)
    stem = f"{offering.slug}-claims-{offering.release}"
    return _render(rows, file_format, stem, f"Claims of {offering.name}")


def claims_template(
    *, release: StandardsRelease, file_format: str
) -> tuple[bytes, str, str]:
    rows = template_rows(release)
    return _render(rows, file_format, f"claims-template-{release}", f"{release} claims")


def _render(rows, file_format: str, stem: str, title: str) -> tuple[bytes, str, str]:
    if file_format == "xlsx":
        return write_xlsx(rows, title), XLSX_CONTENT_TYPE, f"{stem}.xlsx"
    return write_csv(rows), CSV_CONTENT_TYPE, f"{stem}.csv"
