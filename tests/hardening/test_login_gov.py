"""Sign in with Login.gov, end to end against a fake OpenID provider over real HTTP.

The portal's side is all real: the views, mozilla-django-oidc, our backend, the HTTP
calls to the token, user-info and JWKS endpoints, the signature and claim checks.
"""

import re
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.hardening.fake_oidc import FakeLoginGov, new_rsa_key, pem
from tests.marketplace.factories import UserFactory

START = "/account/login-gov/"


@pytest.fixture
def login_gov(settings):
    provider = FakeLoginGov().start()
    for name, value in provider.settings().items():
        setattr(settings, name, value)
    yield provider
    provider.stop()
    assert provider.problems == []


def through_login_gov(client: Client, next_url: str | None = None):
    """Follow the whole round trip; answer the portal's response to the callback."""
    start = client.get(START, {"next": next_url} if next_url else {})
    assert start.status_code == 302
    # The browser's visit to Login.gov, which sends it back with a code.
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=60)
    assert at_provider.status_code == 302
    callback = urlparse(at_provider.headers["Location"])
    assert callback.path == reverse("marketplace:login-gov-callback")
    return client.get(callback.path, parse_qs(callback.query)), callback


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def messages_of(client, response) -> str:
    return client.get(response["Location"]).text if response.status_code == 302 else ""


@pytest.mark.django_db
def test_a_verified_email_signs_in_its_existing_account(client, login_gov):
    user = UserFactory(username="pat", email="Pat.Doe@Example.gov")
    login_gov.sign_in_as("pat.doe@example.gov")
    response, _ = through_login_gov(client, next_url="/account/password/")
    assert response.status_code == 302
    assert response["Location"] == "/account/password/"
    assert signed_in_user_id(client) == str(user.pk)

    authorize = next(r for r in login_gov.requests_seen if "authorize" in r[1])[2]
    assert authorize["acr_values"] == "http://idmanagement.gov/ns/assurance/ial/1"
    assert authorize["code_challenge_method"] == "S256"
    token = next(r for r in login_gov.requests_seen if r[1].endswith("/token"))[2]
    assert "code_verifier" in token and "client_secret" not in token


@pytest.mark.django_db
def test_the_sign_in_page_offers_login_gov_only_when_configured(client, settings):
    settings.OIDC_RP_CLIENT_ID = ""
    page = client.get(reverse("marketplace:login"))
    assert "Sign in with Login.gov" not in page.text
    assert client.get(START).status_code == 404
    settings.OIDC_RP_CLIENT_ID = "urn:gov:gsa:openidconnect.profiles:sp:sso:x:y"
    page = client.get(reverse("marketplace:login") + "?next=/catalog/")
    assert "Sign in with Login.gov" in page.text
    assert f'href="{START}?next=/catalog/"' in page.text


@pytest.mark.django_db
def test_an_unverified_email_is_refused_with_a_message(client, login_gov):
    UserFactory(username="pat", email="pat@example.gov")
    login_gov.sign_in_as("pat@example.gov", verified=False)
    response, _ = through_login_gov(client)
    assert response["Location"] == reverse("marketplace:login")
    assert signed_in_user_id(client) is None
    assert "Login.gov has not verified the e-mail address pat@example.gov" in (
        messages_of(client, response)
    )


@pytest.mark.django_db
def test_an_unknown_email_creates_no_account_and_says_so(client, login_gov):
    before = get_user_model().objects.count()
    login_gov.sign_in_as("stranger@example.com")
    response, _ = through_login_gov(client)
    assert signed_in_user_id(client) is None
    assert get_user_model().objects.count() == before
    page = messages_of(client, response)
    assert "No FM Marketplace account uses the e-mail address stranger@example.com" in (
        page
    )
    assert "does not create an account" in page


@pytest.mark.django_db
def test_an_inactive_account_is_not_signed_in(client, login_gov):
    UserFactory(username="gone", email="gone@example.gov", is_active=False)
    login_gov.sign_in_as("gone@example.gov")
    response, _ = through_login_gov(client)
    assert signed_in_user_id(client) is None
    assert "No FM Marketplace account uses" in messages_of(client, response)


@pytest.mark.django_db
def test_two_accounts_with_one_email_are_not_guessed_between(client, login_gov):
    UserFactory(username="one", email="shared@example.gov")
    UserFactory(username="two", email="SHARED@example.gov")
    login_gov.sign_in_as("shared@example.gov")
    response, _ = through_login_gov(client)
    assert signed_in_user_id(client) is None
    assert "More than one FM Marketplace account" in messages_of(client, response)


@pytest.mark.django_db
def test_cancelling_at_login_gov_comes_back_with_a_message(client, login_gov):
    login_gov.next_identity = None  # the person pressed "Cancel" at Login.gov
    response, _ = through_login_gov(client)
    assert response["Location"] == reverse("marketplace:login")
    assert "You cancelled signing in with Login.gov" in messages_of(client, response)


