"""Reads of the standards, shared by the pages, the exports and the API.

Every list selector returns a queryset with its related rows already joined or
prefetched, so that callers render lists in a fixed number of queries.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from standards import snapshot
from standards.models import (
    Activity,
    Capability,
    DataElement,
    Function,
    ReleaseStatus,
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
    for word in query.split():
        elements = elements.filter(
            Q(label__icontains=word) | Q(definition__icontains=word)
        )
    return elements.order_by("label")


# --- diff -----------------------------------------------------------------------


def release_diff(old: StandardsRelease, new: StandardsRelease) -> ReleaseDiff:
    """Every kind and field added, removed and changed (see ``standards.snapshot``)."""
    return snapshot.release_diff(old, new)
