"""Writes to the standards: importing a release and making a release current."""

import datetime
import re

from django.db import transaction

from standards.importers import (
    CITING_FIELDS,
    FIELDS,
    ReleaseData,
    cited_references,
)
from standards.importers.builder import RETIRED
from standards.models import (
    Activity,
    Capability,
    ChangeLogEntry,
    DataElement,
    Exchange,
    ExchangeSpecification,
    ExchangeSystem,
    Function,
    Reference,
    ReferenceKind,
    ReleaseStatus,
    Report,
    ServiceMeasure,
    StandardsRelease,
)
from standards.signals import release_made_current

DATA_ELEMENT_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
# Path segments under /standards/ that a release name would shadow.
RESERVED_NAMES = {"compare"}


class ReleaseConflict(Exception):
    """The release name exists with other content, or a transition is not allowed."""


@transaction.atomic
def release_import(
    *,
    name: str,
    data: ReleaseData,
    published_on: datetime.date | None = None,
) -> tuple[StandardsRelease, bool]:
    """Create release ``name`` from ``data`` in one transaction.

    Returns ``(release, created)``. Importing equal content into an existing release
    changes nothing; different content into an existing name is refused, because
    offerings and needs point at the release's items.
    """
    if name.casefold() in RESERVED_NAMES:
        raise ReleaseConflict(f"'{name}' is reserved for a page; choose another name.")
    digest = data.digest()
    existing = StandardsRelease.objects.filter(name=name).first()
    if existing is not None:
        if existing.content_digest == digest:
            return existing, False
        raise ReleaseConflict(
            f"Release {name} already exists with different content; "
            "import the new files under a new release name."
        )
    release = StandardsRelease.objects.create(
        name=name,
        status=ReleaseStatus.DRAFT,
        published_on=published_on,
        source_checksums=data.checksums,
        content_digest=digest,
        reference_notes=data.reference_notes,
    )
    Function.objects.bulk_create(
        [
            Function(
                release=release,
                code=f["code"],
                name=f["name"],
                description=f["description"],
            )
            for f in data.functions
        ]
    )
    function_ids = dict(release.functions.values_list("code", "pk"))
    Activity.objects.bulk_create(
        [
            Activity(
                release=release,
                function_id=function_ids[a["function_code"]],
                code=a["code"],
                name=a["name"],
                description=a["description"],
                references=a["references"],
            )
            for a in data.activities
        ]
    )
    activities = dict(release.activities.values_list("code", "pk"))
    activity_function = dict(release.activities.values_list("code", "function_id"))
    Capability.objects.bulk_create(
        [
            Capability(
                release=release,
                activity_id=activities[c["activity_code"]],
                function_id=activity_function[c["activity_code"]],
                code=c["code"],
                kind=c["kind"],
                statement=c["statement"],
                authoritative_references=c["authoritative_references"],
                other_references=c["other_references"],
                goal_group_id=c["goal_group_id"],
                goal_group_name=c["goal_group_name"],
                ffmsr_id=c["ffmsr_id"],
            )
            for c in data.capabilities
        ]
    )
    ServiceMeasure.objects.bulk_create(
        [
            ServiceMeasure(
                release=release,
                activity_id=activities.get(m["activity_code"]),
                **{name: m[name] for name in FIELDS["service_measures"]},
            )
            for m in data.service_measures
        ]
    )
    DataElement.objects.bulk_create(
        [DataElement(release=release, **e) for e in data.data_elements]
    )
    ChangeLogEntry.objects.bulk_create(
        [ChangeLogEntry(release=release, **entry) for entry in data.change_log]
    )
    _write_references(release, data)
    _write_exchanges_and_reports(release, data)
    return release, True


def _reference_kind(reference_type: str) -> str:
    words = " ".join(reference_type.split()).casefold()
    for kind in (ReferenceKind.AUTHORITATIVE, ReferenceKind.OTHER):
        if words == kind.label.casefold():
            return kind.value
    if words.startswith(ReferenceKind.DATA_STANDARD.label.casefold()):
        return ReferenceKind.DATA_STANDARD.value
    return ReferenceKind.NONE.value


def _write_references(release: StandardsRelease, data: ReleaseData) -> None:
    """The index, and a link from every item to each reference its text cites."""
    Reference.objects.bulk_create(
        [
            Reference(
                release=release,
                code=r["code"],
                number=int(r["code"].strip("()")),
                name=r["name"],
                reference_type=r["reference_type"],
                kind=_reference_kind(r["reference_type"]),
                retired=r["name"].strip() == RETIRED,
            )
            for r in data.references
        ]
    )
    references = dict(release.references.values_list("code", "pk"))
    models = {
        "activities": (Activity, "code"),
        "capabilities": (Capability, "code"),
        "service_measures": (ServiceMeasure, None),
        "data_elements": (DataElement, "label"),
    }
    for kind, fields in CITING_FIELDS.items():
        model, key = models[kind]
        through = model.reference_links.through
        source = f"{model._meta.model_name}_id"
        if key is None:
            ids = {
                (code, name): pk
                for pk, code, name in model.objects.filter(release=release).values_list(
                    "pk", "code", "name"
                )
            }
        else:
            ids = dict(model.objects.filter(release=release).values_list(key, "pk"))
        links = []
        for item in data.items(kind):
            pk = ids[(item["code"], item["name"]) if key is None else item[key]]
            cited = cited_references("\n".join(item[f] for f in fields))
            links += [
                through(**{source: pk, "reference_id": references[code]})
                for code in cited
                if code in references
            ]
        through.objects.bulk_create(links)


