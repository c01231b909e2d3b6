"""Every back-office page a broker uses, and the operator's user pages, in Chromium
with axe (WCAG 2.1 A/AA): the index with the review queue, each model's list, add
and change pages, the submission review, the invitation page; at 1280 px the users
and invitations lists show every column without sideways scrolling."""

import pytest
from playwright.sync_api import expect

from catalog.accounts import provider_user_invite
from catalog.models import OfferingStatus, ProviderAccountRequest
from tests.brokering.factories import MatchFactory, NeedFactory, NeedItemFactory
from tests.catalog.workflow_helpers import (
    attach_pdf,
    offering_in,
    standards_tree,
    submitted_revision,
)
from tests.e2e.test_walk_layout import no_sideways_scroll, shoot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def back_office(provider, provider_user, agency, broker, tmp_path, settings):
    """One of everything a broker looks at: a submitted revision, evidence, a need
    with a match, an account request and an invitation."""
    settings.MEDIA_ROOT = tmp_path
    release, capabilities = standards_tree(functions=1, per_activity=3)
    published = offering_in(OfferingStatus.PUBLISHED, provider, release, capabilities)
    attach_pdf(published, "SOC 1 report", "soc1.pdf")
    revision = submitted_revision(published, provider_user, capabilities[1])
    need = NeedFactory(agency=agency, release=release, title="Core financials")
    NeedItemFactory(need=need, capability=capabilities[0])
    MatchFactory(need=need, offering=published)
    ProviderAccountRequest.objects.create(
        company_name="Keel Ledger Inc.",
        kind="commercial",
        contact_name="Kim Keel",
        email="kim@keel.example.com",
    )
    provider_user_invite(
        provider=provider, email="new.colleague@provider.example.com", by=broker
    )
    return {"revision": revision}


def admin_pages(page) -> list[str]:
    """Each list the index links, its add page when there is one, and the first
    object's change page."""
    page.goto("/admin/")
    lists = page.eval_on_selector_all(
        "#content-main .app-list th a, #content-main table th a",
        "links => links.map(a => a.getAttribute('href'))",
    )
    paths = ["/admin/"]
    for changelist in dict.fromkeys(lists):
        paths.append(changelist)
        page.goto(changelist)
        first = page.locator("#result_list tbody tr th a, #result_list tbody td a")
        if first.count():
            paths.append(first.first.get_attribute("href"))
        add = page.locator("a.addlink")
        if add.count():
            paths.append(add.first.get_attribute("href"))
    return list(dict.fromkeys(paths))


def test_every_admin_page_a_broker_uses_is_accessible(
    page, sign_in, broker, back_office, assert_accessible
):
    sign_in(broker)
    page.set_viewport_size({"width": 1280, "height": 900})
    paths = admin_pages(page)
    assert "/admin/catalog/submission/" in paths
    assert "/admin/catalog/providerinvitation/add/" in paths
    assert len(paths) > 30
    for path in paths:
        page.goto(path)
        assert page.title(), path
        assert_accessible(page)
    review = f"/admin/catalog/submission/{back_office['revision'].pk}/change/"
    page.goto(review)
    assert_accessible(page)
    changed = page.locator("tr.portal-changed td").first
    assert changed.evaluate("e => getComputedStyle(e).backgroundColor") == (
        "rgb(254, 240, 200)"
    )
    approve = page.get_by_role("button", name="Approve and publish").bounding_box()
    assert approve["height"] >= 40 and approve["width"] >= 150
    shoot(page, "admin-review")


def test_the_operators_user_pages_are_accessible_and_fit(
    page,
    sign_in,
    admin_user,
    agency_user,
    provider_user,
    back_office,
    assert_accessible,
):
    sign_in(admin_user)
    page.set_viewport_size({"width": 1280, "height": 900})
    for path in (
        "/admin/marketplace/user/",
        "/admin/marketplace/user/add/",
        f"/admin/marketplace/user/{agency_user.pk}/change/",
        "/admin/auth/group/add/",
        "/admin/catalog/providerinvitation/",
    ):
        page.goto(path)
        assert_accessible(page)
        no_sideways_scroll(page)
        last = page.locator("#result_list thead th").last
        if last.count():
            box = last.bounding_box()
            assert box["x"] + box["width"] <= 1280, f"{path}: a column is cut off"
    page.goto("/admin/marketplace/user/")
    expect(page.get_by_role("columnheader", name="Name", exact=True)).to_be_visible()
    shoot(page, "admin-users")
