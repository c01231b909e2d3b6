"""The portal's own pages of issue #14: the API root at /api/ and /api/v1/, the
favicon, and the footer's "About the marketplace" and "System status" pages."""

import datetime

import pytest
from django.urls import reverse

from marketplace.models import WorkerHeartbeat
from seeding import notice

pytestmark = pytest.mark.django_db


def test_the_api_root_links_its_versions_schema_and_docs(client):
    body = client.get("/api/").json()
    assert body["versions"] == {"v1": "http://testserver/api/v1/"}
    assert body["schema"] == "http://testserver/api/schema/"
    assert body["docs"] == "http://testserver/api/docs/"
    assert client.get(body["docs"]).status_code == 200


def test_the_v1_root_lists_every_endpoint(client):
    body = client.get("/api/v1/").json()
    assert body["version"] == "v1" and body["schema"].endswith("/api/schema/")
    urls = {endpoint["name"]: endpoint["url"] for endpoint in body["endpoints"]}
    assert urls["offering-list"] == "http://testserver/api/v1/offerings/"
    assert urls["offering-detail"] == "http://testserver/api/v1/offerings/{slug}/"
    assert urls["capability-detail"] == (
        "http://testserver/api/v1/standards/releases/{release}/capabilities/{code}/"
    )
    assert "v1-root" not in urls and len(urls) > 25
    # Every endpoint without a path part to fill in answers (anonymous: 200 or 401).
    for url in urls.values():
        if "{" not in url:
            assert client.get(url).status_code in (200, 401, 405), url


def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/vnd.microsoft.icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"


def test_the_footer_links_the_about_and_status_pages(client):
    html = client.get(reverse("marketplace:home")).content.decode()
    assert f'href="{reverse("marketplace:about")}">About the marketplace' in html
    assert f'href="{reverse("marketplace:status")}">System status' in html


def test_the_about_page_explains_the_portal_the_standards_and_the_formula(client):
    html = client.get(reverse("marketplace:about")).content.decode()
    assert "<h1>About the FM Marketplace</h1>" in html
    assert "FIBF" in html and "Financial Management standards" in html
    assert "5 (must), 3 (should), 1 (could)" in html
    assert "Meets (out of the box): 1.0<" in html and "Configurable: 0.9" in html
    assert "No claim: 0<" in html and "credited below 0.9 is a gap" in html
    assert "On the roadmap: 0.25 if promised on or before the go-live date" in html
    assert "100 × Σ(weight × credit) ÷ Σ weight" in html
    assert "demonstration data" not in html


def test_the_about_page_says_when_the_data_is_demonstration_data(client):
    notice.record()
    html = client.get(reverse("marketplace:about")).content.decode()
    assert "This instance holds demonstration data" in html


def test_the_status_page_says_in_words_what_healthz_says_in_json(client):
    WorkerHeartbeat.objects.create(
        hostname="celery@worker-1",
        seen_at=datetime.datetime(2026, 12, 7, 23, 6, tzinfo=datetime.UTC),
    )
    response = client.get(reverse("marketplace:status"))
    html = response.content.decode()
    assert response.status_code == 200 and "no-cache" in response["Cache-Control"]
    assert "The portal is working normally." in html
    assert '<th scope="row">Database</th><td>Working</td>' in html
    assert "celery@worker-1: last seen 2026-12-07 18:06 EST" in html
    assert f'href="{reverse("marketplace:healthz")}">/healthz</a>' in html
    # The machine-readable answer stays JSON.
    assert client.get(reverse("marketplace:healthz")).json()["status"] == "ok"


def test_the_header_marks_only_the_section_of_the_page(client_for, agency_user):
    html = (
        client_for(agency_user).get(reverse("catalog:shortlist-list")).content.decode()
    )
    assert html.count('aria-current="page"><span>') == 1
    assert 'usa-current" aria-current="page"><span>Shortlists</span>' in html


def test_brokers_get_a_link_to_the_needs(client_for, broker):
    html = client_for(broker).get(reverse("marketplace:home")).content.decode()
    assert (
        f'href="{reverse("brokering:need-list")}" class="usa-nav-link"><span>Needs'
        in html
    )