def _labels_in(cells: list[str], labels: dict[str, int]) -> list[int]:
    found: dict[int, None] = {}
    for cell in cells:
        for word in DATA_ELEMENT_WORD.findall(cell):
            if word in labels:
                found[labels[word]] = None
    return list(found)


def _element_columns(header_rows: list[list[str]]) -> list[int]:
    """Columns holding FFM data element labels: 'FIBF FFM: Data Element Label',
    'FFM Business Data Element Label'."""
    header = header_rows[-1] if header_rows else []
    return [
        i
        for i, cell in enumerate(header)
        if "ffm" in cell.casefold()
        and "data element label" in " ".join(cell.casefold().split())
    ]


def _write_exchanges_and_reports(release: StandardsRelease, data: ReleaseData) -> None:
    labels = dict(release.data_elements.values_list("label", "pk"))
    ExchangeSystem.objects.bulk_create(
        [
            ExchangeSystem(release=release, position=i, **s)
            for i, s in enumerate(data.systems, start=1)
        ]
    )
    specifications = ExchangeSpecification.objects.bulk_create(
        [
            ExchangeSpecification(release=release, position=i, **s)
            for i, s in enumerate(data.specifications, start=1)
        ]
    )
    by_name = {s.name: s for s in specifications}
    element_links = []
    for spec in specifications:
        columns = _element_columns(spec.header_rows)
        cells = [row[i] for row in spec.rows for i in columns if i < len(row)]
        element_links += [
            ExchangeSpecification.data_elements.through(
                exchangespecification_id=spec.pk, dataelement_id=pk
            )
            for pk in _labels_in(cells, labels)
        ]
    # A data element's own "Business Information Exchange (BIE)" cell names tabs too.
    for element in data.data_elements:
        for line in element["exchanges"].replace(";", "\n").split("\n"):
            spec = by_name.get(line.strip())
            if spec is not None:
                element_links.append(
                    ExchangeSpecification.data_elements.through(
                        exchangespecification_id=spec.pk,
                        dataelement_id=labels[element["label"]],
                    )
                )
    ExchangeSpecification.data_elements.through.objects.bulk_create(
        element_links, ignore_conflicts=True
    )
    systems = dict(release.systems.values_list("name", "pk"))
    Exchange.objects.bulk_create(
        [
            Exchange(
                release=release,
                position=i,
                system_id=systems[e["system"]],
                specification_tab=by_name.get(e["specification"].strip()),
                **{k: v for k, v in e.items() if k != "system"},
            )
            for i, e in enumerate(data.exchanges, start=1)
        ]
    )
    reports = Report.objects.bulk_create(
        [
            Report(release=release, position=i, **r)
            for i, r in enumerate(data.reports, start=1)
        ]
    )
    report_links = []
    for report in reports:
        columns = _element_columns(report.header_rows)
        cells = [row[i] for row in report.rows for i in columns if i < len(row)]
        report_links += [
            Report.data_elements.through(report_id=report.pk, dataelement_id=pk)
            for pk in _labels_in(cells, labels)
        ]
    Report.data_elements.through.objects.bulk_create(report_links)


@transaction.atomic
def release_make_current(*, release: StandardsRelease) -> StandardsRelease:
    """Make ``release`` the one current release; the previous one is retired.

    The single place a release becomes current. Receivers of ``release_made_current``
    (brokering's rescoring) run inside this transaction and enqueue work on commit.
    """
    # Lock every release row (a handful: one per fiscal year) in primary-key order.
    # Locking only "the current one" is not enough: under READ COMMITTED a second
    # promotion would not see a release that became current while it waited.
    rows = {
        r.pk: r for r in StandardsRelease.objects.select_for_update().order_by("pk")
    }
    target = rows[release.pk]
    if target.status == ReleaseStatus.CURRENT:
        raise ReleaseConflict(f"Release {target.name} is already current.")
    previous = next(
        (r for r in rows.values() if r.status == ReleaseStatus.CURRENT), None
    )
    if previous is not None:
        previous.status = ReleaseStatus.RETIRED
        previous.save(update_fields=["status", "updated_at"])
    target.status = ReleaseStatus.CURRENT
    target.save(update_fields=["status", "updated_at"])
    release.status = target.status
    release_made_current.send(
        sender=StandardsRelease,
        release_id=target.pk,
        previous_id=previous.pk if previous is not None else None,
    )
    return target


@transaction.atomic
def release_retire(*, release: StandardsRelease) -> StandardsRelease:
    """Retire a draft release. The current release is retired only by making
    another one current, so that there is always exactly one current release."""
    target = StandardsRelease.objects.select_for_update().get(pk=release.pk)
    if target.status == ReleaseStatus.RETIRED:
        raise ReleaseConflict(f"Release {target.name} is already retired.")
    if target.status == ReleaseStatus.CURRENT:
        raise ReleaseConflict(
            f"Release {target.name} is current: make another release current "
            "instead of retiring it."
        )
    target.status = ReleaseStatus.RETIRED
    target.save(update_fields=["status", "updated_at"])
    release.status = target.status
    return target
