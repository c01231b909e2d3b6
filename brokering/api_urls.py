"""Version 1 of the API: an agency's needs, their items, scoring runs and matches.

Mounted under ``/api/v1/`` by :mod:`marketplace.api_urls`, in the ``api`` namespace."""

from django.urls import path

from brokering import api
from brokering.rounds import api as rounds_api

urlpatterns = [
    path("needs/", api.NeedList.as_view(), name="need-list"),
    path("needs/<int:need_id>/", api.NeedDetail.as_view(), name="need-detail"),
    path(
        "needs/<int:need_id>/archive/",
        api.NeedArchive.as_view(),
        name="need-archive",
    ),
    path(
        "needs/<int:need_id>/workbook/",
        api.NeedWorkbook.as_view(),
        name="need-workbook",
    ),
    path(
        "needs/<int:need_id>/items/",
        api.NeedItemList.as_view(),
        name="need-item-list",
    ),
    path(
        "needs/<int:need_id>/score/",
        api.NeedScore.as_view(),
        name="need-score",
    ),
    path(
        "needs/<int:need_id>/runs/",
        api.NeedRunList.as_view(),
        name="need-run-list",
    ),
    path(
        "needs/<int:need_id>/matches/",
        api.MatchList.as_view(),
        name="match-list",
    ),
    path(
        "needs/<int:need_id>/matches/<int:match_id>/",
        api.MatchDetail.as_view(),
        name="match-detail",
    ),
    path("rounds/", rounds_api.RoundList.as_view(), name="round-list"),
    path(
        "rounds/<int:round_id>/",
        rounds_api.RoundDetail.as_view(),
        name="round-detail",
    ),
    path(
        "rounds/<int:round_id>/questions/<int:question_id>/reply/",
        rounds_api.RoundQuestionReply.as_view(),
        name="round-question-reply",
    ),
    path("provider/requests/", rounds_api.RequestList.as_view(), name="request-list"),
    path(
        "provider/requests/<int:invitation_id>/",
        rounds_api.RequestDetail.as_view(),
        name="request-detail",
    ),
    path(
        "provider/requests/<int:invitation_id>/response/",
        rounds_api.RequestResponse.as_view(),
        name="request-response",
    ),
    path(
        "provider/requests/<int:invitation_id>/submit/",
        rounds_api.RequestSubmit.as_view(),
        name="request-submit",
    ),
]
