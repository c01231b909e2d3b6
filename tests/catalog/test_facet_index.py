"""The catalog's facet index (issue #20) answers exactly what the database answers:
on random catalogs, every facet's counts equal direct ORM counts, and the results,
read a page at a time from the index's order, equal the order SQL gives, for every
sort, with and without text, with relevance ranking bounded or not. Run on SQLite
and, in the services pass, on PostgreSQL (full-text, misspellings, kept words).
Also: a process keeps the index per catalog version and sees every change."""

import datetime
import random

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models.functions import Upper
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from catalog.fedramp import AUTHORIZATION_AGES
from catalog.forms import offering_search
from catalog.models import (
    ContractVehicle,
    DeploymentModel,
    FedrampStatus,
    ImpactLevel,
    MarketplaceCategory,
    Offering,
    OfferingFunction,
    OfferingStatus,
    ProviderKind,
)
from catalog.pagecache import pages_stale
from catalog.selectors import facets, search_choices
from catalog.selectors.common import with_coverage
from catalog.selectors.listing import listed
from catalog.services.claims import ItemClaimInput
from catalog.services.search import announce
from standards.items import ItemKind
from standards.models import Exchange, ExchangeSystem
from tests.catalog import facet_reference as reference
from tests.catalog.catalog_world import make_release
from tests.catalog.factories import (
    ContractVehicleFactory,
    OfferingFactory,
    ProviderFactory,
    write_claims,
)

CODES = ("FFM.010", "FFM.030", "FFM.060", "FFM.090")
WORDS = ["ledger", "payroll", "grants", "treasury", "budget", "cloud", "assets"]
START = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


EXCHANGE_LEVELS = ["meets", "configurable", "does-not-meet"]


def random_catalog(seed: int, size: int = 28) -> list[str]:
    """Offerings with random facet values, vehicles, covered functions, coverage,
    update times (with ties) and names (with duplicates, one named after a word);
    a few drafts. Returns the vehicles' slugs."""
    rng = random.Random(seed)
    release, _capabilities = make_release(functions=CODES, per_function=1)
    providers = [
        ProviderFactory(kind=kind, name=f"{rng.choice(WORDS).title()} {kind}")
        for kind in ProviderKind.values
    ]
    vehicles = [ContractVehicleFactory(slug=f"veh-{n}") for n in range(3)]
    exchanges = [
        Exchange.objects.create(
            release=release,
            system=ExchangeSystem.objects.create(
                release=release, position=n, name=f"System {n}"
            ),
            position=n,
            information=f"Outgoing: data {n}",
        )
        for n in (1, 2)
    ]
    today = datetime.date.today()
    for n in range(size):
        name = rng.choice(
            [
                "Ledger",
                f"{rng.choice(WORDS).title()} {rng.choice(WORDS)}",
                f"Ledger {rng.choice(WORDS)}",
                "Shared name",
            ]
        )
        offering = OfferingFactory(
            release=release,
            provider=rng.choice(providers),
            name=name,
            slug=f"r{seed}-{n}",
            description=" ".join(rng.choices(WORDS, k=6)),
            category=rng.choice(MarketplaceCategory.values),
            deployment_model=rng.choice(DeploymentModel.values),
            fedramp_status=rng.choice(FedrampStatus.values),
            fedramp_impact=rng.choice([*ImpactLevel.values, ""]),
            accessibility_report_date=rng.choice([None, datetime.date(2026, 1, 5)]),
            fedramp_authorized_on=rng.choice(
                [None, *(today - datetime.timedelta(days=d) for d in (30, 800, 2000))]
            ),
            status=rng.choice([OfferingStatus.PUBLISHED] * 5 + [OfferingStatus.DRAFT]),
        )
        offering.contract_vehicles.set(rng.sample(vehicles, rng.randint(0, 2)))
        write_claims(
            offering,
            [
                ItemClaimInput(ItemKind.EXCHANGE, exchange.pk, level)
                for exchange in exchanges
                if (level := rng.choice(["", *EXCHANGE_LEVELS]))
            ],
        )
        OfferingFunction.objects.filter(offering=offering).delete()
        OfferingFunction.objects.bulk_create(
            OfferingFunction(offering=offering, function_code=code, covered_count=1)
            for code in rng.sample(CODES, rng.randint(0, 3))
        )
        Offering.objects.filter(pk=offering.pk).update(
            covered_count=rng.randint(0, 4),
            capability_count=rng.choice([0, 4, 4]),
            updated_at=START + datetime.timedelta(hours=rng.randint(0, 5)),
        )
    return [v.slug for v in vehicles]


