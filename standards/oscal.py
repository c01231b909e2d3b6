"""The OSCAL catalog export (OSCAL 1.1.2; validated in the tests with
compliance-trestle's catalog model).

* ``catalog.groups`` are functions (class ``ffm-function``) whose ``groups`` are
  activities (``ffm-activity``); an activity's ``controls`` are its capabilities
  (``ffm-business-capability``); an activity without capabilities has no ``controls``
  key (OSCAL forbids an empty list).
* Service measures are ``parts`` of their activity's group (name ``service-measure``);
  measures for all activities (``FFM.000.000``) sit in a group of their own.
* The reference index is in ``back-matter`` as ``resources``; capabilities and
  activities link to the references they cite (``rel: reference``).
* Every prop and part the portal defines carries ``ns`` = :data:`NAMESPACE`; only
  OSCAL's own names (``label``, ``statement``, ``overview``) are left in NIST's.
* Data elements, exchanges and reports have no place in a control catalog: they are in
  the JSON and CSV exports (docs/standards.md).
"""

import uuid

from django.db.models import Prefetch

from standards.identifiers import ALL_ACTIVITIES
from standards.models import (
    Activity,
    Capability,
    Function,
    Reference,
    ServiceMeasure,
    StandardsRelease,
)

OSCAL_VERSION = "1.1.2"
NAMESPACE = "urn:fm-marketplace:oscal:standards"
# A fixed namespace keeps OSCAL UUIDs stable for the same release and item.
UUID_NAMESPACE = uuid.UUID("0f4b7a52-5a57-4c0e-9a43-2f1d4c9c1b71")
MEASURE_PROPS = (
    ("target", "target"),
    ("category", "category"),
    ("level_type", "service-level-type"),
    ("measure_type", "measure-type"),
    ("frequency", "frequency"),
    ("functional_area", "functional-area"),
    ("performing_organization", "performing-organization"),
    ("reporting_organization", "reporting-organization"),
    ("accountable_organization", "accountable-organization"),
    ("method", "method"),
    ("reporting_level", "reporting-level"),
    ("source", "source"),
    ("source_detail", "source-detail"),
)


def _oscal_id(code: str) -> str:
    """OSCAL ids are tokens: ``FFM.010.010.011`` -> ``ffm-010-010-011``."""
    return code.lower().replace(".", "-")


def _uuid(release: StandardsRelease, key: str) -> str:
    return str(uuid.uuid5(UUID_NAMESPACE, f"{release.name}/{key}"))


def _prop(name: str, value: str, *, ours: bool = True) -> dict | None:
    """A prop; OSCAL values are one line without outer spaces (None if empty)."""
    value = " ".join(str(value).split())
    if not value:
        return None
    prop = {"name": name, "value": value}
    if ours:
        prop["ns"] = NAMESPACE
    return prop


def _props(*props) -> dict:
    kept = [p for p in props if p]
    return {"props": kept} if kept else {}


def _part(part_id: str, name: str, prose: str, *, ours: bool = True) -> dict | None:
    if not prose.strip():
        return None
    part = {"id": part_id, "name": name, "prose": prose}
    if ours:
        part["ns"] = NAMESPACE
    return part


