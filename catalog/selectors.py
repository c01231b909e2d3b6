"""Reads of the catalog, shared by the pages, the exports and the API.

Everything public starts from :func:`published_offerings`: drafts, submitted and
returned listings, revisions and retired offerings never show. Each selector runs a
fixed number of queries, whatever the number of offerings or claims.
"""

import re
from collections import Counter
from collections.abc import Mapping, Sequence
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
    FilteredRelation,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest

from catalog.forms import (
    MIN_COMPARE,
    STATIC_FACETS,
    CatalogSearchForm,
    ClaimFilterForm,
    CompareForm,
)
from catalog.models import (
    Claim,
    ClaimLevel,
    ContractVehicle,
    Offering,
    OfferingFunction,
    OfferingStatus,
    Provider,
    Shortlist,
    ShortlistEntry,
)
from catalog.services import COVERED_LEVELS, SEARCH_CONFIG
from marketplace.roles import is_agency_user, is_signed_in
from standards.models import (
    Capability,
    Function,
    ReleaseStatus,
    StandardsRelease,
)

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,255}")
# A misspelt word still finds a name when their trigram word similarity reaches this.
TRIGRAM_THRESHOLD = 0.35
LEVEL_ORDER = [
    ClaimLevel.MEETS,
    ClaimLevel.CONFIGURABLE,
    ClaimLevel.EXTENSION,
    ClaimLevel.ROADMAP,
    ClaimLevel.DOES_NOT_MEET,
]


# Bar colours per level (USWDS palette), best first; "no claim" is the grey track.
LEVEL_COLOURS = {
    ClaimLevel.MEETS: "#00a91c",
    ClaimLevel.CONFIGURABLE: "#005ea2",
    ClaimLevel.EXTENSION: "#e5a000",
    ClaimLevel.ROADMAP: "#8168b3",
    ClaimLevel.DOES_NOT_MEET: "#d83933",
}
LEVEL_LEGEND = [(level, level.label, LEVEL_COLOURS[level]) for level in LEVEL_ORDER]


class SearchParamsError(ValueError):
    """Bad query parameters; ``errors`` maps each bad parameter to its messages."""

    def __init__(self, errors: Mapping[str, list[str]]):
        self.errors = {name: list(messages) for name, messages in errors.items()}
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


def with_coverage(queryset: QuerySet[Offering]) -> QuerySet[Offering]:
    """Annotate ``coverage``: the percentage of the offering's release's capabilities
    (``capability_count``) it meets or configures (``covered_count``).

    Both counts are stored on the offering, rebuilt from its claims by
    :func:`catalog.services.offering_search_refresh` whenever they change, so a list
    sorted by coverage never reads the claims.
    """
    return queryset.annotate(
        coverage=Case(
            When(capability_count=0, then=Value(0.0)),
            default=Cast(F("covered_count"), FloatField())
            * 100.0
            / Cast(F("capability_count"), FloatField()),
            output_field=FloatField(),
        )
    )


def published_offerings() -> QuerySet[Offering]:
    return Offering.objects.filter(status=OfferingStatus.PUBLISHED)


def offering_list_related(queryset: QuerySet[Offering]) -> QuerySet[Offering]:
    """Provider, release and contract vehicles with each offering; the search
    document (a kilobyte or more a row, read only inside SQL) stays behind."""
    return (
        queryset.select_related("provider", "release")
        .defer("search_vector")
        .prefetch_related(
            Prefetch(
                "contract_vehicles", queryset=ContractVehicle.objects.order_by("name")
            )
        )
    )


# Search -------------------------------------------------------------------------


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


