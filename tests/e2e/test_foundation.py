"""The home and sign-in pages in a real browser: accessible; a demo user signs in."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_is_accessible_and_styled(page, assert_accessible):
    page.goto("/")
    expect(
        page.get_by_role(
            "heading", name="Find the right financial-management system for your agency"
        )
    ).to_be_visible()
    banner_font = page.evaluate(
        "getComputedStyle(document.querySelector('.usa-banner')).fontFamily"
    )
    assert "Source Sans" in banner_font, "USWDS styles did not load"
    assert_accessible(page)


def test_sign_in_page_is_accessible(page, assert_accessible):
    page.goto("/account/sign-in/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_accessible(page)


def test_skip_link_moves_focus_to_main_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"


def test_a_demo_user_signs_in_and_out(page, sign_in, agency_user):
    sign_in(agency_user)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    nav = page.get_by_role("navigation", name="Primary navigation")
    expect(nav.get_by_role("link", name="Sign in")).to_be_visible()
