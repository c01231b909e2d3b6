"""The catalog in a real browser: accessible pages, and a visitor who searches,
filters, opens an offering and compares two."""

import datetime

import pytest
from playwright.sync_api import expect

from catalog.models import ClaimLevel, DeploymentModel, ProviderKind
from tests.catalog.catalog_world import make_offering, make_release
from tests.catalog.factories import ContractVehicleFactory, ProviderFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def catalog():
    release, caps = make_release()
    federal = ProviderFactory(
        name="Interior Business Center", slug="ibc", kind=ProviderKind.FEDERAL
    )
    vendor = ProviderFactory(name="Granite Accrual Software", slug="granite")
    iaa = ContractVehicleFactory(name="Interagency Agreement (IAA)", slug="iaa")
    mas = ContractVehicleFactory(name="GSA MAS", slug="gsa-mas")
    ledger = make_offering(
        release,
        covers=[caps["FFM.090"], caps["FFM.010"]],
        levels={caps["FFM.030"][0]: ClaimLevel.EXTENSION},
        provider=vendor,
        name="Granite Ledger Cloud",
        slug="granite-ledger-cloud",
        description="General ledger with USSGL posting models.",
        accessibility_report_date=datetime.date(2025, 1, 1),
    )
    ledger.contract_vehicles.set([mas])
    shared = make_offering(
        release,
        covers=[caps["FFM.090"], caps["FFM.030"]],
        provider=federal,
        name="IBC Ledger Shared Service",
        slug="ibc-ledger",
        description="Hosted general ledger with accounting operations.",
        deployment_model=DeploymentModel.SHARED_SERVICE,
    )
    shared.contract_vehicles.set([iaa])
    payables = make_offering(
        release,
        covers=[caps["FFM.030"]],
        provider=vendor,
        name="Granite Payables",
        slug="granite-payables",
        description="Invoice processing.",
    )
    payables.contract_vehicles.set([mas])
    return {"ledger": ledger, "shared": shared}


def test_catalog_offering_and_compare_pages_are_accessible(
    page, catalog, assert_accessible
):
    page.goto("/catalog/?q=ledger&kind=commercial")
    assert page.get_by_role("heading", name="Catalog of financial-management offerings")
    assert_accessible(page)
    page.goto("/catalog/?kind=pirate")
    expect(page.locator("#bad-params")).to_be_visible()
    assert_accessible(page)
    page.goto("/catalog/offerings/granite-ledger-cloud/")
    assert_accessible(page)
    page.goto("/catalog/compare/?offering=granite-ledger-cloud&offering=ibc-ledger")
    assert_accessible(page)
    page.goto("/catalog/compare/?offering=granite-ledger-cloud")
    assert_accessible(page)


def test_a_visitor_searches_filters_opens_an_offering_and_compares_two(
    page, catalog, assert_accessible
):
    page.goto("/catalog/")
    page.get_by_label("Search the catalog").fill("ledger")
    page.get_by_role("button", name="Apply search and filters").click()
    page.wait_for_url("**/catalog/?q=ledger*")
    assert page.locator("#results-heading").inner_text().startswith("2 offerings")
    assert page.get_by_role("link", name="Granite Payables").count() == 0

    # Filter: only commercial providers (the label shows the count it would give).
    # USWDS hides the input itself; people click the label.
    page.locator("label", has_text="Commercial provider (1)").click()
    page.get_by_role("button", name="Apply search and filters").click()
    page.wait_for_url("**kind=commercial*")
    assert page.locator("#results-heading").inner_text().startswith("1 offering")
    assert page.get_by_role("link", name="IBC Ledger Shared Service").count() == 0

    page.get_by_role("link", name="Granite Ledger Cloud").click()
    page.wait_for_url("**/catalog/offerings/granite-ledger-cloud/")
    assert page.get_by_role("heading", name="Granite Ledger Cloud", level=1)
    coverage = page.get_by_role("table").first
    assert "FFM.090 General Ledger Management" in coverage.inner_text()

    page.get_by_label("Claim level").select_option("extension")
    page.get_by_role("button", name="Filter claims").click()
    page.wait_for_url("**level=extension*")
    assert "1 capability match the filter" in page.locator("#claims-count").inner_text()

    page.get_by_role("link", name="Compare with other offerings").click()
    page.wait_for_url("**/catalog/compare/**")
    assert page.locator("#compare-error").count() == 0
    assert (
        page.locator("#compare-chosen")
        .get_by_label("Granite Ledger Cloud")
        .is_checked()
    )
    assert_accessible(page)
    # Find the second offering in the picker; the first stays ticked.
    page.get_by_label("Find offerings to add").fill("interior")
    page.get_by_role("button", name="Find offerings").click()
    page.wait_for_url("**q=interior*")
    assert page.locator("#compare-candidates label").count() == 1
    page.locator("label", has_text="IBC Ledger Shared Service").click()
    page.get_by_role("button", name="Compare", exact=True).click()
    page.wait_for_url("**offering=ibc-ledger*")
    table = page.locator("#comparison")
    headers = table.locator("thead th").all_inner_texts()
    assert any("Granite Ledger Cloud" in h for h in headers)
    assert any("IBC Ledger Shared Service" in h for h in headers)
    assert table.get_by_text("Differs").count() > 0

    page.locator("label", has_text="Show only rows that differ").click()
    page.get_by_role("button", name="Update comparison").click()
    page.wait_for_url("**diff=on*")
    assert "FFM.010.010.011" in table.inner_text()
    assert_accessible(page)


def test_an_agency_user_shortlists_an_offering(page, sign_in, agency_user, catalog):
    sign_in(agency_user)
    page.goto("/catalog/offerings/ibc-ledger/")
    page.get_by_label("Or start a new shortlist named").fill("Core FS FY2027")
    page.get_by_role("button", name="Add to shortlist").click()
    page.wait_for_url("**/catalog/shortlists/**")
    expect(page.get_by_role("heading", name="Core FS FY2027")).to_be_visible()
    expect(page.get_by_role("link", name="IBC Ledger Shared Service")).to_be_visible()


def test_an_offering_page_with_claims_of_every_kind_is_accessible(
    page, provider, assert_accessible
):
    from catalog.models import OfferingStatus
    from catalog.services.claims import ItemClaimInput
    from tests.brokering.kinds import mixed_release
    from tests.catalog.factories import write_claims
    from tests.catalog.workflow_helpers import offering_in

    data = mixed_release()
    offering = offering_in(
        OfferingStatus.PUBLISHED,
        provider,
        data["release"],
        capabilities=data["capabilities"][:2],
        slug="ledger-kinds",
    )
    write_claims(
        offering,
        [
            ItemClaimInput(
                kind="measure",
                item_id=data["measures"][0].pk,
                level="meets",
                evidence="Paid on time.",
                evidence_url="https://example.com/sla",
            ),
            ItemClaimInput(
                kind="exchange",
                item_id=data["exchanges"][0].pk,
                level="roadmap",
                roadmap_date=datetime.date(2027, 3, 31),
            ),
            ItemClaimInput(kind="report", item_id=data["reports"][1].pk, level="meets"),
        ],
    )
    page.goto("/catalog/offerings/ledger-kinds/")
    for kind, heading in [
        ("measure", "Service measures"),
        ("exchange", "Information exchanges"),
        ("report", "Pre-built reports"),
    ]:
        assert page.locator(f"#claims-{kind}").inner_text() == heading
    region = page.get_by_role("region", name="Service measures")
    expect(
        region.get_by_role("link", name="Evidence for FFM.010.010.0011")
    ).to_be_visible()
    assert_accessible(page)
