"""Version 1 of the API: providers, offerings and their claims, a provider's own
listings, and the change feed.

Mounted under ``/api/v1/`` by :mod:`marketplace.api_urls`, in the ``api`` namespace."""

from django.urls import path

from catalog import api, api_item_claims

urlpatterns = [
    path("providers/", api.ProviderList.as_view(), name="provider-list"),
    path(
        "providers/<slug:slug>/",
        api.ProviderDetail.as_view(),
        name="provider-detail",
    ),
    path("offerings/", api.OfferingList.as_view(), name="offering-list"),
    path(
        "offerings/<slug:slug>/",
        api.OfferingDetail.as_view(),
        name="offering-detail",
    ),
    path(
        "offerings/<slug:slug>/claims/",
        api.OfferingClaimList.as_view(),
        name="offering-claim-list",
    ),
    path(
        "offerings/<slug:slug>/item-claims/",
        api_item_claims.OfferingItemClaimList.as_view(),
        name="offering-item-claim-list",
    ),
    path(
        "documents/<int:pk>/",
        api.DocumentDownload.as_view(),
        name="document-download",
    ),
    path(
        "provider/offerings/",
        api.ProviderOfferingList.as_view(),
        name="own-offering-list",
    ),
    path(
        "provider/offerings/<slug:slug>/",
        api.ProviderOfferingDetail.as_view(),
        name="own-offering-detail",
    ),
    path(
        "provider/offerings/<slug:slug>/submit/",
        api.ProviderOfferingSubmit.as_view(),
        name="own-offering-submit",
    ),
    path(
        "provider/offerings/<slug:slug>/withdraw/",
        api.ProviderOfferingWithdraw.as_view(),
        name="own-offering-withdraw",
    ),
    path(
        "provider/offerings/<slug:slug>/claims/",
        api.ProviderClaimList.as_view(),
        name="own-claim-list",
    ),
    path(
        "provider/offerings/<slug:slug>/item-claims/",
        api_item_claims.ProviderItemClaimList.as_view(),
        name="own-item-claim-list",
    ),
    path(
        "provider/offerings/<slug:slug>/claims/<stable_id:code>/",
        api.ProviderClaimDetail.as_view(),
        name="own-claim-detail",
    ),
    path("changes/", api.ChangeList.as_view(), name="change-list"),
]
