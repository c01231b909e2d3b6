"""Provider accounts: a broker's invitation with a one-time set-password link, and a
company's account request that a broker approves in the admin."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from catalog.accounts import (
    AccountError,
    account_request_approve,
    account_request_reject,
    provider_user_invite,
)
from catalog.models import (
    AccountRequestStatus,
    Provider,
    ProviderAccountRequest,
    ProviderInvitation,
)

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a long and unusual passphrase 7"


def link_in(message) -> str:
    return re.search(
        r"https?://[^/\s]+(/provider/account/set-password/\S+)", message.body
    )[1]


def test_invitation_sets_a_password_once(
    client, provider, broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = provider_user_invite(
            provider=provider,
            email="New.Person@Example.com",
            by=broker,
            first_name="Ana",
        )
    user = invitation.user
    assert (user.username, user.email, user.provider) == (
        "new.person@example.com",
        "new.person@example.com",
        provider,
    )
    assert not user.has_usable_password()
    assert [m.to for m in mail.outbox] == [["new.person@example.com"]]
    link = link_in(mail.outbox[0])

    page = client.get(link)
    assert page.status_code == 200
    assert "new.person@example.com" in page.content.decode()
    mismatch = client.post(
        link, {"new_password1": NEW_PASSWORD, "new_password2": "something else"}
    )
    assert mismatch.status_code == 200
    assert "new_password2" in mismatch.context["form"].errors
    done = client.post(
        link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.url == reverse("marketplace:login")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None

    again = client.get(link)
    assert again.status_code == 400
    assert "This link no longer works" in again.content.decode()
    assert client.login(username=user.username, password=NEW_PASSWORD)


def test_a_tampered_link_is_refused(client, provider, broker):
    invitation = provider_user_invite(
        provider=provider, email="x@example.com", by=broker
    )
    url = reverse(
        "provider:set-password", kwargs={"uidb64": "MTIzNDU2", "token": "abc-123"}
    )
    assert client.get(url).status_code == 400
    assert not get_user_model().objects.get(pk=invitation.user_id).has_usable_password()


def test_an_email_of_another_organisation_cannot_be_invited(
    provider, broker, agency_user
):
    with pytest.raises(AccountError, match="does not belong"):
        provider_user_invite(provider=provider, email=agency_user.email, by=broker)
    assert not ProviderInvitation.objects.exists()


def test_broker_invites_from_the_admin(
    client_for, provider, broker, django_capture_on_commit_callbacks
):
    client = client_for(broker)
    url = reverse("admin:catalog_providerinvitation_add")
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"provider": provider.pk, "email": "ops@example.com"}
        )
    assert response.status_code == 302
    invitation = ProviderInvitation.objects.get()
    assert (invitation.email, invitation.invited_by) == ("ops@example.com", broker)
    assert len(mail.outbox) == 1
    bad = client.post(url, {"provider": provider.pk, "email": broker.email})
    assert bad.status_code == 200
    assert "does not belong" in bad.content.decode()


def test_invitations_are_for_brokers_only(client_for, provider_user, agency_user):
    for user in (provider_user, agency_user):
        response = client_for(user).get(reverse("admin:catalog_providerinvitation_add"))
        assert response.status_code == 302


REQUEST = {
    "company_name": "Acme Ledger Inc",
    "kind": "commercial",
    "website": "acme.example.com",
    "uei": "abcd12345678",
    "contact_name": "Rita Moreno",
    "email": "rita@acme.example.com",
    "message": "We sell a GL.",
}


def test_a_company_requests_an_account_and_a_broker_approves_it(
    client, client_for, broker, settings, django_capture_on_commit_callbacks
):
    settings.BROKER_NOTIFICATION_EMAILS = ["qsmo@example.gov"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("provider:account-request"), REQUEST)
    assert response.url == reverse("marketplace:home")
    request = ProviderAccountRequest.objects.get()
    assert (request.status, request.uei, request.website) == (
        AccountRequestStatus.PENDING,
        "ABCD12345678",
        "https://acme.example.com",
    )
    assert sorted(mail.outbox[0].to) == sorted(["qsmo@example.gov", broker.email])
    mail.outbox.clear()

    admin = client_for(broker)
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(
            reverse("admin:catalog_provideraccountrequest_changelist"),
            {"action": "approve_requests", "_selected_action": [request.pk]},
        )
    request.refresh_from_db()
    provider = Provider.objects.get(name="Acme Ledger Inc")
    assert (request.status, request.provider, request.decided_by) == (
        AccountRequestStatus.APPROVED,
        provider,
        broker,
    )
    user = get_user_model().objects.get(email="rita@acme.example.com")
    assert (user.provider, user.first_name, user.last_name) == (
        provider,
        "Rita",
        "Moreno",
    )
    assert [m.to for m in mail.outbox] == [["rita@acme.example.com"]]
    with pytest.raises(AccountError, match="already approved"):
        account_request_approve(request=request, by=broker)


def test_a_rejected_request_cannot_be_approved(broker):
    request = ProviderAccountRequest.objects.create(
        **{**REQUEST, "uei": "ABCD12345678", "website": "https://acme.example.com"}
    )
    account_request_reject(request=request, by=broker)
    request.refresh_from_db()
    assert request.status == AccountRequestStatus.REJECTED
    with pytest.raises(AccountError, match="already rejected"):
        account_request_approve(request=request, by=broker)
    assert not Provider.objects.filter(name=REQUEST["company_name"]).exists()


def test_a_bad_request_form_keeps_what_was_typed(client):
    response = client.post(
        reverse("provider:account-request"),
        {**REQUEST, "uei": "short", "email": "not-an-email"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"uei", "email"}
    page = response.content.decode()
    assert "Acme Ledger Inc" in page
    assert "We sell a GL." in page
    assert not ProviderAccountRequest.objects.exists()
