"""A cold search page's reads compiled once (issue #20,
``marketplace.prepared``) answer what the querysets they were compiled from
answer, whatever the values; the page reads the catalog version once; the results'
items print what Django's ``reverse``, ``floatformat`` and ``date`` print."""

import datetime
import random

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Value
from django.db.models.functions import Concat
from django.template.defaultfilters import date, floatformat
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.timezone import localtime

from catalog import display
from catalog.models import Offering
from catalog.selectors.common import published_offerings, with_coverage
from catalog.selectors.listing import ListedOffering, listed
from catalog.selectors.search import _id_list, _relevance_score
from marketplace.prepared import PreparedQuery
from marketplace.table_rows import table_rows
from tests.catalog.test_facet_index import random_catalog

pytestmark = pytest.mark.django_db(transaction=True)


def _ranked(q: str, ids: list[int]):
    return (
        published_offerings()
        .filter(_id_list(ids))
        .annotate(relevance=_relevance_score(q))
        .order_by("pk")
        .values_list("pk", "relevance")
    )


def _named(q: str, ids: list[int]):
    # icontains rewrites its value (%q%): found nowhere, built every time.
    return (
        Offering.objects.filter(pk__in=ids, name__icontains=q)
        .annotate(label=Concat("name", Value(" "), Value(q)))
        .order_by("pk")
        .values_list("pk", "label", "updated_at")
    )


def _covered(ids: list[int]):
    return (
        with_coverage(Offering.objects.filter(pk__in=ids))
        .order_by("pk")
        .values_list("pk", "coverage", "updated_at")
    )


@pytest.mark.parametrize("build", [_ranked, _named])
def test_a_prepared_query_answers_what_its_queryset_answers(build):
    random_catalog(21)
    every = list(Offering.objects.order_by("pk").values_list("pk", flat=True))
    prepared = PreparedQuery(lambda shape, q, ids: build(q, ids), may_rebuild=True)
    rng = random.Random(21)
    for q in ["ledger", "Ledger payroll", 'it\'s 100% "cloud"', "zz", "ledger"]:
        for size in (1, 3, 3, len(every)):
            ids = rng.sample(every, size) + [10**9]  # one id that no row has
            assert prepared.rows(q=q, ids=ids) == list(build(q, ids)), (q, size)
    assert prepared.rows(q="ledger", ids=[]) == list(build("ledger", []))


def test_ids_bound_one_by_one_are_compiled_once_per_length():
    random_catalog(22)
    every = list(Offering.objects.order_by("pk").values_list("pk", flat=True))
    prepared = PreparedQuery(lambda shape, ids: _covered(ids))
    for size in (2, 5, 2, 5, 1):
        ids = every[-size:]
        assert prepared.rows(ids=ids) == list(_covered(ids))
    assert len(prepared._compiled[connections[DEFAULT_DB_ALIAS]]) == 3


def test_listed_offerings_equal_the_models_values():
    random_catalog(23)
    ids = list(published_offerings().order_by("-pk").values_list("pk", flat=True))
    rows = listed([*ids[:5], 10**9, *ids[5:7]])
    assert [row.pk for row in rows] == ids[:7]
    by_pk = {o.pk: o for o in with_coverage(published_offerings())}
    for row in rows:
        offering = by_pk[row.pk]
        assert (row.name, row.slug, row.coverage, row.updated_at) == (
            offering.name,
            offering.slug,
            offering.coverage,
            offering.updated_at,
        )
        assert row.vehicles == tuple(
            offering.contract_vehicles.order_by("name").values_list("name", flat=True)
        )


def test_a_kept_search_page_reads_the_catalog_version_once(client, settings):
    settings.CATALOG_FACET_INDEX_KEEP = True
    settings.PAGE_CACHE_SECONDS = 0
    random_catalog(24)
    url = "/catalog/?q=ledger+payroll&kind=federal"
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    # The version, then the page's offerings and their contract vehicles (off
    # PostgreSQL also the names starting with the query): the choices, the index,
    # the text matches and the relevance are kept.
    expected = 3 if connection.vendor == "postgresql" else 4
    assert len(captured) == expected, [q["sql"] for q in captured.captured_queries]


def _listed(slug: str, coverage: float, updated_at: datetime.datetime):
    return ListedOffering(
        pk=1,
        name="A <b>name</b>",
        slug=slug,
        provider_name="P & Q",
        summary="S",
        provider_kind="Commercial",
        category="C",
        deployment_model="D",
        fedramp_status="Authorized",
        fedramp_impact="",
        covered_count=1,
        capability_count=8,
        coverage=coverage,
        updated_at=updated_at,
        vehicles=(),
    )


def test_result_items_print_what_the_filters_print():
    """Each row's URL, percentage and date as ``reverse``, ``floatformat:0`` and
    ``date`` of the local time write them: halves, ends of the range, and times
    either side of local midnight."""
    coverages = [0.0, 12.5, 13.5, 99.5, 100.0, 100 / 3, 200 / 3, 0.49999]
    times = [
        datetime.datetime(2026, 3, 8, 4, 59, tzinfo=datetime.UTC),
        datetime.datetime(2026, 3, 8, 5, 0, tzinfo=datetime.UTC),
        datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC),
    ]
    rows = [
        _listed(f"slug-{n}_x", coverage, times[n % len(times)])
        for n, coverage in enumerate(coverages)
    ]
    printed_one_by_one = table_rows(
        "catalog/_results.html",
        [
            {
                **vars(row),
                "url": reverse("catalog:offering-detail", kwargs={"slug": row.slug}),
                "percent": floatformat(row.coverage, 0),
                "updated": date(localtime(row.updated_at)),
            }
            for row in rows
        ],
    )
    assert display.result_items(rows) == printed_one_by_one
