"""What a new user saw across the pages (issue #14), checked in Chromium at 1280 px and
390 px with axe on every page: USWDS link colours, one heading family, a header that
fits, one current section, the catalog's search button and collapsing filters, a
compare page that shows every offering with shaded differing rows, an offering page
whose claims table fits, and the portal pages of the footer. Screenshots of each page
land in test-artifacts/walk/ for people to look at."""

import pytest
from playwright.sync_api import expect

from catalog.models import ClaimLevel, DeploymentModel
from tests.catalog.catalog_world import make_offering, make_release
from tests.catalog.factories import ProviderFactory
from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.django_db(transaction=True)

WIDE, PHONE = 1280, 390
USWDS_LINK = "rgb(0, 94, 162)"
SHADED = "rgb(254, 240, 200)"


def shoot(page, name: str) -> None:
    folder = ARTIFACTS / "walk"
    folder.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        f"{page.url} scrolls sideways at {page.viewport_size['width']} px"
    )


@pytest.fixture
def three():
    release, caps = make_release(per_function=4)
    long_name = ProviderFactory(
        name="Administrative Resource Center, Bureau of the Fiscal Service, "
        "Department of the Treasury",
        slug="arc",
    )
    offerings = [
        make_offering(
            release,
            covers=[caps["FFM.010"]],
            provider=long_name,
            name="ARC Core Financial Management Shared Service",
            slug="arc-core",
            deployment_model=DeploymentModel.SHARED_SERVICE,
        ),
        make_offering(
            release,
            covers=[caps["FFM.010"], caps["FFM.030"]],
            levels={caps["FFM.090"][0]: ClaimLevel.EXTENSION},
            name="Granite Ledger Cloud",
            slug="granite-ledger",
        ),
        make_offering(
            release,
            covers=[caps["FFM.090"]],
            name="Keel Payables and Receivables Suite",
            slug="keel",
        ),
    ]
    return offerings


def test_compare_shows_every_offering_at_1280_with_shaded_differences(
    page, three, assert_accessible
):
    page.set_viewport_size({"width": WIDE, "height": 900})
    slugs = "&".join(f"offering={o.slug}" for o in three)
    page.goto(f"/catalog/compare/?{slugs}")
    assert_accessible(page)
    no_sideways_scroll(page)
    headers = page.locator("#comparison thead th")
    assert headers.count() == 4
    for n in range(4):
        box = headers.nth(n).bounding_box()
        assert box["x"] + box["width"] <= WIDE, "an offering column is off-screen"
    differing = page.locator("#comparison tr.portal-diff td").first
    assert differing.evaluate("e => getComputedStyle(e).backgroundColor") == SHADED
    for name in ("Download CSV", "Download Excel (XLSX)"):
        colour = page.get_by_role("link", name=name).evaluate(
            "e => getComputedStyle(e).backgroundColor"
        )
        assert colour != "rgb(216, 57, 51)" and "216" not in colour
    shoot(page, "compare")


def test_the_offering_claims_table_fits_at_1280(page, three, assert_accessible):
    page.set_viewport_size({"width": WIDE, "height": 900})
    page.goto("/catalog/offerings/granite-ledger/")
    assert_accessible(page)
    table = page.locator("table[aria-labelledby=claims-heading]")
    for header in ("Claim", "Evidence", "Verified"):
        box = table.get_by_role("columnheader", name=header).bounding_box()
        assert box["x"] + box["width"] <= WIDE - 32, f"{header} is off-screen"
    assert table.get_by_text("Extension (custom development)").count() == 1
    assert table.get_by_text("No claim").count() >= 1
    shoot(page, "offering")


