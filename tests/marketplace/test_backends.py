"""The signed-in user read with one plain statement (``marketplace.backends``):
the same user as the ORM reads, and every check on it still made on every request
(deactivation, a password changed elsewhere, a role taken away, a deleted user)."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from marketplace.backends import ModelBackend, user_by_pk
from marketplace.oidc import LoginGovBackend
from tests.marketplace.factories import DEMO_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PAGE = "marketplace:password-change"  # any page that needs a sign-in


def signed_in_client(user) -> Client:
    client = Client()
    answer = client.post(
        reverse("marketplace:login"),
        {"username": user.username, "password": DEMO_PASSWORD},
    )
    assert answer.status_code == 302
    return client


def signed_in(client) -> bool:
    return client.get(reverse(PAGE)).status_code == 200


def test_the_user_is_read_as_the_orm_reads_it(agency_user):
    read = user_by_pk(agency_user.pk)
    orm = get_user_model().objects.get(pk=agency_user.pk)
    assert read == orm
    fields = [field.attname for field in orm._meta.concrete_fields]
    assert {name: getattr(read, name) for name in fields} == {
        name: getattr(orm, name) for name in fields
    }
    assert type(read.date_joined) is type(orm.date_joined)
    assert read._state.adding is False and read._state.db == orm._state.db
    assert user_by_pk(agency_user.pk + 1000) is None


def test_a_password_sign_in_is_kept_by_this_backend(agency_user):
    client = signed_in_client(agency_user)
    assert client.session["_auth_user_backend"] == "marketplace.backends.ModelBackend"
    assert "marketplace.backends.ModelBackend" in settings.AUTHENTICATION_BACKENDS
    assert signed_in(client)


def test_a_deactivated_user_is_signed_out_on_the_next_request(agency_user):
    client = signed_in_client(agency_user)
    get_user_model().objects.filter(pk=agency_user.pk).update(is_active=False)
    assert not signed_in(client)
    assert ModelBackend().get_user(agency_user.pk) is None


def test_a_password_changed_elsewhere_ends_the_session(agency_user):
    client = signed_in_client(agency_user)
    agency_user.set_password("another long passphrase 77")
    agency_user.save()
    assert not signed_in(client)


def test_a_deleted_user_is_signed_out(agency):
    user = UserFactory(username="leaving")
    client = signed_in_client(user)
    user.delete()
    assert not signed_in(client)


def test_a_role_taken_away_is_refused_on_the_next_request(broker):
    client = signed_in_client(broker)
    dashboard = reverse("dashboard:index")
    assert client.get(dashboard).status_code == 200
    assert client.get(dashboard).status_code == 200  # kept
    get_user_model().objects.filter(pk=broker.pk).update(is_staff=False)
    assert client.get(dashboard).status_code == 403


def test_login_gov_reads_the_user_as_before(agency_user):
    assert LoginGovBackend().get_user(agency_user.pk) == agency_user
    assert LoginGovBackend().get_user(agency_user.pk + 1000) is None
