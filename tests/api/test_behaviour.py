"""What every endpoint shares: the error format, pagination, throttling, the schema
and its docs page, the token settings page."""

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token

from tests.api.world import build_api_world
from tests.standards.factories import CapabilityFactory

pytestmark = pytest.mark.django_db


def _error(response) -> dict:
    return response.json()["error"]


def test_a_bad_filter_is_a_400_naming_the_parameter(anonymous, personas):
    world = build_api_world(personas)
    url = f"/api/v1/standards/releases/{world.release.name}/capabilities/"
    response = anonymous.get(url, {"kind": "Z"})
    assert response.status_code == 400
    error = _error(response)
    assert error["status"] == 400
    assert list(error["fields"]) == ["kind"]
    assert "kind" in error["message"]


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5"])
def test_a_page_that_is_not_a_positive_number_is_a_400(anonymous, personas, page):
    build_api_world(personas)
    response = anonymous.get("/api/v1/standards/releases/", {"page": page})
    assert response.status_code == 400
    assert list(_error(response)["fields"]) == ["page"]


def test_a_page_past_the_end_is_a_404_in_the_error_format(anonymous, personas):
    build_api_world(personas)
    response = anonymous.get("/api/v1/standards/releases/", {"page": "99999"})
    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"


@pytest.mark.parametrize("size", ["0", "201", "many"])
def test_a_bad_page_size_is_a_400(anonymous, personas, size):
    build_api_world(personas)
    response = anonymous.get("/api/v1/standards/releases/", {"page_size": size})
    assert response.status_code == 400
    assert list(_error(response)["fields"]) == ["page_size"]


def test_lists_are_paginated(anonymous, personas):
    world = build_api_world(personas)
    for index in range(3):
        CapabilityFactory(
            release=world.release,
            activity=world.capability.activity,
            function=world.function,
            code=f"FFM.010.010.{20 + index:03d}",
        )
    url = f"/api/v1/standards/releases/{world.release.name}/capabilities/"
    first = anonymous.get(url, {"page_size": 2}).json()
    assert first["count"] == 5
    assert len(first["results"]) == 2
    assert first["previous"] is None
    last = anonymous.get(url, {"page_size": 2, "page": 3}).json()
    assert [c["code"] for c in last["results"]] == ["FFM.010.010.022"]
    assert last["next"] is None


def test_an_unknown_api_url_is_a_json_404(anonymous):
    response = anonymous.post("/api/v1/needs/-1/", {})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert _error(response)["code"] == "not_found"


def test_anonymous_clients_are_told_401_with_the_token_scheme(anonymous):
    response = anonymous.get("/api/v1/needs/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert _error(response)["code"] == "not_authenticated"


def test_a_wrong_token_is_a_401(api_for):
    client = api_for(None)
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    response = client.get("/api/v1/standards/releases/")
    assert response.status_code == 401
    assert _error(response)["code"] == "authentication_failed"


def test_anonymous_clients_are_throttled(anonymous, settings, personas):
    build_api_world(personas)
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": "1000/minute"},
    }
    codes = [anonymous.get("/api/v1/standards/releases/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = anonymous.get("/api/v1/standards/releases/")
    assert _error(response)["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


def test_signed_in_clients_have_their_own_rate(as_agency, settings, personas):
    build_api_world(personas)
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1/minute", "user": "2/minute"},
    }
    codes = [as_agency.get("/api/v1/needs/").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    cache.clear()


def test_the_schema_is_openapi_3_and_lists_every_area(anonymous):
    response = anonymous.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in (
        "/api/v1/standards/releases/",
        "/api/v1/offerings/",
        "/api/v1/provider/offerings/{slug}/submit/",
        "/api/v1/needs/{need_id}/matches/{match_id}/",
        "/api/v1/changes/",
    ):
        assert path in paths
    responses = paths["/api/v1/offerings/"]["get"]["responses"]
    assert responses["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_the_docs_page_loads_its_assets_from_the_portal(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    )
    assert "cdn" not in html.lower()
    assert "<script>" not in html  # no inline script: the CSP forbids it
    script = client.get("/api/docs/", {"script": ""})
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()


# --- the token settings page ---------------------------------------------------------


def test_a_user_creates_a_token_sees_it_once_and_it_works(client_for, agency_user):
    page = client_for(agency_user)
    created = page.post("/api/tokens/", {"action": "create"})
    assert created.status_code == 200
    key = Token.objects.get(user=agency_user).key
    assert key in created.content.decode()
    later = page.get("/api/tokens/")
    assert key not in later.content.decode()
    assert key[:6] in later.content.decode()
    response = page.get("/api/v1/needs/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200


def test_creating_again_replaces_the_old_token(client_for, api_for, agency_user):
    page = client_for(agency_user)
    page.post("/api/tokens/", {"action": "create"})
    old = Token.objects.get(user=agency_user).key
    page.post("/api/tokens/", {"action": "create"})
    new = Token.objects.get(user=agency_user).key
    assert new != old
    stale = api_for(None)
    stale.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert stale.get("/api/v1/needs/").status_code == 401


def test_a_revoked_token_stops_working(client_for, api_for, provider_user):
    page = client_for(provider_user)
    page.post("/api/tokens/", {"action": "create"})
    key = Token.objects.get(user=provider_user).key
    revoked = page.post("/api/tokens/", {"action": "revoke"}, follow=True)
    assert "was revoked" in revoked.content.decode()
    assert not Token.objects.filter(user=provider_user).exists()
    client = api_for(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/provider/offerings/").status_code == 401


def test_an_unknown_token_action_changes_nothing(client_for, broker):
    page = client_for(broker)
    response = page.post("/api/tokens/", {"action": "steal"}, follow=True)
    assert response.status_code == 200
    assert "Choose to create or to revoke" in response.content.decode()
    assert not Token.objects.filter(user=broker).exists()
