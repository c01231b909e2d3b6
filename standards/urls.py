from django.urls import path

from standards import views

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
]
