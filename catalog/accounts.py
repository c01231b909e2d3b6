"""How provider users get accounts: nobody publishes anonymously.

* A broker invites someone to a provider: the user is created without a usable
  password and receives an e-mail with a one-time link to set one (Django's password
  reset token: it stops working once the password is set).
* A company asks for an account through a public form; a broker approves the request,
  which creates the provider and invites the contact, or rejects it.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify

from catalog.models import (
    AccountRequestStatus,
    Provider,
    ProviderAccountRequest,
    ProviderInvitation,
)
from catalog.notifications import absolute_url, broker_recipients
from catalog.services.guards import set_history_user


class AccountError(Exception):
    """An account action that cannot be done, with a message for the person."""


def set_password_path(user) -> str:
    return reverse(
        "provider:set-password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


@transaction.atomic
def provider_user_invite(
    *,
    provider: Provider,
    email: str,
    by,
    first_name: str = "",
    last_name: str = "",
) -> ProviderInvitation:
    """Create (or reuse) the provider's user for ``email`` and send the invitation."""
    User = get_user_model()
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and (
        user.provider_id != provider.pk or user.agency_id or user.is_staff
    ):
        raise AccountError(
            f"{email} already has an account that does not belong to {provider}."
        )
    if user is None:
        if User.objects.filter(username=email).exists():
            raise AccountError(f"The username {email} is taken.")
        user = User(
            username=email,
            email=email,
            first_name=first_name,
            last_name=last_name,
            provider=provider,
        )
        user.set_unusable_password()
        user.save()
    invitation = ProviderInvitation.objects.create(
        provider=provider, email=email, user=user, invited_by=by
    )
    link = absolute_url(set_password_path(user))
    transaction.on_commit(
        lambda: send_mail(
            subject=f"You are invited to manage {provider}'s FM Marketplace listings",
            message=render_to_string(
                "catalog/provider/email/invitation.txt",
                {"provider": provider, "user": user, "link": link, "by": by},
            ),
            from_email=None,
            recipient_list=[email],
        )
    )
    return invitation


def invitation_accept(*, user) -> None:
    """Mark the user's invitations accepted (called once their password is set)."""
    ProviderInvitation.objects.filter(user=user, accepted_at__isnull=True).update(
        accepted_at=timezone.now()
    )


@transaction.atomic
def account_request_create(*, fields: dict) -> ProviderAccountRequest:
    request = ProviderAccountRequest.objects.create(**fields)
    recipients = broker_recipients()
    if recipients:
        url = absolute_url(
            reverse("admin:catalog_provideraccountrequest_change", args=[request.pk])
        )
        transaction.on_commit(
            lambda: send_mail(
                subject=f"Provider account requested: {request.company_name}",
                message=(
                    f"{request.contact_name} <{request.email}> asked for a provider "
                    f"account for {request.company_name}.\n\nReview it: {url}\n"
                ),
                from_email=None,
                recipient_list=recipients,
            )
        )
    return request


def _locked_pending(request: ProviderAccountRequest) -> ProviderAccountRequest:
    request = ProviderAccountRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != AccountRequestStatus.PENDING:
        raise AccountError(
            f"The request from {request.company_name} was already "
            f"{request.get_status_display().lower()}."
        )
    return request


@transaction.atomic
def account_request_approve(
    *, request: ProviderAccountRequest, by, provider: Provider | None = None
) -> ProviderInvitation:
    """Approve a request: into ``provider`` if given, else a new provider."""
    request = _locked_pending(request)
    if provider is None:
        if Provider.objects.filter(name__iexact=request.company_name).exists():
            raise AccountError(
                f"A provider named {request.company_name} exists already; approve "
                "the request into it instead."
            )
        base = slugify(request.company_name)[:240] or "provider"
        slug, n = base, 1
        while Provider.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        provider = Provider.objects.create(
            name=request.company_name,
            slug=slug,
            kind=request.kind,
            website=request.website,
            uei=request.uei,
            contact_name=request.contact_name,
            contact_email=request.email,
        )
    name_parts = request.contact_name.split(" ", 1)
    invitation = provider_user_invite(
        provider=provider,
        email=request.email,
        by=by,
        first_name=name_parts[0],
        last_name=name_parts[1] if len(name_parts) > 1 else "",
    )
    request.status = AccountRequestStatus.APPROVED
    request.provider = provider
    request.decided_by = by
    request.decided_at = timezone.now()
    set_history_user(request, by)
    request.save()
    return invitation


@transaction.atomic
def account_request_reject(*, request: ProviderAccountRequest, by) -> None:
    request = _locked_pending(request)
    request.status = AccountRequestStatus.REJECTED
    request.decided_by = by
    request.decided_at = timezone.now()
    set_history_user(request, by)
    request.save()
