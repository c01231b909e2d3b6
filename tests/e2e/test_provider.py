"""A provider signs in, creates and submits an offering in steps; a broker approves it
in the admin. Every provider page on the way passes axe."""

import pytest
from playwright.sync_api import expect

from catalog.accounts import provider_user_invite, set_password_path
from catalog.models import Offering, OfferingStatus
from tests.catalog.workflow_helpers import pdf_bytes, standards_tree
from tests.e2e.conftest import fill_offering_details

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_provider_submits_and_broker_approves(
    page, sign_in, assert_accessible, provider_user, broker
):
    release, capabilities = standards_tree(functions=1, per_activity=2)

    sign_in(provider_user)
    page.get_by_role("link", name="My listings").click()
    expect(page.get_by_role("heading", name="My listings")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Create an offering").click()
    assert_accessible(page)
    page.get_by_label("Name").fill("Ledger Cloud")
    page.get_by_role("button", name="Save and continue to claims").click()
    # A missing summary is reported at the field; the typed name is kept.
    expect(page.locator("#id_summary-error")).to_be_visible()
    assert page.get_by_label("Name").input_value() == "Ledger Cloud"
    assert_accessible(page)
    page.get_by_label("Summary").fill("A cloud general ledger for agencies.")
    fill_offering_details(page)
    page.get_by_role("button", name="Save and continue to claims").click()

    expect(page.get_by_role("heading", name="Claims", exact=True)).to_be_visible()
    assert_accessible(page)
    first, second = capabilities
    page.locator(f"#id_{first.pk}-level").select_option("meets")
    page.locator(f"#id_{first.pk}-evidence").fill("Posting rules out of the box.")
    page.locator(f"#id_{second.pk}-level").select_option("roadmap")
    page.get_by_role("button", name="Save and continue").click()
    # The roadmap claim needs its date: the error is at the field, nothing is lost.
    expect(page.locator(f"#id_{second.pk}-roadmap_date-error")).to_be_visible()
    assert (
        page.locator(f"#id_{first.pk}-evidence").input_value()
        == "Posting rules out of the box."
    )
    assert_accessible(page)
    page.locator(f"#id_{second.pk}-roadmap_date").fill("2027-06-30")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", name="Documents")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Title").fill("SOC 1 Type II report")
    page.locator("#id_as_of").fill("2026-06-30")
    page.locator("#id_file").set_input_files(
        {"name": "soc1.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("link", name="SOC 1 Type II report")).to_be_visible()
    page.get_by_role("button", name="Continue to review").click()

    expect(page.get_by_role("heading", name="Review and submit")).to_be_visible()
    expect(page.get_by_text("2 claims against")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("was submitted")).to_be_visible()
    assert_accessible(page)
    offering = Offering.objects.get(name="Ledger Cloud")
    assert offering.status == OfferingStatus.SUBMITTED

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    sign_in(broker)
    page.goto("/admin/catalog/submission/")
    page.get_by_role("link", name="Ledger Cloud").click()
    expect(page.get_by_text("Posting rules out of the box.")).to_be_visible()
    page.get_by_role("button", name="Approve and publish").click()
    page.wait_for_load_state()
    expect(page.get_by_text("approved and published")).to_be_visible()
    offering.refresh_from_db()
    assert offering.status == OfferingStatus.PUBLISHED

    page.context.clear_cookies()
    sign_in(provider_user)
    page.goto(f"/provider/offerings/{offering.pk}/")
    expect(page.get_by_text("Approved by")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="History of changes").click()
    assert_accessible(page)


def test_account_pages_are_accessible(page, assert_accessible, provider, broker):
    page.goto("/provider/account/request/")
    assert_accessible(page)
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator("#id_company_name-error")).to_be_visible()
    assert_accessible(page)

    invitation = provider_user_invite(
        provider=provider, email="invited@example.com", by=broker
    )
    page.goto(set_password_path(invitation.user))
    expect(page.get_by_role("heading", name="Set your password")).to_be_visible()
    assert_accessible(page)


def test_claims_on_exchanges_show_errors_and_pass_axe(
    page, assert_accessible, sign_in, provider, provider_user
):
    from tests.brokering.kinds import mixed_release
    from tests.catalog.workflow_helpers import draft

    data = mixed_release()
    offering = draft(provider, data["release"])
    sign_in(provider_user)
    page.goto(f"/provider/offerings/{offering.pk}/claims/exchanges/")
    expect(page.get_by_role("heading", name="Information exchange")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Level, EX-1").select_option("roadmap")
    page.get_by_role("button", name="Save draft").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("EX-1, roadmap target date")
    assert_accessible(page)
    page.get_by_label("Roadmap target date, EX-1").fill("2027-06-30")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Pre-built report")).to_be_visible()
    assert offering.item_claims.get().level == "roadmap"
