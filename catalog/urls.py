from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.offering_list, name="offering-list"),
    path("offerings/<slug:slug>/", views.offering_detail, name="offering-detail"),
    path("coverage/", views.coverage, name="coverage"),
    path(
        "coverage/<str:table>.csv",
        views.coverage_csv,
        name="coverage-csv",
    ),
    path("compare/", views.compare, name="compare"),
    path("compare/export.csv", views.compare_csv, name="compare-csv"),
    path("compare/export.xlsx", views.compare_xlsx, name="compare-xlsx"),
    path("searches/", views.saved_search_list, name="saved-search-list"),
    path(
        "searches/<int:pk>/delete/",
        views.saved_search_delete,
        name="saved-search-delete",
    ),
    path("shortlists/", views.shortlist_list, name="shortlist-list"),
    path("shortlists/add/", views.shortlist_add, name="shortlist-add"),
    path(
        "shortlists/<uuid:public_id>/",
        views.shortlist_detail,
        name="shortlist-detail",
    ),
    path(
        "shortlists/<uuid:public_id>/remove/",
        views.shortlist_remove,
        name="shortlist-remove",
    ),
    path(
        "shortlists/<uuid:public_id>/delete/",
        views.shortlist_delete,
        name="shortlist-delete",
    ),
]
