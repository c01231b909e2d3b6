"""What catalog search derives from the claims (covered functions, coverage counts,
the search document) equals what the claims give, after every way claims change;
the function facet, the function filter and coverage read it and answer exactly what
the old per-request queries over the claims answered; and on PostgreSQL none of the
catalog's list queries reads the claims table."""

import datetime
import itertools
import json
import random
import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog import services
from catalog.forms import offering_search
from catalog.models import (
    Claim,
    ClaimLevel,
    DeploymentModel,
    FedrampStatus,
    ImpactLevel,
    MarketplaceCategory,
    Offering,
    OfferingFunction,
    OfferingStatus,
)
from catalog.selectors import published_offerings
from catalog.services.claims import ClaimInput, claims_save
from catalog.workflow import (
    offering_approve,
    offering_revision_start,
    offering_submit,
)
from seeding.demo import catalog as demo
from seeding.demo import standards as standards_demo
from standards.models import ReleaseStatus
from tests.catalog import search_reference as reference
from tests.catalog.catalog_world import admin_offering_form, make_release
from tests.catalog.factories import (
    ClaimFactory,
    ContractVehicleFactory,
    OfferingFactory,
    ProviderFactory,
    write_claim,
    write_claims,
)
from tests.standards.factories import (
    ActivityFactory,
    CapabilityFactory,
    FunctionFactory,
    ReleaseFactory,
)

pytestmark = pytest.mark.django_db

LEVELS = [*ClaimLevel.values, None]  # None: no claim


@pytest.fixture
def world():
    """Four functions of four capabilities; nine published offerings with claims at
    random levels (a fixed seed), one without claims, a draft; and one offering with
    a claim on a capability of another release whose function shares a code."""
    release, caps = make_release(
        functions=("FFM.010", "FFM.030", "FFM.060", "FFM.090"), per_function=4
    )
    rng = random.Random(8)
    offerings = []
    for n in range(9):
        offering = OfferingFactory(release=release, slug=f"o-{n}", name=f"O {n}")
        claims = []
        for capability in itertools.chain.from_iterable(caps.values()):
            level = rng.choice(LEVELS)
            if level is None:
                continue
            claims.append(
                services.ClaimInput(
                    capability_id=capability.id,
                    level=level,
                    roadmap_date=datetime.date(2027, 1, 1)
                    if level == ClaimLevel.ROADMAP
                    else None,
                )
            )
        write_claims(offering, claims)
        offerings.append(offering)
    offerings.append(OfferingFactory(release=release, slug="empty", name="Empty"))
    draft = OfferingFactory(
        release=release, slug="draft", name="Draft", status=OfferingStatus.DRAFT
    )
    write_claims(
        draft,
        [services.ClaimInput(capability_id=caps["FFM.010"][0].id, level="meets")],
    )
    # The services refuse a claim on another release's capability; older rows or a
    # broker's raw edit may still hold one. It counts for its function code, not
    # for the offering's coverage of its own release.
    other_release = ReleaseFactory(name="FY2098", status=ReleaseStatus.RETIRED)
    # Lower case: sorts last byte-wise, first in a linguistic collation.
    function = FunctionFactory(
        release=other_release, code="FFM.030", name="accounts payable (legacy)"
    )
    activity = ActivityFactory(
        release=other_release, function=function, code="FFM.030.010"
    )
    stray = CapabilityFactory(
        release=other_release,
        function=function,
        activity=activity,
        code="FFM.030.010.099",
    )
    # A claim the claims writer refuses (another release's capability), as older
    # data may hold: written straight to the table on purpose, to show search
    # ignores it.
    Claim.objects.create(offering=offerings[0], capability=stray, level="meets")
    services.claims_changed(offering_ids=[offerings[0].id])
    return release, caps, offerings


def all_offering_ids():
    return list(Offering.objects.values_list("id", flat=True))


def search(query: str = ""):
    return offering_search(QueryDict(query))


def facet_counts(result, name: str) -> dict[str, int]:
    facet = next(f for f in result.facets if f.name == name)
    return {v.value: v.count for v in facet.values if v.count}


# The stored data equals the claims -------------------------------------------------


def test_stored_search_data_equals_what_the_claims_give(world):
    reference.assert_search_data_current(all_offering_ids())
    _, _, offerings = world
    stray_codes = {
        code
        for _, code, _ in reference.stored_functions([offerings[0].id])
        if code == "FFM.030"
    }
    assert stray_codes == {"FFM.030"}


