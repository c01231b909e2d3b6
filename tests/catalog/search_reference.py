"""The catalog's search data computed the slow way, straight from the claims, as the
code did before it was stored: the reference the stored data must equal.

``catalog.services.offering_search_refresh`` stores, per offering, its covered
functions (``OfferingFunction``), its coverage counts and (PostgreSQL) its search
document; the selectors read them. Here each is computed again from the claims table
with the queries the selectors used to run on every request.
"""

from collections import Counter, defaultdict

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, TextField, Value

from catalog.models import Claim, Offering, OfferingFunction
from catalog.models.search import COVERED_LEVELS, SEARCH_CONFIG
from standards.models import Capability


def covered_functions(offering_ids) -> set[tuple[int, str, int]]:
    """``(offering id, function code, covered claims)`` for every function code with
    at least one covered claim of the offering."""
    return set(
        Claim.objects.filter(offering_id__in=offering_ids, level__in=COVERED_LEVELS)
        .order_by()
        .values_list("offering_id", "capability__function__code")
        .annotate(n=Count("pk"))
    )


def stored_functions(offering_ids) -> set[tuple[int, str, int]]:
    return set(
        OfferingFunction.objects.filter(offering_id__in=offering_ids).values_list(
            "offering_id", "function_code", "covered_count"
        )
    )


def coverage(offering: Offering) -> tuple[int, int]:
    """``(covered, capabilities)``: covered claims on capabilities of the offering's
    release, and that release's capabilities."""
    covered = Claim.objects.filter(
        offering=offering,
        level__in=COVERED_LEVELS,
        capability__release_id=offering.release_id,
    ).count()
    return covered, Capability.objects.filter(release_id=offering.release_id).count()


def function_counts(offerings: QuerySet[Offering]) -> Counter:
    """The function facet as it was counted: distinct offerings per function code
    over the covered claims of ``offerings``."""
    rows = (
        Claim.objects.filter(
            offering__in=offerings.values("pk"), level__in=COVERED_LEVELS
        )
        .order_by()
        .values("capability__function__code")
        .annotate(n=Count("offering", distinct=True))
        .values_list("capability__function__code", "n")
    )
    return Counter(dict(rows))


def covers_all(codes) -> Q:
    """The function filter as it was: a covered claim under every code."""
    condition = Q()
    for code in codes:
        condition &= Q(
            Exists(
                Claim.objects.filter(
                    offering=OuterRef("pk"),
                    level__in=COVERED_LEVELS,
                    capability__function__code=code,
                )
            )
        )
    return condition


def search_documents(offering_ids) -> dict[int, str]:
    """PostgreSQL: the weighted document of each offering built one offering at a
    time from Python strings, as ``offering_search_refresh`` used to."""
    names: dict[int, set[str]] = defaultdict(set)
    for offering_id, name in (
        Claim.objects.filter(offering_id__in=offering_ids, level__in=COVERED_LEVELS)
        .values_list("offering_id", "capability__function__name")
        .distinct()
    ):
        names[offering_id].add(name)
    documents = {}
    for offering in Offering.objects.filter(id__in=offering_ids).select_related(
        "provider"
    ):
        parts = [
            (offering.name, "A"),
            (offering.provider.name, "B"),
            (offering.summary, "B"),
            (" ".join(sorted(names[offering.id])), "C"),
            (offering.description, "D"),
        ]
        vector = None
        for text, weight in parts:
            piece = SearchVector(
                Value(text, output_field=TextField()),
                weight=weight,
                config=SEARCH_CONFIG,
            )
            vector = piece if vector is None else vector + piece
        documents[offering.id] = (
            Offering.objects.filter(pk=offering.pk)
            .annotate(document=vector)
            .values_list("document", flat=True)
            .get()
        )
    return documents


def assert_search_data_current(offering_ids) -> None:
    """What is stored for the offerings equals what their claims give now."""
    offering_ids = list(offering_ids)
    assert stored_functions(offering_ids) == covered_functions(offering_ids)
    for offering in Offering.objects.filter(id__in=offering_ids):
        assert (offering.covered_count, offering.capability_count) == coverage(
            offering
        ), offering.slug
    if connection.vendor == "postgresql":
        stored = dict(
            Offering.objects.filter(id__in=offering_ids).values_list(
                "id", "search_vector"
            )
        )
        assert stored == search_documents(offering_ids)


COLUMN_FACETS = {
    "kind": "provider__kind",
    "category": "category",
    "deployment": "deployment_model",
    "fedramp": "fedramp_status",
    "impact": "fedramp_impact",
}


def facet_filter(name: str, values: list[str]) -> Q:
    """One facet's filter as it was written before the search data was stored."""
    if name == "function":
        return covers_all(values)
    if name == "accessibility":
        condition = Q(pk__in=[])
        if "yes" in values:
            condition |= Q(accessibility_report_date__isnull=False)
        if "no" in values:
            condition |= Q(accessibility_report_date__isnull=True)
        return condition
    if name == "vehicle":
        return Q(contract_vehicles__slug__in=values)
    return Q(**{f"{COLUMN_FACETS[name]}__in": values})


def column_facet_counts(params) -> tuple[dict[str, Counter], int]:
    """Each column facet counted by its own GROUP BY over the published offerings
    that pass every other facet's choices, as the catalog used to; and the number
    of offerings passing all of them."""
    chosen = {
        name: params.getlist(name)
        for name in [*COLUMN_FACETS, "accessibility", "vehicle", "function"]
        if params.getlist(name)
    }

    def passing(*, without: str = "") -> QuerySet[Offering]:
        offerings = Offering.objects.filter(status="published")
        for name, values in chosen.items():
            if name != without:
                offerings = offerings.filter(
                    pk__in=Offering.objects.filter(facet_filter(name, values))
                )
        return offerings

    counts: dict[str, Counter] = {}
    for name, field in COLUMN_FACETS.items():
        counts[name] = Counter(
            dict(
                passing(without=name)
                .order_by()
                .values_list(field)
                .annotate(n=Count("pk"))
            )
        )
    others = passing(without="accessibility")
    counts["accessibility"] = Counter(
        yes=others.filter(accessibility_report_date__isnull=False).count(),
        no=others.filter(accessibility_report_date__isnull=True).count(),
    )
    return counts, passing().count()
