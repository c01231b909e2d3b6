"""The market picture in Chromium with axe (#19): the public coverage page and the
brokers' dashboard pass WCAG 2.1 A/AA, need no JavaScript to read, and fit a phone
and a 1280 px screen without sideways scrolling."""

import datetime

import pytest
from django.utils import timezone

from brokering.models import NeedStatus
from catalog.models import ClaimLevel, OfferingStatus
from tests.brokering.factories import NeedFactory
from tests.catalog.factories import ClaimFactory, OfferingFactory
from tests.catalog.workflow_helpers import standards_tree
from tests.e2e.test_walk_layout import no_sideways_scroll

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def market(agency):
    release, capabilities = standards_tree(functions=2, per_activity=3)
    levels = [ClaimLevel.MEETS, ClaimLevel.CONFIGURABLE, ClaimLevel.EXTENSION]
    for i in range(3):
        offering = OfferingFactory(release=release)
        for capability, level in zip(capabilities[i:], levels, strict=False):
            ClaimFactory(offering=offering, capability=capability, level=level)
    OfferingFactory(
        release=release,
        status=OfferingStatus.SUBMITTED,
        submitted_at=timezone.now() - datetime.timedelta(days=12),
    )
    for status in NeedStatus.values:
        NeedFactory(agency=agency, release=release, status=status)


@pytest.mark.parametrize("width", [1280, 375])
def test_the_coverage_page_is_accessible_and_fits(
    page, market, assert_accessible, width
):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/catalog/coverage/?function=FFM.020")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Market coverage of the FM standards"
    )
    assert page.get_by_role("img", name="FFM.010 Function 1:").count() == 1
    assert_accessible(page)
    no_sideways_scroll(page)


def test_the_coverage_page_reads_without_javascript(browser, live_server, market):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/catalog/coverage/")
    page.get_by_label("Function", exact=True).select_option("FFM.020")
    page.get_by_role("button", name="Show its capabilities").click()
    assert "FFM.020.010.011" in page.locator("#capabilities").locator("..").inner_text()
    context.close()


def test_the_dashboard_is_accessible(page, market, broker, sign_in, assert_accessible):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(broker)
    page.goto("/admin/dashboard/")
    assert page.get_by_role("heading", name="Needs by agency and status").count() == 1
    assert_accessible(page)
    no_sideways_scroll(page)
