"""Security controls that Django and its libraries do not give out of the box.

* :class:`LockoutBackend` - django-axes' lockout check, for sign-ins that come from a
  request (the sign-in page, Login.gov); sign-ins without one (management commands,
  ``Client.login`` in tests) come from no network address and are not counted.
* :class:`SessionIdleTimeoutMiddleware` - ends a sign-in after
  ``SESSION_IDLE_SECONDS`` without a request (FedRAMP AC-11/AC-12); the absolute
  lifetime is ``SESSION_COOKIE_AGE``.
* :class:`RateLimitMiddleware` - at most N sign-in attempts and N uploads per window,
  per signed-in user or per address, answered with a clear 429 page.
* :func:`client_ip` - the one place that decides a request's address.
"""

import logging
import time

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.messages import add_message, constants
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

logger = logging.getLogger(__name__)

LAST_SEEN_KEY = "marketplace_last_seen"
# Writing the session on every request would cost a database write per page; the
# last-seen time only needs to be this fresh for an idle limit measured in minutes.
LAST_SEEN_RESOLUTION_SECONDS = 60


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or the entry ``PROXY_COUNT`` proxies back
    in X-Forwarded-For when the portal runs behind that many proxies. ``None`` for a
    request that came from no network (a sign-in made in code)."""
    proxies = settings.PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check, skipped for sign-ins that come with no request."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(
            request, username=username, password=password, **kwargs
        )


class SessionIdleTimeoutMiddleware:
    """Sign out a user whose last request is older than ``SESSION_IDLE_SECONDS``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if (
                isinstance(last_seen, int)
                and now - last_seen > settings.SESSION_IDLE_SECONDS
            ):
                logout(request)
                add_message(
                    request,
                    constants.INFO,
                    "You were signed out after a period without activity. "
                    "Please sign in again.",
                )
            elif (
                not isinstance(last_seen, int)
                or now - last_seen >= LAST_SEEN_RESOLUTION_SECONDS
            ):
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


def parse_rate(rate: str) -> tuple[int, int]:
    """``"20/300"`` -> (20 requests, 300 seconds)."""
    try:
        count, seconds = (int(part) for part in rate.split("/"))
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"a rate limit is written COUNT/SECONDS, like 20/300, not {rate!r}"
        ) from exc
    if count < 1 or seconds < 1:
        raise ImproperlyConfigured(f"a rate limit must be positive, not {rate!r}")
    return count, seconds


def rate_limit_hit(*, scope: str, key: str) -> int | None:
    """Count one request for ``key`` in ``scope``; the seconds to wait when it is one
    too many, else ``None``. Fixed windows: a counter per window, expiring with it."""
    count, seconds = parse_rate(settings.RATE_LIMITS[scope] or "")
    window = int(time.time()) // seconds
    cache_key = f"ratelimit:{scope}:{key}:{window}"
    cache.add(cache_key, 0, timeout=seconds + 1)
    try:
        used = cache.incr(cache_key)
    except ValueError:
        # The counter expired between add() and incr(): this request opens a window.
        cache.set(cache_key, 1, timeout=seconds + 1)
        used = 1
    if used > count:
        return seconds - int(time.time()) % seconds
    return None


class RateLimitMiddleware:
    """Rate limits for the sign-in form and for uploads outside the API.

    An upload is any multipart POST; the API under ``/api/`` is throttled by DRF.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        scope = self.scope_of(request)
        if scope is not None:
            user = getattr(request, "user", None)
            key = (
                f"user:{user.pk}"
                if user is not None and user.is_authenticated
                else f"ip:{client_ip(request) or 'unknown'}"
            )
            retry_after = rate_limit_hit(scope=scope, key=key)
            if retry_after is not None:
                logger.warning("rate limit %s exceeded by %s", scope, key)
                response = render(
                    request,
                    "429.html",
                    {"scope": scope, "retry_after_minutes": -(-retry_after // 60)},
                    status=429,
                )
                response["Retry-After"] = str(retry_after)
                return response
        return self.get_response(request)

    @staticmethod
    def scope_of(request: HttpRequest) -> str | None:
        if request.method != "POST":
            return None
        if request.path == reverse("marketplace:login"):
            return "sign-in"
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("multipart/form-data") and not (
            request.path.startswith("/api/")
        ):
            return "upload"
        return None


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """django-axes' answer to a locked-out sign-in: a page that says what happened,
    for how long, and that the right password will not help until then."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    logger.warning("sign-in locked out for %r from %s", username, client_ip(request))
    return render(
        request,
        "registration/locked_out.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "username": username,
            "lockout_minutes": round(settings.AXES_COOLOFF_TIME * 60),
        },
        status=429,
    )
