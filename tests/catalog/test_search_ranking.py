"""Bounded relevance ranking: a query matching more offerings than the rank limit
ranks only the first of them in the cheap pre-order (coverage, then name) and lists
the rest after them in that order; a query matching fewer is ranked exactly as the
unbounded ranking did. Every match is listed once, whatever the page. And the
misspelling matches, found through the words of the names (the words that can
reach the threshold asked, then the names only a stretch of words can reach), are
the offerings the similarity function picks."""

import numpy as np
import pytest
from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import QueryDict

from catalog.forms import offering_search
from catalog.selectors import published_offerings
from catalog.selectors.common import TRIGRAM_THRESHOLD
from catalog.selectors.facets import facet_index
from catalog.selectors.search import _relevance_score
from tests.catalog.catalog_world import make_offering, make_release

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledgers():
    """Seven offerings that all match "ledger", with coverage from 0 to 12 of 12
    capabilities: by name (exact, prefix, inside) or by description only."""
    release, caps = make_release(
        functions=("FFM.010", "FFM.030", "FFM.090"), per_function=4
    )
    rows = [
        ("Ledger", [], "Books."),
        ("Ledger Cloud", ["FFM.010"], "Books in the cloud."),
        ("Acme Ledger", ["FFM.010", "FFM.030", "FFM.090"], "Books."),
        ("Zeta Books", ["FFM.010", "FFM.030"], "A general ledger for agencies."),
        ("Beta Books", [], "Subsidiary ledger postings."),
        ("Gamma Ledger Suite", ["FFM.090"], "Suite."),
        ("Delta Books", ["FFM.030", "FFM.090"], "Posts to the ledger nightly."),
    ]
    for name, functions, description in rows:
        make_offering(
            release,
            covers=[caps[code] for code in functions],
            name=name,
            slug=name.lower().replace(" ", "-"),
            summary=f"{name} for federal agencies.",
            description=description,
        )
    make_offering(release, name="Unrelated", slug="unrelated", description="Payroll.")
    return release


