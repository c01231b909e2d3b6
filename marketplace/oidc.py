"""Sign in with Login.gov: OpenID Connect through mozilla-django-oidc.

Login.gov proves who a person is; the portal decides what they may do. So a Login.gov
sign-in only maps a **verified** e-mail address to an **existing, active** account of
the portal; it never creates accounts (brokers and providers' administrators do, so that
every account belongs to an agency or provider). Everything is configured by
environment variables (``OIDC_RP_CLIENT_ID`` turns it on; see docs/security.md); when
the client id is unset the option is hidden and its URLs answer 404.

This module is what every process loads (the URLs, the template context, the
backend Django lists); the client itself, with its HTTP and JWT libraries, is
:mod:`marketplace.login_gov`, imported on the first sign-in with Login.gov.
"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from marketplace.backends import user_by_pk
from marketplace.roles import public


def login_gov_enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


def context(request: HttpRequest) -> dict:
    """Template context: whether to offer the "Sign in with Login.gov" button."""
    return {"login_gov_enabled": login_gov_enabled()}


class LoginGovBackend:
    """The authentication backend ``AUTHENTICATION_BACKENDS`` lists: a sign-in that
    reaches it while Login.gov is on is handed to
    :class:`marketplace.login_gov.Backend`; a signed-in user is read as that backend
    reads one."""

    def authenticate(self, request, **kwargs):
        if request is None or not login_gov_enabled():
            return None
        from marketplace.login_gov import Backend

        return Backend().authenticate(request, **kwargs)

    def get_user(self, user_id):
        return user_by_pk(user_id)


@public
@require_GET
def login_gov_start(request: HttpRequest) -> HttpResponse:
    """Send the browser to Login.gov with a fresh state, nonce and PKCE challenge."""
    if not login_gov_enabled():
        raise Http404("Sign-in with Login.gov is not configured")
    from marketplace.login_gov import start

    return start(request)


@public
@require_GET
def login_gov_callback(request: HttpRequest) -> HttpResponse:
    """Login.gov sends the browser back here with a code (or an error)."""
    if not login_gov_enabled():
        raise Http404("Sign-in with Login.gov is not configured")
    from marketplace.login_gov import callback

    return callback(request)
