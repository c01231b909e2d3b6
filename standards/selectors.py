"""Reads of the standards, shared by the pages, the exports and the API.

Every list selector returns a queryset with its related rows already joined or
prefetched, so that callers render lists in a fixed number of queries.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from standards import snapshot
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
    ReleaseStatus,
    Report,
    ServiceMeasure,
    StandardsRelease,
)
from standards.snapshot import ReleaseDiff


def _count(model, **outer) -> Coalesce:
    """A correlated COUNT(*) subquery on ``model`` by release (no row fan-out)."""
    subquery = (
        model.objects.filter(**{k: OuterRef(v) for k, v in outer.items()})
        .order_by()
        .values(*outer.keys())
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(subquery), 0)


def release_list() -> QuerySet[StandardsRelease]:
    """All releases, newest name first, with their item counts."""
    return StandardsRelease.objects.annotate(
        function_count=_count(Function, release="pk"),
        activity_count=_count(Activity, release="pk"),
        capability_count=_count(Capability, release="pk"),
        measure_count=_count(ServiceMeasure, release="pk"),
        data_element_count=_count(DataElement, release="pk"),
    ).order_by("-name")


def current_release() -> StandardsRelease | None:
    """The one current release, or ``None`` before any release was made current."""
    return StandardsRelease.objects.filter(status=ReleaseStatus.CURRENT).first()


def release_get(name: str) -> StandardsRelease | None:
    return release_list().filter(name=name).first()


def function_list(release: StandardsRelease) -> QuerySet[Function]:
    """Functions of a release with their activities (each with a capability count)."""
    activities = Activity.objects.annotate(
        capability_count=_count(Capability, activity="pk")
    ).order_by("code")
    return (
        Function.objects.filter(release=release)
        .annotate(capability_count=_count(Capability, function="pk"))
        .prefetch_related(Prefetch("activities", queryset=activities))
        .order_by("code")
    )


def activity_list(
    release: StandardsRelease, *, function_code: str = ""
) -> QuerySet[Activity]:
    activities = Activity.objects.filter(release=release).select_related("function")
    if function_code:
        activities = activities.filter(function__code=function_code)
    return activities.order_by("code")


def activity_get(release: StandardsRelease, code: str) -> Activity | None:
    return (
        Activity.objects.filter(release=release, code=code)
        .select_related("function", "release")
        .prefetch_related(
            Prefetch("capabilities", queryset=Capability.objects.order_by("code")),
            Prefetch(
                "service_measures",
                queryset=ServiceMeasure.objects.order_by("code", "name"),
            ),
        )
        .first()
    )


def uses_full_text_search() -> bool:
    return connection.vendor == "postgresql"


def capability_list(
    release: StandardsRelease,
    *,
    function_code: str = "",
    activity_code: str = "",
    kind: str = "",
    query: str = "",
) -> QuerySet[Capability]:
    """Capabilities of a release, filtered and searched.

    ``query`` uses PostgreSQL full-text search (ranked) where the database is
    PostgreSQL, and a case-insensitive substring match elsewhere. An exact ID finds its
    capability on both.
    """
    capabilities = Capability.objects.filter(release=release).select_related(
        "activity", "function"
    )
    if function_code:
        capabilities = capabilities.filter(function__code=function_code)
    if activity_code:
        capabilities = capabilities.filter(activity__code=activity_code)
    if kind:
        capabilities = capabilities.filter(kind=kind)
    query = query.strip()
    if not query:
        return capabilities.order_by("code")
    by_code = Q(code__istartswith=query) | Q(ffmsr_id=query)
    if uses_full_text_search():
        vector = (
            SearchVector("statement", weight="A", config="english")
            + SearchVector("goal_group_name", weight="B", config="english")
            + SearchVector("authoritative_references", weight="C", config="english")
            + SearchVector("other_references", weight="C", config="english")
        )
        search = SearchQuery(query, search_type="websearch", config="english")
        return (
            capabilities.annotate(search=vector, rank=SearchRank(vector, search))
            .filter(Q(search=search) | by_code)
            .order_by("-rank", "code")
        )
    words = query.split()
    text = Q()
    for word in words:
        text &= (
            Q(statement__icontains=word)
            | Q(goal_group_name__icontains=word)
            | Q(authoritative_references__icontains=word)
            | Q(other_references__icontains=word)
        )
    return capabilities.filter(text | by_code).order_by("code")


def capability_get(release: StandardsRelease, code: str) -> Capability | None:
    return (
        Capability.objects.filter(release=release, code=code)
        .select_related("activity", "function", "release")
        .first()
    )


def capability_versions(code: str) -> QuerySet[Capability]:
    """The same capability ID in every release (IDs are stable across releases)."""
    return (
        Capability.objects.filter(code=code)
        .select_related("release")
        .order_by("-release__name")
    )


def service_measure_list(
    release: StandardsRelease,
    *,
    function_code: str = "",
    category: str = "",
    measure_type: str = "",
    query: str = "",
) -> QuerySet[ServiceMeasure]:
    measures = ServiceMeasure.objects.filter(release=release).select_related("activity")
    if function_code:
        measures = measures.filter(function_code=function_code)
    if category:
        measures = measures.filter(category=category)
    if measure_type:
        measures = measures.filter(measure_type=measure_type)
    for word in query.split():
        measures = measures.filter(
            Q(code__istartswith=word)
            | Q(name__icontains=word)
            | Q(description__icontains=word)
        )
    return measures.order_by("code", "name")


def service_measure_facets(release: StandardsRelease) -> dict[str, list[str]]:
    """The values the measure filters offer, from the release itself."""
    measures = ServiceMeasure.objects.filter(release=release).order_by()
    return {
        "categories": sorted(
            set(measures.exclude(category="").values_list("category", flat=True))
        ),
        "types": sorted(
            set(
                measures.exclude(measure_type="").values_list("measure_type", flat=True)
            )
        ),
        "functions": sorted(set(measures.values_list("function_code", flat=True))),
    }


def data_element_list(
    release: StandardsRelease, *, query: str = ""
) -> QuerySet[DataElement]:
    elements = DataElement.objects.filter(release=release)
    fields = ("label", "definition", "data_group", "exchanges", "domain_values")
    return _words(elements, query, fields).order_by("label")


# --- references, exchanges, reports, data elements ---------------------------------


def _words(queryset: QuerySet, query: str, fields: tuple[str, ...]) -> QuerySet:
    """Every word of ``query`` in one of ``fields`` (case-insensitive)."""
    for word in query.split():
        condition = Q()
        for name in fields:
            condition |= Q(**{f"{name}__icontains": word})
        queryset = queryset.filter(condition)
    return queryset


def reference_list(
    release: StandardsRelease, *, query: str = "", kind: str = ""
) -> QuerySet[Reference]:
    """The reference index; ``kind`` is a ReferenceKind value or ``retired``."""
    references = Reference.objects.filter(release=release)
    if kind == "retired":
        references = references.filter(retired=True)
    elif kind:
        references = references.filter(kind=kind, retired=False)
    number = re.fullmatch(r"\(?([0-9]{1,6})\)?", query.strip())
    if number:
        return references.filter(number=int(number.group(1)))
    return _words(references, query, ("name", "reference_type")).order_by("number")


def reference_get(release: StandardsRelease, number: int) -> Reference | None:
    return (
        Reference.objects.filter(release=release, number=number)
        .prefetch_related(
            Prefetch("activities", queryset=Activity.objects.order_by("code")),
            Prefetch("capabilities", queryset=Capability.objects.order_by("code")),
            Prefetch(
                "service_measures", queryset=ServiceMeasure.objects.order_by("code")
            ),
            Prefetch("data_elements", queryset=DataElement.objects.order_by("label")),
        )
        .first()
    )


def exchange_list(release: StandardsRelease, *, query: str = "") -> QuerySet[Exchange]:
    exchanges = Exchange.objects.filter(release=release).select_related(
        "system", "specification_tab"
    )
    fields = (
        "information",
        "requirement",
        "specification",
        "functions",
        "activities",
        "system__name",
        "system__description",
        "system__area",
    )
    return _words(exchanges, query, fields).order_by("position")


def systems_without_exchanges(release: StandardsRelease) -> QuerySet[ExchangeSystem]:
    """Systems the workbook lists without an exchange row of their own."""
    return release.systems.filter(exchanges__isnull=True).order_by("position")


def exchange_get(release: StandardsRelease, position: int) -> Exchange | None:
    return (
        Exchange.objects.filter(release=release, position=position)
        .select_related("system", "specification_tab")
        .first()
    )


def specification_list(release: StandardsRelease) -> QuerySet[ExchangeSpecification]:
    return (
        ExchangeSpecification.objects.filter(release=release)
        .defer("rows", "header_rows")
        .order_by("position")
    )


def specification_get(
    release: StandardsRelease, position: int
) -> ExchangeSpecification | None:
    return (
        ExchangeSpecification.objects.filter(release=release, position=position)
        .prefetch_related(
            Prefetch("data_elements", queryset=DataElement.objects.order_by("label")),
            Prefetch(
                "exchanges",
                queryset=Exchange.objects.select_related("system").order_by("position"),
            ),
        )
        .first()
    )


def report_list(release: StandardsRelease, *, query: str = "") -> QuerySet[Report]:
    reports = Report.objects.filter(release=release).defer("rows", "header_rows")
    fields = ("name", "description", "function", "activity", "specification")
    return _words(reports, query, fields).order_by("position")


def report_get(release: StandardsRelease, position: int) -> Report | None:
    return (
        Report.objects.filter(release=release, position=position)
        .prefetch_related(
            Prefetch("data_elements", queryset=DataElement.objects.order_by("label"))
        )
        .first()
    )


def data_element_get(release: StandardsRelease, label: str) -> DataElement | None:
    return (
        DataElement.objects.filter(release=release, label=label)
        .prefetch_related(
            Prefetch("reference_links", queryset=Reference.objects.order_by("number")),
            Prefetch(
                "used_in_specifications",
                queryset=ExchangeSpecification.objects.defer(
                    "rows", "header_rows"
                ).order_by("position"),
            ),
            Prefetch(
                "used_in_reports",
                queryset=Report.objects.defer("rows", "header_rows").order_by(
                    "position"
                ),
            ),
        )
        .first()
    )


def change_log(release: StandardsRelease) -> QuerySet[ChangeLogEntry]:
    return ChangeLogEntry.objects.filter(release=release).order_by(
        "workbook", "position"
    )


# --- diff -----------------------------------------------------------------------


def release_diff(old: StandardsRelease, new: StandardsRelease) -> ReleaseDiff:
    """Every kind and field added, removed and changed (see ``standards.snapshot``)."""
    return snapshot.release_diff(old, new)
