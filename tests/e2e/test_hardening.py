"""Security controls in a real browser: USWDS works under the Content Security
Policy with no violation reported, and the lockout page is accessible."""

import pytest
from playwright.sync_api import expect

from tests.hardening.fake_oidc import FakeLoginGov
from tests.marketplace.factories import DEMO_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def record_csp_violations(page) -> list[str]:
    """Chromium reports every blocked script, style or frame on the console."""
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return violations


def test_uswds_runs_under_the_content_security_policy(page, assert_accessible):
    violations = record_csp_violations(page)
    response = page.goto("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # USWDS's JavaScript (a file from /static/) opens the banner's accordion.
    banner_button = page.get_by_role("button", name="Here’s how you know")
    assert banner_button.get_attribute("aria-expanded") == "false"
    banner_button.click()
    assert banner_button.get_attribute("aria-expanded") == "true"
    expect(page.locator("#gov-banner-default")).to_be_visible()
    # uswds-init adds this class while the page loads and USWDS removes it when done.
    assert page.evaluate("document.body.classList.contains('usa-js-loading')") is False
    assert_accessible(page)
    assert violations == []


def test_an_inline_script_is_blocked_by_the_policy(page):
    violations = record_csp_violations(page)
    page.goto("/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.injected = true'; document.body.append(s); }"
    )
    assert page.evaluate("window.injected === undefined")
    assert any("script-src" in text for text in violations)


def test_the_lockout_page_is_clear_and_accessible(
    page, agency_user, assert_accessible, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.goto("/account/sign-in/")
        page.get_by_label("Username").fill(agency_user.username)
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Sign-in locked")).to_be_visible()
    assert_accessible(page)
    # The right password does not get in while the lockout lasts.
    page.goto("/account/sign-in/")
    page.get_by_label("Username").fill(agency_user.username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Sign-in locked")).to_be_visible()


@pytest.fixture
def login_gov(settings):
    provider = FakeLoginGov().start()
    for name, value in provider.settings().items():
        setattr(settings, name, value)
    yield provider
    provider.stop()


def test_sign_in_with_login_gov_in_a_browser(page, login_gov, assert_accessible):
    user = UserFactory(username="pat", email="pat.doe@example.gov")
    login_gov.sign_in_as("Pat.Doe@example.gov")
    page.goto("/account/sign-in/")
    assert_accessible(page)
    page.get_by_role("link", name="Sign in with Login.gov").click()
    page.wait_for_load_state()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("link", name=f"Account ({user.username})")).to_be_visible()


def test_an_unknown_login_gov_user_is_told_why(page, login_gov, assert_accessible):
    login_gov.sign_in_as("stranger@example.com")
    page.goto("/account/sign-in/")
    page.get_by_role("link", name="Sign in with Login.gov").click()
    page.wait_for_load_state()
    expect(
        page.get_by_text(
            "No FM Marketplace account uses the e-mail address stranger@example.com"
        )
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    assert_accessible(page)
