"""The catalog search: text, facets and sort over the published offerings, in a
fixed number of queries (see :func:`search_offerings`). Parameters are validated by
:func:`catalog.forms.offering_search` first."""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    TrigramWordSimilarity,
)
from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from catalog.fedramp import AUTHORIZATION_AGES, NONE, ONE_TO_3, OVER_3, UNDER_1
from catalog.fedramp import age_boundaries as authorization_age_boundaries
from catalog.models import (
    ContractVehicle,
    DeploymentModel,
    FedrampStatus,
    ImpactLevel,
    MarketplaceCategory,
    Offering,
    OfferingFunction,
    Provider,
    ProviderKind,
)
from catalog.models.search import SEARCH_CONFIG
from catalog.selectors.common import (
    TRIGRAM_THRESHOLD,
    offering_list_related,
    published_offerings,
    with_coverage,
)
from standards.models import (
    Function,
)

ACCESSIBILITY_CHOICES = [
    ("yes", "Accessibility conformance report available"),
    ("no", "No accessibility conformance report"),
]

# (parameter, label, choices) of the facets whose values are fixed by the code.
STATIC_FACETS = [
    ("kind", "Provider kind", ProviderKind.choices),
    ("category", "Marketplace category", MarketplaceCategory.choices),
    ("deployment", "Deployment model", DeploymentModel.choices),
    ("fedramp", "FedRAMP status", FedrampStatus.choices),
    ("impact", "FedRAMP impact level", ImpactLevel.choices),
    ("authorized", "FedRAMP authorization age", AUTHORIZATION_AGES),
    ("accessibility", "Accessibility report", ACCESSIBILITY_CHOICES),
]


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str
    label: str
    values: list[FacetValue]

    @property
    def selected(self) -> list[FacetValue]:
        return [v for v in self.values if v.selected]


@dataclass
class OfferingSearch:
    """The result of :func:`offering_search`."""

    queryset: QuerySet[Offering]
    facets: list[Facet]
    params: dict
    total: int | None  # the number of results; None when not asked for facets
    function_labels: dict[str, str] = field(default_factory=dict)
    vehicle_labels: dict[str, str] = field(default_factory=dict)


def search_choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """``(functions, vehicles)`` a search may filter on: FIBF functions (by code, which
    is stable across releases) of the releases published offerings use, and every
    contract vehicle. Two queries."""
    functions: dict[str, str] = {}
    for code, name in (
        Function.objects.filter(release__in=published_offerings().values("release_id"))
        .order_by("code", "-release__name")
        .values_list("code", "name")
    ):
        functions.setdefault(code, name)
    vehicles = list(
        ContractVehicle.objects.order_by("name").values_list("slug", "name")
    )
    return [(code, f"{code} {name}") for code, name in functions.items()], vehicles


