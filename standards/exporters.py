"""Exports of a release: the portal's JSON and CSV zip (both carry every kind and
field and import back to the same content) and an OSCAL catalog
(:mod:`standards.oscal`)."""

import csv
import io
import json
import zipfile

from standards.importers import (
    FIELDS,
    JSON_FORMAT,
    RELEASE_MEMBER,
    TABLE_FIELDS,
    csv_escape,
)
from standards.models import StandardsRelease
from standards.oscal import release_as_oscal
from standards.snapshot import release_data

FORMATS = {
    "json": ("application/json", "json"),
    "csv": ("application/zip", "csv.zip"),
    "oscal": ("application/json", "oscal.json"),
}


def release_as_dict(release: StandardsRelease) -> dict:
    """The portal's JSON format: what ``import_standards file.json`` reads."""
    data = release_data(release)
    document = {
        "format": JSON_FORMAT,
        "release": {
            "name": release.name,
            "status": release.status,
            "published_on": (
                release.published_on.isoformat() if release.published_on else None
            ),
            "source_checksums": release.source_checksums,
        },
        "reference_notes": data.reference_notes,
    }
    for kind in FIELDS:
        document[kind] = data.items(kind)
    return document


def _csv(names: tuple[str, ...], items: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for item in items:
        writer.writerow(
            [
                json.dumps(item[n], ensure_ascii=False)
                if n in TABLE_FIELDS
                else csv_escape(str(item[n]))
                for n in names
            ]
        )
    return out.getvalue().encode("utf-8")


def release_as_csv_zip(release: StandardsRelease) -> bytes:
    """One CSV per kind (``capabilities.csv``, ``exchanges.csv``, …) in a zip; table
    cells (specification and report rows) are JSON text, and text a spreadsheet would
    run as a formula starts with an apostrophe that the import removes."""
    data = release_data(release)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            RELEASE_MEMBER,
            _csv(
                ("name", "reference_notes"),
                [{"name": release.name, "reference_notes": data.reference_notes}],
            ),
        )
        for kind, names in FIELDS.items():
            archive.writestr(f"{kind}.csv", _csv(names, data.items(kind)))
    return buffer.getvalue()


def export_release(release: StandardsRelease, fmt: str) -> bytes:
    """The export as bytes, for the command and the download links."""
    if fmt == "json":
        text = json.dumps(release_as_dict(release), indent=2, ensure_ascii=False)
        return text.encode("utf-8")
    if fmt == "csv":
        return release_as_csv_zip(release)
    if fmt == "oscal":
        text = json.dumps(release_as_oscal(release), indent=2, ensure_ascii=False)
        return text.encode("utf-8")
    raise ValueError(f"unknown export format {fmt!r}")