def test_a_function_without_covered_claims_has_no_row(world):
    _, caps, _ = world
    offering = OfferingFactory(release=world[0], slug="weak")
    write_claims(
        offering,
        [
            services.ClaimInput(capability_id=c.id, level=ClaimLevel.EXTENSION)
            for c in caps["FFM.060"]
        ],
    )
    assert not OfferingFunction.objects.filter(offering=offering).exists()
    offering.refresh_from_db()
    assert (offering.covered_count, offering.capability_count) == (0, 16)


# The facet, the filter and coverage answer what the claims answer ------------------


QUERIES = [
    "",
    "kind=commercial",
    "function=FFM.010",
    "function=FFM.010&function=FFM.030",
    "function=FFM.030&function=FFM.060&function=FFM.090",
    "function=FFM.090&category=core-fs-saas",
    "q=financial",
    "q=O+3",
]


@pytest.mark.parametrize("query", QUERIES)
def test_function_facet_and_filter_equal_the_claims_queries(world, query):
    result = search(query)
    codes = QueryDict(query).getlist("function")
    expected = published_offerings().filter(reference.covers_all(codes))
    params = QueryDict(query)
    if params.get("category"):
        expected = expected.filter(category=params["category"])
    if params.get("kind"):
        expected = expected.filter(provider__kind=params["kind"])
    if params.get("q"):
        expected = expected.filter(pk__in=[o.pk for o in result.queryset])
    assert sorted(o.pk for o in result.queryset) == sorted(
        expected.values_list("pk", flat=True)
    )
    assert result.total == expected.count()
    assert facet_counts(result, "function") == reference.function_counts(expected)


def test_every_set_of_functions_filters_as_the_claims_say(world):
    codes = ["FFM.010", "FFM.030", "FFM.060", "FFM.090"]
    for size in range(1, len(codes) + 1):
        for chosen in itertools.combinations(codes, size):
            query = QueryDict(mutable=True)
            query.setlist("function", list(chosen))
            found = {o.pk for o in offering_search(query).queryset}
            expected = set(
                published_offerings()
                .filter(reference.covers_all(chosen))
                .values_list("pk", flat=True)
            )
            assert found == expected, chosen


def test_coverage_and_its_sort_equal_the_claims(world):
    result = search("sort=coverage")
    rows = list(result.queryset)
    for offering in rows:
        covered, total = reference.coverage(offering)
        assert (offering.covered_count, offering.capability_count) == (covered, total)
        assert offering.coverage == pytest.approx(100.0 * covered / total)
    expected = sorted(
        rows,
        key=lambda o: (-reference.coverage(o)[0] / reference.coverage(o)[1], o.name),
    )
    assert [o.slug for o in rows] == [o.slug for o in expected]


# Every way claims change keeps the data current ------------------------------------


def test_claims_set_update_and_delete_keep_the_data_current(world):
    release, caps, offerings = world
    offering = offerings[1]
    write_claims(
        offering,
        [
            services.ClaimInput(capability_id=c.id, level=ClaimLevel.MEETS)
            for c in caps["FFM.060"]
        ],
    )
    reference.assert_search_data_current([offering.id])
    write_claims(
        offering,
        [
            services.ClaimInput(capability_id=c.id, level=ClaimLevel.DOES_NOT_MEET)
            for c in caps["FFM.060"]
        ],
    )
    reference.assert_search_data_current([offering.id])
    assert not OfferingFunction.objects.filter(
        offering=offering, function_code="FFM.060"
    ).exists()
    write_claim(offering, caps["FFM.090"][0], ClaimLevel.MEETS)
    reference.assert_search_data_current([offering.id])
    write_claim(offering, caps["FFM.090"][0], "")
    reference.assert_search_data_current([offering.id])


def test_claim_verify_keeps_the_data_current(world, broker):
    _, _, offerings = world
    claim = Claim.objects.filter(offering=offerings[2]).first()
    services.claims_verify(claims=[claim], by=broker)
    reference.assert_search_data_current([offerings[2].id])


def test_claims_changed_after_writes_made_elsewhere(world):
    _, caps, offerings = world
    offering = offerings[3]
    # Rows changed outside the claims writer (a data migration, a repair by hand):
    # written straight to the table on purpose; claims_changed makes all current.
    Claim.objects.filter(offering=offering).delete()
    Claim.objects.create(
        offering=offering, capability=caps["FFM.010"][1], level="meets"
    )
    services.claims_changed(offering_ids=[offering.id])
    reference.assert_search_data_current([offering.id])
    assert reference.stored_functions([offering.id]) == {(offering.id, "FFM.010", 1)}


