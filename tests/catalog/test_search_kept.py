"""What a process keeps per catalog version for a search's text (issue #20): the
matches of its last queries and their relevance. A search answered from them
equals the database's answer (the reference of test_facet_index), asks no text
query again, and sees every change of the catalog."""

import random

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from catalog.forms import offering_search
from catalog.models import Offering, OfferingStatus, Provider
from catalog.pagecache import pages_stale
from catalog.services.search import announce
from tests.catalog import facet_reference as reference
from tests.catalog.test_facet_index import CODES, random_catalog, random_params

pytestmark = pytest.mark.django_db(transaction=True)


def _agrees(params: QueryDict, vehicles: list[str]) -> None:
    search = offering_search(params)
    where = params.urlencode()
    ordered = reference.ordered_ids(params, search.params["sort"], rank_limit=500)
    assert [o.pk for o in search.listing[:]] == ordered, where
    expected = reference.facet_counts(params, functions=list(CODES), vehicles=vehicles)
    for facet in search.facets:
        choices = {v.value for v in facet.values}
        wanted = {v: n for v, n in expected[facet.name].items() if v in choices}
        shown = {v.value: v.count for v in facet.values if v.count}
        assert shown == wanted, (facet.name, where)


def _text_queries(params: QueryDict) -> list[str]:
    """The queries a search runs that match or rank the offerings' text (off
    PostgreSQL, ``icontains``; the names starting with the query are read apart)."""
    with CaptureQueriesContext(connection) as captured:
        offering_search(params)
    text = ("search_vector", "%>", "word_similarity", "LIKE '%")
    return [
        query["sql"]
        for query in captured.captured_queries
        if any(mark in query["sql"] for mark in text)
    ]


@pytest.mark.parametrize("seed", [11, 12])
def test_kept_text_matches_answer_what_the_database_answers(settings, seed):
    settings.CATALOG_FACET_INDEX_KEEP = True
    vehicles = random_catalog(seed)
    rng = random.Random(seed)
    for _ in range(12):
        params = random_params(rng, vehicles)
        params["q"] = rng.choice(["ledger payroll", "budget", "ledgr", "Ledger"])
        _agrees(params, vehicles)  # the first time read, then kept
        _agrees(params, vehicles)


def test_the_same_words_are_not_read_again(settings):
    settings.CATALOG_FACET_INDEX_KEEP = True
    random_catalog(13)
    first = QueryDict("q=ledger+payroll&sort=relevance")
    assert _text_queries(first)
    # Another sort, page or facet choice of the same words reads no text.
    assert _text_queries(first) == []
    assert _text_queries(QueryDict("q=ledger+payroll&sort=name&kind=federal")) == []
    assert _text_queries(QueryDict("q=budget")) != []


def test_kept_text_matches_follow_a_change_of_the_catalog(settings):
    settings.CATALOG_FACET_INDEX_KEEP = True
    vehicles = random_catalog(14)
    params = QueryDict("q=zephyr&sort=relevance")
    assert offering_search(params).total == 0
    offering = Offering.objects.filter(status=OfferingStatus.PUBLISHED).first()
    Offering.objects.filter(pk=offering.pk).update(name="Zephyr Ledger")
    # Through the catalog's services: the search document is rebuilt and the
    # version bumped; the kept matches and relevance are of the old version.
    announce(offering_ids=[offering.pk], reason="test")
    assert [o.pk for o in offering_search(params).listing[:]] == [offering.pk]
    _agrees(params, vehicles)
    renamed = QueryDict("q=ledger&sort=relevance")
    _agrees(renamed, vehicles)
    Offering.objects.filter(pk=offering.pk).update(name="Quiet Harbor")
    announce(offering_ids=[offering.pk], reason="test")
    _agrees(renamed, vehicles)
    assert offering_search(params).total == 0


def test_misspelling_matches_follow_renames_publication_and_withdrawal(settings):
    """The words of the names are kept per catalog version with the facet index:
    a rename, a publication, a retirement and a provider's rename are seen by the
    next search of the same misspelt words."""
    if connection.vendor != "postgresql":
        pytest.skip("trigram similarity needs PostgreSQL (pg_trgm)")
    settings.CATALOG_FACET_INDEX_KEEP = True
    vehicles = random_catalog(15)
    misspelt = QueryDict("q=zephr")

    def found() -> set[int]:
        _agrees(misspelt, vehicles)
        return {o.pk for o in offering_search(misspelt).listing[:]}

    assert found() == set()
    published = Offering.objects.filter(status=OfferingStatus.PUBLISHED)
    renamed, other = published.order_by("pk")[:2]
    Offering.objects.filter(pk=renamed.pk).update(name="Zephyr Ledger")
    announce(offering_ids=[renamed.pk], reason="test")
    assert found() == {renamed.pk}
    draft = Offering.objects.filter(status=OfferingStatus.DRAFT).first()
    Offering.objects.filter(pk=draft.pk).update(
        name="Zephyrus Books", status=OfferingStatus.PUBLISHED
    )
    announce(offering_ids=[draft.pk], reason="test")
    assert found() == {renamed.pk, draft.pk}
    Offering.objects.filter(pk=renamed.pk).update(status=OfferingStatus.RETIRED)
    announce(offering_ids=[renamed.pk], reason="test")
    assert found() == {draft.pk}
    # A provider's rename (the admin bumps the catalog's version as it saves).
    Provider.objects.filter(pk=other.provider_id).update(name="Zephyr Works")
    pages_stale()
    assert found() == {draft.pk} | set(
        published.filter(provider_id=other.provider_id).values_list("pk", flat=True)
    )


def test_a_kept_relevance_is_two_arrays_that_give_back_the_same_figures():
    """The facet index keeps a query's relevance packed (ids and doubles, not a
    dict of Python objects); unpacked, every id and figure is the one read."""
    import numpy as np

    from catalog.selectors.facets import packed_relevance, unpacked_relevance

    read = {2**40 + 7: 0.1 + 0.2, 3: 1e-300, 12: 0.0, 9_000_000_001: 0.6079271}
    ids, figures = packed_relevance(read)
    assert ids.dtype == np.int64 and figures.dtype == np.float64
    again = unpacked_relevance((ids, figures))
    assert again == read
    assert all(type(pk) is int and type(value) is float for pk, value in again.items())
    assert unpacked_relevance(None) == {}
    assert unpacked_relevance(packed_relevance({})) == {}
