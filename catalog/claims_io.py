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

import csv
import datetime
import io
from dataclasses import dataclass
from pathlib import PurePath

import filetype
import openpyxl
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from openpyxl.styles import Font

from catalog.models import ITEM_FIELD, ClaimLevel, Offering
from catalog.services.claims import (
    AnyClaimInput,
    ClaimInput,
    ItemClaimInput,
    claims_save,
)
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
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_LEVELS = {
    **{value: value for value in ClaimLevel.values},
    **{str(label).lower(): value for value, label in ClaimLevel.choices},
    "does not meet": ClaimLevel.DOES_NOT_MEET,
}


@dataclass(frozen=True)
class RowError:
    row: int
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}: {self.message}"


class ClaimsImportError(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


# --- writing --------------------------------------------------------------------


def template_rows(
    release: StandardsRelease, offering: Offering | None = None
) -> list[list]:
    claims: dict = {}
    if offering:
        claims = {("capability", c.capability_id): c for c in offering.claims.all()}
        for claim in offering.item_claims.all():
            claims[(claim.kind, getattr(claim, f"{ITEM_FIELD[claim.kind]}_id"))] = claim
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
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(
            [
                value.isoformat() if isinstance(value, datetime.date) else value or ""
                for value in row
            ]
        )
    # A byte-order mark lets spreadsheet programs open the file as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(rows: list[list], title: str) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Claims"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([None if value == "" else value for value in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text that starts with "=" stays text
            elif isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGH", (18, 30, 30, 60, 16, 14, 50, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    notes = workbook.create_sheet("How to fill")
    notes.append([title])
    notes.append(
        ["level: one of " + ", ".join(ClaimLevel.values) + "; blank = no claim"]
    )
    notes.append(["roadmap_date: YYYY-MM-DD, required when level is roadmap"])
    notes.append(
        [
            "Do not change capability_id (the item's ID: capabilities, then service "
            "measures, information exchanges EX-n and pre-built reports RPT-n); other "
            "columns left of level are for reading."
        ]
    )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- reading --------------------------------------------------------------------


def _read_rows(upload: UploadedFile) -> list[dict]:
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"“{upload.name}” is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB."
        )
    data = upload.read()
    suffix = PurePath(upload.name).suffix.lower()
    guessed = filetype.guess(data[:8192])
    if suffix == ".xlsx":
        if not guessed or guessed.extension != "xlsx":
            raise ValidationError(
                f"“{upload.name}” is named .xlsx but is not an Excel workbook."
            )
        return _xlsx_rows(data)
    if suffix == ".csv":
        if guessed is not None:
            raise ValidationError(
                f"“{upload.name}” is named .csv but is a {guessed.extension} file."
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError(
                f"“{upload.name}” is not UTF-8 text; save it as CSV UTF-8."
            ) from error
        return _csv_rows(text)
    raise ValidationError("Upload the template as a .csv or .xlsx file.")


def _header_map(header: list) -> dict[str, int]:
    names = [str(value or "").strip().lower() for value in header]
    missing = [column for column in ("capability_id", "level") if column not in names]
    if missing:
        raise ValidationError(
            "The first row must be the template's header; missing column(s): "
            + ", ".join(missing)
            + "."
        )
    return {name: names.index(name) for name in INPUT_COLUMNS if name in names}


def _to_dicts(table: list[list]) -> list[dict]:
    if not table:
        raise ValidationError("The file is empty.")
    columns = _header_map(table[0])
    rows = []
    for number, values in enumerate(table[1:], start=2):
        if all(value in (None, "") for value in values):
            continue
        row = {"row": number}
        for name, index in columns.items():
            row[name] = values[index] if index < len(values) else None
        rows.append(row)
    return rows


def _csv_rows(text: str) -> list[dict]:
    try:
        return _to_dicts(list(csv.reader(io.StringIO(text))))
    except csv.Error as error:
        raise ValidationError(f"The CSV file could not be read: {error}.") from error


def _xlsx_rows(data: bytes) -> list[dict]:
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True
        )
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ValidationError("The workbook could not be read.") from error
    sheet = workbook["Claims"] if "Claims" in workbook.sheetnames else workbook.active
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return _to_dicts(table)


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
    rows = _read_rows(upload)
    keys = {ref.code: ref.key for ref in release_items(release.pk, labels=False)}
    url_ok = URLValidator()
    errors: list[RowError] = []
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
        errors.extend(RowError(number, message) for message in row_errors)
        if not row_errors:
            kind, pk = keys[code]
            stated = {
                "level": level,
                "roadmap_date": roadmap_date if level == ClaimLevel.ROADMAP else None,
                "evidence": _text(row.get("evidence")),
                "evidence_url": evidence_url,
            }
            claims.append(
                ClaimInput(capability_id=pk, **stated)
                if kind == ItemKind.CAPABILITY
                else ItemClaimInput(kind, pk, **stated)
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
    return write_csv(rows), "text/csv; charset=utf-8", f"{stem}.csv"
