"""The catalog search: text, facets and sort over the published offerings, in a
fixed number of queries (see :func:`search_offerings`). Parameters are validated by
:func:`catalog.forms.offering_search` first."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
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
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Greatest

from catalog.fedramp import AUTHORIZATION_AGES
from catalog.models import (
    ContractVehicle,
    DeploymentModel,
    FedrampStatus,
    ImpactLevel,
    MarketplaceCategory,
    Offering,
    OfferingFunction,
    ProviderKind,
)
from catalog.models.search import SEARCH_CONFIG
from catalog.selectors.common import (
    offering_list_related,
    published_offerings,
    with_coverage,
)
from catalog.selectors.facets import (
    READ_VERSION,
    FacetIndex,
    facet_index,
    kept_per_version,
    packed_relevance,
    unpacked_relevance,
)
from catalog.selectors.listing import Listing
from marketplace.prepared import PreparedQuery
from standards.models import (
    ExchangeSystem,
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

    # Builds :attr:`queryset`, only when asked for: the catalog page reads its
    # listing, and building a queryset it never ran cost a cold page a tenth of
    # its time.
    ordered: Callable[[], QuerySet[Offering]] = field(repr=False)
    facets: list[Facet]
    params: dict
    total: int | None  # the number of results; None when not asked for facets
    # The same results in the same order, read a page at a time by id (the catalog
    # page); None without facets.
    listing: "Listing | None" = None
    function_labels: dict[str, str] = field(default_factory=dict)
    vehicle_labels: dict[str, str] = field(default_factory=dict)
    exchange_labels: dict[str, str] = field(default_factory=dict)

    @cached_property
    def queryset(self) -> QuerySet[Offering]:
        """The results as model instances with their provider, release, contract
        vehicles and coverage, in the search's order."""
        return self.ordered()


@dataclass
class SearchChoices:
    """What a search may filter on beyond the fixed choices (:func:`search_choices`)."""

    functions: list[tuple[str, str]]
    vehicles: list[tuple[str, str]]
    exchanges: list[tuple[str, str]]


def search_choices(version: Any = READ_VERSION) -> SearchChoices:
    """What a search may filter on: FIBF functions (by code, which is stable across
    releases) and Treasury systems of information exchanges (by name) of the
    releases published offerings use, and every contract vehicle. Kept by the
    process per catalog version, as the facet index is (whatever changes them
    bumps it: a vehicle's save, a publication, a new current release): one query
    then (none given the ``version``, :func:`catalog.selectors.facets.
    catalog_version`), else three."""
    return kept_per_version("choices", _read_choices, version)


def _read_choices() -> SearchChoices:
    releases = published_offerings().values("release_id")
    functions: dict[str, str] = {}
    for code, name in (
        Function.objects.filter(release__in=releases)
        .order_by("code", "-release__name")
        .values_list("code", "name")
    ):
        functions.setdefault(code, name)
    vehicles = list(
        ContractVehicle.objects.order_by("name").values_list("slug", "name")
    )
    systems = sorted(
        set(
            ExchangeSystem.objects.filter(release__in=releases).values_list(
                "name", flat=True
            )
        )
    )
    return SearchChoices(
        functions=[(code, f"{code} {name}") for code, name in functions.items()],
        vehicles=vehicles,
        exchanges=[(name, name) for name in systems],
    )


# A kept relevance (catalog.selectors.facets.RELEVANCE_KEPT) holds at most this
# many figures (and the up to 500 of a search's ranking).
RELEVANCE_PER_QUERY = 1000


def _text_mask(index: FacetIndex, q: str) -> tuple[np.ndarray, str | None]:
    """The offerings of ``index`` that ``q`` matches: full-text or a similar name on
    PostgreSQL (a query of plain words from the words the index keeps,
    :meth:`FacetIndex.text_mask`), word by word ``icontains`` elsewhere
    (:func:`_text_filter`); and, on PostgreSQL, ``UPPER(q)``. Kept with the index
    (its catalog version) for the last
    :data:`catalog.selectors.facets.TEXT_MATCHES_KEPT` queries."""
    packed, upper_q = index.text_matches.get(
        q, lambda: _packed(*_read_text_mask(index, q))
    )
    return np.unpackbits(packed, count=len(index)).astype(bool), upper_q


