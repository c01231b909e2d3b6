"""Everything under ``/api/``: version 1 of the REST API, its schema and its docs.

DRF authenticates each request itself (token or session) and each view states its
permission classes (:mod:`marketplace.api`). Django's ``LoginRequiredMiddleware`` only
knows session users and would send token clients to the sign-in page, so the API
patterns are exempted from it here, in one place; the token settings page is an
ordinary page and keeps the middleware.
"""

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, include, path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions, permissions
from rest_framework.views import APIView

from brokering import api as brokering_api
from catalog import api as catalog_api
from marketplace import tokens
from marketplace.api import PublicReadOnly
from standards import api as standards_api

app_name = "api"


class NotFoundView(APIView):
    """Every unknown URL under ``/api/`` answers a 404 in the API's error format (and
    for any method), not the HTML page that the rest of the portal shows."""

    permission_classes = [permissions.AllowAny]
    schema = None

    def initial(self, request, *args, **kwargs):
        raise exceptions.NotFound


class StableIdConverter:
    """A release name or an item code in a path: like ``str`` but without NUL, which
    PostgreSQL cannot compare with (such a path is simply not found)."""

    regex = "[^/\x00]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(StableIdConverter, "stable_id")

RELEASE = "standards/releases/<stable_id:release>"

v1 = [
    path(
        "standards/releases/",
        standards_api.ReleaseList.as_view(),
        name="release-list",
    ),
    path(f"{RELEASE}/", standards_api.ReleaseDetail.as_view(), name="release-detail"),
    path(
        f"{RELEASE}/functions/",
        standards_api.FunctionList.as_view(),
        name="function-list",
    ),
    path(
        f"{RELEASE}/activities/",
        standards_api.ActivityList.as_view(),
        name="activity-list",
    ),
    path(
        f"{RELEASE}/capabilities/",
        standards_api.CapabilityList.as_view(),
        name="capability-list",
    ),
    path(
        f"{RELEASE}/capabilities/<stable_id:code>/",
        standards_api.CapabilityDetail.as_view(),
        name="capability-detail",
    ),
    path(
        f"{RELEASE}/service-measures/",
        standards_api.ServiceMeasureList.as_view(),
        name="service-measure-list",
    ),
    path(
        f"{RELEASE}/data-elements/",
        standards_api.DataElementList.as_view(),
        name="data-element-list",
    ),
    path(
        f"{RELEASE}/data-elements/<stable_id:label>/",
        standards_api.DataElementDetail.as_view(),
        name="data-element-detail",
    ),
    path(
        f"{RELEASE}/references/",
        standards_api.ReferenceList.as_view(),
        name="reference-list",
    ),
    path(
        f"{RELEASE}/references/<int:number>/",
        standards_api.ReferenceDetail.as_view(),
        name="reference-detail",
    ),
    path(
        f"{RELEASE}/exchanges/",
        standards_api.ExchangeList.as_view(),
        name="exchange-list",
    ),
    path(
        f"{RELEASE}/exchanges/<int:position>/",
        standards_api.ExchangeDetail.as_view(),
        name="exchange-detail",
    ),
    path(
        f"{RELEASE}/specifications/<int:position>/",
        standards_api.SpecificationDetail.as_view(),
        name="specification-detail",
    ),
    path(
        f"{RELEASE}/reports/",
        standards_api.ReportList.as_view(),
        name="report-list",
    ),
    path(
        f"{RELEASE}/reports/<int:position>/",
        standards_api.ReportDetail.as_view(),
        name="report-detail",
    ),
    path("providers/", catalog_api.ProviderList.as_view(), name="provider-list"),
    path(
        "providers/<slug:slug>/",
        catalog_api.ProviderDetail.as_view(),
        name="provider-detail",
    ),
    path("offerings/", catalog_api.OfferingList.as_view(), name="offering-list"),
    path(
        "offerings/<slug:slug>/",
        catalog_api.OfferingDetail.as_view(),
        name="offering-detail",
    ),
    path(
        "offerings/<slug:slug>/claims/",
        catalog_api.OfferingClaimList.as_view(),
        name="offering-claim-list",
    ),
    path(
        "provider/offerings/",
        catalog_api.ProviderOfferingList.as_view(),
        name="own-offering-list",
    ),
    path(
        "provider/offerings/<slug:slug>/",
        catalog_api.ProviderOfferingDetail.as_view(),
        name="own-offering-detail",
    ),
    path(
        "provider/offerings/<slug:slug>/submit/",
        catalog_api.ProviderOfferingSubmit.as_view(),
        name="own-offering-submit",
    ),
    path(
        "provider/offerings/<slug:slug>/withdraw/",
        catalog_api.ProviderOfferingWithdraw.as_view(),
        name="own-offering-withdraw",
    ),
    path(
        "provider/offerings/<slug:slug>/claims/",
        catalog_api.ProviderClaimList.as_view(),
        name="own-claim-list",
    ),
    path(
        "provider/offerings/<slug:slug>/claims/<stable_id:code>/",
        catalog_api.ProviderClaimDetail.as_view(),
        name="own-claim-detail",
    ),
    path("changes/", catalog_api.ChangeList.as_view(), name="change-list"),
    path("needs/", brokering_api.NeedList.as_view(), name="need-list"),
    path(
        "needs/<int:need_id>/", brokering_api.NeedDetail.as_view(), name="need-detail"
    ),
    path(
        "needs/<int:need_id>/archive/",
        brokering_api.NeedArchive.as_view(),
        name="need-archive",
    ),
    path(
        "needs/<int:need_id>/workbook/",
        brokering_api.NeedWorkbook.as_view(),
        name="need-workbook",
    ),
    path(
        "needs/<int:need_id>/items/",
        brokering_api.NeedItemList.as_view(),
        name="need-item-list",
    ),
    path(
        "needs/<int:need_id>/score/",
        brokering_api.NeedScore.as_view(),
        name="need-score",
    ),
    path(
        "needs/<int:need_id>/runs/",
        brokering_api.NeedRunList.as_view(),
        name="need-run-list",
    ),
    path(
        "needs/<int:need_id>/matches/",
        brokering_api.MatchList.as_view(),
        name="match-list",
    ),
    path(
        "needs/<int:need_id>/matches/<int:match_id>/",
        brokering_api.MatchDetail.as_view(),
        name="match-detail",
    ),
]


def _exempt_from_login_middleware(patterns: list) -> list:
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
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
