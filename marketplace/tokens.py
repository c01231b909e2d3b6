"""API tokens: the settings page where signed-in users create and revoke theirs.

A user has at most one token (``rest_framework.authtoken``). Creating a token again
replaces the old one, so a leaked key is revoked by creating a new one. The key is
shown once, on the page answering the creation; later visits show only its start.
"""

from typing import cast

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from marketplace.models import User
from marketplace.roles import Role, role_required

KEY_PREFIX_SHOWN = 6


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
        },
    )
