"""``/provider/requests/``: the provider's side of market research rounds."""

from django.urls import path

from brokering.rounds import evidence, provider_views

app_name = "requests"

urlpatterns = [
    path("", provider_views.request_list, name="request-list"),
    path("<int:invitation_id>/", provider_views.request_detail, name="request-detail"),
    path(
        "<int:invitation_id>/evidence/<int:document_id>/",
        evidence.request_evidence,
        name="request-evidence",
    ),
    path(
        "<int:invitation_id>/workbook/",
        provider_views.request_workbook,
        name="request-workbook",
    ),
    path(
        "<int:invitation_id>/workbook.xlsx",
        provider_views.request_workbook_file,
        name="request-workbook-file",
    ),
    path(
        "<int:invitation_id>/questions/",
        provider_views.request_question,
        name="request-question",
    ),
]
