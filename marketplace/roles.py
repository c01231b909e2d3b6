"""Roles and the access checks that views, the admin and the API all use.

A role is derived from the user row, never stored separately:

* visitor  - not signed in (or signed in without an organisation or staff flag);
* agency   - belongs to an agency;
* provider - belongs to a provider;
* broker   - QSMO staff (``is_staff``);
* admin    - operators (``is_superuser``).

Access is denied by default (``LoginRequiredMiddleware``). Public views are marked with
:func:`public`; views for signed-in roles with :func:`role_required`.
"""

from collections.abc import Callable
from enum import StrEnum
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied


class Role(StrEnum):
    VISITOR = "visitor"
    AGENCY = "agency"
    PROVIDER = "provider"
    BROKER = "broker"
    ADMIN = "admin"


def role_of(user) -> Role:
    if user is None or not user.is_authenticated or not user.is_active:
        return Role.VISITOR
    if user.is_superuser:
        return Role.ADMIN
    if user.is_staff:
        return Role.BROKER
    if user.agency_id:
        return Role.AGENCY
    if user.provider_id:
        return Role.PROVIDER
    return Role.VISITOR


def is_broker(user) -> bool:
    """Brokers and admins: the QSMO back office sees everything."""
    return role_of(user) in (Role.BROKER, Role.ADMIN)


def is_agency_user(user) -> bool:
    return role_of(user) == Role.AGENCY


def is_provider_user(user) -> bool:
    return role_of(user) == Role.PROVIDER


def is_signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_manage_provider(user, provider_id: int | None) -> bool:
    """Providers manage only their own listings; brokers may act on any."""
    if is_broker(user):
        return True
    return (
        is_provider_user(user)
        and provider_id is not None
        and user.provider_id == provider_id
    )


def public(view: Callable) -> Callable:
    """Mark a view as open to everyone, signed in or not."""
    return login_not_required(view)


def role_required(*roles: Role) -> Callable[[Callable], Callable]:
    """Let signed-in users with one of ``roles`` in; others get 403.

    Anonymous users never reach the view: ``LoginRequiredMiddleware`` sends them to the
    sign-in page first. Brokers' admin rights do not imply agency or provider rights:
    list ``Role.BROKER`` explicitly where brokers should be let in.
    """
    allowed = frozenset(roles)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            role = role_of(request.user)
            if role not in allowed and not (
                role == Role.ADMIN and Role.BROKER in allowed
            ):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = allowed  # type: ignore[attr-defined]
        return wrapper

    return decorator
