"""Shared fixtures: the personas every access test uses, and test-wide settings."""

import os

import pytest
from django.conf import settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from marketplace.roles import Role
from tests.brokering.factories import AgencyFactory
from tests.catalog.factories import ProviderFactory
from tests.marketplace.factories import DEMO_PASSWORD, UserFactory

# Property and fuzz tests: no per-example deadline (a loaded 2-core machine is slow,
# not wrong). CI uses the "ci" profile: examples derived from each test's name, so a
# run that lands can be repeated exactly; developers keep the random default, which
# keeps finding new cases.
hypothesis_settings.register_profile(
    "dev", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.register_profile(
    "ci",
    parent=hypothesis_settings.get_profile("dev"),
    derandomize=True,
    print_blob=True,
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def pytest_configure(config):
    # The live server and the test client serve static files by their plain names;
    # hashed names need collectstatic, which tests do not run.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests change data with factories, which do not bump the page versions; the
    # page cache has its own tests (tests/marketplace/test_pagecache.py).
    settings.PAGE_CACHE_SECONDS = 0
    settings.DASHBOARD_CACHE_SECONDS = 0  # tests/brokering/test_dashboard_cache.py
    # Nor the catalog's facet index: built per search (tests/catalog/test_facets.py
    # keeps it and proves a catalog change is seen).
    settings.CATALOG_FACET_INDEX_KEEP = False
    # Nor the scoring shelf's snapshot (tests/catalog/test_shelf.py turns it on).
    settings.SCORING_SHELF_SNAPSHOT = False


def uses_services() -> bool:
    """True in CI's second pass: PostgreSQL, Redis and a real Celery worker."""
    return bool(settings.CELERY_BROKER_URL) and settings.DATABASE_IS_POSTGRES


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters (marketplace.security) and DRF throttles live in the cache;
    each test starts with none, so that a long run does not trip them."""
    from django.core.cache import cache

    from seeding import notice

    cache.clear()
    # Pages ask once a minute whether the database holds demo data (seeding.notice);
    # tests that pin a page's queries start with the answer cached, as a warm server
    # would. tests/seeding/test_notice.py clears it to read the database.
    cache.set(notice.CACHE_KEY, False, notice.CACHE_SECONDS)
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def tasks_in_process(request):
    """Run Celery tasks (scoring runs, e-mails) in-process after commit, as the
    embedded setup does, even in the services pass; tests marked ``services`` use a
    real worker."""
    if request.node.get_closest_marker("services"):
        yield
        return
    from marketplace.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = previous


@pytest.fixture
def password() -> str:
    return DEMO_PASSWORD


@pytest.fixture
def agency(db):
    return AgencyFactory(
        name="Department of Example", abbreviation="DOE-X", cgac_code="901"
    )


@pytest.fixture
def other_agency(db):
    return AgencyFactory(
        name="Department of Elsewhere", abbreviation="DOE-Y", cgac_code="902"
    )


@pytest.fixture
def provider(db):
    return ProviderFactory(
        name="Example Financial Cloud", slug="example-financial-cloud"
    )


@pytest.fixture
def other_provider(db):
    return ProviderFactory(name="Other Ledger Corp", slug="other-ledger-corp")


@pytest.fixture
def agency_user(agency):
    return UserFactory(username="agency-user", agency=agency)


@pytest.fixture
def other_agency_user(other_agency):
    return UserFactory(username="other-agency-user", agency=other_agency)


@pytest.fixture
def provider_user(provider):
    return UserFactory(username="provider-user", provider=provider)


@pytest.fixture
def other_provider_user(other_provider):
    return UserFactory(username="other-provider-user", provider=other_provider)


@pytest.fixture
def broker(db):
    return UserFactory(username="broker", is_staff=True)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="operator", is_staff=True, is_superuser=True)


@pytest.fixture
def personas(agency_user, provider_user, broker, admin_user) -> dict[Role, object]:
    """One signed-in user per role (visitor is ``None``)."""
    return {
        Role.VISITOR: None,
        Role.AGENCY: agency_user,
        Role.PROVIDER: provider_user,
        Role.BROKER: broker,
        Role.ADMIN: admin_user,
    }


@pytest.fixture
def client_for(client):
    """``client_for(user)`` gives a test client signed in as ``user`` (or anonymous)."""
    from django.test import Client

    def make(user):
        new_client = Client()
        if user is not None:
            new_client.force_login(user)
        return new_client

    return make
