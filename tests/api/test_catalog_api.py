"""The public standards and catalog endpoints: the pages' selectors, the same
filters, stable IDs, and a fixed number of queries per list."""

import pytest

from catalog.models import OfferingStatus, ProviderKind
from tests.api.world import build_api_world
from tests.catalog.factories import ClaimFactory, OfferingFactory, ProviderFactory

pytestmark = pytest.mark.django_db


def test_a_release_and_its_capabilities_by_stable_ids(anonymous, personas):
    world = build_api_world(personas)
    release = anonymous.get(f"/api/v1/standards/releases/{world.release.name}/").json()
    assert release["name"] == "FY2099"
    assert release["capability_count"] == 2
    capability = anonymous.get(
        f"/api/v1/standards/releases/FY2099/capabilities/{world.capability.code}/"
    ).json()
    assert capability["function"] == "FFM.010"
    assert capability["activity"] == "FFM.010.010"
    missing = anonymous.get("/api/v1/standards/releases/FY2099/capabilities/FFM.9/")
    assert missing.status_code == 404


def test_capabilities_filter_and_search(anonymous, personas):
    world = build_api_world(personas)
    url = "/api/v1/standards/releases/FY2099/capabilities/"
    codes = [
        c["code"]
        for c in anonymous.get(url, {"q": "FFM.010.010.012"}).json()["results"]
    ]
    assert codes == [world.second_capability.code]
    assert anonymous.get(url, {"function": "FFM.020"}).json()["count"] == 0
    assert anonymous.get(url, {"function": "FFM.010"}).json()["count"] == 2
    bad = anonymous.get(url, {"activity": "not-a-code"})
    assert bad.status_code == 400
    assert list(bad.json()["error"]["fields"]) == ["activity"]


def test_service_measures_of_a_release(anonymous, personas):
    build_api_world(personas)
    body = anonymous.get("/api/v1/standards/releases/FY2099/service-measures/").json()
    assert body["count"] == 1
    assert body["results"][0]["release"] == "FY2099"


def test_the_catalog_shows_published_offerings_only(anonymous, personas):
    world = build_api_world(personas)
    slugs = [o["slug"] for o in anonymous.get("/api/v1/offerings/").json()["results"]]
    assert slugs == [world.published.slug]
    assert anonymous.get(f"/api/v1/offerings/{world.draft.slug}/").status_code == 404


def test_catalog_filters_are_the_pages_filters(anonymous, personas):
    world = build_api_world(personas)
    federal = ProviderFactory(
        name="Federal Books", slug="federal-books", kind=ProviderKind.FEDERAL
    )
    OfferingFactory(provider=federal, release=world.release, slug="fed-ledger")
    by_kind = anonymous.get("/api/v1/offerings/", {"kind": "federal"}).json()
    assert [o["slug"] for o in by_kind["results"]] == ["fed-ledger"]
    both = anonymous.get("/api/v1/offerings/", {"kind": ["federal", "commercial"]})
    assert both.json()["count"] == 2
    found = anonymous.get("/api/v1/offerings/", {"q": "Ledger Cloud"}).json()
    assert found["results"][0]["slug"] == world.published.slug


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "martian"}, "kind"),
        ({"sort": "price"}, "sort"),
        ({"function": "FFM.999"}, "function"),
        ({"vehicle": "no-such-vehicle"}, "vehicle"),
        ({"accessibility": "maybe"}, "accessibility"),
    ],
)
def test_a_bad_catalog_filter_is_a_400_naming_it(anonymous, personas, params, field):
    build_api_world(personas)
    response = anonymous.get("/api/v1/offerings/", params)
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]


def test_an_offering_with_its_coverage_and_claims(anonymous, personas):
    world = build_api_world(personas)
    offering = anonymous.get(f"/api/v1/offerings/{world.published.slug}/").json()
    assert offering["provider"]["slug"] == world.published.provider.slug
    assert offering["release"] == "FY2099"
    assert offering["covered_count"] == 1
    assert offering["capability_count"] == 2
    claims = anonymous.get(f"/api/v1/offerings/{world.published.slug}/claims/").json()
    rows = {row["capability"]: row["level"] for row in claims["results"]}
    assert rows == {world.capability.code: "meets", world.second_capability.code: None}
    unknown = anonymous.get(
        f"/api/v1/offerings/{world.published.slug}/claims/", {"level": "unknown"}
    ).json()
    assert [r["capability"] for r in unknown["results"]] == [
        world.second_capability.code
    ]
    bad = anonymous.get(
        f"/api/v1/offerings/{world.published.slug}/claims/", {"level": "great"}
    )
    assert bad.status_code == 400


def test_providers_are_those_with_offerings_on_the_shelf(anonymous, personas):
    world = build_api_world(personas)
    slugs = [p["slug"] for p in anonymous.get("/api/v1/providers/").json()["results"]]
    assert slugs == [world.published.provider.slug]
    hidden = anonymous.get("/api/v1/providers/other-ledger-corp/")
    assert hidden.status_code == 404
    assert anonymous.get("/api/v1/providers/", {"kind": "x"}).status_code == 400


def _published(world, count):
    for index in range(count):
        offering = OfferingFactory(
            provider=world.published.provider,
            release=world.release,
            slug=f"bulk-{count}-{index}",
        )
        ClaimFactory(offering=offering, capability=world.capability)


@pytest.mark.parametrize("count", [3, 30])
def test_the_offering_list_runs_a_fixed_number_of_queries(
    anonymous, personas, django_assert_num_queries, count
):
    world = build_api_world(personas)
    _published(world, count)
    # The catalog's search without its facet counts: choices (3: functions,
    # contract vehicles, Treasury systems), the paginator's count and the page with
    # its contract vehicles (3) - the same whatever the number of offerings.
    with django_assert_num_queries(6):
        response = anonymous.get("/api/v1/offerings/")
    assert response.json()["count"] == count + 1


@pytest.mark.parametrize("count", [3, 30])
def test_the_provider_list_of_own_offerings_runs_a_fixed_number_of_queries(
    as_provider, personas, django_assert_num_queries, count
):
    world = build_api_world(personas)
    _published(world, count)
    OfferingFactory(
        provider=world.published.provider,
        release=world.release,
        slug="retired-one",
        status=OfferingStatus.RETIRED,
    )
    # The token, the count, the page and its contract vehicles.
    with django_assert_num_queries(4):
        response = as_provider.get("/api/v1/provider/offerings/")
    assert response.json()["count"] == count + 3
