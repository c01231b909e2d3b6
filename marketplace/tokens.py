"""API tokens: the settings page where signed-in users create and revoke theirs.

A user has at most one token (``rest_framework.authtoken``). Creating a token again
replaces the old one, so a leaked key is revoked by creating a new one. The key is
shown once, on the page answering the creation; later visits show only its start and
when it expires.

A token expires ``API_TOKEN_DAYS`` after its creation (``ExpiringTokenAuthentication``)
and is deleted when its user's password changes or the account is deactivated
(``revoke_on_password_or_deactivation``, connected in ``MarketplaceConfig.ready``),
whichever way that happens: the password-change page, a reset, the admin, a command.
"""

import datetime
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from marketplace.models import User
from marketplace.roles import Role, role_required

KEY_PREFIX_SHOWN = 6


def token_expires(token: Token) -> datetime.datetime:
    return token.created + datetime.timedelta(days=settings.API_TOKEN_DAYS)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing a token older than ``API_TOKEN_DAYS``."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if timezone.now() >= token_expires(token):
            raise AuthenticationFailed(
                "The token has expired; create a new one on the API tokens page."
            )
        return user, token


def revoke_on_password_or_deactivation(sender, instance, update_fields=None, **kwargs):
    """``pre_save`` of the user model: a new password or a deactivation deletes the
    user's API token, so that a token cannot outlive the credentials it came from."""
    if instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return
    stored = (
        sender.objects.filter(pk=instance.pk)
        .values_list("password", "is_active")
        .first()
    )
    if stored is None:
        return
    password, is_active = stored
    if instance.password != password or (is_active and not instance.is_active):
        Token.objects.filter(user_id=instance.pk).delete()


@transaction.atomic
def token_create(*, user) -> Token:
    """A new token for ``user``; any previous token stops working."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


@transaction.atomic
def token_revoke(*, user) -> bool:
    """Delete ``user``'s token. Returns whether there was one."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)


@role_required(Role.AGENCY, Role.PROVIDER, Role.BROKER)
@require_http_methods(["GET", "POST"])
def tokens_page(request: HttpRequest) -> HttpResponse:
    new_key = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            new_key = token_create(user=request.user).key
        elif action == "revoke":
            if token_revoke(user=request.user):
                messages.success(request, "Your API token was revoked.")
            else:
                messages.info(request, "You had no API token to revoke.")
            return redirect("api:tokens")
        else:
            messages.error(request, "Choose to create or to revoke a token.")
            return redirect("api:tokens")
    token = Token.objects.filter(user=cast(User, request.user)).first()
    return render(
        request,
        "marketplace/tokens.html",
        {
            "token": token,
            "new_key": new_key,
            "key_start": token.key[:KEY_PREFIX_SHOWN] if token else "",
            "expires": token_expires(token) if token else None,
            "expired": bool(token) and timezone.now() >= token_expires(token),
            "lifetime_days": settings.API_TOKEN_DAYS,
        },
    )