def _packed(mask: np.ndarray, upper_q: str | None) -> tuple[np.ndarray, str | None]:
    return np.packbits(mask), upper_q


def _read_text_mask(index: FacetIndex, q: str) -> tuple[np.ndarray, str | None]:
    if connection.vendor != "postgresql":
        return index.mask_of(_matching_ids(_text_filter(q))), None
    by_name, by_provider, tsquery, upper_q = index.name_words.similar(q)
    mask = index.text_mask(tsquery)
    if mask is None:
        mask = index.mask_of([pk for (pk,) in _FULL_TEXT_MATCHES.rows(q=q)])
    return mask | by_name | np.isin(index.providers, by_provider), upper_q


# The published offerings whose search document matches a query (PostgreSQL).
_FULL_TEXT_MATCHES = PreparedQuery(
    lambda shape, q: (
        published_offerings()
        .filter(
            search_vector=SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)
        )
        .order_by()
        .values_list("pk")
    )
)


def _matching_ids(condition: Q) -> list[int]:
    return list(
        published_offerings().filter(condition).order_by().values_list("pk", flat=True)
    )


def _text_filter(q: str) -> Q:
    """Text matching off PostgreSQL: each word in the name, summary, description,
    provider name or the name of a covered function (``icontains``)."""
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


def _exact_match(q: str) -> Case:
    return Case(
        When(name__iexact=q, then=Value(2)),
        When(name__istartswith=q, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


# Cheap order of the matches of a broad query; see _by_relevance.
PRE_ORDER = ("-coverage", "name", "pk")


def _by_relevance(
    results: QuerySet[Offering],
    q: str,
    *,
    match_count: int,
    rank_limit: int,
    first_by_coverage: list[int],
) -> QuerySet[Offering]:
    """Order the matches of ``q``: names equal to ``q`` first, then names starting
    with it, then by relevance (full-text rank of the weighted document, or half the
    name's trigram similarity when that is higher), then by name.

    Ranking is bounded. Relevance costs a rank and a trigram similarity per offering
    ranked (the similarity is most of it), so a very common word ("financial" is in
    almost every offering) would rank the whole catalog on every request. When more
    than ``rank_limit`` offerings match, only the first ``rank_limit`` of them in a
    cheap order read from stored columns (:data:`PRE_ORDER`: coverage, highest
    first, then name; ``first_by_coverage``, taken from the facet index) are ranked;
    they come first, by relevance, and the other matches follow in that cheap order.
    Every match is still listed exactly once and the order is total, so pages never
    overlap or skip; a query matching up to ``rank_limit`` offerings is ranked
    exactly as before.
    """
    results = results.annotate(exact_match=_exact_match(q))
    if match_count <= rank_limit:
        return results.annotate(relevance=_relevance_score(q)).order_by(
            "-exact_match", "-relevance", "name", "pk"
        )
    return results.annotate(
        relevance=Case(
            When(pk__in=first_by_coverage, then=_relevance_score(q)),
            default=None,
            output_field=FloatField(),
        )
    ).order_by("-exact_match", F("relevance").desc(nulls_last=True), *PRE_ORDER)


def _id_list(ids: list[int]) -> Q | RawSQL:
    """The offerings of ``ids``: on PostgreSQL one array parameter (Django
    prepares each of 500 ids of ``pk__in`` apart)."""
    if connection.vendor != "postgresql":
        return Q(pk__in=ids)
    return RawSQL(  # noqa: S611  # nosec B611 - model metadata; ids bound
        f'"{Offering._meta.db_table}"."id" = ANY(%s::bigint[])',
        (ids,),
        output_field=BooleanField(),
    )


def _id_in(index: FacetIndex, mask: np.ndarray) -> Q | RawSQL:
    """The published offerings of ``mask``, named by the shorter list: its ids, or
    those it leaves out. On PostgreSQL the list is one array parameter."""
    inside = int(mask.sum()) <= len(index) // 2
    ids = index.ids[mask if inside else ~mask].tolist()
    if connection.vendor != "postgresql":
        return Q(pk__in=ids) if inside else ~Q(pk__in=ids)
    condition = "= ANY(%s::bigint[])" if inside else "<> ALL(%s::bigint[])"
    return RawSQL(  # noqa: S611  # nosec B611 - model metadata; ids bound
        f'"{Offering._meta.db_table}"."id" {condition}',
        (ids,),
        output_field=BooleanField(),
    )


@dataclass
class _Masks:
    """What each part of a search lets through, over the facet index."""

    text: np.ndarray
    chosen: dict[str, np.ndarray]  # facet parameter -> offerings its choices allow
    upper_q: str | None = None  # the query as the database's UPPER() writes it

    def all_but(self, *names: str) -> np.ndarray:
        mask = self.text.copy()
        for name, allowed in self.chosen.items():
            if name not in names:
                mask &= allowed
        return mask


def _masks(index: FacetIndex, cleaned: Mapping, q: str) -> _Masks:
    text, upper_q = (
        _text_mask(index, q) if q else (np.ones(len(index), dtype=bool), None)
    )
    chosen = {}
    if cleaned["function"]:
        chosen["function"] = index.functions_mask(cleaned["function"])
    if cleaned["vehicle"]:
        chosen["vehicle"] = index.vehicles_mask(cleaned["vehicle"])
    if cleaned["exchange"]:
        chosen["exchange"] = index.exchanges_mask(cleaned["exchange"])
    for name, _label, _choices in STATIC_FACETS:
        if cleaned[name]:
            chosen[name] = index.value_mask(name, cleaned[name])
    return _Masks(text=text, chosen=chosen, upper_q=upper_q)


def _relevance_listing(
    index: FacetIndex, masks: _Masks, q: str, *, count: int, rank_limit: int
) -> Listing:
    """The matches in :func:`_by_relevance`'s order: one query for the relevance
    of the offerings ranked (at most ``rank_limit``); names equal to or starting
    with ``q`` come from the index on PostgreSQL (one more query elsewhere), and
    the rest of the order too."""
    matching = masks.all_but()
    exact = (
        index.exact_matches(matching, masks.upper_q)
        if masks.upper_q is not None
        else dict(
            published_offerings()
            .filter(name__istartswith=q)
            .annotate(exact_match=_exact_match(q))
            .values_list("pk", "exact_match")
        )
    )
    ranked_all = count <= rank_limit
    ranked = (
        index.ids_in_order(matching).tolist()
        if ranked_all
        else index.first_by_coverage(matching, rank_limit)
    )
    relevance = _relevance(index, q, ranked)
    return Listing(
        index.by_relevance(
            matching, exact=exact, relevance=relevance, ranked_all=ranked_all
        )
    )


# Off PostgreSQL the relevance's icontains rewrites q: built every time there.
_RELEVANCE = PreparedQuery(
    lambda shape, q, ids: (
        published_offerings()
        .filter(_id_list(ids))
        .annotate(relevance=_relevance_score(q))
        .order_by()
        .values_list("pk", "relevance")
    ),
    may_rebuild=True,
)


def _relevance(index: FacetIndex, q: str, ranked: list[int]) -> dict[int, float]:
    """The relevance of the offerings ``ranked`` (:func:`_relevance_score`): one
    query for those not kept yet for ``q`` (with the index, the last
    :data:`catalog.selectors.facets.RELEVANCE_KEPT` queries), none when every one
    is."""
    recent = index.relevance
    # A kept value is never changed (threads share it): a new one replaces it.
    kept = unpacked_relevance(recent.kept(q))
    relevance = {pk: kept[pk] for pk in ranked if pk in kept}
    missing = [pk for pk in ranked if pk not in relevance]
    if missing:
        relevance.update(_RELEVANCE.rows(q=q, ids=missing))
        # Many facet choices of a common word: start again past the bound.
        recent.put(
            q,
            packed_relevance(
                {**kept, **relevance} if len(kept) < RELEVANCE_PER_QUERY else relevance
            ),
        )
    return relevance


FACET_NAMES = [
    "function",
    *[name for name, _, _ in STATIC_FACETS],
    "vehicle",
    "exchange",
]
# How many matches of a text search are ranked by relevance (see _by_relevance).
RANK_LIMIT = 500


def search_offerings(
    cleaned: Mapping,
    *,
    choices: SearchChoices,
    rank_limit: int = RANK_LIMIT,
    with_facets: bool = True,
    version: Any = READ_VERSION,
) -> OfferingSearch:
    """Published offerings matching ``cleaned`` (a search form's cleaned data:
    ``q``, the facet parameters, ``sort``), sorted, with facet counts. ``choices``
    are the :func:`search_choices` the form validated against
    (:func:`catalog.forms.offering_search` is the entry that validates).

    Within a facet, ticked values are alternatives (any of them), except functions:
    an offering must cover every ticked function. Across facets every choice must
    hold. A facet's counts say how many results each of its values would give with
    every other choice kept.

    The facets are counted over the catalog's facet index
    (:mod:`catalog.selectors.facets`, kept per catalog version), so a search runs,
    besides the one for the choices: one query for the index's version (none
    given the ``version`` read for the choices,
    :func:`catalog.selectors.facets.catalog_version`), on
    PostgreSQL two for the text (the misspelling matches and the parsed query, and
    the offerings of its words the index does not keep yet, or the ids a phrase,
    alternative or negation matches),
    none of which reads the claims, and those of the returned queryset, which
    names the matching offerings by id. Relevance ranking is bounded to
    ``rank_limit`` matches (:func:`_by_relevance`). Without ``with_facets`` (the
    API, which has no use for the counts) the facets come back empty and ``total``
    is ``None`` unless relevance ranking needs the number of results.
    """
    q = cleaned["q"]
    sort = cleaned["sort"] or ("relevance" if q else "name")
    if sort == "relevance" and not q:
        sort = "name"
    facets: list[Facet] = []
    total: int | None = None
    candidates: list[int] = []  # relevance: the matches to rank when there are many
    listing: Listing | None = None
    narrowed = bool(q) or any(cleaned[name] for name in FACET_NAMES)
    matching_of: tuple[FacetIndex, np.ndarray] | None = None
    if with_facets or narrowed:
        index = facet_index(version)
        masks = _masks(index, cleaned, q)
        matching = masks.all_but()
        count = int(matching.sum())
        if with_facets or sort == "relevance":
            total = count
        if sort == "relevance" and count > rank_limit:
            candidates = index.first_by_coverage(matching, rank_limit)
        if narrowed:
            matching_of = (index, matching)
        if with_facets:
            facets = _facets(index, masks, cleaned, choices)
            listing = (
                _relevance_listing(index, masks, q, count=count, rank_limit=rank_limit)
                if sort == "relevance"
                else Listing(index.ids_in_order(matching, sort))
            )

    def ordered() -> QuerySet[Offering]:
        results = published_offerings()
        if matching_of is not None:
            results = results.filter(_id_in(*matching_of))
        results = with_coverage(offering_list_related(results))
        if sort == "relevance":
            return _by_relevance(
                results,
                q,
                match_count=total or 0,
                rank_limit=rank_limit,
                first_by_coverage=candidates,
            )
        if sort == "coverage":
            return results.order_by("-coverage", "name", "pk")  # type: ignore[misc]  # annotated by with_coverage
        if sort == "updated":
            return results.order_by("-updated_at", "name", "pk")
        return results.order_by("name", "pk")

    return OfferingSearch(
        facets=facets,
        params={**cleaned, "sort": sort},
        total=total,
        listing=listing,
        function_labels=dict(choices.functions),
        vehicle_labels=dict(choices.vehicles),
        exchange_labels=dict(choices.exchanges),
        ordered=ordered,
    )


def _facets(
    index: FacetIndex, masks: _Masks, cleaned: Mapping, choices: SearchChoices
) -> list[Facet]:
    """Every facet with its counts: each value's offerings among those every other
    facet's choices (and the text) let through; functions narrow conjunctively, so
    their counts keep their own choices."""
    counts: dict[str, dict] = {
        name: index.value_counts(name, masks.all_but(name))
        for name, _label, _choices in STATIC_FACETS
    }
    counts["vehicle"] = index.vehicle_counts(masks.all_but("vehicle"))
    counts["exchange"] = index.exchange_counts(masks.all_but("exchange"))
    counts["function"] = index.function_counts(masks.all_but())
    labels = {
        "function": ("FIBF functions covered", choices.functions),
        **{name: (label, choices) for name, label, choices in STATIC_FACETS},
        "vehicle": ("Contract vehicle", choices.vehicles),
        "exchange": ("Exchanges data with (Treasury system)", choices.exchanges),
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
        "exchange",
        "accessibility",
    ]
    facets = []
    for name in order:
        label, allowed = labels[name]
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
                    for value, choice_label in allowed
                ],
            )
        )
    return facets