@pytest.mark.django_db
def test_a_callback_cannot_be_replayed(client, login_gov):
    user = UserFactory(username="pat", email="pat@example.gov")
    login_gov.sign_in_as("pat@example.gov")
    response, callback = through_login_gov(client)
    assert signed_in_user_id(client) == str(user.pk)
    query = parse_qs(callback.query)

    # Someone else with the same callback URL: no state in their session.
    stranger = Client()
    replay = stranger.get(callback.path, query)
    assert replay.status_code == 302
    assert signed_in_user_id(stranger) is None
    assert "did not complete" in messages_of(stranger, replay)

    # The same browser again: the state was used up.
    again = Client()
    again.cookies = client.cookies
    again.logout()
    second = again.get(START)
    assert second.status_code == 302
    reused = again.get(callback.path, query)
    assert reused.status_code == 302
    assert signed_in_user_id(again) is None
    assert "expired or was already used" in messages_of(again, reused)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tamper, why",
    [
        (lambda claims: {**claims, "aud": "someone-else"}, "another audience"),
        (lambda claims: {**claims, "iss": "https://evil.example"}, "another issuer"),
        (lambda claims: {**claims, "exp": claims["iat"] - 600}, "expired"),
        (lambda claims: {**claims, "nonce": "x" * 32}, "another nonce"),
        (lambda claims: {k: v for k, v in claims.items() if k != "exp"}, "no exp"),
        (lambda claims: {**claims, "sub": "someone-else"}, "other subject"),
    ],
)
def test_an_id_token_that_fails_a_check_signs_no_one_in(client, login_gov, tamper, why):
    UserFactory(username="pat", email="pat@example.gov")
    login_gov.sign_in_as("pat@example.gov")
    login_gov.tamper = tamper
    response, _ = through_login_gov(client)
    assert response.status_code == 302, why
    assert signed_in_user_id(client) is None, why
    assert re.search(
        r"Login.gov (could not|did not) complete", messages_of(client, response)
    ), why


@pytest.mark.django_db
def test_an_id_token_signed_by_another_key_is_refused(client, login_gov):
    UserFactory(username="pat", email="pat@example.gov")
    login_gov.sign_in_as("pat@example.gov")
    login_gov.published_key = new_rsa_key()  # JWKS does not hold the signing key
    response, _ = through_login_gov(client)
    assert response.status_code == 302
    assert signed_in_user_id(client) is None
    assert "Login.gov could not complete your sign-in" in messages_of(client, response)


@pytest.mark.django_db
@pytest.mark.parametrize("status", [500, 503, 400])
def test_a_failing_token_endpoint_gives_a_message_not_an_error(
    client, login_gov, status
):
    UserFactory(username="pat", email="pat@example.gov")
    login_gov.sign_in_as("pat@example.gov")
    login_gov.token_status = status
    response, _ = through_login_gov(client)
    assert response.status_code == 302
    assert signed_in_user_id(client) is None
    assert "Login.gov could not complete your sign-in" in messages_of(client, response)


@pytest.mark.django_db
def test_login_gov_going_away_mid_sign_in_gives_a_message(client, login_gov):
    UserFactory(username="pat", email="pat@example.gov")
    login_gov.sign_in_as("pat@example.gov")
    start = client.get(START)
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=60)
    login_gov.stop()
    callback = urlparse(at_provider.headers["Location"])
    response = client.get(callback.path, parse_qs(callback.query))
    assert response.status_code == 302
    assert signed_in_user_id(client) is None
    assert "Login.gov could not complete your sign-in" in messages_of(client, response)


@pytest.mark.django_db
def test_private_key_jwt_client_authentication(client, login_gov, settings, tmp_path):
    """Login.gov's recommended client authentication: a signed client assertion."""
    client_key = new_rsa_key()
    key_file = tmp_path / "login-gov-client.pem"
    key_file.write_bytes(pem(client_key))
    settings.OIDC_RP_PRIVATE_KEY_FILE = str(key_file)
    settings.OIDC_USE_PKCE = False
    login_gov.client_public_key = client_key.public_key()
    user = UserFactory(username="pat", email="pat@example.gov")
    login_gov.sign_in_as("pat@example.gov")
    response, _ = through_login_gov(client)
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(user.pk)
    token = next(r for r in login_gov.requests_seen if r[1].endswith("/token"))[2]
    assert "client_assertion" in token and "code_verifier" not in token

    # A different key than the one registered with Login.gov does not get in.
    login_gov.client_public_key = new_rsa_key().public_key()
    other = Client()
    login_gov.sign_in_as("pat@example.gov")
    response, _ = through_login_gov(other)
    assert signed_in_user_id(other) is None
