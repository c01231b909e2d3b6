"""Login.gov's OpenID Connect client (mozilla-django-oidc, requests, PyJWT): the
authentication backend and the two views that :mod:`marketplace.oidc` hands over
to. Imported on the first sign-in with Login.gov, not when a web process starts
(11 MB of every process, docs/performance.md).

On top of mozilla-django-oidc this module:

* checks the ID token's issuer, audience, expiry and issue time, not only its signature;
* authenticates to the token endpoint with ``private_key_jwt`` (Login.gov's
  recommended method) when ``OIDC_RP_PRIVATE_KEY_FILE`` is set, else with PKCE alone;
* turns every failure (Login.gov unreachable, a bad token, an unverified or unknown
  e-mail, a stale or replayed callback, a cancelled sign-in) into a clear message on the
  sign-in page instead of an error page.
"""

import logging
import time
import uuid
from functools import cache
from pathlib import Path

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

logger = logging.getLogger(__name__)

CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# Seconds of clock difference tolerated between Login.gov and the portal.
CLOCK_LEEWAY_SECONDS = 60
# Set on the request once a message explains the failure, so that no second, vaguer
# message is added on the way out.
TOLD = "_login_gov_failure_told"

UNREACHABLE = (
    "Login.gov could not complete your sign-in just now. Please try again in a few "
    "minutes, or sign in with your username and password."
)


def tell(request: HttpRequest, text: str) -> None:
    if not getattr(request, TOLD, False):
        messages.error(request, text)
        setattr(request, TOLD, True)


@cache
def _private_key(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ImproperlyConfigured(
            f"OIDC_RP_PRIVATE_KEY_FILE {path!r} cannot be read: {exc}"
        ) from exc


class Backend(OIDCAuthenticationBackend):
    """Maps a Login.gov identity with a verified e-mail to an existing active user
    (made by :class:`marketplace.oidc.LoginGovBackend` once Login.gov is on)."""

    def authenticate(self, request, **kwargs):
        try:
            return super().authenticate(request, **kwargs)
        except (
            requests.RequestException,
            SuspiciousOperation,
            jwt.PyJWTError,
            KeyError,
            TypeError,
            ValueError,
        ) as exc:
            # Login.gov unreachable or answering nonsense, or a token that fails its
            # checks: the person is not signed in and is told so.
            logger.warning("Login.gov sign-in failed: %s: %s", type(exc).__name__, exc)
            tell(request, UNREACHABLE)
            return None

    # -- token endpoint ----------------------------------------------------------------

    def get_token(self, payload):
        key_file = settings.OIDC_RP_PRIVATE_KEY_FILE
        if key_file:
            payload.pop("client_secret", None)
            now = int(time.time())
            payload["client_assertion_type"] = CLIENT_ASSERTION_TYPE
            payload["client_assertion"] = jwt.encode(
                {
                    "iss": self.OIDC_RP_CLIENT_ID,
                    "sub": self.OIDC_RP_CLIENT_ID,
                    "aud": self.OIDC_OP_TOKEN_ENDPOINT,
                    "jti": uuid.uuid4().hex,
                    "iat": now,
                    "exp": now + 300,
                },
                _private_key(key_file),
                algorithm="RS256",
            )
        elif not payload.get("client_secret"):
            payload.pop("client_secret", None)
        return super().get_token(payload)

    # -- ID token ----------------------------------------------------------------------

    def _verify_jws(self, payload, key):
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(
                f"ID token signed with {header.get('alg')!r}, "
                f"not {self.OIDC_RP_SIGN_ALGO!r}"
            )
        return jwt.decode(
            payload,
            key,
            algorithms=[self.OIDC_RP_SIGN_ALGO],
            audience=self.OIDC_RP_CLIENT_ID,
            issuer=settings.OIDC_OP_ISSUER,
            leeway=CLOCK_LEEWAY_SECONDS,
            options={"require": ["iss", "aud", "sub", "exp", "iat"]},
        )

    def get_userinfo(self, access_token, id_token, payload):
        claims = super().get_userinfo(access_token, id_token, payload)
        # OpenID Connect Core 5.3.2: the user info must be about the ID token's subject.
        if not isinstance(claims, dict) or claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("user info is about another subject")
        return claims

    # -- who is it ---------------------------------------------------------------------

    def verify_claims(self, claims):
        email = claims.get("email")
        if not email or not isinstance(email, str):
            tell(
                self.request,
                "Login.gov did not share an e-mail address, so we cannot tell which "
                "FM Marketplace account is yours.",
            )
            return False
        if claims.get("email_verified") is not True:
            tell(
                self.request,
                f"Login.gov has not verified the e-mail address {email}. Confirm it "
                "with Login.gov, then sign in again.",
            )
            return False
        return True

    def filter_users_by_claims(self, claims):
        email = claims["email"]
        users = list(
            self.UserModel.objects.filter(email__iexact=email, is_active=True)[:2]
        )
        if not users:
            tell(
                self.request,
                f"No FM Marketplace account uses the e-mail address {email}. "
                "Signing in with Login.gov does not create an account: ask the FM "
                "QSMO (or your organisation's administrator) for one.",
            )
        elif len(users) > 1:
            tell(
                self.request,
                f"More than one FM Marketplace account uses the e-mail address "
                f"{email}, so we cannot tell which is yours. Contact the FM QSMO.",
            )
            return []
        return users

    def create_user(self, claims):
        raise SuspiciousOperation("Login.gov sign-in never creates accounts")


class CallbackView(OIDCAuthenticationCallbackView):
    @property
    def failure_url(self):
        return reverse("marketplace:login")

    def login_failure(self):
        tell(self.request, "Sign-in with Login.gov did not complete. Please try again.")
        return super().login_failure()


def start(request: HttpRequest) -> HttpResponse:
    return OIDCAuthenticationRequestView.as_view()(request)


def callback(request: HttpRequest) -> HttpResponse:
    """Login.gov sends the browser back here with a code (or an error)."""
    if request.GET.get("error"):
        if request.GET["error"] == "access_denied":
            tell(request, "You cancelled signing in with Login.gov.")
        else:
            tell(
                request,
                "Login.gov could not sign you in "
                f"({request.GET['error'][:100]}). Please try again.",
            )
    try:
        return CallbackView.as_view()(request)
    except SuspiciousOperation as exc:
        # A state that this browser never started, or one already used (a replay or
        # the back button): start again rather than show an error page.
        logger.warning("Login.gov callback refused: %s", exc)
        tell(
            request,
            "That Login.gov sign-in has expired or was already used. "
            "Please sign in again.",
        )
        return redirect("marketplace:login")
