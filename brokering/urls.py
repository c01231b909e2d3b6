from django.urls import path, register_converter

from brokering import follow_views, kind_views, outcome_views, views, workbook_views
from brokering.rounds import urls as round_urls


class SpreadsheetFormat:
    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SpreadsheetFormat, "sheet")

app_name = "brokering"

urlpatterns = [
    path("", views.need_list, name="need-list"),
    path("new/", views.need_create, name="need-create"),
    path("new/workbook/", workbook_views.need_workbook_new, name="need-workbook-new"),
    path(
        "<int:need_id>/workbook.xlsx",
        workbook_views.need_workbook,
        name="need-workbook",
    ),
    path(
        "<int:need_id>/workbook/",
        workbook_views.need_workbook_upload,
        name="need-workbook-upload",
    ),
    path("<int:need_id>/", views.need_detail, name="need-detail"),
    path("<int:need_id>/edit/", views.need_edit, name="need-edit"),
    path("<int:need_id>/functions/", views.need_functions, name="need-functions"),
    path("<int:need_id>/priorities/", views.need_priorities, name="need-priorities"),
    path(
        "<int:need_id>/items/<slug:kind>/",
        kind_views.need_kind_items,
        name="need-kind-items",
    ),
    path(
        "<int:need_id>/priorities.<sheet:fmt>",
        views.need_priorities_export,
        name="need-priorities-export",
    ),
    path(
        "<int:need_id>/priorities/import/",
        views.need_priorities_import,
        name="need-priorities-import",
    ),
    path("<int:need_id>/review/", views.need_review, name="need-review"),
    path("<int:need_id>/clone/", views.need_clone, name="need-clone"),
    path("<int:need_id>/archive/", views.need_archive, name="need-archive"),
    path("<int:need_id>/rescore/", views.need_rescore, name="need-rescore"),
    path("<int:need_id>/follow/", follow_views.need_follow_view, name="need-follow"),
    path(
        "<int:need_id>/unfollow/",
        follow_views.need_unfollow_view,
        name="need-unfollow",
    ),
    path("<int:need_id>/results/", outcome_views.need_results, name="need-results"),
    path(
        "<int:need_id>/results/status/",
        outcome_views.need_results_status,
        name="need-results-status",
    ),
    path("<int:need_id>/matrix/", outcome_views.need_matrix, name="need-matrix"),
    path(
        "<int:need_id>/matches/<int:match_id>/",
        outcome_views.match_detail,
        name="match-detail",
    ),
    path(
        "<int:need_id>/matches/<int:match_id>/shortlist/",
        outcome_views.match_shortlist,
        name="match-shortlist",
    ),
    path("<int:need_id>/fit-gap/", outcome_views.need_report, name="need-report"),
    path(
        "<int:need_id>/fit-gap.<sheet:fmt>",
        outcome_views.need_report_download,
        name="need-report-download",
    ),
]

urlpatterns += round_urls.urlpatterns
