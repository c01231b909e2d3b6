"""URLs of the provider portal, mounted at ``/provider/``."""

from django.urls import path

from catalog.documents import document_download
from catalog.provider import claim_views, views

app_name = "provider"

urlpatterns = [
    path("", views.home, name="home"),
    path("offerings/new/", views.offering_create_view, name="offering-create"),
    path("offerings/<int:pk>/", views.offering_detail, name="offering-detail"),
    path(
        "offerings/<int:pk>/details/", views.offering_details, name="offering-details"
    ),
    path(
        "offerings/<int:pk>/claims/",
        claim_views.offering_claims,
        name="offering-claims",
    ),
    path(
        "offerings/<int:pk>/claims/import/",
        claim_views.offering_claims_import,
        name="claims-import",
    ),
    path(
        "offerings/<int:pk>/claims/export/",
        claim_views.offering_claims_export,
        name="claims-export",
    ),
    path(
        "offerings/<int:pk>/claims/<slug:kind>/",
        claim_views.offering_kind_claims,
        name="offering-kind-claims",
    ),
    path("claims-template/", claim_views.claims_template_view, name="claims-template"),
    path(
        "offerings/<int:pk>/documents/",
        views.offering_documents,
        name="offering-documents",
    ),
    path("offerings/<int:pk>/review/", views.offering_review, name="offering-review"),
    path(
        "offerings/<int:pk>/submit/", views.offering_submit_view, name="offering-submit"
    ),
    path(
        "offerings/<int:pk>/withdraw/",
        views.offering_withdraw_view,
        name="offering-withdraw",
    ),
    path(
        "offerings/<int:pk>/revise/", views.offering_revise_view, name="offering-revise"
    ),
    path(
        "offerings/<int:pk>/retire/", views.offering_retire_view, name="offering-retire"
    ),
    path(
        "offerings/<int:pk>/discard/",
        views.offering_discard_view,
        name="offering-discard",
    ),
    path(
        "offerings/<int:pk>/history/", views.offering_history, name="offering-history"
    ),
    path("documents/<int:pk>/delete/", views.document_delete, name="document-delete"),
    path("documents/<int:pk>/", document_download, name="document-download"),
    path("account/request/", views.account_request, name="account-request"),
    path(
        "account/set-password/<uidb64>/<token>/",
        views.set_password,
        name="set-password",
    ),
]
