"""The agency's round pages, in the ``brokering`` namespace (under ``/needs/``)."""

from django.urls import path

from brokering.rounds import evidence, views

urlpatterns = [
    path("<int:need_id>/rounds/", views.need_rounds, name="need-rounds"),
    path("<int:need_id>/rounds/new/", views.round_open, name="round-open"),
    path("rounds/<int:round_id>/", views.round_detail, name="round-detail"),
    path(
        "rounds/<int:round_id>/responses/<int:invitation_id>/",
        views.round_response,
        name="round-response",
    ),
    path(
        "rounds/<int:round_id>/evidence/<int:document_id>/",
        evidence.round_evidence,
        name="round-evidence",
    ),
    path(
        "rounds/<int:round_id>/questions/<int:question_id>/reply/",
        views.question_reply,
        name="round-question-reply",
    ),
    path("rounds/<int:round_id>/extend/", views.round_extend, name="round-extend"),
    path("rounds/<int:round_id>/cancel/", views.round_cancel, name="round-cancel"),
    path("rounds/<int:round_id>/decide/", views.round_decide, name="round-decide"),
    path(
        "rounds/<int:round_id>/package.zip",
        views.round_package,
        name="round-package",
    ),
]
