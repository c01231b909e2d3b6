"""Everything under ``/api/``: version 1 of the REST API, its schema and its docs.

DRF authenticates each request itself (token or session) and each view states its
permission classes (:mod:`marketplace.api`). Django's ``LoginRequiredMiddleware`` only
knows session users and would send token clients to the sign-in page, so the API
patterns are exempted from it here, in one place; the token settings page is an
ordinary page and keeps the middleware.
"""

import functools
import re
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path, re_path, reverse
from rest_framework import exceptions, permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace import tokens
from marketplace.api import PublicReadOnly

app_name = "api"


class NotFoundView(APIView):
    """Every unknown URL under ``/api/`` answers a 404 in the API's error format (and
    for any method), not the HTML page that the rest of the portal shows."""

    permission_classes = [permissions.AllowAny]
    schema = None

    def initial(self, request, *args, **kwargs):
        raise exceptions.NotFound


# Each app's version-1 patterns, included by name: the plumbing imports no app.
v1: list[URLPattern | URLResolver] = [
    path("", include("standards.api_urls")),
    path("", include("catalog.api_urls")),
    path("", include("brokering.api_urls")),
]


def _templated(route: str) -> str:
    """``offerings/<slug:slug>/`` -> ``offerings/{slug}/`` (the schema's spelling)."""
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def _endpoints(patterns: list[Any], prefix: str = "") -> list[tuple[str, str]]:
    """Every named pattern below ``patterns`` as (name, route), includes flattened."""
    found: list[tuple[str, str]] = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found.extend(_endpoints(pattern.url_patterns, route))
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.append((pattern.name, route))
    return found


def _links(request) -> dict:
    return {
        "schema": request.build_absolute_uri(reverse("api:schema")),
        "docs": request.build_absolute_uri(reverse("api:docs")),
    }


class ApiRoot(APIView):
    """``/api/``: the API's versions, its schema and its documentation."""

    permission_classes = [PublicReadOnly]
    schema = None

    def get(self, request):
        return Response(
            {
                "name": "FM Marketplace API",
                "versions": {"v1": request.build_absolute_uri(reverse("api:v1-root"))},
                **_links(request),
            }
        )


class V1Root(APIView):
    """``/api/v1/``: every endpoint of version 1 (``{name}`` marks a path part to fill
    in), with the schema and documentation that describe them."""

    permission_classes = [PublicReadOnly]
    schema = None

    def get(self, request):
        base = request.build_absolute_uri(reverse("api:v1-root"))
        endpoints = [
            {"name": name, "url": base + _templated(route)}
            for name, route in _endpoints(v1)
            if name != "v1-root"
        ]
        return Response({"version": "v1", **_links(request), "endpoints": endpoints})


v1.insert(0, path("", V1Root.as_view(), name="v1-root"))


def _exempt_from_login_middleware(patterns: list[Any]) -> list[Any]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _exempt_from_login_middleware(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            login_not_required(pattern.callback)
    return patterns


@functools.cache
def _spectacular(name: str):
    """drf-spectacular's views, made on the first request for the schema or the
    docs: their generator imports DRF's test client and unittest (4.5 MB), which no
    other page needs, so a web process does not load them at start."""
    from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

    if name == "schema":
        return SpectacularAPIView.as_view(permission_classes=[PublicReadOnly])
    return SpectacularSwaggerSplitView.as_view(
        url_name="api:schema",
        template_name="marketplace/api_docs.html",
        permission_classes=[PublicReadOnly],
        title="FM Marketplace API",
    )


# Not exempt from Django's CSRF check as DRF's views are (they check it themselves):
# these two answer reads only, and a post to them without a token is refused.
def schema_view(request, *args, **kwargs):
    return _spectacular("schema")(request, *args, **kwargs)


def docs_view(request, *args, **kwargs):
    return _spectacular("docs")(request, *args, **kwargs)


urlpatterns = [
    *_exempt_from_login_middleware([path("", ApiRoot.as_view(), name="root")]),
    path("v1/", include(_exempt_from_login_middleware(v1))),
    *_exempt_from_login_middleware(
        [
            path("schema/", schema_view, name="schema"),
            path("docs/", docs_view, name="docs"),
        ]
    ),
    path("tokens/", tokens.tokens_page, name="tokens"),
    *_exempt_from_login_middleware(
        # [\s\S]: a path holding a line break is still the API's to answer.
        [re_path(r"^(?P<rest>[\s\S]+)$", NotFoundView.as_view(), name="not-found")]
    ),
]
