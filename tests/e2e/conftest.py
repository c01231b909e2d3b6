"""Browser harness: the live server driven by Debian's Chromium through Playwright.

Fixtures: ``browser`` (one Chromium per session), ``page`` (a fresh context per test;
a screenshot lands in ``test-artifacts/`` when the test fails), ``sign_in``, and
``assert_accessible`` which runs axe-core (from npm) for WCAG 2.1 A/AA.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.marketplace.factories import DEMO_PASSWORD

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
# make there are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
AXE_URL = "/static/axe/axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@pytest.fixture
def page(request, browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


def sign_in_on(page, user, password: str = DEMO_PASSWORD) -> None:
    """Sign ``user`` in on ``page`` (any context, e.g. one without JavaScript)."""
    page.goto("/account/sign-in/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


@pytest.fixture
def sign_in(page):
    def do_sign_in(user, password: str = DEMO_PASSWORD):
        sign_in_on(page, user, password)

    return do_sign_in


def axe_violations(page) -> list[dict]:
    # axe-core is served by the live server from /static/axe/ (STATICFILES_DIRS), so the
    # Content Security Policy's script-src 'self' lets it in; an inline copy would be
    # blocked, and bypassing the policy would hide the very violations we look for.
    # A click on a link may have only started its navigation: the new page must have
    # loaded (its document has a head) before the script is added to it.
    page.wait_for_load_state()
    page.add_script_tag(url=AXE_URL)
    result = page.evaluate(
        "async (tags) => await axe.run(document, "
        "{runOnly: {type: 'tag', values: tags}})",
        WCAG_TAGS,
    )
    return result["violations"]


@pytest.fixture
def assert_accessible():
    def check(page):
        violations = axe_violations(page)
        summary = [
            f"{v['id']} ({v['impact']}): {v['help']} -> "
            + ", ".join(str(node["target"]) for node in v["nodes"][:5])
            for v in violations
        ]
        assert summary == [], f"axe found WCAG 2.1 A/AA violations on {page.url}:\n" + (
            "\n".join(summary)
        )

    return check


@pytest.fixture
def scoring_worker():
    """A real Celery worker in CI's services pass; in-process tasks otherwise."""
    from tests.conftest import uses_services

    if not uses_services():
        yield None
        return
    from tests.celery_worker import celery_worker

    with celery_worker() as worker:
        yield worker


def fill_offering_details(page) -> None:
    """The required details of a new offering (after its name and summary)."""
    page.get_by_label("Marketplace category").select_option("core-fs-saas")
    page.get_by_label("Deployment model").select_option("saas")
    page.get_by_label("FedRAMP status").select_option("authorized")
    page.get_by_label("FedRAMP impact level").select_option("moderate")
    page.get_by_label("Pricing model").select_option("subscription")
