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

:func:`cached_per_session` keeps a signed-in page (the brokers' dashboard) for one
session of one user, under the versions of every scope it shows and today's date;
the decorators in front of it (the role check) run on every request, and the page's
CSRF token is put in at serve time, so a kept page is never another user's and never
carries a token this request cannot post.
"""

import contextlib
import functools
import hashlib
import threading
import zlib
from collections.abc import Iterator

from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.response import SimpleTemplateResponse
from django.utils import timezone

from marketplace import memory

KEY_PREFIX = "page"


def _read_versions(scopes: tuple[str, ...]) -> dict[str, int]:
    """The stored versions of ``scopes`` (a scope never bumped has no row).

    A plain statement, not the ORM's: every kept page reads it, and building and
    compiling the ORM's query cost ten times the query itself (0.45 ms of a kept
    page's CPU, docs/performance.md)."""
    from marketplace.models import PageStamp

    table = connection.ops.quote_name(PageStamp._meta.db_table)
    placeholders = ", ".join(["%s"] * len(scopes))
    with connection.cursor() as cursor:
        cursor.execute(
            # Only the table's name and one placeholder per scope are put in.
            f"SELECT scope, version FROM {table} WHERE scope IN ({placeholders})",  # noqa: S608  # nosec B608
            list(scopes),
        )
        return dict(cursor.fetchall())


def version(scope: str) -> int:
    return _read_versions((scope,)).get(scope, 0)


def versions(scopes: tuple[str, ...]) -> str:
    """The versions of several scopes, in one query, as one part of a key."""
    found = _read_versions(scopes)
    return ".".join(str(found.get(scope, 0)) for scope in scopes)


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


class _OneRender:
    """One render per page at a time in a process: the threads that miss the same
    key while it is being rendered wait for that render and serve what it kept,
    rather than each rendering it (the bench's 16 connections on a cold coverage
    page rendered it four times at once in a worker: CPU spent four times and the
    worker's memory peak 6-11 MB higher, docs/performance.md, finding 47)."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        # key -> [its lock, how many threads hold it or wait for it]
        self._keys: dict[str, list] = {}

    @contextlib.contextmanager
    def __call__(self, key: str) -> Iterator[None]:
        with self._guard:
            entry = self._keys.setdefault(key, [threading.Lock(), 0])
            entry[1] += 1
        try:
            with entry[0]:
                yield
        finally:
            with self._guard:
                entry[1] -= 1
                if not entry[1]:
                    del self._keys[key]

    def threads(self, key: str) -> int:
        """How many threads render or wait to render ``key`` now."""
        with self._guard:
            entry = self._keys.get(key)
            return entry[1] if entry else 0


_one_render = _OneRender()


def _kept_response(kept) -> HttpResponse:
    content_type, packed = kept
    return HttpResponse(zlib.decompress(packed), content_type=content_type)


def cached_for_visitors(scope: str):
    """Serve the view's 200 answers to visitors from the cache, per URL and scope
    version; a page missing from the cache is rendered by one thread of the process
    at a time (:class:`_OneRender`)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _cacheable(request):
                return view(request, *args, **kwargs)
            key = _key(scope, request)
            kept = cache.get(key)
            if kept is not None:
                return _kept_response(kept)
            with _one_render(key):
                kept = cache.get(key)  # rendered while this thread waited
                if kept is not None:
                    return _kept_response(kept)
                response = view(request, *args, **kwargs)
                if (
                    response.status_code == 200
                    and not response.streaming
                    and not response.cookies
                ):
                    # Compressed: pages are mostly markup (a tenth of the size),
                    # and a web process's memory holds hundreds of them.
                    cache.set(
                        key,
                        (response["Content-Type"], zlib.compress(response.content, 1)),
                        settings.PAGE_CACHE_SECONDS,
                    )
            return response

        return wrapper

    return decorator


class StaleOnAdminSave:
    """A model admin whose saves and deletes change what cached pages show: the
    versions of its ``page_scopes`` are bumped in the same request."""

    page_scopes: tuple[str, ...] = ()

    def _pages_stale(self) -> None:
        for scope in self.page_scopes:
            bump(scope)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        self._pages_stale()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)  # type: ignore[misc]
        self._pages_stale()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)  # type: ignore[misc]
        self._pages_stale()