def search_form(params: Mapping | None) -> CatalogSearchForm:
    functions, vehicles = search_choices()
    return CatalogSearchForm(
        params if params is not None else {}, functions=functions, vehicles=vehicles
    )


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
        condition &= (
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
    if name == "vehicle":
        return Q(
            pk__in=Offering.contract_vehicles.through.objects.filter(
                contractvehicle__slug__in=values
            ).values("offering_id")
        )
    return Q(**{f"{STATIC_FIELDS[name]}__in": values})


def _all_of(conditions) -> Q:
    combined = Q()
    for condition in conditions:
        combined &= condition
    return combined


def _static_facet_counts(
    base: QuerySet[Offering], cleaned: Mapping
) -> tuple[dict[str, Counter], int]:
    """Counts of every value of the facets that are columns (provider kind,
    category, deployment, FedRAMP status and impact, accessibility report), each
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
    columns = {**STATIC_FIELDS, "accessibility": "has_report"}
    rows = (
        base.order_by()
        .annotate(has_report=has_report)
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
    rows = (
        Offering.contract_vehicles.through.objects.filter(
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


def offering_search(
    params: Mapping | None, *, rank_limit: int = RANK_LIMIT, with_facets: bool = True
) -> OfferingSearch:
    """Published offerings matching ``params`` (a query dict: ``q``, the facet
    parameters, ``sort``), sorted, with facet counts.

    Within a facet, ticked values are alternatives (any of them), except functions:
    an offering must cover every ticked function. Across facets every choice must
    hold. A facet's counts say how many results each of its values would give with
    every other choice kept. Raises :class:`SearchParamsError` naming each bad
    parameter.

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
    functions, vehicles = search_choices()
    form = CatalogSearchForm(
        params if params is not None else {}, functions=functions, vehicles=vehicles
    )
    if not form.is_valid():
        raise SearchParamsError(form.errors)
    cleaned = form.cleaned_data
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

    facets, total = [], None
    if with_facets:
        facets, total = _facets(filtered, cleaned, functions, vehicles)
    elif sort == "relevance":
        total = filtered().count()
    results = with_coverage(offering_list_related(filtered()))
    if sort == "relevance":
        results = _by_relevance(results, q, match_count=total, rank_limit=rank_limit)
    elif sort == "coverage":
        results = results.order_by("-coverage", "name", "pk")
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


# One offering ---------------------------------------------------------------------


def offering_get(slug: str) -> Offering | None:
    """A published offering with its provider, release and vehicles, or ``None``."""
    return (
        with_coverage(offering_list_related(published_offerings()))
        .filter(slug=slug)
        .first()
    )


@dataclass
class FunctionCoverage:
    code: str
    name: str
    capability_count: int
    levels: dict[str, int]

    @property
    def level_counts(self) -> list[int]:
        return [self.levels.get(level, 0) for level in LEVEL_ORDER]

    @property
    def unknown(self) -> int:
        return self.capability_count - sum(self.levels.values())

    @property
    def covered(self) -> int:
        return sum(self.levels.get(level, 0) for level in COVERED_LEVELS)

    @property
    def covered_percent(self) -> int:
        if not self.capability_count:
            return 0
        return round(100 * self.covered / self.capability_count)

    @property
    def segments(self) -> list[dict]:
        """Stacked-bar segments (x and width in percent of the bar), best first."""
        segments, x = [], 0.0
        for level in LEVEL_ORDER:
            count = self.levels.get(level, 0)
            if not count or not self.capability_count:
                continue
            width = 100 * count / self.capability_count
            segments.append(
                {
                    "level": level,
                    "colour": LEVEL_COLOURS[level],
                    "x": round(x, 2),
                    "width": round(width, 2),
                }
            )
            x += width
        return segments


# Rows of an offering page's claims table per page.
CLAIMS_PAGE_SIZE = 100


class ClaimRows(Sequence):
    """Capabilities of an offering's release in code order, each paired with the
    offering's claim on it (``None``: no claim), read a slice at a time.

    ``len()`` is known without a query (the coverage counts give it); a slice is
    one query, whatever the number of claims, so a paginator (the page's or the
    API's) reads only the rows it shows.
    """

    def __init__(self, capabilities: QuerySet[Capability], count: int):
        self._capabilities = capabilities
        self._count = count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        if isinstance(index, slice):
            # select_related() leaves the attribute unset when there is no claim.
            return [
                (capability, getattr(capability, "offering_claim", None))
                for capability in self._capabilities[index]
            ]
        position = index + self._count if index < 0 else index
        if not 0 <= position < self._count:
            raise IndexError(index)
        return self[position : position + 1][0]

    def __iter__(self):
        return iter(self[:])


@dataclass
class OfferingClaims:
    """The claims table of one offering: its rows (every capability of the
    offering's release that passes the filter, with the offering's claim on it or
    ``None``), the coverage per function and the functions to filter by."""

    rows: ClaimRows
    coverage: list[FunctionCoverage]
    functions: list[tuple[str, str]]


def release_functions(release_id: int) -> list[Function]:
    return list(Function.objects.filter(release_id=release_id).order_by("code"))


def offering_claims(
    offering: Offering,
    *,
    function: str = "",
    level: str = "",
    functions: list[Function] | None = None,
) -> OfferingClaims:
    """The claims table of one offering, filtered by function code and level
    (``"unknown"`` for capabilities without a claim).

    One grouped query gives the coverage per function (and so the number of rows);
    the rows are read a slice at a time (:class:`ClaimRows`). With ``functions``
    (:func:`release_functions` of the offering's release) given, that is all.
    """
    if functions is None:
        functions = release_functions(offering.release_id)
    capabilities = Capability.objects.filter(release_id=offering.release_id).annotate(
        offering_claim=FilteredRelation(
            "claims", condition=Q(claims__offering=offering)
        )
    )
    level_counts = {
        f"level_{n}": Count("offering_claim", filter=Q(offering_claim__level=level))
        for n, level in enumerate(LEVEL_ORDER)
    }
    totals = {
        row["function_id"]: row
        for row in capabilities.order_by()
        .values("function_id")
        .annotate(capability_count=Count("pk"), **level_counts)
    }
    coverage = [
        FunctionCoverage(
            code=function_row.code,
            name=function_row.name,
            capability_count=totals[function_row.id]["capability_count"],
            levels={
                level: totals[function_row.id][f"level_{n}"]
                for n, level in enumerate(LEVEL_ORDER)
                if totals[function_row.id][f"level_{n}"]
            },
        )
        for function_row in functions
        if function_row.id in totals
    ]
    shown = [row for row in coverage if not function or row.code == function]
    if function:
        capabilities = capabilities.filter(function__code=function)
    if level == "unknown":
        capabilities = capabilities.filter(offering_claim__isnull=True)
        count = sum(row.unknown for row in shown)
    elif level:
        capabilities = capabilities.filter(offering_claim__level=level)
        count = sum(row.levels.get(level, 0) for row in shown)
    else:
        count = sum(row.capability_count for row in shown)
    rows = ClaimRows(
        capabilities.select_related("function", "offering_claim").order_by("code"),
        count,
    )
    return OfferingClaims(
        rows=rows,
        coverage=coverage,
        functions=[(f.code, f"{f.code} {f.name}") for f in functions],
    )


def claim_filter_form(
    offering: Offering, params: Mapping, *, functions: list[Function] | None = None
) -> ClaimFilterForm:
    if functions is None:
        functions = release_functions(offering.release_id)
    return ClaimFilterForm(
        params, functions=[(f.code, f"{f.code} {f.name}") for f in functions]
    )


def offering_claims_for_params(offering: Offering, params: Mapping) -> OfferingClaims:
    """The API's entry: validate ``function`` and ``level`` then filter, or raise
    :class:`SearchParamsError` naming the bad parameter."""
    functions = release_functions(offering.release_id)
    form = claim_filter_form(offering, params, functions=functions)
    if not form.is_valid():
        raise SearchParamsError(form.errors)
    return offering_claims(
        offering,
        function=form.cleaned_data["function"],
        level=form.cleaned_data["level"],
        functions=functions,
    )


# Compare --------------------------------------------------------------------------


@dataclass
class CompareRow:
    kind: str  # "attribute" or "capability"
    key: str  # attribute name or capability code: stable IDs for exports
    label: str
    values: list[str]
    group: str = ""
    claims: list[Claim | None] = field(default_factory=list)

    @property
    def differs(self) -> bool:
        return len(set(self.values)) > 1


@dataclass
class Comparison:
    offerings: list[Offering]
    attributes: list[CompareRow]
    capabilities: list[CompareRow]

    @property
    def rows(self) -> list[CompareRow]:
        return self.attributes + self.capabilities


# More slugs than this in one address are not looked up (at most 6 can be compared).
COMPARE_LOOKUP_LIMIT = 50


def _requested_slugs(params: Mapping) -> list[str]:
    values = (
        params.getlist("offering")
        if hasattr(params, "getlist")
        else params.get("offering") or []
    )
    if isinstance(values, str):
        values = [values]
    slugs = [value for value in dict.fromkeys(values) if SLUG.fullmatch(value)]
    return slugs[:COMPARE_LOOKUP_LIMIT]


def compare_form(params: Mapping) -> CompareForm:
    """The compare picks, validated against the published offerings they name. One
    query that reads only those rows (in the order asked), whatever the size of the
    catalog."""
    requested = _requested_slugs(params)
    names = dict(
        published_offerings()
        .filter(slug__in=requested)
        .order_by()
        .values_list("slug", "name")
    )
    choices = [(slug, names[slug]) for slug in requested if slug in names]
    return CompareForm(params, offerings=choices)


# Offerings offered per page of the compare picker.
COMPARE_PICKER_PAGE_SIZE = 20


def compare_candidates(q: str, *, chosen: Sequence[str]) -> QuerySet[Offering]:
    """Published offerings the compare picker offers to add: those matching ``q``
    (the catalog's text search, by relevance) or every one by name, less the
    ``chosen`` ones. A fixed number of queries; the caller pages the result."""
    params = {"q": q, "sort": "relevance" if q else "name"}
    search = offering_search(params, with_facets=False)
    return search.queryset.exclude(slug__in=list(chosen))


def _attribute_rows(offerings: list[Offering]) -> list[CompareRow]:
    def vehicles(o: Offering) -> str:
        return "; ".join(v.name for v in o.contract_vehicles.all()) or "None listed"

    def date_or_none(o: Offering) -> str:
        if o.accessibility_report_date is None:
            return "None"
        return o.accessibility_report_date.isoformat()

    attributes = [
        ("provider", "Provider", lambda o: o.provider.name),
        ("provider_kind", "Provider kind", lambda o: o.provider.get_kind_display()),
        ("category", "Marketplace category", lambda o: o.get_category_display()),
        ("deployment", "Deployment model", lambda o: o.get_deployment_model_display()),
        ("fedramp_status", "FedRAMP status", lambda o: o.get_fedramp_status_display()),
        (
            "fedramp_impact",
            "FedRAMP impact level",
            lambda o: o.get_fedramp_impact_display() or "Not stated",
        ),
        ("contract_vehicles", "Contract vehicles", vehicles),
        (
            "customer_agencies",
            "Customer agencies",
            lambda o: "; ".join(o.customer_agencies) or "None listed",
        ),
        ("accessibility_report", "Accessibility report (VPAT) date", date_or_none),
        ("pricing", "Pricing model", lambda o: o.get_pricing_model_display()),
        ("release", "Standards release", lambda o: o.release.name),
        (
            "coverage",
            "Capabilities met or configurable",
            lambda o: (
                f"{o.covered_count} of {o.capability_count} ({round(o.coverage)}%)"
            ),
        ),
    ]
    return [
        CompareRow(
            kind="attribute",
            key=key,
            label=label,
            values=[value(o) for o in offerings],
        )
        for key, label, value in attributes
    ]


# What a comparison shows of a claim; evidence text stays behind (the page links it).
COMPARE_CLAIM_FIELDS = (
    "offering_id",
    "capability__code",
    "level",
    "roadmap_date",
    "verified",
    "evidence_url",
)


def compare_offerings(
    slugs: list[str], *, only_differences: bool = False
) -> Comparison:
    """Offerings (published, in the order given) side by side: attribute rows, then
    one row per capability (by code, across the offerings' releases). Four queries."""
    if len(slugs) < MIN_COMPARE:
        raise SearchParamsError(
            {"offering": [f"Choose at least {MIN_COMPARE} offerings to compare."]}
        )
    found = {
        o.slug: o
        for o in with_coverage(offering_list_related(published_offerings())).filter(
            slug__in=slugs
        )
    }
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise SearchParamsError(
            {"offering": [f"No published offering has the ID “{s}”." for s in missing]}
        )
    offerings = [found[slug] for slug in slugs]
    release_ids = {o.release_id for o in offerings}
    capabilities: dict[str, Capability] = {}
    for capability in (
        Capability.objects.filter(release_id__in=release_ids)
        .select_related("function")
        .order_by("code", "-release__name")
    ):
        capabilities.setdefault(capability.code, capability)
    claims: dict[tuple[int, str], Claim] = {
        (claim.offering_id, claim.capability.code): claim
        for claim in Claim.objects.filter(offering__in=offerings)
        .select_related("capability")
        .only(*COMPARE_CLAIM_FIELDS)
    }
    rows = []
    for code, capability in capabilities.items():
        row_claims = [claims.get((o.id, code)) for o in offerings]
        rows.append(
            CompareRow(
                kind="capability",
                key=code,
                label=capability.statement,
                group=f"{capability.function.code} {capability.function.name}",
                claims=row_claims,
                values=[
                    claim.get_level_display() if claim else "No claim"
                    for claim in row_claims
                ],
            )
        )
    attributes = _attribute_rows(offerings)
    if only_differences:
        attributes = [row for row in attributes if row.differs]
        rows = [row for row in rows if row.differs]
    return Comparison(offerings=offerings, attributes=attributes, capabilities=rows)


def comparison_for_params(params: Mapping) -> Comparison:
    """The API's and exports' entry: validate ``offering`` (2-6 slugs) and ``diff``."""
    form = compare_form(params)
    if not form.is_valid():
        raise SearchParamsError(form.errors)
    return compare_offerings(
        form.cleaned_data["offering"], only_differences=form.cleaned_data["diff"]
    )


# Shortlists -----------------------------------------------------------------------


def shortlists_for(user) -> QuerySet[Shortlist]:
    """Shortlists ``user`` may see: their own and, for an agency user, those of
    colleagues in the same agency. Anyone else's answer 404."""
    if not is_signed_in(user):
        return Shortlist.objects.none()
    visible = Q(owner=user)
    if is_agency_user(user):
        visible |= Q(agency_id=user.agency_id)
    return (
        Shortlist.objects.filter(visible)
        .select_related("owner", "agency")
        .annotate(entry_count=Count("entries"))
        .order_by("name", "id")
    )


def shortlist_entries(shortlist: Shortlist) -> QuerySet[ShortlistEntry]:
    """The shortlist's published offerings with their coverage."""
    offerings = with_coverage(offering_list_related(Offering.objects.all()))
    return (
        ShortlistEntry.objects.filter(shortlist=shortlist)
        .select_related("added_by")
        .prefetch_related(Prefetch("offering", queryset=offerings))
        .order_by("added_at", "id")
    )


# Providers and their own listings -------------------------------------------------


def provider_list(*, kind: str = "") -> QuerySet[Provider]:
    """Providers with at least one published offering (the public shelf)."""
    providers = Provider.objects.filter(
        Exists(published_offerings().filter(provider=OuterRef("pk")))
    )
    if kind:
        providers = providers.filter(kind=kind)
    return providers.order_by("name")


def provider_get(slug: str) -> Provider | None:
    return provider_list().filter(slug=slug).first()


def provider_offerings(user) -> QuerySet[Offering]:
    """Every offering row of ``user``'s provider (drafts and revisions included);
    nothing for anyone who is not a provider user."""
    if not getattr(user, "provider_id", None):
        return Offering.objects.none()
    return (
        offering_list_related(Offering.objects.filter(provider_id=user.provider_id))
        .select_related("revision_of")
        .order_by("name", "pk")
    )


# Change feed ----------------------------------------------------------------------


def _previous(history_model, field_name: str) -> Subquery:
    """The value ``field_name`` had in the record before this one (NULL for none)."""
    return Subquery(
        history_model.objects.filter(
            id=OuterRef("id"), history_date__lt=OuterRef("history_date")
        )
        .order_by("-history_date", "-history_id")
        .values(field_name)[:1],
        output_field=CharField(),
    )


FEED_COLUMNS = (
    "feed_kind",
    "feed_key",
    "feed_capability",
    "feed_state",
    "feed_previous",
    "history_type",
    "history_date",
    "history_id",
)


def changes_since(since=None, *, kind: str = "") -> QuerySet:
    """What the public could see change, oldest first: offerings published, changed
    or retired; claims of published offerings stated, changed or removed; standards
    releases made current or retired. One row per history record, as dicts of
    :data:`FEED_COLUMNS`; stable IDs are offering slugs, capability codes and release
    names. Drafts, submissions, revisions and draft releases never show.
    """
    public_statuses = [OfferingStatus.PUBLISHED, OfferingStatus.RETIRED]
    text = CharField()
    offering_history = Offering.history.model
    claim_history = Claim.history.model
    release_history = StandardsRelease.history.model
    parts = {
        "offering": offering_history.objects.filter(
            status__in=public_statuses, revision_of__isnull=True
        ).annotate(
            feed_kind=Value("offering", output_field=text),
            feed_key=F("slug"),
            feed_capability=Value("", output_field=text),
            feed_state=F("status"),
            feed_previous=_previous(offering_history, "status"),
        ),
        "claim": claim_history.objects.filter(
            offering__status__in=public_statuses,
            offering__revision_of__isnull=True,
            history_date__gte=F("offering__published_at"),
        ).annotate(
            feed_kind=Value("claim", output_field=text),
            feed_key=F("offering__slug"),
            feed_capability=F("capability__code"),
            feed_state=F("level"),
            feed_previous=_previous(claim_history, "level"),
        ),
        "release": release_history.objects.filter(
            status__in=[ReleaseStatus.CURRENT, ReleaseStatus.RETIRED]
        ).annotate(
            feed_kind=Value("release", output_field=text),
            feed_key=F("name"),
            feed_capability=Value("", output_field=text),
            feed_state=F("status"),
            feed_previous=_previous(release_history, "status"),
        ),
    }
    selected = [parts[kind]] if kind else list(parts.values())
    if since is not None:
        selected = [part.filter(history_date__gt=since) for part in selected]
    selected = [part.order_by().values(*FEED_COLUMNS) for part in selected]
    feed = selected[0]
    if len(selected) > 1:
        feed = feed.union(*selected[1:], all=True)
    return feed.order_by("history_date", "feed_kind", "history_id")
