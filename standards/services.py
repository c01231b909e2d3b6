"""Writes to the standards: importing a release and making a release current."""

import datetime

from django.db import transaction

from standards.importers import ReleaseData
from standards.models import (
    Activity,
    Capability,
    DataElement,
    Function,
    ReleaseStatus,
    ServiceMeasure,
    StandardsRelease,
)
from standards.signals import release_made_current

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
                code=m["code"],
                function_code=m["function_code"],
                activity_code=m["activity_code"],
                name=m["name"],
                description=m["description"],
                target=m["target"],
                category=m["category"],
                level_type=m["level_type"],
                measure_type=m["measure_type"],
                frequency=m["frequency"],
                formula=m["formula"],
            )
            for m in data.service_measures
        ]
    )
    DataElement.objects.bulk_create(
        [DataElement(release=release, **e) for e in data.data_elements]
    )
    return release, True


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
