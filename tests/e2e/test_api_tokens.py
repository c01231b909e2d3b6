"""The API token page and the API docs in a real browser: accessible; a token made on
the page works against the API; the docs render from the portal's own assets under the
Content Security Policy."""

import pytest
from playwright.sync_api import expect
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_user_creates_a_token_that_the_api_accepts(
    page, sign_in, assert_accessible, agency_user
):
    sign_in(agency_user)
    page.get_by_role("link", name="API tokens").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="API tokens", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Create a token").click()
    page.wait_for_load_state()
    key = page.get_by_label("Token").input_value()
    assert key == Token.objects.get(user=agency_user).key
    assert_accessible(page)
    answer = page.request.get(
        "/api/v1/needs/", headers={"Authorization": f"Token {key}"}
    )
    assert answer.status == 200
    page.get_by_role("button", name="Revoke token").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Your API token was revoked.")).to_be_visible()
    assert not Token.objects.filter(user=agency_user).exists()


def test_the_api_docs_render_from_local_assets(page, live_server):
    console = []
    page.on("console", lambda message: console.append(message.text))
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/api/docs/")
    page.locator(".opblock-tag", has_text="catalog").first.wait_for()
    assert [text for text in console if "Content Security Policy" in text] == []
    assert [url for url in requested if not url.startswith(live_server.url)] == []
