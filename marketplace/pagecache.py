"""Whole-page caching of public pages for visitors who are not signed in.

A visitor without a session sees exactly the same catalog page as every other such
visitor, and the catalog changes a few times a day while it is read all day: so the
rendered body of such a page is kept in the cache (``CACHES["default"]``; Redis with
``DJANGO_CACHE_URL``) under its full URL and the *version* of its scope
(:class:`marketplace.models.PageStamp`). Whatever changes what those pages show calls
:func:`bump` in its own transaction (the catalog does it on ``offerings_changed``, on a
new current standards release, and on provider and contract-vehicle saves), so the next
request renders afresh; ``PAGE_CACHE_SECONDS`` bounds how long a page is kept at all.

:func:`cached_value` keeps a computed value (not a page) under the same versions, for
reads that cost too much to make on every request, signed in or not.

Only the view's answer is cached: every middleware (security headers, CSP, sessions)
still runs on every request. Requests that carry a session or a message cookie,
signed-in users, and anything but a 200 answer to a GET are never cached.
"""

import functools
import hashlib
import zlib

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db.models import F
from django.http import HttpResponse

KEY_PREFIX = "page"


def version(scope: str) -> int:
    from marketplace.models import PageStamp

    return (
        PageStamp.objects.filter(scope=scope).values_list("version", flat=True).first()
        or 0
    )


def bump(scope: str) -> None:
    """Make every cached page of ``scope`` stale (call it inside the transaction that
    makes the change; it commits or rolls back with it)."""
    from marketplace.models import PageStamp

    if not PageStamp.objects.filter(scope=scope).update(version=F("version") + 1):
        PageStamp.objects.get_or_create(scope=scope, defaults={"version": 1})


def _cacheable(request) -> bool:
    if request.method != "GET" or settings.PAGE_CACHE_SECONDS <= 0:
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return False
    return not request.user.is_authenticated


def _key(scope: str, request) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"{KEY_PREFIX}:{scope}:{version(scope)}:{path}"


def cached_for_visitors(scope: str):
    """Serve the view's 200 answers to visitors from the cache, per URL and scope
    version."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _cacheable(request):
                return view(request, *args, **kwargs)
            key = _key(scope, request)
            kept = cache.get(key)
            if kept is not None:
                content_type, packed = kept
                return HttpResponse(zlib.decompress(packed), content_type=content_type)
            response = view(request, *args, **kwargs)
            if (
                response.status_code == 200
                and not response.streaming
                and not response.cookies
            ):
                # Compressed: pages are mostly markup (a tenth of the size), and a
                # web process's memory holds hundreds of them.
                cache.set(
                    key,
                    (response["Content-Type"], zlib.compress(response.content, 1)),
                    settings.PAGE_CACHE_SECONDS,
                )
            return response

        return wrapper

    return decorator


# How long a value computed for a scope is kept at most (the scope's version makes it
# stale at once when what it shows changes).
VALUE_SECONDS = 3600


def cached_value(scope: str, name: str, compute, *, extra: str = ""):
    """``compute()``, kept in the cache under ``scope``'s version: a costly read (the
    market picture over every claim) is made once per change of what it reads, for
    every reader, signed in or not. ``extra`` adds to the key what else the value
    depends on (today's date for a value that ages)."""
    key = f"value:{scope}:{version(scope)}:{name}:{extra}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, VALUE_SECONDS)
    return found
