"""The standards pages in a real browser: axe finds no WCAG 2.1 A/AA violations, and
search, filters and the diff work through plain form submissions."""

import pytest
from playwright.sync_api import expect

from seeding.demo import standards as demo
from standards.importers import read_path
from standards.services import release_import
from tests.standards.workbooks import SHARED_FY2025

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def releases():
    demo.seed()
    release_import(name="FY2025", data=read_path(SHARED_FY2025))


PAGES = [
    ("/standards/", "Financial management standards"),
    ("/standards/FY2025/", "Release FY2025"),
    ("/standards/FY2025/activities/FFM.010.010/", "FFM.010.010 Budget Setup"),
    ("/standards/FY2025/capabilities/", "Business capabilities of FY2025"),
    ("/standards/FY2025/capabilities/?kind=Z", "Business capabilities of FY2025"),
    ("/standards/FY2025/capabilities/FFM.010.010.011/", "Capability FFM.010.010.011"),
    ("/standards/FY2025/service-measures/", "Service measures of FY2025"),
    ("/standards/FY2025/data-elements/", "Business data elements of FY2025"),
    (
        "/standards/compare/?old=DEMO-ILLUSTRATION&new=FY2025",
        "Changes from DEMO-ILLUSTRATION",
    ),
    ("/standards/FY2025/data-elements/AccountingPeriod/", "Data element Accounting"),
    ("/standards/FY2025/references/", "references of FY2025"),
    ("/standards/FY2025/references/?type=x", "references of FY2025"),
    ("/standards/FY2025/references/19/", "Reference (19)"),
    ("/standards/FY2025/exchanges/", "Business information exchanges of FY2025"),
    ("/standards/FY2025/exchanges/1/", "Automated Standardized Application"),
    ("/standards/FY2025/specifications/2/", "ACQ-FFM BIE"),
    ("/standards/FY2025/reports/", "pre-built business reports of FY2025"),
    ("/standards/FY2025/reports/1/", "Status of Funding"),
    ("/standards/FY2025/change-log/", "Change log of FY2025"),
]


def test_every_standards_page_is_accessible(page, assert_accessible, releases):
    for path, heading in PAGES:
        page.goto(path)
        assert heading in page.get_by_role("heading", level=1).inner_text(), path
        assert_accessible(page)


def test_searching_and_filtering_capabilities_keeps_everything_in_the_url(
    page, releases
):
    page.goto("/standards/FY2025/capabilities/")
    page.get_by_label("Search capabilities").fill("apportionments")
    page.get_by_label("Function").select_option("FFM.010")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    assert "q=apportionments" in page.url and "function=FFM.010" in page.url
    expect(page.get_by_role("link", name="FFM.010.010.012")).to_be_visible()
    assert page.get_by_label("Search capabilities").input_value() == "apportionments"


def test_comparing_the_demo_with_fy2025_from_the_release_list(page, releases):
    page.goto("/standards/")
    page.get_by_label("Older release").select_option(demo.DEMO_RELEASE)
    page.get_by_label("Newer release").select_option("FY2025")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_load_state()
    expect(
        page.get_by_role("heading", name=f"Changes from {demo.DEMO_RELEASE} to FY2025")
    ).to_be_visible()
    expect(page.get_by_role("link", name="FFM.010.020.021").first).to_be_visible()