@pytest.mark.parametrize("width", [WIDE, PHONE])
def test_the_catalog_search_button_sits_beside_the_box(page, three, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/catalog/")
    box = page.get_by_label("Search the catalog").bounding_box()
    button = page.get_by_role("button", name="Search", exact=True).bounding_box()
    assert abs(button["y"] - box["y"]) < 10 and button["x"] > box["x"] + box["width"]
    right_border = page.get_by_label("Search the catalog").evaluate(
        "e => getComputedStyle(e).borderRightWidth"
    )
    assert right_border == "1px"
    no_sideways_scroll(page)
    page.get_by_label("Search the catalog").fill("granite")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/catalog/?q=granite*")
    expect(page.get_by_role("heading", name="1 offering for “granite”")).to_be_visible()


def test_filters_collapse_on_a_phone_and_open_without_javascript(
    page, browser, live_server, three, assert_accessible
):
    page.set_viewport_size({"width": PHONE, "height": 800})
    page.goto("/catalog/")
    assert_accessible(page)
    expect(page.get_by_label("Sort by")).to_be_hidden()
    results = page.get_by_role("heading", name="3 offerings").bounding_box()
    assert results["y"] < 800, "the results are below the first screen"
    shoot(page, "catalog")
    page.get_by_text("Sort and filter").click()
    expect(page.get_by_label("Sort by")).to_be_visible()
    # Without JavaScript the filters stay open and work.
    context = browser.new_context(
        base_url=live_server.url,
        java_script_enabled=False,
        viewport={"width": PHONE, "height": 800},
    )
    plain = context.new_page()
    plain.goto("/catalog/")
    expect(plain.get_by_label("Sort by")).to_be_visible()
    plain.get_by_label("Sort by").select_option(
        label="Coverage of the standards (highest first)"
    )
    plain.get_by_role("button", name="Apply search and filters").click()
    plain.wait_for_url("**sort=*")
    first = plain.locator(".usa-collection__heading").first.inner_text()
    assert first == "Granite Ledger Cloud"
    context.close()
    # At desktop width the filters show without a toggle.
    page.set_viewport_size({"width": WIDE, "height": 900})
    page.goto("/catalog/")
    expect(page.get_by_label("Sort by")).to_be_visible()
    expect(page.get_by_text("Sort and filter")).to_be_hidden()
    shoot(page, "catalog")


@pytest.mark.parametrize("role", ["agency", "broker"])
def test_the_header_fits_at_1280_and_marks_one_section(
    page, sign_in, agency_user, broker, three, role, assert_accessible
):
    user = {"agency": agency_user, "broker": broker}[role]
    sign_in(user)
    page.set_viewport_size({"width": WIDE, "height": 900})
    page.goto("/catalog/shortlists/")
    nav = page.get_by_role("navigation", name="Primary navigation")
    links = nav.locator(".usa-nav-link")
    heights = {
        round(links.nth(n).bounding_box()["height"]) for n in range(links.count())
    }
    single = page.get_by_role("link", name="Catalog", exact=True).bounding_box()
    assert max(heights) <= single["height"] + 1, "a header label wraps"
    current = nav.locator("[aria-current=page]")
    assert current.count() == 1 and current.inner_text() == "Shortlists"
    if role == "broker":
        nav.get_by_role("link", name="Needs", exact=True).click()
        page.wait_for_url("**/needs/")
    assert_accessible(page)
    shoot(page, f"header-{role}")


def test_links_and_headings_look_the_same_on_every_page(page, three):
    page.set_viewport_size({"width": WIDE, "height": 900})
    families = set()
    for path in (
        "/",
        "/about/",
        "/status/",
        "/catalog/",
        "/catalog/offerings/granite-ledger/",
        "/standards/",
    ):
        page.goto(path)
        families.add(page.locator("h1").evaluate("e => getComputedStyle(e).fontFamily"))
        sizes = page.locator("h1").evaluate("e => getComputedStyle(e).fontSize")
        assert sizes == "34.08px", f"{path}: h1 is {sizes}"
        for link in page.locator("main a:not([class*=usa-button])").all()[:5]:
            colour = link.evaluate("e => getComputedStyle(e).color")
            assert colour != "rgb(0, 0, 238)", f"{path}: a link in browser blue"
    assert len(families) == 1 and "Source Sans" in families.pop()


def test_the_footer_opens_the_about_and_status_pages(page, assert_accessible):
    for link, title, path in (
        ("About the marketplace", "About the FM Marketplace", "about"),
        ("System status", "System status", "status"),
    ):
        for width in (WIDE, PHONE):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto("/")
            page.get_by_role("contentinfo").get_by_role("link", name=link).click()
            expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
            assert_accessible(page)
            no_sideways_scroll(page)
            shoot(page, path)
