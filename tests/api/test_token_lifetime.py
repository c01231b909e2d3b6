"""API tokens expire, and die with the password or the account they came from."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.marketplace.factories import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

NEW = "a long new passphrase 7"


def api_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_stops_working_after_its_lifetime(settings, agency_user):
    settings.API_TOKEN_DAYS = 90
    token = Token.objects.create(user=agency_user)
    assert api_with(token.key).get("/api/v1/needs/").status_code == 200
    Token.objects.filter(pk=token.pk).update(
        created=timezone.now() - datetime.timedelta(days=90, seconds=1)
    )
    response = api_with(token.key).get("/api/v1/needs/")
    assert response.status_code == 401
    assert "expired" in response.json()["error"]["message"]
    settings.API_TOKEN_DAYS = 365  # configurable: the same token works again
    assert api_with(token.key).get("/api/v1/needs/").status_code == 200


def test_the_tokens_page_shows_when_the_token_expires(client_for, agency_user):
    token = Token.objects.create(user=agency_user)
    page = client_for(agency_user).get(reverse("api:tokens")).content.decode()
    expires = timezone.localtime(token.created + datetime.timedelta(days=90))
    assert "Expires" in page
    assert expires.strftime("%Y") in page and f"{expires.day} " in page
    assert "work for 90 days" in page
    Token.objects.filter(pk=token.pk).update(
        created=timezone.now() - datetime.timedelta(days=91)
    )
    page = client_for(agency_user).get(reverse("api:tokens")).content.decode()
    assert "Expired" in page


def test_changing_the_password_on_the_page_revokes_the_token(client_for, agency_user):
    token = Token.objects.create(user=agency_user)
    response = client_for(agency_user).post(
        reverse("marketplace:password-change"),
        {"old_password": DEMO_PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    assert not Token.objects.filter(user=agency_user).exists()
    assert api_with(token.key).get("/api/v1/needs/").status_code == 401


def test_any_password_change_or_deactivation_revokes_the_token(agency_user):
    Token.objects.create(user=agency_user)
    agency_user.set_password(NEW)
    agency_user.save()
    assert not Token.objects.filter(user=agency_user).exists()
    Token.objects.create(user=agency_user)
    agency_user.is_active = False
    agency_user.save(update_fields=["is_active"])
    assert not Token.objects.filter(user=agency_user).exists()


def test_other_changes_to_the_user_keep_the_token(agency_user):
    token = Token.objects.create(user=agency_user)
    agency_user.first_name = "Renamed"
    agency_user.save()
    agency_user.last_login = timezone.now()
    agency_user.save(update_fields=["last_login"])
    assert Token.objects.get(user=agency_user) == token
