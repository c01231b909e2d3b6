"""Evidence documents of a published offering are linked where its claims are shown:
the offering page (title, type, size, date) and the API's offering detail, whose
download link answers token clients with the same access rule as the page's link."""

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from catalog.models import OfferingStatus
from tests.catalog.workflow_helpers import (
    attach_pdf,
    offering_in,
    pdf_bytes,
    standards_tree,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def published(provider):
    release, capabilities = standards_tree(functions=1, per_activity=2)
    offering = offering_in(OfferingStatus.PUBLISHED, provider, release, capabilities)
    document = attach_pdf(offering, "SOC 1 Type II report", "soc1.pdf")
    return offering, document


def token_client(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_the_offering_page_links_evidence_for_agency_users(
    client_for, agency_user, published
):
    offering, document = published
    url = reverse("catalog:offering-detail", args=[offering.slug])
    html = client_for(agency_user).get(url).content.decode()
    download = reverse("provider:document-download", args=[document.pk])
    assert "<h2>Evidence documents</h2>" in html
    assert f'<a href="{download}">SOC 1 Type II report</a>' in html
    uploaded = timezone.localdate(document.uploaded_at).isoformat()
    assert f"(PDF, {len(pdf_bytes())}\xa0bytes, uploaded {uploaded})" in html
    answer = client_for(agency_user).get(download)
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == pdf_bytes()


def test_visitors_see_the_evidence_listed_and_how_to_get_it(client, published):
    offering, document = published
    html = client.get(
        reverse("catalog:offering-detail", args=[offering.slug])
    ).content.decode()
    assert "SOC 1 Type II report" in html
    assert reverse("provider:document-download", args=[document.pk]) not in html
    assert "Agency users and brokers can download evidence once signed in." in html


def test_the_api_offering_detail_lists_documents_with_a_download_link(
    published, agency_user, other_provider_user
):
    offering, document = published
    body = (
        token_client(None)
        .get(reverse("api:offering-detail", args=[offering.slug]))
        .json()
    )
    download = "http://testserver" + reverse(
        "api:document-download", args=[document.pk]
    )
    assert body["documents"] == [
        {
            "id": document.pk,
            "title": "SOC 1 Type II report",
            "kind": "pdf",
            "size": len(pdf_bytes()),
            "uploaded_at": body["documents"][0]["uploaded_at"],
            "as_of": None,
            "expires_on": None,
            "download": download,
        }
    ]
    answer = token_client(agency_user).get(download)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert b"".join(answer.streaming_content) == pdf_bytes()
    assert token_client(None).get(download).status_code == 401
    # Another provider's users may not read this provider's evidence.
    assert token_client(other_provider_user).get(download).status_code == 404


def test_the_api_download_answers_404_for_a_draft_to_agency_users(
    published, agency_user, provider_user
):
    offering, document = published
    offering.status = OfferingStatus.DRAFT
    offering.save(update_fields=["status"])
    download = reverse("api:document-download", args=[document.pk])
    assert token_client(agency_user).get(download).status_code == 404
    assert token_client(provider_user).get(download).status_code == 200


def test_the_offering_page_counts_one_capability_in_the_singular(client, provider):
    release, capabilities = standards_tree(functions=1, per_activity=1)
    offering = offering_in(OfferingStatus.PUBLISHED, provider, release, capabilities)
    html = client.get(
        reverse("catalog:offering-detail", args=[offering.slug])
    ).content.decode()
    assert "1 of 1 capability met or configurable" in html
    assert "1 capabilities" not in html
