"""An agency user builds a need, waits for scoring, reads the top match's explanation
and downloads the fit-gap report; every page passes axe (WCAG 2.1 A/AA)."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from brokering import services
from brokering.models import NeedStatus, ScoringRun
from catalog.services.claims import ClaimInput
from tests.brokering.factories import NeedFactory, NeedItemFactory
from tests.catalog.factories import OfferingFactory, write_claims
from tests.conftest import uses_services
from tests.marketplace.factories import DEMO_PASSWORD
from tests.standards.factories import (
    ActivityFactory,
    CapabilityFactory,
    FunctionFactory,
    ReleaseFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scoring_worker():
    """A real Celery worker in the services pass; in-process tasks otherwise."""
    if not uses_services():
        yield None
        return
    from tests.celery_worker import celery_worker

    with celery_worker() as worker:
        yield worker


@pytest.fixture
def shelf(db):
    release = ReleaseFactory()
    function = FunctionFactory(release=release, code="FFM.010", name="Budget Execution")
    activity = ActivityFactory(function=function, code="FFM.010.010")
    capabilities = [
        CapabilityFactory(
            activity=activity,
            code=f"FFM.010.010.0{n}",
            statement=f"The system records budget item {n}.",
        )
        for n in (11, 12, 13)
    ]
    for slug, name, levels in [
        ("strong", "Strong Ledger", ["meets", "meets", "configurable"]),
        ("weak", "Weak Ledger", ["extension", "does-not-meet", "meets"]),
    ]:
        offering = OfferingFactory(release=release, slug=slug, name=name)
        write_claims(
            offering,
            [
                ClaimInput(
                    capability_id=capability.pk,
                    level=level,
                    evidence=f"{name} handles {capability.code} as shipped.",
                )
                for capability, level in zip(capabilities, levels, strict=True)
            ],
        )
    return capabilities


def test_agency_builds_a_need_and_reads_its_explained_results(
    page, sign_in, agency_user, shelf, assert_accessible, scoring_worker
):
    sign_in(agency_user)
    page.goto("/needs/")
    assert_accessible(page)
    page.get_by_role("link", name="State a new need").click()
    assert_accessible(page)
    page.get_by_label("Title").fill("Replace the core financial system")
    page.get_by_label("Go-live date").fill("2028-10-01")
    # USWDS draws its own checkbox: the label is what a person clicks.
    page.locator("label", has_text="Commercial provider").click()
    page.get_by_role("button", name="Save and continue").click()

    assert_accessible(page)
    page.locator("label", has_text="FFM.010 Budget Execution").click()
    page.get_by_role("button", name="Save and set priorities").click()

    assert_accessible(page)
    page.get_by_label("Priority of FFM.010.010.012").select_option("must")
    page.get_by_role("button", name="Save and review").click()

    assert_accessible(page)
    page.get_by_role("button", name="Activate and score").click()

    # Scoring runs in the background; the results page says when it has finished
    # (in the services pass a real worker scores; in-process it is done at once).
    if page.get_by_role("heading", name="Scoring is under way").count():
        page.locator("#scoring-announcement").get_by_text(
            "Scoring has finished"
        ).wait_for(timeout=60_000)
        assert_accessible(page)
        page.get_by_role("link", name="Show the new results").click()
    page.wait_for_selector("text=Published offerings ranked against this need")
    assert_accessible(page)
    rows = page.locator("table tbody tr")
    assert rows.first.inner_text().startswith("1")
    rows.first.get_by_role("link", name="Strong Ledger").click()

    page.wait_for_selector("#explanation")
    assert_accessible(page)
    score = page.locator("#match-score").inner_text()
    # should 3 x 1.0 + must 5 x 1.0 + should 3 x 0.9 over 11 = 97.3
    assert score.startswith("97.3")
    assert "Strong Ledger handles FFM.010.010.011 as shipped." in page.content()
    page.get_by_role("button", name="Add to the shortlist").click()
    assert "Strong Ledger shortlisted." in page.content()

    page.get_by_role("link", name="Fit-gap report").click()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    download = download_info.value
    assert re.fullmatch(r"need-\d+-fit-gap\.csv", download.suggested_filename)
    with open(download.path(), encoding="utf-8-sig") as content:
        rows = list(csv.DictReader(io.StringIO(content.read())))
    assert [row["capability_code"] for row in rows] == [c.code for c in shelf]
    assert {row["offering_name"] for row in rows} == {"Strong Ledger"}
    assert [row["priority"] for row in rows] == ["should", "must", "should"]


@pytest.fixture
def queued_need(agency_user, shelf):
    need = NeedFactory(
        agency=agency_user.agency,
        release_id=shelf[0].release_id,
        title="Need waiting for a worker",
        status=NeedStatus.ACTIVE,
    )
    for capability in shelf:
        NeedItemFactory(need=need, capability=capability)
    run = ScoringRun.objects.create(need=need, reason="activated")
    return need, run


def test_results_announce_the_end_of_scoring_without_reloading(
    page, sign_in, agency_user, queued_need, assert_accessible
):
    need, run = queued_need
    sign_in(agency_user)
    page.goto(f"/needs/{need.pk}/results/")
    assert page.locator("meta[http-equiv]").count() == 0
    expect(page.get_by_role("heading", name="Scoring is under way")).to_be_visible()
    expect(page.locator("#scoring-watching")).to_be_visible()
    assert_accessible(page)
    page.evaluate("window.stillTheSamePage = true")

    services.scoring_run_execute(run_id=run.pk)  # a worker finishes the run

    announcement = page.locator("#scoring-announcement")
    announcement.get_by_text("Scoring has finished").wait_for(timeout=20_000)
    assert announcement.get_attribute("aria-live") == "polite"
    assert "2 published offerings scored" in announcement.inner_text()
    # Announced in place: the page did not reload under the reader.
    assert page.evaluate("window.stillTheSamePage") is True
    expect(page.locator("#scoring-watching")).to_be_hidden()
    assert_accessible(page)
    page.get_by_role("link", name="Show the new results").click()
    page.wait_for_selector("text=Published offerings ranked against this need")
    assert page.locator("#scoring-status").inner_text().startswith("Scored ")
    assert "Strong Ledger" in page.locator("table").inner_text()


def test_results_without_javascript_offer_a_plain_reload_link(
    browser, live_server, agency_user, queued_need
):
    need, run = queued_need
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/account/sign-in/")
        page.get_by_label("Username").fill(agency_user.username)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"/needs/{need.pk}/results/")
        expect(page.get_by_role("heading", name="Scoring is under way")).to_be_visible()
        expect(page.locator("#scoring-watching")).to_be_hidden()
        services.scoring_run_execute(run_id=run.pk)
        page.get_by_role("link", name="reload the page").click()
        page.wait_for_selector("text=Published offerings ranked against this need")
        assert "Strong Ledger" in page.locator("table").inner_text()
    finally:
        context.close()
