"""The rounds API answers only the round's parties, and keeps the anonymity."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from catalog.models import ClaimLevel
from tests.brokering.rounds import active_need, offering_with_claims, open_round

pytestmark = pytest.mark.django_db


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def round(agency_user, provider):
    need = active_need(agency_user.agency)
    offering = offering_with_claims(need, provider, [ClaimLevel.MEETS])
    return open_round(need, agency_user, [offering])


def test_agencies_read_their_rounds_only(round, agency_user, other_agency_user):
    url = reverse("api:round-detail", args=[round.pk])
    body = _client(agency_user).get(url).json()
    assert body["results"][0]["ranked_on"] == "catalog"
    assert body["invited_count"] == 1
    assert _client(other_agency_user).get(url).status_code == 404
    listing = _client(other_agency_user).get(reverse("api:round-list")).json()
    assert listing["count"] == 0


def test_providers_read_their_requests_without_the_agency_name(
    round, provider_user, other_provider_user
):
    invitation = round.invitations.get()
    url = reverse("api:request-detail", args=[invitation.pk])
    response = _client(provider_user).get(url)
    assert response.status_code == 200
    assert response.json()["agency"] == "An agency (not named)"
    assert "Department of Example" not in response.content.decode()
    assert _client(other_provider_user).get(url).status_code == 404
    listing = _client(other_provider_user).get(reverse("api:request-list")).json()
    assert listing["count"] == 0
