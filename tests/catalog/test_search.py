"""offering_search: relevance, facets with counts, sort orders, bad parameters."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from catalog.forms import offering_search
from catalog.models import (
    ClaimLevel,
    DeploymentModel,
    FedrampStatus,
    ImpactLevel,
    MarketplaceCategory,
    OfferingStatus,
    ProviderKind,
)
from catalog.selectors import SearchParamsError
from tests.catalog.catalog_world import make_offering, make_release
from tests.catalog.factories import ContractVehicleFactory, ProviderFactory

pytestmark = pytest.mark.django_db


def search(query: str = ""):
    return offering_search(QueryDict(query))


def slugs(result) -> list[str]:
    return [o.slug for o in result.queryset]


def counts(result, facet_name: str) -> dict[str, int]:
    facet = next(f for f in result.facets if f.name == facet_name)
    return {v.value: v.count for v in facet.values}


@pytest.fixture
def catalog():
    release, caps = make_release()
    federal = ProviderFactory(
        name="Interior Business Center", slug="ibc", kind=ProviderKind.FEDERAL
    )
    vendor = ProviderFactory(name="Fathom Ledger Systems", slug="fathom")
    iaa = ContractVehicleFactory(name="Interagency Agreement", slug="iaa")
    mas = ContractVehicleFactory(name="GSA MAS", slug="gsa-mas")
    offerings = {
        "ledger": make_offering(
            release,
            covers=[caps["FFM.090"], caps["FFM.010"]],
            provider=vendor,
            name="Fathom Ledger",
            slug="fathom-ledger",
            summary="Cloud general ledger.",
            description="Posts transactions to the USSGL and closes the books.",
            category=MarketplaceCategory.CORE_SAAS,
            deployment_model=DeploymentModel.SAAS,
            fedramp_status=FedrampStatus.AUTHORIZED,
            fedramp_impact=ImpactLevel.MODERATE,
            accessibility_report_date=datetime.date(2025, 1, 1),
        ),
        "ledger_plus": make_offering(
            release,
            covers=[caps["FFM.090"]],
            provider=vendor,
            name="Fathom Ledger Plus Analytics",
            slug="fathom-ledger-plus",
            summary="Analytics on top of Fathom Ledger.",
            description="Dashboards for budget offices.",
            category=MarketplaceCategory.ADDITIONAL,
            deployment_model=DeploymentModel.SAAS,
            fedramp_status=FedrampStatus.IN_PROCESS,
            fedramp_impact=ImpactLevel.LOW,
        ),
        "ibc": make_offering(
            release,
            covers=[caps["FFM.010"], caps["FFM.030"], caps["FFM.090"]],
            provider=federal,
            name="IBC Shared Service",
            slug="ibc-shared-service",
            summary="Hosted core financial system.",
            description="Seamless payables with the Payment Automation Manager.",
            category=MarketplaceCategory.CORE_PAAS,
            deployment_model=DeploymentModel.SHARED_SERVICE,
            fedramp_status=FedrampStatus.NOT_APPLICABLE,
            fedramp_impact=ImpactLevel.MODERATE,
            accessibility_report_date=datetime.date(2024, 6, 1),
        ),
        "payables": make_offering(
            release,
            covers=[caps["FFM.030"]],
            provider=vendor,
            name="Keel Disbursement Hub",
            slug="keel-disbursement-hub",
            summary="Payment files.",
            description="Certifies payment files for Treasury disbursing.",
            category=MarketplaceCategory.ADDITIONAL,
            deployment_model=DeploymentModel.SAAS,
            fedramp_status=FedrampStatus.AUTHORIZED,
            fedramp_impact=ImpactLevel.HIGH,
        ),
    }
    offerings["ledger"].contract_vehicles.set([mas])
    offerings["ledger_plus"].contract_vehicles.set([mas])
    offerings["ibc"].contract_vehicles.set([iaa])
    offerings["payables"].contract_vehicles.set([mas, iaa])
    # Not public: a draft and a retired offering must never show or be counted.
    make_offering(release, name="Fathom Ledger Draft", status=OfferingStatus.DRAFT)
    make_offering(release, name="Retired Ledger", status=OfferingStatus.RETIRED)
    return offerings


def test_only_published_offerings_are_listed_and_counted(catalog):
    result = search()
    assert slugs(result) == [
        "fathom-ledger",
        "fathom-ledger-plus",
        "ibc-shared-service",
        "keel-disbursement-hub",
    ]
    assert sum(counts(result, "kind").values()) == 4


def test_an_exact_name_ranks_first(catalog):
    result = search("q=Fathom+Ledger")
    assert slugs(result)[0] == "fathom-ledger"
    assert "fathom-ledger-plus" in slugs(result)
    assert result.params["sort"] == "relevance"


def test_an_exact_name_ranks_first_even_when_another_name_repeats_it(catalog):
    result = search("q=fathom+ledger+plus+analytics")
    assert slugs(result)[0] == "fathom-ledger-plus"


def test_a_word_from_the_description_finds_the_offering(catalog):
    assert slugs(search("q=disbursing")) == ["keel-disbursement-hub"]
    assert slugs(search("q=seamless")) == ["ibc-shared-service"]


def test_the_provider_name_finds_its_offerings(catalog):
    assert "ibc-shared-service" in slugs(search("q=Interior"))
    assert "keel-disbursement-hub" not in slugs(search("q=Interior"))


def test_a_covered_function_name_finds_the_offering(catalog):
    found = slugs(search("q=payable"))
    assert "ibc-shared-service" in found
    assert "keel-disbursement-hub" in found
    assert "fathom-ledger" not in found


def test_a_search_without_matches_is_empty(catalog):
    assert slugs(search("q=zzzqqq")) == []


def test_a_misspelt_name_finds_the_offering_on_postgresql(catalog):
    if not settings.DATABASE_IS_POSTGRES:
        pytest.skip("trigram similarity needs PostgreSQL (pg_trgm)")
    assert slugs(search("q=Disbursment+Hubb"))[0] == "keel-disbursement-hub"
    assert "fathom-ledger" in slugs(search("q=Fatom+Leger"))


def test_facet_counts_follow_the_other_filters(catalog):
    result = search("kind=commercial&fedramp=authorized")
    assert slugs(result) == ["fathom-ledger", "keel-disbursement-hub"]
    # Each facet counts with every other choice kept, ignoring its own choice.
    assert counts(result, "kind") == {"federal": 0, "commercial": 2}
    assert counts(result, "fedramp") == {
        "authorized": 2,
        "in-process": 1,
        "ready": 0,
        "not-applicable": 0,
    }
    assert counts(result, "impact") == {"low": 0, "moderate": 1, "high": 1}
    assert counts(result, "vehicle") == {"gsa-mas": 2, "iaa": 1}
    assert counts(result, "accessibility") == {"yes": 1, "no": 1}
    assert counts(result, "function") == {"FFM.010": 1, "FFM.030": 1, "FFM.090": 1}


def test_values_within_a_facet_are_alternatives(catalog):
    result = search("category=core-fs-saas&category=core-fs-paas")
    assert slugs(result) == ["fathom-ledger", "ibc-shared-service"]


def test_ticked_functions_must_all_be_covered(catalog):
    result = search("function=FFM.010&function=FFM.090")
    assert slugs(result) == ["fathom-ledger", "ibc-shared-service"]
    assert counts(result, "function")["FFM.030"] == 1


def test_contract_vehicle_and_accessibility_filters_combine_with_search(catalog):
    result = search("q=ledger&vehicle=gsa-mas&accessibility=yes")
    assert slugs(result) == ["fathom-ledger"]
    # "ledger" also finds the provider Fathom Ledger Systems' payables hub.
    assert counts(result, "accessibility") == {"yes": 1, "no": 2}


def test_a_function_met_only_by_extension_is_not_covered(catalog):
    release, caps = make_release()
    make_offering(
        release,
        slug="custom-only",
        levels={caps["FFM.030"][0]: ClaimLevel.EXTENSION},
    )
    assert "custom-only" not in slugs(search("function=FFM.030"))


def test_sort_by_name_is_the_default_without_a_query(catalog):
    assert search().params["sort"] == "name"
    names = [o.name for o in search("sort=name").queryset]
    assert names == sorted(names)


def test_sort_by_coverage_puts_the_widest_first(catalog):
    result = search("sort=coverage")
    assert slugs(result)[0] == "ibc-shared-service"
    coverages = [o.coverage for o in result.queryset]
    assert coverages == sorted(coverages, reverse=True)
    top = result.queryset[0]
    assert (top.covered_count, top.capability_count) == (9, 9)


def test_sort_by_last_updated_puts_the_newest_first(catalog):
    catalog["ledger"].summary = "Touched last."
    catalog["ledger"].save()
    assert slugs(search("sort=updated"))[0] == "fathom-ledger"


def test_relevance_without_a_query_sorts_by_name(catalog):
    assert search("sort=relevance").params["sort"] == "name"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("kind=pirate", "kind"),
        ("category=core-fs-saas&category=nonsense", "category"),
        ("function=FFM.999", "function"),
        ("vehicle=no-such-vehicle", "vehicle"),
        ("sort=cheapest", "sort"),
        ("accessibility=maybe", "accessibility"),
        ("q=" + "x" * 201, "q"),
    ],
)
def test_a_bad_parameter_is_reported_at_its_field(catalog, query, field):
    with pytest.raises(SearchParamsError) as error:
        search(query)
    assert list(error.value.errors) == [field]
    assert error.value.errors[field]


@pytest.mark.parametrize(
    "query", ["q=payable", "q=general+ledger&kind=commercial", "q=Fatom&sort=coverage"]
)
def test_a_text_search_never_reads_the_claims(catalog, query):
    # The covered function names come from the offerings' covered-function rows,
    # on SQLite's plain matching as in PostgreSQL's stored document.
    with CaptureQueriesContext(connection) as captured:
        result = search(query)
        list(result.queryset)
    assert captured.captured_queries
    for executed in captured.captured_queries:
        assert '"catalog_claim"' not in executed["sql"], executed["sql"]


def test_a_covered_function_name_finds_only_the_offerings_covering_it(catalog):
    # "Execution" is only in the name of FFM.010 Budget Execution.
    assert set(slugs(search("q=execution"))) == {"fathom-ledger", "ibc-shared-service"}


def test_a_changed_claim_makes_its_offering_the_last_updated(catalog):
    from catalog import services
    from tests.catalog.factories import write_claim

    keel = catalog["payables"]
    capability = keel.release.capabilities.order_by("code").first()
    write_claim(keel, capability, ClaimLevel.MEETS)
    assert slugs(search("sort=updated"))[0] == "keel-disbursement-hub"
    ibc = catalog["ibc"]
    claim = ibc.claims.first()
    services.claims_verify(claims=[claim], by=None, verified=not claim.verified)
    assert slugs(search("sort=updated"))[0] == "ibc-shared-service"
