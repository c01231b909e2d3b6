"""Alerts end to end (#19): an agency user follows a need; a broker publishes an
offering that enters its top 10; the agency user sees the alert in the header and on
/notifications/ (axe clean), and the e-mail is in the outbox."""

import datetime

import pytest
from django.core import mail
from playwright.sync_api import expect

from brokering import services
from brokering.models import NeedStatus
from catalog.models import Claim, ClaimLevel, OfferingStatus
from catalog.vectors import refresh_claim_vectors
from tests.brokering.factories import NeedFactory, NeedItemFactory
from tests.catalog.factories import OfferingFactory
from tests.catalog.workflow_helpers import standards_tree

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def need_and_submission(agency, provider):
    release, capabilities = standards_tree(functions=1, per_activity=2)
    need = NeedFactory(
        agency=agency,
        release=release,
        title="Core financials",
        status=NeedStatus.ACTIVE,
        go_live_date=datetime.date(2028, 1, 1),
    )
    for capability in capabilities:
        NeedItemFactory(need=need, capability=capability, priority="must")
    services.matches_refresh_for_need(need_id=need.pk)
    submitted = OfferingFactory(
        provider=provider,
        release=release,
        name="Keel Ledger Cloud",
        status=OfferingStatus.SUBMITTED,
        submitted_at=datetime.datetime.now(tz=datetime.UTC),
    )
    for capability in capabilities:
        Claim.objects.create(
            offering=submitted, capability=capability, level=ClaimLevel.MEETS
        )
    refresh_claim_vectors(offering_ids=[submitted.pk])
    return need, submitted


def test_follow_a_need_and_hear_of_a_published_offering(
    page, sign_in, agency_user, broker, need_and_submission, assert_accessible
):
    need, _submitted = need_and_submission
    sign_in(agency_user)
    page.goto(f"/needs/{need.pk}/")
    page.get_by_role("button", name="Follow this need").click()
    expect(page.get_by_text("You follow this need")).to_have_count(2)
    page.get_by_role("button", name="Sign out").click()
    page.context.clear_cookies()

    sign_in(broker)
    page.goto("/admin/catalog/submission/")
    page.get_by_role("link", name="Keel Ledger Cloud").click()
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.get_by_text("approved and published")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    page.context.clear_cookies()

    sign_in(agency_user)
    page.goto("/")
    expect(page.locator("#unread-count")).to_contain_text("1")
    page.locator("#nav-notifications").click()
    expect(page.get_by_role("heading", name="Alerts", exact=True)).to_be_visible()
    alert = (
        "Keel Ledger Cloud entered the top 10 and is now eligible with no must-have gap"
    )
    expect(page.get_by_text(alert).first).to_be_visible()
    assert_accessible(page)
    assert [m.to for m in mail.outbox if "Keel Ledger Cloud entered" in m.subject] == [
        [agency_user.email]
    ]
    page.get_by_role("button", name="Mark all read").click()
    expect(page.locator("#unread-count")).to_have_count(0)
