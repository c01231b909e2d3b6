"""Reads of the catalog, shared by the pages, the exports and the API.

Everything public starts from :func:`published_offerings`: drafts, submitted and
returned listings, revisions and retired offerings never show. Each selector runs a
fixed number of queries, whatever the number of offerings or claims.
"""

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
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


def _count_subquery(queryset: QuerySet, outer_field: str) -> Coalesce:
    subquery = (
        queryset.order_by().values(outer_field).annotate(n=Count("pk")).values("n")[:1]
    )
    return Coalesce(Subquery(subquery, output_field=IntegerField()), 0)


def with_coverage(queryset: QuerySet[Offering]) -> QuerySet[Offering]:
    """Annotate ``covered_count`` (capabilities met or configurable),
    ``capability_count`` (of the offering's release) and ``coverage`` (percent)."""
    covered = Claim.objects.filter(
        offering=OuterRef("pk"),
        level__in=COVERED_LEVELS,
        capability__release=OuterRef("release"),
    )
    total = Capability.objects.filter(release=OuterRef("release"))
    return queryset.annotate(
        covered_count=_count_subquery(covered, "offering"),
        capability_count=_count_subquery(total, "release"),
    ).annotate(
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
    return queryset.select_related("provider", "release").prefetch_related(
        Prefetch("contract_vehicles", queryset=ContractVehicle.objects.order_by("name"))
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


def _text_filter(queryset: QuerySet[Offering], q: str) -> QuerySet[Offering]:
    """Full-text plus trigram on PostgreSQL; word-by-word ``icontains`` elsewhere."""
    if connection.vendor == "postgresql":
        query = SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)
        return queryset.alias(
            name_similarity=TrigramWordSimilarity(q, "name"),
            provider_similarity=TrigramWordSimilarity(q, "provider__name"),
        ).filter(
            Q(search_vector=query)
            | Q(name_similarity__gte=TRIGRAM_THRESHOLD)
            | Q(provider_similarity__gte=TRIGRAM_THRESHOLD)
        )
    for word in q.split():
        covers_function = Claim.objects.filter(
            offering=OuterRef("pk"),
            level__in=COVERED_LEVELS,
            capability__function__name__icontains=word,
        )
        queryset = queryset.filter(
            Q(name__icontains=word)
            | Q(summary__icontains=word)
            | Q(description__icontains=word)
            | Q(provider__name__icontains=word)
            | Exists(covers_function)
        )
    return queryset


def _relevance(queryset: QuerySet[Offering], q: str) -> QuerySet[Offering]:
    exact = Case(
        When(name__iexact=q, then=Value(2)),
        When(name__istartswith=q, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    if connection.vendor == "postgresql":
        query = SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)
        score = Greatest(
            Coalesce(SearchRank(F("search_vector"), query), Value(0.0)),
            TrigramWordSimilarity(q, "name") * Value(0.5),
            output_field=FloatField(),
        )
    else:
        score = Case(
            When(name__icontains=q, then=Value(1.0)),
            default=Value(0.0),
            output_field=FloatField(),
        )
    return queryset.annotate(exact_match=exact, relevance=score).order_by(
        "-exact_match", "-relevance", "name", "pk"
    )


def _facet_filter(name: str, values: list[str]) -> Q:
    if name == "function":
        condition = Q()
        for code in values:
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
    if name == "accessibility":
        condition = Q(pk__in=[])
        if "yes" in values:
            condition |= Q(accessibility_report_date__isnull=False)
        if "no" in values:
            condition |= Q(accessibility_report_date__isnull=True)
        return condition
    lookups = {
        "kind": "provider__kind__in",
        "category": "category__in",
        "deployment": "deployment_model__in",
        "fedramp": "fedramp_status__in",
        "impact": "fedramp_impact__in",
    }
    if name == "vehicle":
        return Q(
            pk__in=Offering.contract_vehicles.through.objects.filter(
                contractvehicle__slug__in=values
            ).values("offering_id")
        )
    return Q(**{lookups[name]: values})


FACET_FIELDS = {
    "kind": "provider__kind",
    "category": "category",
    "deployment": "deployment_model",
    "fedramp": "fedramp_status",
    "impact": "fedramp_impact",
}


def _facet_counts(name: str, base: QuerySet[Offering]) -> Counter:
    """How many offerings of ``base`` have each value of facet ``name``."""
    if name == "function":
        rows = (
            Claim.objects.filter(
                offering__in=base.values("pk"), level__in=COVERED_LEVELS
            )
            .order_by()
            .values("capability__function__code")
            .annotate(n=Count("offering", distinct=True))
            .values_list("capability__function__code", "n")
        )
        return Counter(dict(rows))
    if name == "vehicle":
        rows = (
            Offering.contract_vehicles.through.objects.filter(
                offering__in=base.values("pk")
            )
            .order_by()
            .values("contractvehicle__slug")
            .annotate(n=Count("offering", distinct=True))
            .values_list("contractvehicle__slug", "n")
        )
        return Counter(dict(rows))
    if name == "accessibility":
        counts = base.order_by().aggregate(
            yes=Count("pk", filter=Q(accessibility_report_date__isnull=False)),
            no=Count("pk", filter=Q(accessibility_report_date__isnull=True)),
        )
        return Counter(counts)
    rows = (
        base.order_by()
        .values(FACET_FIELDS[name])
        .annotate(n=Count("pk"))
        .values_list(FACET_FIELDS[name], "n")
    )
    return Counter(dict(rows))


def offering_search(params: Mapping | None) -> OfferingSearch:
    """Published offerings matching ``params`` (a query dict: ``q``, the facet
    parameters, ``sort``), sorted, with facet counts.

    Within a facet, ticked values are alternatives (any of them), except functions:
    an offering must cover every ticked function. Across facets every choice must
    hold. A facet's counts say how many results each of its values would give with
    every other choice kept. Raises :class:`SearchParamsError` naming each bad
    parameter. Runs a fixed number of queries: two for the choices, one per facet,
    and those of the returned queryset.
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
        base = _text_filter(base, q)
    facet_names = ["function", *[name for name, _, _ in STATIC_FACETS], "vehicle"]
    filters = {name: _facet_filter(name, cleaned[name]) for name in facet_names}
    filters = {name: f for name, f in filters.items() if cleaned[name]}

    def filtered(except_name: str | None = None) -> QuerySet[Offering]:
        queryset = base
        for name, condition in filters.items():
            if name != except_name:
                queryset = queryset.filter(condition)
        return queryset

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
        # Functions narrow conjunctively, so their counts keep their own choices.
        counts = _facet_counts(
            name, filtered() if name == "function" else filtered(except_name=name)
        )
        label, choices = labels[name]
        facets.append(
            Facet(
                name=name,
                label=label,
                values=[
                    FacetValue(
                        value=value,
                        label=str(choice_label),
                        count=counts.get(value, 0),
                        selected=value in cleaned[name],
                    )
                    for value, choice_label in choices
                ],
            )
        )
    results = with_coverage(offering_list_related(filtered()))
    if sort == "relevance":
        results = _relevance(results, q)
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
        function_labels=dict(functions),
        vehicle_labels=dict(vehicles),
    )


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


@dataclass
class OfferingClaims:
    """Every capability of the offering's release with the offering's claim on it
    (``None`` when the offering makes none), plus coverage per function."""

    rows: list[tuple[Capability, Claim | None]]
    coverage: list[FunctionCoverage]
    functions: list[tuple[str, str]]


def offering_claims(
    offering: Offering, *, function: str = "", level: str = ""
) -> OfferingClaims:
    """The claims table of one offering, filtered by function code and level
    (``"unknown"`` for capabilities without a claim). Three queries."""
    capabilities = list(
        Capability.objects.filter(release_id=offering.release_id)
        .select_related("function", "activity")
        .order_by("code")
    )
    claims = {
        claim.capability_id: claim
        for claim in Claim.objects.filter(offering=offering).select_related(
            "verified_by"
        )
    }
    functions = list(
        Function.objects.filter(release_id=offering.release_id).order_by("code")
    )
    totals: Counter = Counter()
    levels: dict[int, Counter] = defaultdict(Counter)
    for capability in capabilities:
        totals[capability.function_id] += 1
        claim = claims.get(capability.id)
        if claim is not None:
            levels[capability.function_id][claim.level] += 1
    coverage = [
        FunctionCoverage(
            code=function_row.code,
            name=function_row.name,
            capability_count=totals[function_row.id],
            levels=dict(levels[function_row.id]),
        )
        for function_row in functions
        if totals[function_row.id]
    ]
    rows = []
    for capability in capabilities:
        claim = claims.get(capability.id)
        if function and capability.function.code != function:
            continue
        if level == "unknown" and claim is not None:
            continue
        if level and level != "unknown" and (claim is None or claim.level != level):
            continue
        rows.append((capability, claim))
    return OfferingClaims(
        rows=rows,
        coverage=coverage,
        functions=[(f.code, f"{f.code} {f.name}") for f in functions],
    )


def claim_filter_form(offering: Offering, params: Mapping) -> ClaimFilterForm:
    functions = list(
        Function.objects.filter(release_id=offering.release_id)
        .order_by("code")
        .values_list("code", "name")
    )
    return ClaimFilterForm(
        params, functions=[(code, f"{code} {name}") for code, name in functions]
    )


def offering_claims_for_params(offering: Offering, params: Mapping) -> OfferingClaims:
    """The API's entry: validate ``function`` and ``level`` then filter, or raise
    :class:`SearchParamsError` naming the bad parameter."""
    form = claim_filter_form(offering, params)
    if not form.is_valid():
        raise SearchParamsError(form.errors)
    return offering_claims(
        offering,
        function=form.cleaned_data["function"],
        level=form.cleaned_data["level"],
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


def compare_form(params: Mapping) -> CompareForm:
    choices = list(
        published_offerings()
        .select_related("provider")
        .order_by("name")
        .values_list("slug", "name")
    )
    return CompareForm(params, offerings=choices)


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
        for claim in Claim.objects.filter(offering__in=offerings).select_related(
            "capability"
        )
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
