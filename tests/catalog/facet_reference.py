"""The catalog search answered straight from the database, as it was before the facet
index (issue #20): every facet counted with its own ORM query over the offerings
that match the text and the other facets, and the results ordered in SQL. The facet
index and the listing read a page at a time must answer exactly the same."""

from collections import Counter

from django.contrib.postgres.search import SearchQuery, TrigramWordSimilarity
from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from catalog.fedramp import authorization_age
from catalog.models import ItemClaim, Offering, OfferingFunction
from catalog.models.search import SEARCH_CONFIG
from catalog.selectors import search as search_selectors
from catalog.selectors.common import (
    TRIGRAM_THRESHOLD,
    published_offerings,
    with_coverage,
)
from standards.models import ExchangeSystem
from tests.catalog.search_reference import COLUMN_FACETS
from tests.catalog.search_reference import facet_filter as claims_facet_filter

FACETS = [
    *COLUMN_FACETS,
    "accessibility",
    "vehicle",
    "function",
    "authorized",
    "exchange",
]


def _exchanging(systems) -> Q:
    """Offerings with a meets or configurable claim on an exchange of a system."""
    return Q(
        pk__in=ItemClaim.objects.filter(
            kind="exchange",
            level__in=["meets", "configurable"],
            exchange__system__name__in=list(systems),
        ).values("offering_id")
    )


def facet_filter(name: str, values: list[str]) -> Q:
    """As the catalog filtered: functions by their stored rows (an offering must
    cover every one), the rest as :func:`search_reference.facet_filter`."""
    if name == "authorized":
        today = timezone.localdate()
        return Q(
            pk__in=[
                pk
                for pk, day in Offering.objects.values_list(
                    "pk", "fedramp_authorized_on"
                )
                if authorization_age(day, today) in values
            ]
        )
    if name == "exchange":
        return _exchanging(values)
    if name != "function":
        return claims_facet_filter(name, values)
    return Q(
        pk__in=[
            pk
            for pk in Offering.objects.values_list("pk", flat=True)
            if set(values)
            <= set(
                OfferingFunction.objects.filter(offering_id=pk).values_list(
                    "function_code", flat=True
                )
            )
        ]
    )


def text_filter(q: str) -> Q:
    if connection.vendor == "postgresql":
        # The similarity function, not the operator the search asks the indexes
        # with (tests/catalog/test_search_ranking.py shows them equal).
        similar = (
            published_offerings()
            .annotate(
                name_similarity=TrigramWordSimilarity(q, "name"),
                provider_similarity=TrigramWordSimilarity(q, "provider__name"),
            )
            .filter(
                Q(name_similarity__gte=TRIGRAM_THRESHOLD)
                | Q(provider_similarity__gte=TRIGRAM_THRESHOLD)
            )
            .values("pk")
        )
        query = SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)
        return Q(search_vector=query) | Q(pk__in=similar)
    return search_selectors._text_filter(q)


def passing(params, *, without: str = "") -> QuerySet[Offering]:
    offerings = published_offerings()
    if params.get("q"):
        offerings = offerings.filter(text_filter(params["q"]))
    for name in FACETS:
        if name != without and params.getlist(name):
            offerings = offerings.filter(
                pk__in=Offering.objects.filter(facet_filter(name, params.getlist(name)))
            )
    return offerings


def facet_counts(params, *, functions, vehicles) -> dict[str, dict[str, int]]:
    """Each facet's counts of its values (zeros left out)."""
    counts: dict[str, dict[str, int]] = {}
    for name, field in COLUMN_FACETS.items():
        counts[name] = dict(
            passing(params, without=name)
            .order_by()
            .values_list(field)
            .annotate(n=Count("pk"))
        )
    others = passing(params, without="accessibility")
    counts["accessibility"] = {
        "yes": others.filter(accessibility_report_date__isnull=False).count(),
        "no": others.filter(accessibility_report_date__isnull=True).count(),
    }
    counts["vehicle"] = {
        slug: passing(params, without="vehicle")
        .filter(contract_vehicles__slug=slug)
        .count()
        for slug in vehicles
    }
    today = timezone.localdate()
    counts["authorized"] = dict(
        Counter(
            authorization_age(day, today)
            for day in passing(params, without="authorized").values_list(
                "fedramp_authorized_on", flat=True
            )
        )
    )
    counts["exchange"] = {
        system: passing(params, without="exchange")
        .filter(_exchanging([system]))
        .count()
        for system in ExchangeSystem.objects.values_list("name", flat=True)
    }
    counts["function"] = {
        code: passing(params).filter(covered_functions__function_code=code).count()
        for code in functions
    }
    return {
        name: {value: n for value, n in values.items() if n}
        for name, values in counts.items()
    }


def ordered_ids(params, sort: str, *, rank_limit: int) -> list[int]:
    """The results' ids in order, sorted in SQL as the catalog did."""
    results = with_coverage(passing(params))
    q = params.get("q", "")
    if sort == "relevance":
        exact = search_selectors._exact_match(q)
        results = results.annotate(exact_match=exact)
        if results.count() <= rank_limit:
            results = results.annotate(
                relevance=search_selectors._relevance_score(q)
            ).order_by("-exact_match", "-relevance", "name", "pk")
        else:
            candidates = results.order_by(*search_selectors.PRE_ORDER).values("pk")[
                :rank_limit
            ]
            results = results.annotate(
                relevance=search_selectors.Case(
                    search_selectors.When(
                        pk__in=candidates, then=search_selectors._relevance_score(q)
                    ),
                    default=None,
                    output_field=search_selectors.FloatField(),
                )
            ).order_by(
                "-exact_match",
                F("relevance").desc(nulls_last=True),
                *search_selectors.PRE_ORDER,
            )
    elif sort == "coverage":
        results = results.order_by("-coverage", "name", "pk")
    elif sort == "updated":
        results = results.order_by("-updated_at", "name", "pk")
    else:
        results = results.order_by("name", "pk")
    return list(results.values_list("pk", flat=True))
