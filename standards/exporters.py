"""Exports of a release: the project's JSON (which the importer reads back), a CSV of
capabilities (also importable) and an OSCAL-style catalog.

In the OSCAL-style catalog, functions and activities are nested ``groups`` and each
capability is a ``control`` whose ``parts`` carry the statement and references.
"""

import csv
import io
import json
import uuid

from django.db.models import Prefetch

from standards.importers import (
    CAPABILITY_FIELDS,
    CSV_COLUMNS,
    DATA_ELEMENT_FIELDS,
    JSON_FORMAT,
    MEASURE_FIELDS,
)
from standards.models import (
    Activity,
    Capability,
    DataElement,
    Function,
    ServiceMeasure,
    StandardsRelease,
)

FORMATS = {
    "json": ("application/json", "json"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "oscal": ("application/json", "oscal.json"),
}
OSCAL_VERSION = "1.1.2"
# A fixed namespace keeps OSCAL UUIDs stable for the same release and item.
UUID_NAMESPACE = uuid.UUID("0f4b7a52-5a57-4c0e-9a43-2f1d4c9c1b71")


def _functions(release: StandardsRelease):
    return (
        Function.objects.filter(release=release)
        .order_by("code")
        .prefetch_related(
            Prefetch(
                "activities",
                queryset=Activity.objects.order_by("code").prefetch_related(
                    Prefetch(
                        "capabilities", queryset=Capability.objects.order_by("code")
                    )
                ),
            )
        )
    )


def release_as_dict(release: StandardsRelease) -> dict:
    """The project's JSON format: what ``import_standards file.json`` reads."""
    return {
        "format": JSON_FORMAT,
        "release": {
            "name": release.name,
            "status": release.status,
            "published_on": (
                release.published_on.isoformat() if release.published_on else None
            ),
            "source_checksums": release.source_checksums,
        },
        "functions": [
            {
                "code": function.code,
                "name": function.name,
                "description": function.description,
                "activities": [
                    {
                        "code": activity.code,
                        "name": activity.name,
                        "description": activity.description,
                        "references": activity.references,
                        "capabilities": [
                            {name: getattr(c, name) for name in CAPABILITY_FIELDS}
                            for c in activity.capabilities.all()
                        ],
                    }
                    for activity in function.activities.all()
                ],
            }
            for function in _functions(release)
        ],
        "service_measures": [
            {
                "function_code": m.function_code,
                "activity_code": m.activity_code,
                **{name: getattr(m, name) for name in MEASURE_FIELDS},
            }
            for m in ServiceMeasure.objects.filter(release=release).order_by(
                "code", "name"
            )
        ],
        "data_elements": [
            {name: getattr(e, name) for name in DATA_ELEMENT_FIELDS}
            for e in DataElement.objects.filter(release=release).order_by("label")
        ],
    }


def release_as_csv(release: StandardsRelease) -> str:
    """One row per capability, with its function and activity."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    capabilities = (
        Capability.objects.filter(release=release)
        .select_related("activity", "function")
        .order_by("code")
    )
    for c in capabilities:
        writer.writerow(
            [
                c.function.code,
                c.function.name,
                c.activity.code,
                c.activity.name,
                *[getattr(c, name) for name in CAPABILITY_FIELDS],
            ]
        )
    return out.getvalue()


def _oscal_id(code: str) -> str:
    """OSCAL ids are tokens: ``FFM.010.010.011`` -> ``ffm-010-010-011``."""
    return code.lower().replace(".", "-")


def _uuid(release: StandardsRelease, key: str) -> str:
    return str(uuid.uuid5(UUID_NAMESPACE, f"{release.name}/{key}"))


def release_as_oscal(release: StandardsRelease) -> dict:
    def control(c: Capability) -> dict:
        props = [
            {"name": "label", "value": c.code},
            {"name": "io-kind", "value": c.get_kind_display().lower()},
        ]
        for name, value in (
            ("ffmsr-goal-group-id", c.goal_group_id),
            ("ffmsr-goal-group-name", c.goal_group_name),
            ("ffmsr-id", c.ffmsr_id),
        ):
            if value:
                props.append({"name": name, "value": value})
        parts = [
            {
                "id": f"{_oscal_id(c.code)}_smt",
                "name": "statement",
                "prose": c.statement,
            }
        ]
        for name, value in (
            ("authoritative-references", c.authoritative_references),
            ("other-references", c.other_references),
        ):
            if value:
                parts.append(
                    {"id": f"{_oscal_id(c.code)}_{name}", "name": name, "prose": value}
                )
        return {
            "id": _oscal_id(c.code),
            "class": "ffm-business-capability",
            "title": c.code,
            "props": props,
            "parts": parts,
        }

    groups = []
    for function in _functions(release):
        groups.append(
            {
                "id": _oscal_id(function.code),
                "class": "ffm-function",
                "title": function.name,
                "props": [{"name": "label", "value": function.code}],
                "groups": [
                    {
                        "id": _oscal_id(activity.code),
                        "class": "ffm-activity",
                        "title": activity.name,
                        "props": [{"name": "label", "value": activity.code}],
                        "parts": (
                            [
                                {
                                    "id": f"{_oscal_id(activity.code)}_desc",
                                    "name": "overview",
                                    "prose": activity.description,
                                }
                            ]
                            if activity.description
                            else []
                        ),
                        "controls": [control(c) for c in activity.capabilities.all()],
                    }
                    for activity in function.activities.all()
                ],
            }
        )
    return {
        "catalog": {
            "uuid": _uuid(release, "catalog"),
            "metadata": {
                "title": f"FFM Business Capabilities, release {release.name}",
                "last-modified": release.updated_at.isoformat(),
                "version": release.name,
                "oscal-version": OSCAL_VERSION,
            },
            "groups": groups,
        }
    }


def export_release(release: StandardsRelease, fmt: str) -> str:
    """The export as text, for the command and the download links."""
    if fmt == "json":
        return json.dumps(release_as_dict(release), indent=2, ensure_ascii=False)
    if fmt == "csv":
        return release_as_csv(release)
    if fmt == "oscal":
        return json.dumps(release_as_oscal(release), indent=2, ensure_ascii=False)
    raise ValueError(f"unknown export format {fmt!r}")
