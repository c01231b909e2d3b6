"""The whole journey in Chromium, with axe (WCAG 2.1 A/AA) on every page visited,
portal and admin: a broker invites a provider user; the provider sets a password and
lists an offering (details, claims, evidence, submit); the broker reviews and approves
it in the admin; an agency user states a need, waits for the background scoring (a
real Celery worker in CI's services pass, in-process tasks otherwise), reads the
results and the explanation, opens the evidence, and exports the fit-gap report."""

import csv
import io
import re

import openpyxl
import pytest
from django.core import mail
from playwright.sync_api import expect

from catalog.accounts import set_password_path
from catalog.models import Offering, OfferingStatus
from marketplace.models import User
from tests.catalog.factories import ProviderFactory
from tests.catalog.workflow_helpers import pdf_bytes, standards_tree
from tests.e2e.conftest import fill_offering_details

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "journey passphrase 2026"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def visit(page, assert_accessible):
    """Check every page the journey reaches: axe, and a title."""
    seen = []

    def check():
        page.wait_for_load_state()
        assert page.title(), page.url
        assert_accessible(page)
        seen.append(page.url)

    check.seen = seen
    return check


def test_invitation_listing_approval_need_results_explanation_exports(
    page, sign_in, visit, broker, agency_user, scoring_worker
):
    release, capabilities = standards_tree(functions=1, per_activity=3)
    ProviderFactory(name="Keel Ledger Inc.", slug="keel-ledger")
    first, second, third = capabilities

    # 1. The broker invites a provider user in the admin.
    sign_in(broker)
    page.goto("/admin/")
    visit()
    expect(page.locator("#review-queue")).to_have_text(
        "No submission waits for review."
    )
    page.get_by_role("link", name="Provider invitations").first.click()
    visit()
    page.get_by_role("link", name="Add provider invitation").click()
    visit()
    page.get_by_label("Provider").select_option(label="Keel Ledger Inc.")
    page.get_by_label("E-mail address").fill("pat@keel.example.com")
    page.get_by_label("First name").fill("Pat")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation sent to pat@keel.example.com.")).to_be_visible()
    visit()
    # The e-mailed one-time link (the token in it is the one that works).
    prefix = set_password_path(User.objects.get(username="pat@keel.example.com"))
    prefix = prefix.rsplit("/", 2)[0] + "/"
    set_password = re.search(re.escape(prefix) + r"\S+/", mail.outbox[-1].body)[0]
    page.get_by_role("button", name="Log out").click()
    page.context.clear_cookies()

    # 2. The provider sets a password and lists an offering in steps.
    page.goto(set_password)
    visit()
    page.locator("#id_new_password1").fill(PASSWORD)
    page.locator("#id_new_password2").fill(PASSWORD)
    page.get_by_role("button", name="Set password").click()
    visit()
    page.get_by_label("Username").fill("pat@keel.example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="My listings").click()
    visit()
    page.get_by_role("link", name="Create an offering").click()
    visit()
    page.locator("#id_name").fill("Keel Ledger Cloud")
    page.get_by_label("Summary").fill("A cloud general ledger for agencies.")
    fill_offering_details(page)
    page.get_by_label("Accessibility conformance report (VPAT) date").fill("2026-03-31")
    page.get_by_role("button", name="Save and continue to claims").click()
    visit()
    page.get_by_label(f"Level, {first.code}").select_option("meets")
    page.get_by_label(f"Evidence, {first.code}").fill("Posting rules as shipped.")
    page.get_by_label(f"Level, {second.code}").select_option("roadmap")
    page.get_by_label(f"Roadmap target date, {second.code}").fill("2099-06-30")
    page.get_by_label(f"Level, {third.code}").select_option("configurable")
    page.get_by_role("button", name="Save and continue").click()
    visit()
    page.get_by_label("Title").fill("SOC 1 Type II report")
    page.locator("#id_as_of").fill("2026-06-30")
    page.locator("#id_file").set_input_files(
        {"name": "soc1.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("link", name="SOC 1 Type II report")).to_be_visible()
    visit()
    page.get_by_role("button", name="Continue to review").click()
    visit()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("was submitted")).to_be_visible()
    visit()
    page.get_by_role("button", name="Sign out").click()
    page.context.clear_cookies()

    # 3. The broker reviews and approves it in the admin.
    sign_in(broker)
    page.goto("/admin/")
    expect(page.locator("#review-queue")).to_contain_text(
        "1 submission waits for review"
    )
    visit()
    page.locator("#review-queue").get_by_role("link").click()
    visit()
    page.get_by_role("link", name="Keel Ledger Cloud").click()
    visit()
    expect(page.get_by_text("Posting rules as shipped.")).to_be_visible()
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.get_by_text("approved and published")).to_be_visible()
    visit()
    offering = Offering.objects.get(name="Keel Ledger Cloud")
    assert offering.status == OfferingStatus.PUBLISHED
    page.get_by_role("button", name="Log out").click()
    page.context.clear_cookies()

    # 4. An agency user states a need and reads the scored, explained results.
    sign_in(agency_user)
    page.goto("/catalog/")
    visit()
    page.get_by_role("link", name="Keel Ledger Cloud").click()
    visit()
    expect(page.get_by_role("link", name="SOC 1 Type II report")).to_be_visible()
    page.get_by_role("link", name="Our needs").click()
    visit()
    page.get_by_role("link", name="State a new need").click()
    visit()
    page.get_by_label("Title").fill("Replace the core financial system")
    page.get_by_label("Go-live date").fill("2028-10-01")
    page.get_by_role("button", name="Save and continue").click()
    visit()
    page.locator("label", has_text="FFM.010 Function 1").click()
    page.get_by_role("button", name="Save and set priorities").click()
    visit()
    page.get_by_label(f"Priority of {first.code}").select_option("must")
    page.get_by_role("button", name="Save and review").click()
    visit()
    page.get_by_role("button", name="Activate and score").click()
    if page.get_by_role("heading", name="Scoring is under way").count():
        visit()
        page.locator("#scoring-announcement").get_by_text(
            "Scoring has finished"
        ).wait_for(timeout=60_000)
        visit()
        page.get_by_role("link", name="Show the new results").click()
    page.wait_for_selector("text=Published offerings ranked against this need")
    visit()
    page.locator("table tbody tr").first.get_by_role(
        "link", name="Keel Ledger Cloud"
    ).click()
    page.wait_for_selector("#explanation")
    visit()
    # must 5 x 1.0 + should 3 x 0 (roadmap after go-live) + should 3 x 0.9, over 11.
    assert page.locator("#match-score").inner_text().startswith("70")
    expect(page.get_by_role("link", name="SOC 1 Type II report")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="SOC 1 Type II report").click()
    assert download_info.value.suggested_filename == "soc1.pdf"
    page.get_by_role("button", name="Add to the shortlist").click()
    expect(page.get_by_text("Keel Ledger Cloud shortlisted.")).to_be_visible()
    visit()
    page.get_by_role("link", name="Fit-gap report").click()
    visit()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    with open(download_info.value.path(), encoding="utf-8-sig") as content:
        rows = list(csv.DictReader(io.StringIO(content.read())))
    assert [row["capability_code"] for row in rows] == [c.code for c in capabilities]
    assert {row["offering_name"] for row in rows} == {"Keel Ledger Cloud"}
    # The one claim-level vocabulary, in the export too.
    assert any("On the roadmap" in row.values() for row in rows), rows[1]
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel (.xlsx)").click()
    with open(download_info.value.path(), "rb") as content:
        workbook = openpyxl.load_workbook(io.BytesIO(content.read()))
    assert workbook.worksheets[0].max_row >= 4

    assert len(visit.seen) >= 25