def random_params(rng: random.Random, vehicles: list[str]) -> QueryDict:
    params = QueryDict(mutable=True)
    q = rng.choice(
        ["", "", "ledger", "Ledger", "ledger payroll", "budget", "ledgr", "cloud"]
    )
    if q:
        params["q"] = q
    params["sort"] = rng.choice(["", "relevance", "name", "coverage", "updated"])
    choices = {
        "kind": ProviderKind.values,
        "category": MarketplaceCategory.values,
        "deployment": DeploymentModel.values,
        "fedramp": FedrampStatus.values,
        "impact": ImpactLevel.values,
        "accessibility": ["yes", "no"],
        "vehicle": vehicles,
        "function": list(CODES),
        "authorized": [value for value, _label in AUTHORIZATION_AGES],
        "exchange": ["System 1", "System 2"],
    }
    for name in rng.sample(sorted(choices), k=rng.choice([0, 0, 1, 2, 3])):
        params.setlist(name, rng.sample(choices[name], rng.randint(1, 2)))
    return params


def _shown(search, name: str) -> dict[str, int]:
    facet = next(f for f in search.facets if f.name == name)
    return {v.value: v.count for v in facet.values if v.count}


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_index_answers_what_the_database_answers(seed):
    vehicles = random_catalog(seed)
    rng = random.Random(seed * 100)
    for _ in range(14):
        params = random_params(rng, vehicles)
        rank_limit = rng.choice([3, 500])
        search = offering_search(params, rank_limit=rank_limit)
        where = f"{params.urlencode()} rank_limit={rank_limit}"
        expected = reference.facet_counts(
            params, functions=list(CODES), vehicles=vehicles
        )
        for facet in search.facets:
            choices = {v.value for v in facet.values}
            wanted = {v: n for v, n in expected[facet.name].items() if v in choices}
            assert _shown(search, facet.name) == wanted, (facet.name, where)
        ordered = reference.ordered_ids(
            params, search.params["sort"], rank_limit=rank_limit
        )
        assert search.total == len(ordered), where
        assert [o.pk for o in search.listing[:]] == ordered, where
        assert list(search.queryset.values_list("pk", flat=True)) == ordered, where
        # A page from the middle reads only its own offerings, in order.
        assert [o.pk for o in search.listing[2:5]] == ordered[2:5], where


# Queries of plain words (the AND of their lexemes: stop words dropped, words
# stemmed, repeated) and queries the kept lexemes do not answer (a phrase, an
# alternative, a negation, only stop words, a hyphenated word's phrase).
PLAIN_QUERIES = [
    "ledger",
    "Ledger payroll",
    "payroll ledger ledger",
    "grants treasury budget",
    "the ledgers",
    "payrolls' assets",
    "zephyr",
    "ledger zephyr",
]
OTHER_QUERIES = ['"ledger payroll"', "ledger or payroll", "ledger -payroll", "the and"]


@pytest.mark.django_db
def test_plain_words_are_answered_from_kept_lexemes():
    """The index's answer for a query of plain words is the database's full-text
    match, and each word is read once: a query of kept words reads nothing, one
    with a new word reads only that word."""
    if connection.vendor != "postgresql":
        pytest.skip("full-text search is PostgreSQL's")
    random_catalog(4, size=30)
    index = facets.build()
    for q in PLAIN_QUERIES + OTHER_QUERIES:
        with connection.cursor() as cursor:
            cursor.execute("SELECT websearch_to_tsquery('english', %s)::text", [q])
            (tsquery,) = cursor.fetchone()
        matched = index.text_mask(tsquery)
        if q in OTHER_QUERIES:
            assert matched is None, q
            continue
        expected = set(
            Offering.objects.filter(
                status=OfferingStatus.PUBLISHED,
                search_vector=SearchQuery(q, search_type="websearch", config="english"),
            ).values_list("pk", flat=True)
        )
        assert matched is not None, q
        assert set(index.ids[matched].tolist()) == expected, q
    with CaptureQueriesContext(connection) as kept:
        index.text_mask("'payrol' & 'ledger'")
    assert len(kept) == 0
    with CaptureQueriesContext(connection) as new:
        index.text_mask("'ledger' & 'cloud'")
    assert len(new) == 1
    assert "'cloud'" in new.captured_queries[0]["sql"]
    assert "'ledger'" not in new.captured_queries[0]["sql"]


@pytest.mark.django_db
def test_names_equal_to_or_starting_with_the_query_as_the_database_compares():
    """The index keeps each name as the database's UPPER() writes it (in UTF-8):
    a name equal to the query is 2, one starting with it 1, accents included."""
    named = {
        name: OfferingFactory(name=name, status=OfferingStatus.PUBLISHED).pk
        for name in ("Ñandú Ledger", "Ñandú", "Ledger Ñandú", "Ñan")
    }
    index = facets.build()
    everything = index.mask_of(list(named.values()))
    upper = {
        name: Offering.objects.filter(pk=pk).values_list(Upper("name"), flat=True)[0]
        for name, pk in named.items()
    }
    assert index.exact_matches(everything, upper["Ñandú"]) == {
        named["Ñandú"]: 2,
        named["Ñandú Ledger"]: 1,
    }
    assert index.exact_matches(everything, upper["Ñan"]) == {
        named["Ñan"]: 2,
        named["Ñandú"]: 1,
        named["Ñandú Ledger"]: 1,
    }
    assert index.exact_matches(everything, "NOTHING") == {}


