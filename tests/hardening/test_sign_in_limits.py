"""Every sign-in path is rate-limited per address, the account request is throttled,
the password-change form is locked like sign-in, and every 429 says when to retry."""

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from tests.marketplace.factories import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

LIMITS = {
    "sign-in": "3/600",
    "upload": "30/600",
    "account-request": "2/3600",
}


@override_settings(RATE_LIMITS=LIMITS)
@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:login"),
        reverse("marketplace:login"),
        reverse("provider:set-password", args=["MQ", "set-password"]),
    ],
)
def test_every_sign_in_path_is_rate_limited_per_address(url):
    client = Client()
    for number in range(3):
        response = client.post(
            url, {"username": f"u{number}", "password": "x"}, REMOTE_ADDR="10.1.1.1"
        )
        assert response.status_code != 429
    limited = client.post(
        url, {"username": "u9", "password": "x"}, REMOTE_ADDR="10.1.1.1"
    )
    assert limited.status_code == 429
    assert 0 < int(limited["Retry-After"]) <= 600
    other = client.post(url, {"username": "u", "password": "x"}, REMOTE_ADDR="10.9.9.9")
    assert other.status_code != 429


@override_settings(RATE_LIMITS=LIMITS, BROKER_NOTIFICATION_EMAILS=["q@example.gov"])
def test_the_provider_account_request_is_throttled_per_address(
    django_capture_on_commit_callbacks,
):
    client = Client()
    answers = []
    for number in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("provider:account-request"),
                {
                    "company_name": f"Acme {number}",
                    "kind": "commercial",
                    "website": "acme.example.com",
                    "uei": f"ABCD1234567{number}",
                    "contact_name": "Rita Moreno",
                    "email": f"rita{number}@acme.example.com",
                    "message": "We sell a GL.",
                },
                REMOTE_ADDR="10.2.2.2",
            )
        answers.append(response.status_code)
    assert answers == [302, 302, 429, 429, 429]
    assert len(mail.outbox) == 2
    assert int(response["Retry-After"]) > 0


def change_password(client, old):
    return client.post(
        reverse("marketplace:password-change"),
        {
            "old_password": old,
            "new_password1": "a long new passphrase 7",
            "new_password2": "a long new passphrase 7",
        },
    )


def test_wrong_current_passwords_lock_the_password_change_form(agency_user):
    client = Client()
    client.force_login(agency_user)
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert change_password(client, "wrong").status_code == 200
    locked = change_password(client, "wrong")
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.text
    assert int(locked["Retry-After"]) == round(settings.AXES_COOLOFF_TIME * 3600)
    # Locked: the right password does not help, and nothing changes.
    assert change_password(client, DEMO_PASSWORD).status_code == 429
    agency_user.refresh_from_db()
    assert agency_user.check_password(DEMO_PASSWORD)


def test_the_right_current_password_changes_it(agency_user):
    client = Client()
    client.force_login(agency_user)
    assert change_password(client, "wrong").status_code == 200
    response = change_password(client, DEMO_PASSWORD)
    assert response.status_code == 302
    agency_user.refresh_from_db()
    assert agency_user.check_password("a long new passphrase 7")


def test_the_sign_in_lockout_says_when_to_retry(agency_user):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            reverse("marketplace:login"),
            {"username": agency_user.username, "password": "wrong"},
        )
    assert response.status_code == 429
    assert int(response["Retry-After"]) == round(settings.AXES_COOLOFF_TIME * 3600)