def unbounded(q: str) -> list[str]:
    """The ranking before it was bounded: every match ranked."""
    exact = Case(
        When(name__iexact=q, then=Value(2)),
        When(name__istartswith=q, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    matches = offering_search(QueryDict(f"q={q}&sort=name")).queryset
    return list(
        published_offerings()
        .filter(pk__in=[o.pk for o in matches])
        .annotate(exact_match=exact, relevance=_relevance_score(q))
        .order_by("-exact_match", "-relevance", "name", "pk")
        .values_list("slug", flat=True)
    )


def bounded_expectation(q: str, rank_limit: int) -> list[str]:
    """Exact names first; then the ``rank_limit`` first matches in pre-order
    (coverage, highest first, then name) by relevance; then the others in
    pre-order."""
    matches = offering_search(QueryDict(f"q={q}&sort=name")).queryset
    scored = {
        row["slug"]: row
        for row in published_offerings()
        .filter(pk__in=[o.pk for o in matches])
        .annotate(
            exact_match=Case(
                When(name__iexact=q, then=Value(2)),
                When(name__istartswith=q, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            relevance=_relevance_score(q),
        )
        .values("slug", "name", "pk", "exact_match", "relevance")
    }
    coverage = {o.slug: o.coverage for o in matches}

    def pre_order(slug):
        return (-coverage[slug], scored[slug]["name"], scored[slug]["pk"])

    candidates = set(sorted(scored, key=pre_order)[:rank_limit])

    def key(slug):
        row = scored[slug]
        if slug in candidates:
            return (-row["exact_match"], 0, -row["relevance"], *pre_order(slug))
        return (-row["exact_match"], 1, 0, *pre_order(slug))

    return sorted(scored, key=key)


def ranked(q: str, rank_limit: int) -> list[str]:
    result = offering_search(QueryDict(f"q={q}"), rank_limit=rank_limit)
    assert result.params["sort"] == "relevance"
    return [o.slug for o in result.queryset]


def test_a_query_within_the_limit_is_ranked_as_before(ledgers):
    assert ranked("ledger", rank_limit=7) == unbounded("ledger")
    assert ranked("ledger", rank_limit=500) == unbounded("ledger")
    assert ranked("ledger", rank_limit=7)[:2] == ["ledger", "ledger-cloud"]


@pytest.mark.parametrize("rank_limit", [1, 2, 3, 6])
def test_a_broad_query_ranks_only_the_first_matches_in_pre_order(ledgers, rank_limit):
    found = ranked("ledger", rank_limit=rank_limit)
    assert found == bounded_expectation("ledger", rank_limit)
    assert sorted(found) == sorted(unbounded("ledger"))
    assert "unrelated" not in found
    # Exact and prefix names stay first whatever the limit.
    assert found[:2] == ["ledger", "ledger-cloud"]


def test_past_the_limit_the_rest_follow_by_coverage_not_relevance(ledgers):
    # Acme Ledger covers most, so it is the one ranked; Gamma Ledger Suite names
    # the word but covers little, so it now follows the better-covering matches.
    assert ranked("ledger", rank_limit=1) == [
        "ledger",
        "ledger-cloud",
        "acme-ledger",
        "delta-books",
        "zeta-books",
        "gamma-ledger-suite",
        "beta-books",
    ]
    assert ranked("ledger", rank_limit=1) != unbounded("ledger")


def test_the_bounded_order_pages_without_overlap_or_gaps(ledgers):
    result = offering_search(QueryDict("q=ledger"), rank_limit=2)
    everything = [o.slug for o in result.queryset]
    paginator = Paginator(result.queryset, 3)
    paged = [
        o.slug
        for number in paginator.page_range
        for o in paginator.page(number).object_list
    ]
    assert paged == everything
    assert len(set(paged)) == len(paged) == result.total == 7


def test_other_sorts_are_not_bounded(ledgers):
    by_coverage = offering_search(
        QueryDict("q=ledger&sort=coverage"), rank_limit=1
    ).queryset
    coverages = [o.coverage for o in by_coverage]
    assert coverages == sorted(coverages, reverse=True)
    assert len(coverages) == 7


def similar_names(q: str) -> set[int]:
    """The offerings whose name or provider's name the similarity function finds
    similar to ``q``, asked of every one of them."""
    return set(
        published_offerings()
        .annotate(
            name_similarity=TrigramWordSimilarity(q, "name"),
            provider_similarity=TrigramWordSimilarity(q, "provider__name"),
        )
        .filter(
            Q(name_similarity__gte=TRIGRAM_THRESHOLD)
            | Q(provider_similarity__gte=TRIGRAM_THRESHOLD)
        )
        .values_list("pk", flat=True)
    )


def found_by_words(q: str) -> set[int]:
    index = facet_index()
    by_name, by_provider, _tsquery, _upper = index.name_words.similar(q)
    return set(index.ids[by_name | np.isin(index.providers, by_provider)].tolist())


MISSPELLINGS = [
    "ledgr",
    "Acme Ledgre",
    "books",
    "Gama Ledger Suit",
    "Providr",
    "zzzqq",
    "e",
    "Acm Ledgr Clod",  # only a stretch of two or three words is similar
    "gama suite ledger",
    "cafe ledger",
    "CAF\u00c9 l\u00e9dger",  # outside ASCII: every name asked
    " ".join(["ledger"] * 3 + ["acme", "zeta", "books", "suite", "gamma"]),
]


@pytest.mark.parametrize("q", MISSPELLINGS)
def test_misspelling_matches_equal_the_similarity_function(ledgers, q):
    if connection.vendor != "postgresql":
        pytest.skip("trigram similarity needs PostgreSQL (pg_trgm)")
    make_offering(ledgers, name="Caf\u00e9 L\u00e9dger Cr\u00e8me", slug="cafe")
    make_offering(ledgers, name="Acme-Ledger/Cloud_Suite", slug="acme-cloud")
    expected = similar_names(q)
    assert found_by_words(q) == expected
    assert bool(expected) == (q not in ("zzzqq", "e"))


def test_names_reached_only_by_a_stretch_of_words_are_asked(ledgers):
    if connection.vendor != "postgresql":
        pytest.skip("trigram similarity needs PostgreSQL (pg_trgm)")
    fathom = make_offering(ledgers, name="Fathom Ledger", slug="fathom-ledger")
    q = "Fatom Leger"
    # Neither word of the name is similar alone; the two together are.
    for word in ("Fathom", "Ledger"):
        alone = published_offerings().annotate(
            similarity=TrigramWordSimilarity(q, Value(word))
        )
        assert alone.get(pk=fathom.pk).similarity < TRIGRAM_THRESHOLD
    assert fathom.pk in found_by_words(q) == similar_names(q)


@pytest.mark.parametrize("query", ["q=ledger", "q=ledger&sort=coverage", "sort=name"])
def test_without_facets_the_results_are_the_same(ledgers, query):
    full = offering_search(QueryDict(query), rank_limit=2)
    bare = offering_search(QueryDict(query), rank_limit=2, with_facets=False)
    assert [o.slug for o in bare.queryset] == [o.slug for o in full.queryset]
    assert bare.facets == []
    ranked_by_relevance = full.params["sort"] == "relevance"
    assert bare.total == (full.total if ranked_by_relevance else None)
