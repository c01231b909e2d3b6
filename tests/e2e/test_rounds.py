"""A market research round end to end: the agency opens it to two providers; one
asks a question (answered by the agency, published to both) and answers the need;
the other does not; the round closes in the background (the beat task); the
agency reads response scores beside catalog scores, records the decision,
downloads the package, and ``verify_package`` confirms it. axe on every page."""

import json
import zipfile

import pytest
from django.core.management import call_command

from brokering.models import Round
from brokering.tasks import round_deadlines
from catalog.models import ClaimLevel
from tests.brokering.rounds import active_need, offering_with_claims, pass_due_date
from tests.catalog.workflow_helpers import pdf_bytes
from tests.e2e.conftest import sign_in_on

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_round_from_invitation_to_verified_package(
    page,
    browser,
    live_server,
    sign_in,
    agency_user,
    provider_user,
    other_provider,
    broker,
    assert_accessible,
    tmp_path,
):
    need = active_need(agency_user.agency, title="Core accounting")
    offering_with_claims(
        need,
        provider_user.provider,
        [ClaimLevel.CONFIGURABLE, ClaimLevel.EXTENSION],
        name="Answering Ledger",
    )
    offering_with_claims(
        need, other_provider, [ClaimLevel.MEETS] * 3, name="Silent Ledger"
    )

    sign_in(agency_user)
    page.goto(f"/needs/{need.pk}/")
    page.get_by_role("link", name="Open a round").click()
    page.get_by_role("link", name="every eligible offering").click()
    assert_accessible(page)
    page.get_by_label("Due date").fill("2099-12-31")
    page.get_by_role("button", name="Open the round and invite").click()
    page.wait_for_selector("text=Round opened: 2 providers invited.")
    assert_accessible(page)
    round_url = page.url

    provider = browser.new_context(base_url=live_server.url).new_page()
    sign_in_on(provider, provider_user)
    provider.get_by_role("link", name="Requests").first.click()
    assert_accessible(provider)
    assert "Department of Example" not in provider.content()
    provider.get_by_role("link", name="Market research: Core accounting").click()
    assert_accessible(provider)
    provider.get_by_label("Your question").fill("Is PIV sign-in required?")
    provider.get_by_role("button", name="Ask the agency").click()
    provider.wait_for_selector("text=Question sent to the agency.")

    page.goto(round_url)
    page.get_by_label("Answer (published").fill("Yes, PIV or Login.gov.")
    page.get_by_role("button", name="Publish the answer").click()
    page.wait_for_selector("text=Answer published to every invited provider.")
    assert_accessible(page)

    provider.reload()
    provider.wait_for_selector("text=Yes, PIV or Login.gov.")
    for code in ("FFM.010.010.011", "FFM.010.010.012", "FFM.010.010.013", "AGY-001"):
        provider.get_by_label(f"Level for {code}").select_option("meets")
    evidence = tmp_path / "soc1-report.pdf"
    evidence.write_bytes(pdf_bytes())
    provider.get_by_label("Upload evidence for FFM.010.010.011").set_input_files(
        evidence
    )
    provider.get_by_label("One-time implementation cost (USD)").fill("250000")
    provider.get_by_label("Months from award to go-live").fill("9")
    provider.get_by_role("button", name="Save draft").click()
    provider.wait_for_selector("text=Draft saved.")
    provider.get_by_role("button", name="Submit response").click()
    provider.wait_for_selector("text=Response submitted.")
    provider.wait_for_selector("text=soc1-report.pdf")
    assert_accessible(provider)
    provider.get_by_role("link", name="Answer in the workbook").click()
    assert_accessible(provider)

    round = Round.objects.get(need=need)
    pass_due_date(round)
    round_deadlines()  # the beat task, as Celery beat runs it every minute

    page.goto(round_url)
    results = page.locator("table").first
    assert "100.0" in results.inner_text()  # the response score
    assert "Silent Ledger" in results.inner_text()
    assert "catalog" in results.inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Submitted").click()
    assert_accessible(page)
    page.go_back()
    page.locator("label", has_text="Answering Ledger").click()
    page.get_by_label("Reason").fill("Meets every item within budget.")
    page.get_by_role(
        "button", name="Record the decision and freeze the package"
    ).click()
    page.wait_for_selector("text=Decision recorded; its package is frozen.")
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the decision package (ZIP)").click()
    path = tmp_path / "package.zip"
    download_info.value.save_as(path)
    round.refresh_from_db()
    call_command("verify_package", str(path), "--digest", round.decision.digest)

    package = json.loads(zipfile.ZipFile(path).read("package.json"))
    answers = [e for e in package["invited"] if e["answers"]][0]["answers"]
    assert [a["evidence"]["file_name"] for a in answers if a["evidence"]] == [
        "soc1-report.pdf"
    ]

    page.goto(f"/needs/{need.pk}/rounds/")
    assert round.decision.digest in page.content()
    assert_accessible(page)

    back_office = browser.new_context(base_url=live_server.url).new_page()
    sign_in_on(back_office, broker)
    back_office.goto("/admin/dashboard/")
    back_office.wait_for_selector("text=Response rates")
    assert_accessible(back_office)