def _similar_name_ids(q: str) -> list[int]:
    """Published offerings whose name, or whose provider's name, is word-similar to
    ``q`` (trigram word similarity at least :data:`TRIGRAM_THRESHOLD`): the matches
    a misspelling still finds. PostgreSQL only.

    One query, run once per search so that the facet and result queries need not
    compute similarities row by row. It uses the operator form (``name %> q``),
    which the trigram indexes serve; the operator's threshold is a setting, set
    here for the current transaction only.
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
                [str(TRIGRAM_THRESHOLD)],
            )
        by_name = published_offerings().filter(name__trigram_word_similar=q)
        by_provider = published_offerings().filter(
            provider__in=Provider.objects.filter(name__trigram_word_similar=q)
        )
        # A union, not an OR: each side can use its own index.
        return list(
            by_name.order_by()
            .values_list("pk", flat=True)
            .union(by_provider.order_by().values_list("pk", flat=True))
        )


def _text_filter(q: str) -> Q:
    """Full-text plus trigram on PostgreSQL; word-by-word ``icontains`` elsewhere
    (each word in the name, summary, description, provider name or the name of a
    covered function)."""
    if connection.vendor == "postgresql":
        query = SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)
        return Q(search_vector=query) | Q(pk__in=_similar_name_ids(q))
    condition = Q()
    for word in q.split():
        # The offering covers a function of its release named with the word: read
        # from its few covered-function rows, never from its claims.
        covers_function = OfferingFunction.objects.filter(
            offering=OuterRef("pk"),
            function_code__in=Function.objects.filter(
                release_id=OuterRef(OuterRef("release_id")), name__icontains=word
            ).values("code"),
        )
        condition &= (  # type: ignore[assignment]  # Q | Exists
            Q(name__icontains=word)
            | Q(summary__icontains=word)
            | Q(description__icontains=word)
            | Q(provider__name__icontains=word)
            | Exists(covers_function)
        )
    return condition


def _relevance_score(q: str):
    if connection.vendor == "postgresql":
        query = SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)
        return Greatest(
            Coalesce(SearchRank(F("search_vector"), query), Value(0.0)),
            TrigramWordSimilarity(q, "name") * Value(0.5),
            output_field=FloatField(),
        )
    return Case(
        When(name__icontains=q, then=Value(1.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )


# Cheap order of the matches of a broad query; see _by_relevance.
PRE_ORDER = ("-coverage", "name", "pk")


def _by_relevance(
    results: QuerySet[Offering], q: str, *, match_count: int, rank_limit: int
) -> QuerySet[Offering]:
    """Order the matches of ``q``: names equal to ``q`` first, then names starting
    with it, then by relevance (full-text rank of the weighted document, or half the
    name's trigram similarity when that is higher), then by name.

    Ranking is bounded. Relevance costs a rank and a trigram similarity per offering
    ranked (the similarity is most of it), so a very common word ("financial" is in
    almost every offering) would rank the whole catalog on every request. When more
    than ``rank_limit`` offerings match, only the first ``rank_limit`` of them in a
    cheap order read from stored columns (:data:`PRE_ORDER`: coverage, highest
    first, then name) are ranked; they come first, by relevance, and the other
    matches follow in that cheap order. Every match is still listed exactly once
    and the order is total, so pages never overlap or skip; a query matching up to
    ``rank_limit`` offerings is ranked exactly as before.
    """
    exact = Case(
        When(name__iexact=q, then=Value(2)),
        When(name__istartswith=q, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    results = results.annotate(exact_match=exact)
    if match_count <= rank_limit:
        return results.annotate(relevance=_relevance_score(q)).order_by(
            "-exact_match", "-relevance", "name", "pk"
        )
    candidates = results.order_by(*PRE_ORDER).values("pk")[:rank_limit]
    return results.annotate(
        relevance=Case(
            When(pk__in=candidates, then=_relevance_score(q)),
            default=None,
            output_field=FloatField(),
        )
    ).order_by("-exact_match", F("relevance").desc(nulls_last=True), *PRE_ORDER)


STATIC_FIELDS = {
    "kind": "provider__kind",
    "category": "category",
    "deployment": "deployment_model",
    "fedramp": "fedramp_status",
    "impact": "fedramp_impact",
}


def _facet_filter(name: str, values: list[str]) -> Q:
    if name == "function":
        condition = Q()
        for code in values:
            condition &= Q(
                Exists(
                    OfferingFunction.objects.filter(
                        offering=OuterRef("pk"), function_code=code
                    )
                )
            )
        return condition
    if name == "accessibility":
        condition = Q(pk__in=[])
        if "yes" in values:
            condition |= Q(accessibility_report_date__isnull=False)
        if "no" in values:
            condition |= Q(accessibility_report_date__isnull=True)
        return condition
    if name == "authorized":
        condition = Q(pk__in=[])
        for value in values:
            condition |= _authorization_age_q(value)
        return condition
    if name == "vehicle":
        return Q(
            pk__in=Offering.contract_vehicles.through.objects.filter(
                contractvehicle__slug__in=values
            ).values("offering_id")
        )
    return Q(**{f"{STATIC_FIELDS[name]}__in": values})


def _authorization_age_q(value: str) -> Q:
    """The offerings in one bucket of :data:`catalog.fedramp.AUTHORIZATION_AGES`;
    :func:`catalog.fedramp.authorization_age` is the same rule in Python."""
    one_year_ago, three_years_ago = authorization_age_boundaries(timezone.localdate())
    return {
        UNDER_1: Q(fedramp_authorized_on__gt=one_year_ago),
        ONE_TO_3: Q(
            fedramp_authorized_on__gt=three_years_ago,
            fedramp_authorized_on__lte=one_year_ago,
        ),
        OVER_3: Q(fedramp_authorized_on__lte=three_years_ago),
        NONE: Q(fedramp_authorized_on__isnull=True),
    }[value]


def _authorization_age_case() -> Case:
    return Case(
        *[
            When(_authorization_age_q(value), then=Value(value))
            for value, _label in AUTHORIZATION_AGES
        ],
        output_field=CharField(),
    )


def _all_of(conditions) -> Q:
    combined = Q()
    for condition in conditions:
        combined &= condition
    return combined


def _static_facet_counts(
    base: QuerySet[Offering], cleaned: Mapping
) -> tuple[dict[str, Counter], int]:
    """Counts of every value of the facets that are columns (provider kind,
    category, deployment, FedRAMP status, impact and authorization age,
    accessibility report), each
    with every choice but its own facet's, and the number of results.

    One query over ``base`` (the offerings matching the text and the other facets)
    counts the offerings of each combination of these columns' values (a few
    hundred at most); each facet then adds up the combinations that every other
    column facet's choices let through.
    """
    static = [name for name, _label, _choices in STATIC_FACETS]
    has_report = Case(
        When(accessibility_report_date__isnull=False, then=Value("yes")),
        default=Value("no"),
        output_field=CharField(),
    )
    columns = {
        **STATIC_FIELDS,
        "accessibility": "has_report",
        "authorized": "authorization_age",
    }
    rows = (
        base.order_by()
        .annotate(has_report=has_report, authorization_age=_authorization_age_case())
        .values(*columns.values())
        .annotate(n=Count("pk"))
    )
    chosen = {name: set(cleaned[name]) for name in static if cleaned[name]}
    counts: dict[str, Counter] = {name: Counter() for name in static}
    total = 0
    for row in rows:
        values = {name: row[column] for name, column in columns.items()}
        passes = {
            name: name not in chosen or values[name] in chosen[name] for name in static
        }
        if all(passes.values()):
            total += row["n"]
        for name in static:
            if all(passes[other] for other in static if other != name):
                counts[name][values[name]] += row["n"]
    return counts, total


def _vehicle_counts(base: QuerySet[Offering]) -> Counter:
    # A link is unique per offering and vehicle: counting links counts offerings.
    # The stubs do not see the annotation ``n`` on the through model's rows.
    rows = (
        Offering.contract_vehicles.through.objects.filter(  # type: ignore[misc]
            offering__in=base.values("pk")
        )
        .order_by()
        .values("contractvehicle__slug")
        .annotate(n=Count("pk"))
        .values_list("contractvehicle__slug", "n")
    )
    return Counter(dict(rows))


def _function_counts(base: QuerySet[Offering]) -> Counter:
    # One row per offering and covered function: counting rows counts offerings.
    rows = (
        OfferingFunction.objects.filter(offering__in=base.values("pk"))
        .order_by()
        .values("function_code")
        .annotate(n=Count("pk"))
        .values_list("function_code", "n")
    )
    return Counter(dict(rows))


# How many matches of a text search are ranked by relevance (see _by_relevance).
RANK_LIMIT = 500


def search_offerings(
    cleaned: Mapping,
    *,
    functions: list[tuple[str, str]],
    vehicles: list[tuple[str, str]],
    rank_limit: int = RANK_LIMIT,
    with_facets: bool = True,
) -> OfferingSearch:
    """Published offerings matching ``cleaned`` (a search form's cleaned data:
    ``q``, the facet parameters, ``sort``), sorted, with facet counts. ``functions``
    and ``vehicles`` are the choices of :func:`search_choices` the form validated
    against (:func:`catalog.forms.offering_search` is the entry that validates).

    Within a facet, ticked values are alternatives (any of them), except functions:
    an offering must cover every ticked function. Across facets every choice must
    hold. A facet's counts say how many results each of its values would give with
    every other choice kept.

    Runs a fixed number of queries, none of which reads the claims: two for the
    choices, one for the misspelling matches of ``q`` (PostgreSQL), one for the
    column facets and the number of results, one each for the contract vehicle and
    function facets, and those of the returned queryset. The function facet and
    filter read :class:`~catalog.models.OfferingFunction`, coverage the counts
    stored on the offering. Relevance ranking is bounded to ``rank_limit`` matches
    (:func:`_by_relevance`). Without ``with_facets`` (the API, which has no use for
    the counts) the facets come back empty and ``total`` is ``None``: the three
    facet queries are not run, and the results are counted only when relevance
    ranking needs their number.
    """
    q = cleaned["q"]
    sort = cleaned["sort"] or ("relevance" if q else "name")
    if sort == "relevance" and not q:
        sort = "name"
    base = published_offerings()
    if q:
        base = base.filter(_text_filter(q))
    facet_names = ["function", *[name for name, _, _ in STATIC_FACETS], "vehicle"]
    filters = {
        name: _facet_filter(name, cleaned[name])
        for name in facet_names
        if cleaned[name]
    }

    def filtered(*, without: tuple[str, ...] = ()) -> QuerySet[Offering]:
        return base.filter(
            _all_of(c for name, c in filters.items() if name not in without)
        )

    facets: list[Facet] = []
    total: int | None = None
    if with_facets:
        facets, total = _facets(filtered, cleaned, functions, vehicles)
    elif sort == "relevance":
        total = filtered().count()
    results = with_coverage(offering_list_related(filtered()))
    if sort == "relevance":
        results = _by_relevance(
            results, q, match_count=total or 0, rank_limit=rank_limit
        )
    elif sort == "coverage":
        results = results.order_by("-coverage", "name", "pk")  # type: ignore[misc]  # annotated by with_coverage
    elif sort == "updated":
        results = results.order_by("-updated_at", "name", "pk")
    else:
        results = results.order_by("name", "pk")
    return OfferingSearch(
        queryset=results,
        facets=facets,
        params={**cleaned, "sort": sort},
        total=total,
        function_labels=dict(functions),
        vehicle_labels=dict(vehicles),
    )


def _facets(filtered, cleaned, functions, vehicles) -> tuple[list[Facet], int]:
    """Every facet with its counts, and the number of results: three queries."""
    static = tuple(name for name, _label, _choices in STATIC_FACETS)
    counts, total = _static_facet_counts(filtered(without=static), cleaned)
    counts["vehicle"] = _vehicle_counts(filtered(without=("vehicle",)))
    # Functions narrow conjunctively, so their counts keep their own choices.
    counts["function"] = _function_counts(filtered())
    labels = {
        "function": ("FIBF functions covered", functions),
        **{name: (label, choices) for name, label, choices in STATIC_FACETS},
        "vehicle": ("Contract vehicle", vehicles),
    }
    order = [
        "function",
        "kind",
        "category",
        "deployment",
        "fedramp",
        "impact",
        "authorized",
        "vehicle",
        "accessibility",
    ]
    facets = []
    for name in order:
        label, choices = labels[name]
        facets.append(
            Facet(
                name=name,
                label=label,
                values=[
                    FacetValue(
                        value=value,
                        label=str(choice_label),
                        count=counts[name].get(value, 0),
                        selected=value in cleaned[name],
                    )
                    for value, choice_label in choices
                ],
            )
        )
    return facets, total
