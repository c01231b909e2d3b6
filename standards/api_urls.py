"""Version 1 of the API: the standards releases and their contents.

Mounted under ``/api/v1/`` by :mod:`marketplace.api_urls`, in the ``api`` namespace."""

from django.urls import path

from standards import api

RELEASE = "standards/releases/<stable_id:release>"

urlpatterns = [
    path(
        "standards/releases/",
        api.ReleaseList.as_view(),
        name="release-list",
    ),
    path(f"{RELEASE}/", api.ReleaseDetail.as_view(), name="release-detail"),
    path(
        f"{RELEASE}/functions/",
        api.FunctionList.as_view(),
        name="function-list",
    ),
    path(
        f"{RELEASE}/activities/",
        api.ActivityList.as_view(),
        name="activity-list",
    ),
    path(
        f"{RELEASE}/capabilities/",
        api.CapabilityList.as_view(),
        name="capability-list",
    ),
    path(
        f"{RELEASE}/capabilities/<stable_id:code>/",
        api.CapabilityDetail.as_view(),
        name="capability-detail",
    ),
    path(
        f"{RELEASE}/service-measures/",
        api.ServiceMeasureList.as_view(),
        name="service-measure-list",
    ),
    path(
        f"{RELEASE}/data-elements/",
        api.DataElementList.as_view(),
        name="data-element-list",
    ),
    path(
        f"{RELEASE}/data-elements/<stable_id:label>/",
        api.DataElementDetail.as_view(),
        name="data-element-detail",
    ),
    path(
        f"{RELEASE}/references/",
        api.ReferenceList.as_view(),
        name="reference-list",
    ),
    path(
        f"{RELEASE}/references/<int:number>/",
        api.ReferenceDetail.as_view(),
        name="reference-detail",
    ),
    path(
        f"{RELEASE}/exchanges/",
        api.ExchangeList.as_view(),
        name="exchange-list",
    ),
    path(
        f"{RELEASE}/exchanges/<int:position>/",
        api.ExchangeDetail.as_view(),
        name="exchange-detail",
    ),
    path(
        f"{RELEASE}/specifications/<int:position>/",
        api.SpecificationDetail.as_view(),
        name="specification-detail",
    ),
    path(
        f"{RELEASE}/reports/",
        api.ReportList.as_view(),
        name="report-list",
    ),
    path(
        f"{RELEASE}/reports/<int:position>/",
        api.ReportDetail.as_view(),
        name="report-detail",
    ),
]