def test_workflow_claims_save_submit_and_approve(
    world, provider, provider_user, broker
):
    release, caps, _ = world
    draft = OfferingFactory(
        release=release, provider=provider, slug="wf", status=OfferingStatus.DRAFT
    )
    claims_save(
        offering=draft,
        by=provider_user,
        claims=[
            ClaimInput(capability_id=c.id, level=ClaimLevel.CONFIGURABLE)
            for c in caps["FFM.030"]
        ],
    )
    reference.assert_search_data_current([draft.id])
    offering_submit(offering=draft, by=provider_user)
    published = offering_approve(offering=draft, by=broker)
    reference.assert_search_data_current([published.id])
    assert {o.pk for o in search("function=FFM.030").queryset} >= {published.pk}


def test_an_approved_revision_brings_its_claims_data(
    world, provider, provider_user, broker
):
    release, caps, _ = world
    published = OfferingFactory(release=release, provider=provider, slug="live")
    write_claims(
        published,
        [
            services.ClaimInput(capability_id=c.id, level=ClaimLevel.MEETS)
            for c in caps["FFM.010"]
        ],
    )
    revision = offering_revision_start(offering=published, by=provider_user)
    reference.assert_search_data_current([published.id, revision.id])
    claims_save(
        offering=revision,
        by=provider_user,
        claims=[
            *(ClaimInput(capability_id=c.id, level="") for c in caps["FFM.010"]),
            *(
                ClaimInput(capability_id=c.id, level=ClaimLevel.MEETS)
                for c in caps["FFM.090"]
            ),
        ],
    )
    offering_submit(offering=revision, by=provider_user)
    # Still the published claims until a broker approves.
    assert reference.stored_functions([published.id]) == {(published.id, "FFM.010", 4)}
    offering_approve(offering=revision, by=broker)
    reference.assert_search_data_current([published.id])
    assert reference.stored_functions([published.id]) == {(published.id, "FFM.090", 4)}


