"""Errors raised before DRF answers (a body too large, a server error) still come in
the API's JSON error format; the pages keep their HTML error pages."""

import json

import pytest
from django.test import Client, override_settings
from django.urls import include, path

from marketplace.roles import public

pytestmark = pytest.mark.django_db

BIG = "x" * 3_000_000  # over Django's 2.5 MB DATA_UPLOAD_MAX_MEMORY_SIZE


def signed_in(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (json.dumps({"name": BIG}), "application/json"),
        (f"name={BIG}", "application/x-www-form-urlencoded"),
    ],
)
def test_a_too_large_body_is_a_json_413(provider_user, data, content_type):
    response = signed_in(provider_user).generic(
        "POST", "/api/v1/provider/offerings/", data, content_type=content_type
    )
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "too_large" and "larger than 2 MB" in error["message"]


def test_a_too_large_form_on_a_page_keeps_the_html_page(provider_user):
    response = signed_in(provider_user).post("/catalog/shortlists/", {"name": BIG})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


@public
def boom(request):
    raise RuntimeError("the server failed")


urlpatterns = [
    path("api/v1/boom/", boom),
    path("page/boom/", boom),
    path("", include("marketplace.urls")),
]
handler500 = "marketplace.views.error_500"


@override_settings(ROOT_URLCONF=__name__)
def test_a_server_error_in_the_api_is_a_json_500():
    response = Client(raise_request_exception=False).get("/api/v1/boom/")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"
    page = Client(raise_request_exception=False).get("/page/boom/")
    assert page.status_code == 500
    assert page["Content-Type"].startswith("text/html")
