"""/healthz tells anyone whether workers beat, and only staff which hosts they are."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from marketplace.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture
def beat():
    return WorkerHeartbeat.objects.create(
        hostname="celery@internal-host-7", seen_at=timezone.now()
    )


@pytest.mark.parametrize("who", ["visitor", "agency", "provider"])
def test_worker_host_names_are_hidden_from_non_staff(
    beat, who, agency_user, provider_user
):
    client = Client()
    user = {"visitor": None, "agency": agency_user, "provider": provider_user}[who]
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("marketplace:healthz"))
    assert "internal-host-7" not in response.text
    assert response.json()["workers"]["workers"] == [
        {"seen_at": beat.seen_at.isoformat()}
    ]


def test_staff_see_worker_host_names(beat, broker):
    client = Client()
    client.force_login(broker)
    workers = client.get(reverse("marketplace:healthz")).json()["workers"]["workers"]
    assert workers[0]["hostname"] == "celery@internal-host-7"
