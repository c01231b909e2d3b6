import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.marketplace.factories import UserFactory


@pytest.mark.django_db
def test_operators_manage_users_and_see_each_role(client_for, admin_user, agency_user):
    response = client_for(admin_user).get(reverse("admin:marketplace_user_changelist"))
    html = response.content.decode()
    assert response.status_code == 200
    assert agency_user.username in html
    assert ">agency<" in html


@pytest.mark.django_db
def test_brokers_cannot_manage_users(client_for, broker):
    response = client_for(broker).get(reverse("admin:marketplace_user_changelist"))
    assert response.status_code == 403


@pytest.mark.django_db
def test_a_user_in_two_organisations_is_refused(
    client_for, admin_user, agency, provider
):
    user = UserFactory(username="split", agency=agency)
    response = client_for(admin_user).post(
        reverse("admin:marketplace_user_change", args=[user.pk]),
        {
            "username": "split",
            "agency": agency.pk,
            "provider": provider.pk,
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    user.refresh_from_db()
    assert user.provider_id is None
    assert response.status_code == 200
    assert (
        "A user belongs to at most one agency or one provider."
        in response.content.decode()
    )


@pytest.mark.django_db
def test_user_changelist_runs_the_same_queries_for_1_and_50_users(
    client_for, admin_user, agency
):
    client = client_for(admin_user)
    url = reverse("admin:marketplace_user_changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(50):
        UserFactory(username=f"bulk{n}", agency=agency if n % 2 else None)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