def test_admin_claim_inline_and_claim_pages_keep_the_data_current(
    world, client_for, admin_user
):
    release, caps, _ = world
    # A draft: a published offering's claims change only through a revision.
    offering = OfferingFactory(
        release=release, slug="admin-edited", status=OfferingStatus.DRAFT
    )
    client = client_for(admin_user)
    url = reverse("admin:catalog_offering_change", args=[offering.pk])
    form = {
        **admin_offering_form(offering, release),
        "claims-TOTAL_FORMS": "2",
        "claims-INITIAL_FORMS": "0",
        "claims-MIN_NUM_FORMS": "0",
        "claims-MAX_NUM_FORMS": "1000",
        "claims-0-capability": caps["FFM.060"][0].pk,
        "claims-0-level": ClaimLevel.MEETS,
        "claims-0-offering": offering.pk,
        "claims-1-capability": caps["FFM.060"][1].pk,
        "claims-1-level": ClaimLevel.CONFIGURABLE,
        "claims-1-offering": offering.pk,
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    reference.assert_search_data_current([offering.id])
    assert reference.stored_functions([offering.id]) == {(offering.id, "FFM.060", 2)}

    claim = Claim.objects.get(offering=offering, capability=caps["FFM.060"][0])
    delete_url = reverse("admin:catalog_claim_delete", args=[claim.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 302
    reference.assert_search_data_current([offering.id])
    assert reference.stored_functions([offering.id]) == {(offering.id, "FFM.060", 1)}


def test_the_demo_catalog_has_current_search_data():
    standards_demo.seed()
    created = demo.seed()
    reference.assert_search_data_current([o.id for o in created])
    assert OfferingFunction.objects.filter(offering__in=created).exists()


def test_a_claim_factory_row_gets_its_search_data(world):
    release, caps, _ = world
    claim = ClaimFactory(
        offering=OfferingFactory(release=release, slug="factory"),
        capability=caps["FFM.090"][2],
    )
    reference.assert_search_data_current([claim.offering_id])


# The refresh itself ------------------------------------------------------------------


def test_refresh_runs_the_same_queries_for_one_offering_and_many(
    world, django_assert_num_queries
):
    ids = all_offering_ids()
    with CaptureQueriesContext(connection) as one:
        services.offering_search_refresh(offering_ids=ids[:1])
    with django_assert_num_queries(len(one.captured_queries)):
        services.offering_search_refresh(offering_ids=ids)
    reference.assert_search_data_current(ids)


def test_refresh_in_batches_equals_refresh_at_once(world, monkeypatch):
    ids = all_offering_ids()
    OfferingFunction.objects.all().delete()
    Offering.objects.update(covered_count=0, capability_count=0, search_vector=None)
    monkeypatch.setattr(services.search, "REFRESH_BATCH", 3)
    assert services.offering_search_refresh(offering_ids=ids + ids[:2]) == len(ids)
    reference.assert_search_data_current(ids)


def test_refreshing_twice_changes_nothing(world):
    ids = all_offering_ids()
    before = reference.stored_functions(ids)
    services.offering_search_refresh(offering_ids=ids)
    assert reference.stored_functions(ids) == before
    reference.assert_search_data_current(ids)


# PostgreSQL: no list query reads the claims ------------------------------------------


def _relations(plan: dict) -> set[str]:
    found = {plan["Relation Name"]} if "Relation Name" in plan else set()
    for child in plan.get("Plans", ()):
        found |= _relations(child)
    return found


PAGES = [
    "",
    "function=FFM.010",
    "function=FFM.010&function=FFM.090&kind=commercial",
    "sort=coverage",
    "q=ledger&function=FFM.030",
    "q=financial&sort=coverage",
]


@pytest.mark.parametrize("query", PAGES)
def test_catalog_page_queries_never_scan_the_claims(world, client, query):
    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN plans are PostgreSQL's; SQLite plans differ in form")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("catalog:offering-list"), QueryDict(query))
    assert response.status_code == 200
    # A query read a chunk at a time runs behind a server-side cursor
    # ("DECLARE name ... CURSOR ... FOR SELECT ..."): its SELECT is what is planned.
    cursor_prefix = re.compile(r"^\s*DECLARE\s.*?\sCURSOR\s.*?\bFOR\s+", re.S)
    statements = [
        cursor_prefix.sub("", q["sql"], count=1) for q in captured.captured_queries
    ]
    statements = [
        sql for sql in statements if sql.lstrip().upper().startswith(("SELECT", "("))
    ]
    assert len(statements) >= 5
    scanned: set[str] = set()
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0]
            if isinstance(plan, str):
                plan = json.loads(plan)
            relations = _relations(plan[0]["Plan"])
            assert "catalog_claim" not in relations, sql
            scanned |= relations
    # The plans were read: the facets scan the offerings and the covered functions.
    assert {"catalog_offering", "catalog_offeringfunction"} <= scanned


# The column facets: one grouped query answers what one query per facet did ----------


@pytest.fixture
def varied(world):
    """The world's offerings given every mix of kind, category, deployment,
    FedRAMP status and impact, report date and vehicles."""
    release, _, offerings = world
    federal = ProviderFactory(name="Federal SSP", slug="ssp", kind="federal")
    vehicles = [
        ContractVehicleFactory(name=f"Vehicle {n}", slug=f"veh-{n}") for n in range(3)
    ]
    categories = MarketplaceCategory.values
    deployments = DeploymentModel.values
    statuses = FedrampStatus.values
    impacts = [*ImpactLevel.values, ""]
    for n, offering in enumerate(offerings):
        Offering.objects.filter(pk=offering.pk).update(
            provider=federal if n % 3 == 0 else offering.provider,
            category=categories[n % len(categories)],
            deployment_model=deployments[n * 2 % len(deployments)],
            fedramp_status=statuses[n % len(statuses)],
            fedramp_impact=impacts[n * 3 % len(impacts)],
            accessibility_report_date=datetime.date(2025, 1, 1) if n % 2 else None,
        )
        offering.contract_vehicles.set(vehicles[: n % 4])
    return world


COLUMN_QUERIES = [
    "",
    "kind=federal",
    "kind=commercial&category=core-fs-saas&category=core-fs-paas",
    "deployment=saas&fedramp=authorized&fedramp=ready",
    "impact=moderate&impact=high&accessibility=yes",
    "accessibility=no&vehicle=veh-1",
    "function=FFM.010&kind=commercial&accessibility=yes&accessibility=no",
    "vehicle=veh-0&vehicle=veh-2&fedramp=in-process&function=FFM.090",
]


@pytest.mark.parametrize("query", COLUMN_QUERIES)
def test_column_facets_equal_one_query_per_facet(varied, query):
    params = QueryDict(query)
    result = offering_search(params)
    counts, total = reference.column_facet_counts(params)
    assert result.total == total == len(result.queryset)
    for name in [*reference.COLUMN_FACETS, "accessibility"]:
        facet = next(f for f in result.facets if f.name == name)
        choices = {v.value for v in facet.values}
        expected = {v: n for v, n in counts[name].items() if n and v in choices}
        assert facet_counts(result, name) == expected, name
