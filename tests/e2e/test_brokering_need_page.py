"""The need page's action buttons keep their labels on one line and one height at
1280 px (issue #14: labels wrapped, Archive stood taller), and the fit-gap report prints
without breadcrumbs and the need's tab buttons."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from brokering.models import NeedStatus
from tests.brokering.factories import NeedFactory, NeedItemFactory

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = settings.BASE_DIR / "test-artifacts"


@pytest.fixture
def active_need(agency_user):
    need = NeedFactory(
        agency=agency_user.agency,
        title="Replace the core financial system of the department",
        status=NeedStatus.ACTIVE,
    )
    NeedItemFactory(need=need)
    return need


LINES_AND_HEIGHTS = """els => els.map(el => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const lines = new Set(
        [...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))
    );
    return {text: el.innerText.trim(), lines: lines.size,
            height: Math.round(el.getBoundingClientRect().height)};
})"""


@pytest.mark.parametrize("width", [1280, 1024])
def test_need_page_buttons_keep_one_line_and_one_height(
    page, sign_in, agency_user, active_need, assert_accessible, width
):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(agency_user)
    page.goto(f"/needs/{active_need.pk}/")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"brokering-{width}-need.png"), full_page=True)
    buttons = page.eval_on_selector_all(
        "main .usa-button-group .usa-button", LINES_AND_HEIGHTS
    )
    labels = [b["text"] for b in buttons]
    assert "Archive" in labels and "Score again" in labels and "Overview" in labels
    assert [b for b in buttons if b["lines"] != 1] == []
    actions = page.eval_on_selector_all("#need-actions .usa-button", LINES_AND_HEIGHTS)
    assert len({b["height"] for b in actions}) == 1, actions
    assert_accessible(page)


def test_fit_gap_report_prints_without_breadcrumbs_and_tabs(
    page, sign_in, agency_user, active_need
):
    sign_in(agency_user)
    page.goto(f"/needs/{active_need.pk}/fit-gap/")
    expect(page.locator(".usa-breadcrumb")).to_be_visible()
    expect(page.get_by_role("navigation", name="This need")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".usa-breadcrumb")).to_be_hidden()
    expect(page.get_by_role("navigation", name="This need")).to_be_hidden()
    expect(page.get_by_role("heading", name="Fit-gap report").first).to_be_visible()
    SHOTS.mkdir(exist_ok=True)
    page.pdf(path=str(SHOTS / "brokering-fit-gap-print.pdf"))
