"""The provider pages after the browser walk (issue #14), in Chromium with axe: the
claims page is a compact table whose roadmap date shows only for roadmap claims
(every date shows without JavaScript), a USWDS error summary links each bad field,
the evidence upload keeps its name "Evidence file", and a new offering has a step
indicator, proper empty choices and one date format."""

import pytest
from playwright.sync_api import expect

from catalog.models import OfferingStatus
from tests.catalog.workflow_helpers import offering_in, standards_tree
from tests.e2e.conftest import sign_in_on
from tests.e2e.test_walk_layout import no_sideways_scroll, shoot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def draft(provider):
    release, capabilities = standards_tree(functions=1, per_activity=4)
    offering = offering_in(OfferingStatus.DRAFT, provider, release)
    return offering, capabilities


def test_the_claims_table_shows_the_date_only_for_roadmap_claims(
    page, sign_in, provider_user, draft, assert_accessible
):
    offering, capabilities = draft
    sign_in(provider_user)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/provider/offerings/{offering.pk}/claims/")
    assert_accessible(page)
    no_sideways_scroll(page)
    first, second = capabilities[0], capabilities[1]
    date = page.locator(f"#id_{second.pk}-roadmap_date")
    expect(date).to_be_hidden()
    row = page.locator(f'[id="capability-{first.code}"]').bounding_box()
    assert row["height"] < 260, "a capability takes more than a compact row"
    evidence = page.get_by_role("columnheader", name="Evidence").bounding_box()
    assert evidence["x"] + evidence["width"] <= 1280
    page.get_by_label(f"Level, {second.code}").select_option("roadmap")
    expect(date).to_be_visible()
    expect(page.get_by_label(f"Roadmap target date, {second.code}")).to_be_visible()
    shoot(page, "provider-claims")

    # A roadmap claim without its date: the summary names it and links the field.
    page.get_by_label(f"Level, {first.code}").select_option("meets")
    page.get_by_role("button", name="Save and continue").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    link = summary.get_by_role(
        "link", name=f"{second.code}, roadmap target date: A roadmap claim needs"
    )
    expect(link).to_be_visible()
    assert_accessible(page)
    link.click()
    expect(date).to_be_focused()
    date.fill("2027-06-30")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Documents", exact=True)).to_be_visible()
    # The upload keeps its label as its name, after USWDS's file input script ran.
    expect(page.get_by_label("Evidence file")).to_have_count(1)
    expect(page.get_by_label("Drag file here")).to_have_count(0)
    name = page.locator("#id_file").evaluate(
        "e => document.getElementById(e.getAttribute('aria-labelledby')).textContent"
    )
    assert name.strip().startswith("Evidence file")
    assert page.locator(".usa-file-input__target").count() == 1
    assert_accessible(page)


def test_without_javascript_every_date_field_shows(
    browser, live_server, provider_user, draft
):
    offering, capabilities = draft
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    sign_in_on(page, provider_user)
    page.goto(f"/provider/offerings/{offering.pk}/claims/")
    for capability in capabilities:
        expect(page.locator(f"#id_{capability.pk}-roadmap_date")).to_be_visible()
    page.locator(f"#id_{capabilities[0].pk}-level").select_option("roadmap")
    page.locator(f"#id_{capabilities[0].pk}-roadmap_date").fill("2027-06-30")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/documents/")
    context.close()


def test_a_new_offering_has_steps_empty_choices_and_iso_dates(
    page, sign_in, provider_user, draft, assert_accessible
):
    sign_in(provider_user)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/provider/offerings/new/")
    steps = page.get_by_label("Steps of the listing")
    expect(steps.locator("[aria-current=step]")).to_have_text("Details")
    assert "---------" not in page.content()
    impact = page.get_by_label("FedRAMP impact level")
    assert (
        impact.locator("option").first.inner_text() == "None (FedRAMP not applicable)"
    )
    category = page.get_by_label("Marketplace category")
    assert category.locator("option").first.inner_text() == "- Select -"
    report = page.get_by_label("Accessibility conformance report (VPAT) date")
    assert report.get_attribute("type") == "text"
    hint = page.locator("#id_accessibility_report_date-hint").inner_text()
    assert "YYYY-MM-DD" in hint
    report.fill("03/31/2025")
    page.get_by_role("button", name="Save and continue to claims").click()
    expect(page.locator("#id_accessibility_report_date-error")).to_contain_text(
        "Enter the date as YYYY-MM-DD"
    )
    assert_accessible(page)
    shoot(page, "provider-new-offering")
