"""Fixtures for the API tests: token clients per persona and a small shared world."""

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from marketplace.roles import Role


@pytest.fixture(autouse=True)
def fresh_throttle_history():
    """Throttles count requests in the cache; each test starts with none counted."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_for():
    """``api_for(user)``: an API client sending the user's token (None: anonymous)."""

    def make(user) -> APIClient:
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def anonymous(api_for):
    return api_for(None)


@pytest.fixture
def as_agency(api_for, agency_user):
    return api_for(agency_user)


@pytest.fixture
def as_other_agency(api_for, other_agency_user):
    return api_for(other_agency_user)


@pytest.fixture
def as_provider(api_for, provider_user):
    return api_for(provider_user)


@pytest.fixture
def as_other_provider(api_for, other_provider_user):
    return api_for(other_provider_user)


@pytest.fixture
def as_broker(api_for, broker):
    return api_for(broker)


@pytest.fixture
def clients(api_for, personas) -> dict[Role, APIClient]:
    return {role: api_for(user) for role, user in personas.items()}
