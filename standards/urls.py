from django.urls import path

from standards import item_views, views

app_name = "standards"

urlpatterns = [
    path("", views.release_list, name="release-list"),
    path("compare/", views.release_diff, name="release-diff"),
    path("<str:name>/", views.release_detail, name="release-detail"),
    path("<str:name>/export/<str:fmt>/", views.release_export, name="release-export"),
    path(
        "<str:name>/activities/<str:code>/",
        views.activity_detail,
        name="activity-detail",
    ),
    path("<str:name>/capabilities/", views.capability_list, name="capability-list"),
    path(
        "<str:name>/capabilities/<str:code>/",
        views.capability_detail,
        name="capability-detail",
    ),
    path(
        "<str:name>/service-measures/",
        views.service_measure_list,
        name="service-measure-list",
    ),
    path(
        "<str:name>/data-elements/",
        views.data_element_list,
        name="data-element-list",
    ),
    path(
        "<str:name>/data-elements/<str:label>/",
        item_views.data_element_detail,
        name="data-element-detail",
    ),
    path("<str:name>/references/", item_views.reference_list, name="reference-list"),
    path(
        "<str:name>/references/<int:number>/",
        item_views.reference_detail,
        name="reference-detail",
    ),
    path("<str:name>/exchanges/", item_views.exchange_list, name="exchange-list"),
    path(
        "<str:name>/exchanges/<int:position>/",
        item_views.exchange_detail,
        name="exchange-detail",
    ),
    path(
        "<str:name>/specifications/<int:position>/",
        item_views.specification_detail,
        name="specification-detail",
    ),
    path("<str:name>/reports/", item_views.report_list, name="report-list"),
    path(
        "<str:name>/reports/<int:position>/",
        item_views.report_detail,
        name="report-detail",
    ),
    path("<str:name>/change-log/", item_views.change_log, name="change-log"),
]
