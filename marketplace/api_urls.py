"""Everything under ``/api/``: version 1 of the REST API, its schema and its docs.

DRF authenticates each request itself (token or session) and each view states its
permission classes (:mod:`marketplace.api`). Django's ``LoginRequiredMiddleware`` only
knows session users and would send token clients to the sign-in page, so the API
patterns are exempted from it here, in one place; the token settings page is an
ordinary page and keeps the middleware.
"""

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions, permissions
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
v1 = [
    path("", include("standards.api_urls")),
    path("", include("catalog.api_urls")),
    path("", include("brokering.api_urls")),
]


def _exempt_from_login_middleware(patterns: list[Any]) -> list[Any]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _exempt_from_login_middleware(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            login_not_required(pattern.callback)
    return patterns


schema_view = SpectacularAPIView.as_view(permission_classes=[PublicReadOnly])
docs_view = SpectacularSwaggerSplitView.as_view(
    url_name="api:schema",
    template_name="marketplace/api_docs.html",
    permission_classes=[PublicReadOnly],
    title="FM Marketplace API",
)

urlpatterns = [
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