class _Writer:
    def __init__(self, release: StandardsRelease):
        self.release = release
        self.references = {
            r.pk: r
            for r in Reference.objects.filter(release=release).order_by("number")
        }
        self.measure_ids: dict[str, int] = {}

    def links(self, item) -> dict:
        links = [
            {
                "href": f"#{_uuid(self.release, 'reference/' + r.code)}",
                "rel": "reference",
            }
            for r in item.reference_links.all()
        ]
        return {"links": links} if links else {}

    def control(self, c: Capability) -> dict:
        oid = _oscal_id(c.code)
        parts = [
            _part(f"{oid}_smt", "statement", c.statement, ours=False),
            _part(
                f"{oid}_authoritative-references",
                "authoritative-references",
                c.authoritative_references,
            ),
            _part(f"{oid}_other-references", "other-references", c.other_references),
        ]
        return {
            "id": oid,
            "class": "ffm-business-capability",
            "title": c.code,
            **_props(
                _prop("label", c.code, ours=False),
                _prop("io-kind", c.get_kind_display().lower()),
                _prop("ffmsr-goal-group-id", c.goal_group_id),
                _prop("ffmsr-goal-group-name", c.goal_group_name),
                _prop("ffmsr-id", c.ffmsr_id),
            ),
            **self.links(c),
            "parts": [p for p in parts if p],
        }

    def measure(self, m: ServiceMeasure) -> dict:
        base = f"{_oscal_id(m.code)}_msr"
        self.measure_ids[base] = self.measure_ids.get(base, 0) + 1
        parts = [
            _part(f"{base}-{self.measure_ids[base]}_{name}", name, getattr(m, field))
            for field, name in (
                ("description", "description"),
                ("rationale", "rationale"),
                ("formula", "formula"),
            )
        ]
        return {
            "id": f"{base}-{self.measure_ids[base]}",
            "name": "service-measure",
            "ns": NAMESPACE,
            "title": " ".join(m.name.split()),
            **_props(
                _prop("label", m.code, ours=False),
                *[_prop(name, getattr(m, field)) for field, name in MEASURE_PROPS],
            ),
            "parts": [p for p in parts if p],
        }

    def activity(self, a: Activity, measures: list[ServiceMeasure]) -> dict:
        oid = _oscal_id(a.code)
        parts = [_part(f"{oid}_desc", "overview", a.description, ours=False)]
        parts += [self.measure(m) for m in measures]
        group = {
            "id": oid,
            "class": "ffm-activity",
            "title": " ".join(a.name.split()),
            **_props(_prop("label", a.code, ours=False)),
            **self.links(a),
        }
        if any(parts):
            group["parts"] = [p for p in parts if p]
        controls = [self.control(c) for c in a.capabilities.all()]
        if controls:
            group["controls"] = controls
        return group

    def resource(self, r: Reference) -> dict:
        resource = {
            "uuid": _uuid(self.release, "reference/" + r.code),
            "title": " ".join(f"{r.code} {r.name}".split()),
            **_props(
                _prop("reference-id", r.code),
                _prop("reference-type", r.reference_type),
                _prop("retired", "true" if r.retired else ""),
            ),
            "citation": {"text": f"{r.code} {r.name}"},
        }
        return resource


def release_as_oscal(release: StandardsRelease) -> dict:
    writer = _Writer(release)
    measures: dict[str, list[ServiceMeasure]] = {}
    for m in ServiceMeasure.objects.filter(release=release).order_by("code", "name"):
        measures.setdefault(m.activity_code, []).append(m)
    functions = (
        Function.objects.filter(release=release)
        .order_by("code")
        .prefetch_related(
            Prefetch(
                "activities",
                queryset=Activity.objects.order_by("code").prefetch_related(
                    "reference_links",
                    Prefetch(
                        "capabilities",
                        queryset=Capability.objects.order_by("code").prefetch_related(
                            "reference_links"
                        ),
                    ),
                ),
            )
        )
    )
    groups = []
    for all_activities in ALL_ACTIVITIES:
        if measures.get(all_activities):
            groups.append(
                {
                    "id": _oscal_id(all_activities),
                    "class": "ffm-all-activities",
                    "title": "All functions and activities",
                    "parts": [writer.measure(m) for m in measures[all_activities]],
                }
            )
    for function in functions:
        groups.append(
            {
                "id": _oscal_id(function.code),
                "class": "ffm-function",
                "title": " ".join(function.name.split()),
                **_props(_prop("label", function.code, ours=False)),
                "groups": [
                    writer.activity(a, measures.get(a.code, []))
                    for a in function.activities.all()
                ],
            }
        )
    catalog = {
        "uuid": _uuid(release, "catalog"),
        "metadata": {
            "title": f"FFM Business Capabilities, release {release.name}",
            "last-modified": release.updated_at.isoformat(),
            "version": release.name,
            "oscal-version": OSCAL_VERSION,
        },
        "groups": groups,
    }
    resources = [writer.resource(r) for r in writer.references.values()]
    if resources:
        catalog["back-matter"] = {"resources": resources}
    return {"catalog": catalog}