@pytest.mark.django_db(transaction=True)
def test_a_process_keeps_the_index_until_the_catalog_changes(settings):
    settings.CATALOG_FACET_INDEX_KEEP = True
    random_catalog(5, size=6)
    first = facets.facet_index()
    assert facets.facet_index() is first  # kept: only the version was read
    offering = Offering.objects.filter(status=OfferingStatus.PUBLISHED).first()
    # A change through the catalog's services bumps the version.
    announce(offering_ids=[offering.pk], reason="test")
    second = facets.facet_index()
    assert second is not first
    assert facets.facet_index() is second


@pytest.mark.django_db(transaction=True)
def test_a_process_keeps_the_search_choices_until_the_catalog_changes(settings):
    settings.CATALOG_FACET_INDEX_KEEP = True
    random_catalog(6, size=4)
    first = search_choices()
    assert search_choices() is first  # kept: only the version was read
    ContractVehicle.objects.create(name="A new vehicle", slug="a-new-vehicle")
    pages_stale()  # as the admin does when it saves a contract vehicle
    assert ("a-new-vehicle", "A new vehicle") in search_choices().vehicles
    assert search_choices() is not first


@pytest.mark.django_db
def test_the_catalog_page_filters_by_treasury_system_without_javascript(client):
    random_catalog(7, size=10)
    page = client.get("/catalog/", {"exchange": "System 1"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Exchanges data with (Treasury system)" in html
    assert 'name="exchange" value="System 1" checked' in html
    shown = {o.pk for o in page.context["search"].listing[:]}
    assert shown == set(
        reference.passing(QueryDict("exchange=System+1")).values_list("pk", flat=True)
    )
    unknown = client.get("/catalog/", {"exchange": "No such system"})
    assert unknown.status_code == 400


@pytest.mark.django_db
def test_a_listed_offering_shows_what_the_offering_says():
    """The catalog page's rows (catalog.selectors.listing) are read as values, ready
    to print: each equals what the model instance would show."""
    random_catalog(8, size=12)
    ids = list(
        Offering.objects.filter(status=OfferingStatus.PUBLISHED)
        .order_by("-name")
        .values_list("pk", flat=True)
    )
    rows = listed(ids)
    assert [row.pk for row in rows] == ids
    offerings = with_coverage(Offering.objects.select_related("provider")).in_bulk()
    for row in rows:
        offering = offerings[row.pk]
        assert (
            row.name,
            row.slug,
            row.provider_name,
            row.provider_kind,
            row.summary,
            row.category,
            row.deployment_model,
            row.fedramp_status,
            row.fedramp_impact,
            row.covered_count,
            row.capability_count,
            row.coverage,
            row.updated_at,
            row.vehicles,
        ) == (
            offering.name,
            offering.slug,
            offering.provider.name,
            offering.provider.get_kind_display(),
            offering.summary,
            offering.get_category_display(),
            offering.get_deployment_model_display(),
            offering.get_fedramp_status_display(),
            offering.get_fedramp_impact_display() if offering.fedramp_impact else "",
            offering.covered_count,
            offering.capability_count,
            offering.coverage,  # type: ignore[attr-defined]  # annotated
            offering.updated_at,
            tuple(v.name for v in offering.contract_vehicles.order_by("name")),
        )
    assert any(row.vehicles for row in rows)


@pytest.mark.parametrize("seed", range(4))
def test_a_membership_matrix_holds_exactly_its_rows_whatever_the_chunks(
    seed, monkeypatch
):
    """The membership matrices (functions, vehicles, Treasury systems) are set a
    chunk of rows at a time, growing a column per new label: the matrix equals the
    rows' pairs, in sorted label order, however the rows fall into chunks (chunks
    of 1 to 7 rows here; more labels than the first allocation's 8 columns)."""
    rng = random.Random(seed)
    monkeypatch.setattr(facets, "BUILD_CHUNK", rng.randint(1, 7))
    ids = rng.sample(range(1, 500), 40)
    position = {pk: i for i, pk in enumerate(ids)}
    labels = [f"label-{n:02d}" for n in rng.sample(range(40), rng.choice([0, 3, 21]))]
    pairs = {(pk, label) for pk in ids for label in labels if rng.random() < 0.3}
    rows = rng.sample(sorted(pairs), len(pairs)) * 2  # shuffled, each pair twice
    matrix, columns = facets._membership(iter(rows), position, len(ids))
    assert columns == sorted({label for _pk, label in pairs})
    assert matrix.dtype == bool and matrix.shape == (len(ids), len(columns))
    assert {
        (ids[i], columns[j]) for i, j in zip(*matrix.nonzero(), strict=True)
    } == pairs