# What a page kept per session holds where its CSRF token goes: the token of the
# request that is served is put in its place (letters only: HTML-escaping keeps it).
CSRF_PLACEHOLDER = "csrftokenkeptoutofthepagecache"


def _session_key(scopes: tuple[str, ...], request) -> str | None:
    """The key of the page of this request's user and session, or ``None`` when the
    request is not to be cached: not a GET, not signed in, no session yet, or
    messages waiting (a render shows and uses them up)."""
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if (
        request.method != "GET"
        or not request.user.is_authenticated
        or not session_key
        or len(get_messages(request))
    ):
        return None
    mine = hashlib.sha256(
        f"{session_key}:{request.get_full_path()}".encode()
    ).hexdigest()
    return (
        f"{KEY_PREFIX}:session:{versions(scopes)}:{timezone.localdate().isoformat()}"
        f":{request.user.pk}:{mine}"
    )


def _with_token(request, body: bytes) -> bytes:
    return body.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())


def cached_per_session(*scopes: str, seconds_setting: str):
    """Serve a signed-in user's page (a view answering a ``TemplateResponse``) from
    the cache, per user, session, URL, the versions of ``scopes`` (every change of
    what the page shows bumps one of them) and today's date (ages counted in days);
    ``settings.<seconds_setting>`` bounds how long a page is kept (what ages by the
    hour or minute is at most that late), 0 turns it off."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            seconds = getattr(settings, seconds_setting)
            key = _session_key(scopes, request) if seconds > 0 else None
            if key is None:
                return view(request, *args, **kwargs)
            kept = cache.get(key)
            if kept is not None:
                content_type, packed = kept
                return HttpResponse(
                    _with_token(request, zlib.decompress(packed)),
                    content_type=content_type,
                )
            response = view(request, *args, **kwargs)
            if (
                not isinstance(response, SimpleTemplateResponse)
                or response.status_code != 200
                or response.is_rendered
            ):
                return response
            # Rendered with the placeholder, kept so, and served with this
            # request's own token (which also renews the CSRF cookie, as a render
            # does).
            response.context_data = {
                **(response.context_data or {}),
                "csrf_token": CSRF_PLACEHOLDER,
            }
            response.render()
            if not response.cookies:
                cache.set(
                    key,
                    (response["Content-Type"], zlib.compress(response.content, 1)),
                    seconds,
                )
            response.content = _with_token(request, response.content)
            return response

        return wrapper

    return decorator


# How long a value computed for a scope is kept at most (the scope's version makes it
# stale at once when what it shows changes).
VALUE_SECONDS = 3600
# One computation at a time per process: the threads of a worker that ask for a value
# while it is being computed wait for it, rather than each reading the same rows (the
# bench's 16 connections on a cold coverage page made four at once: a worker's peak
# 28 MB higher). Re-entrant, for a value computed from another.
_computing = threading.RLock()


def cached_value(scope: str, name: str, compute, *, extra: str = ""):
    """``compute()``, kept in the cache under ``scope``'s version: a costly read (the
    market picture over every claim) is made once per change of what it reads, for
    every reader, signed in or not. ``extra`` adds to the key what else the value
    depends on (today's date for a value that ages)."""
    key = f"value:{scope}:{version(scope)}:{name}:{extra}"
    found = cache.get(key)
    if found is None:
        with _computing:
            found = cache.get(key)
            if found is None:
                found = compute()
                cache.set(key, found, VALUE_SECONDS)
                # What the computation read is freed: its pages go back to the
                # system rather than keep the worker at the read's peak.
                memory.release_free_memory()
    return found
