"""The provider portal: the steps, errors at the field, nothing typed lost, and no
way into another provider's offerings, claims or documents by any URL or ID."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import (
    Claim,
    ClaimLevel,
    Offering,
    OfferingDocument,
    OfferingStatus,
    ReviewAction,
    ReviewComment,
)
from tests.catalog.factories import rewrite_claims
from tests.catalog.workflow_helpers import (
    draft,
    offering_in,
    pdf_bytes,
    standards_tree,
    upload,
)

pytestmark = pytest.mark.django_db

DETAILS = {
    "name": "Ledger Cloud",
    "summary": "A cloud general ledger.",
    "description": "Budget execution and general ledger.",
    "category": "core-fs-saas",
    "deployment_model": "saas",
    "fedramp_status": "authorized",
    "fedramp_impact": "moderate",
    "pricing_model": "subscription",
    "customer_agencies": "DOE\nDOI",
    "accessibility_report_date": "2025-03-31",
}


@pytest.fixture
def tree():
    return standards_tree()


@pytest.fixture
def signed_in(client_for, provider_user):
    return client_for(provider_user)


def _document(offering, name="evidence.pdf"):
    document = OfferingDocument(
        offering=offering,
        title="Evidence",
        original_name=name,
        kind="pdf",
        size=len(pdf_bytes()),
    )
    document.file.save(name, ContentFile(pdf_bytes()), save=False)
    document.save()
    return document


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# --- isolation ------------------------------------------------------------------

OFFERING_VIEWS = [
    ("get", "provider:offering-detail"),
    ("get", "provider:offering-details"),
    ("post", "provider:offering-details"),
    ("get", "provider:offering-claims"),
    ("post", "provider:offering-claims"),
    ("get", "provider:claims-import"),
    ("post", "provider:claims-import"),
    ("get", "provider:claims-export"),
    ("get", "provider:offering-documents"),
    ("post", "provider:offering-documents"),
    ("get", "provider:offering-review"),
    ("post", "provider:offering-submit"),
    ("post", "provider:offering-withdraw"),
    ("post", "provider:offering-revise"),
    ("post", "provider:offering-retire"),
    ("post", "provider:offering-discard"),
    ("get", "provider:offering-history"),
    ("get", "provider:offering-kind-claims"),
    ("post", "provider:offering-kind-claims"),
]
# The URL arguments after the offering's ID.
MORE_ARGS = {"provider:offering-kind-claims": ["exchanges"]}


DOCUMENT_VIEWS = {"provider:document-download", "provider:document-delete"}


def test_every_provider_url_with_an_id_is_in_the_isolation_tests():
    from catalog.provider import urls as provider_urls

    with_an_id = {
        f"provider:{pattern.name}"
        for pattern in provider_urls.urlpatterns
        if "<int:pk>" in str(pattern.pattern)
    }
    tested = {name for _, name in OFFERING_VIEWS} | DOCUMENT_VIEWS
    assert with_an_id == tested, "a provider view with an ID lacks an isolation test"


@pytest.mark.parametrize(
    "status",
    [
        OfferingStatus.DRAFT,
        OfferingStatus.SUBMITTED,
        OfferingStatus.RETURNED,
        OfferingStatus.PUBLISHED,
    ],
)
def test_another_providers_offering_answers_404_everywhere(
    signed_in, other_provider, tree, status
):
    release, capabilities = tree
    theirs = offering_in(status, other_provider, release, capabilities)
    before = (theirs.status, theirs.name, theirs.claims.count())
    for method, name in OFFERING_VIEWS:
        url = reverse(name, args=[theirs.pk, *MORE_ARGS.get(name, [])])
        response = getattr(signed_in, method)(url, {**DETAILS, "function": "FFM.010"})
        assert response.status_code == 404, f"{method.upper()} {name}"
    theirs.refresh_from_db()
    assert (theirs.status, theirs.name, theirs.claims.count()) == before
    assert not theirs.revisions.exists()


def test_another_providers_documents_answer_404(
    signed_in, other_provider, provider, tree
):
    release, capabilities = tree
    for status in (OfferingStatus.DRAFT, OfferingStatus.PUBLISHED):
        theirs = offering_in(status, other_provider, release, capabilities)
        document = _document(theirs)
        download = signed_in.get(
            reverse("provider:document-download", args=[document.pk])
        )
        assert download.status_code == 404
        delete = signed_in.post(reverse("provider:document-delete", args=[document.pk]))
        assert delete.status_code == 404
        assert OfferingDocument.objects.filter(pk=document.pk).exists()


def test_an_unknown_id_answers_404(signed_in):
    for method, name in OFFERING_VIEWS:
        response = getattr(signed_in, method)(
            reverse(name, args=[999999, *MORE_ARGS.get(name, [])])
        )
        assert response.status_code == 404, name


def test_home_lists_only_own_offerings_with_the_latest_comment(
    signed_in, provider, other_provider, broker, tree
):
    release, capabilities = tree
    mine = offering_in(OfferingStatus.RETURNED, provider, release, capabilities)
    ReviewComment.objects.create(
        offering=mine, action=ReviewAction.RETURNED, body="Add VPAT", author=broker
    )
    offering_in(OfferingStatus.PUBLISHED, other_provider, release, name="Theirs Cloud")
    page = signed_in.get(reverse("provider:home")).content.decode()
    assert mine.name in page
    assert "Add VPAT" in page
    assert "Theirs Cloud" not in page


def test_home_runs_the_same_queries_for_few_and_many_offerings(
    signed_in, provider, broker, tree
):
    release, capabilities = tree

    def add(count):
        for _ in range(count):
            offering = offering_in(
                OfferingStatus.PUBLISHED, provider, release, capabilities[:1]
            )
            ReviewComment.objects.create(
                offering=offering, action=ReviewAction.APPROVED, author=broker
            )

    add(2)
    signed_in.get(reverse("provider:home"))
    with CaptureQueriesContext(connection) as few:
        signed_in.get(reverse("provider:home"))
    add(10)
    with CaptureQueriesContext(connection) as many:
        response = signed_in.get(reverse("provider:home"))
    assert response.status_code == 200
    assert len(many) == len(few)


# --- details step ---------------------------------------------------------------


def test_create_saves_a_draft_and_goes_to_claims(signed_in, provider, tree):
    response = signed_in.post(reverse("provider:offering-create"), DETAILS)
    offering = Offering.objects.get(name="Ledger Cloud")
    assert response.status_code == 302
    assert response.url == reverse("provider:offering-claims", args=[offering.pk])
    assert offering.provider == provider
    assert offering.status == OfferingStatus.DRAFT
    assert offering.customer_agencies == ["DOE", "DOI"]


def test_save_draft_stays_on_the_step(signed_in, tree):
    response = signed_in.post(
        reverse("provider:offering-create"), {**DETAILS, "save_draft": ""}
    )
    offering = Offering.objects.get(name="Ledger Cloud")
    assert response.url == reverse("provider:offering-details", args=[offering.pk])


def test_bad_details_show_errors_at_the_field_and_keep_what_was_typed(signed_in, tree):
    data = {
        **DETAILS,
        "name": "",
        "fedramp_impact": "",
        "accessibility_report_date": "31/31/2025",
    }
    response = signed_in.post(reverse("provider:offering-create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"name", "fedramp_impact", "accessibility_report_date"}
    page = response.content.decode()
    assert 'id="id_name-error"' in page
    assert "Choose the impact level" in page
    assert "A cloud general ledger." in page
    assert "31/31/2025" in page
    assert not Offering.objects.exists()


def test_a_submitted_offering_cannot_be_edited(signed_in, provider, tree):
    release, capabilities = tree
    offering = offering_in(OfferingStatus.SUBMITTED, provider, release, capabilities)
    response = signed_in.post(
        reverse("provider:offering-details", args=[offering.pk]), DETAILS
    )
    assert response.url == reverse("provider:offering-detail", args=[offering.pk])
    offering.refresh_from_db()
    assert offering.name != DETAILS["name"]


# --- claims step ----------------------------------------------------------------


def test_claims_page_groups_capabilities_by_function(signed_in, provider, tree):
    release, capabilities = tree
    offering = draft(provider, release)
    url = reverse("provider:offering-claims", args=[offering.pk])
    page = signed_in.get(url).content.decode()
    assert capabilities[0].code in page
    assert capabilities[3].code not in page
    second = signed_in.get(f"{url}?function=FFM.020").content.decode()
    assert capabilities[3].code in second
    assert capabilities[0].code not in second
    unknown = signed_in.get(f"{url}?function=nonsense")
    assert unknown.status_code == 200
    assert "There is no function" in unknown.content.decode()


def test_claims_are_saved_per_function(signed_in, provider, tree):
    release, capabilities = tree
    offering = draft(provider, release)
    first, second = capabilities[0], capabilities[1]
    response = signed_in.post(
        reverse("provider:offering-claims", args=[offering.pk]),
        {
            "function": "FFM.010",
            f"{first.pk}-level": "meets",
            f"{first.pk}-evidence": "Standard GL posting.",
            f"{second.pk}-level": "roadmap",
            f"{second.pk}-roadmap_date": "2027-01-15",
            "continue": "",
        },
    )
    assert response.status_code == 302
    assert response.url.endswith("?function=FFM.020")
    claims = {c.capability_id: c for c in offering.claims.all()}
    assert claims[first.pk].level == ClaimLevel.MEETS
    assert claims[first.pk].evidence == "Standard GL posting."
    assert str(claims[second.pk].roadmap_date) == "2027-01-15"


def test_a_roadmap_claim_without_date_is_an_error_at_the_field(
    signed_in, provider, tree
):
    release, capabilities = tree
    offering = draft(provider, release)
    first, second = capabilities[0], capabilities[1]
    response = signed_in.post(
        reverse("provider:offering-claims", args=[offering.pk]),
        {
            "function": "FFM.010",
            f"{first.pk}-level": "meets",
            f"{first.pk}-evidence": "Typed evidence stays",
            f"{second.pk}-level": "roadmap",
            f"{second.pk}-evidence_url": "not a url",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {f"{second.pk}-roadmap_date", f"{second.pk}-evidence_url"}
    page = response.content.decode()
    assert "A roadmap claim needs a target date." in page
    assert f'id="id_{second.pk}-roadmap_date-error"' in page
    assert "Typed evidence stays" in page
    assert not Claim.objects.filter(offering=offering).exists()


# --- documents, review, submit --------------------------------------------------


def test_upload_and_remove_a_document(signed_in, provider, tree):
    release, _ = tree
    offering = draft(provider, release)
    url = reverse("provider:offering-documents", args=[offering.pk])
    response = signed_in.post(
        url,
        {
            "title": "SOC 1 report",
            "file": upload("soc1.pdf", pdf_bytes()),
            "as_of": "2026-06-30",
            "expires_on": "2027-06-30",
            "upload": "",
        },
    )
    assert response.status_code == 302
    document = offering.documents.get()
    assert (document.title, document.kind) == ("SOC 1 report", "pdf")
    assert document.as_of.isoformat() == "2026-06-30"
    assert document.expires_on.isoformat() == "2027-06-30"
    download = signed_in.get(reverse("provider:document-download", args=[document.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bytes()
    signed_in.post(reverse("provider:document-delete", args=[document.pk]))
    assert not offering.documents.exists()


def test_a_bad_upload_is_reported_at_the_field_and_keeps_the_title(
    signed_in, provider, tree
):
    release, _ = tree
    offering = draft(provider, release)
    response = signed_in.post(
        reverse("provider:offering-documents", args=[offering.pk]),
        {"title": "My title", "file": upload("report.pdf", b"just some text")},
    )
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    page = response.content.decode()
    assert "is not a PDF, XLSX or DOCX file" in page
    assert 'value="My title"' in page
    assert not offering.documents.exists()


def test_review_and_submit(signed_in, provider, tree):
    release, capabilities = tree
    offering = draft(provider, release, capabilities[:2])
    review = signed_in.get(reverse("provider:offering-review", args=[offering.pk]))
    assert "2 claims" in review.content.decode()
    response = signed_in.post(
        reverse("provider:offering-submit", args=[offering.pk]),
        {"comment": "Ready"},
    )
    assert response.url == reverse("provider:offering-detail", args=[offering.pk])
    offering.refresh_from_db()
    assert offering.status == OfferingStatus.SUBMITTED
    detail = signed_in.get(response.url).content.decode()
    assert "Withdraw the submission" in detail
    again = signed_in.post(reverse("provider:offering-submit", args=[offering.pk]))
    follow = signed_in.get(again.url).content.decode()
    assert "Cannot submit" in follow


def test_editing_a_published_offering_starts_a_revision(signed_in, provider, tree):
    release, capabilities = tree
    published = offering_in(OfferingStatus.PUBLISHED, provider, release, capabilities)
    details = signed_in.get(reverse("provider:offering-details", args=[published.pk]))
    assert details.url == reverse("provider:offering-detail", args=[published.pk])
    response = signed_in.post(reverse("provider:offering-revise", args=[published.pk]))
    revision = published.revisions.get()
    assert response.url == reverse("provider:offering-details", args=[revision.pk])
    signed_in.post(
        reverse("provider:offering-details", args=[revision.pk]),
        {**DETAILS, "name": "Ledger Cloud 2"},
    )
    published.refresh_from_db()
    revision.refresh_from_db()
    assert revision.name == "Ledger Cloud 2"
    assert published.name != "Ledger Cloud 2"
    assert published.status == OfferingStatus.PUBLISHED


def test_history_shows_who_changed_what(signed_in, provider, provider_user, tree):
    release, capabilities = tree
    signed_in.post(reverse("provider:offering-create"), DETAILS)
    offering = Offering.objects.get()
    signed_in.post(
        reverse("provider:offering-details", args=[offering.pk]),
        {**DETAILS, "summary": "A newer summary."},
    )
    page = signed_in.get(
        reverse("provider:offering-history", args=[offering.pk])
    ).content.decode()
    assert "A newer summary." in page
    assert "A cloud general ledger." in page
    assert str(provider_user) in page


def test_export_answers_400_for_an_unknown_format(signed_in, provider, tree):
    release, _ = tree
    offering = draft(provider, release)
    response = signed_in.get(
        reverse("provider:claims-export", args=[offering.pk]) + "?format=pdf"
    )
    assert response.status_code == 400
    assert "The format must be csv or xlsx." in response.content.decode()


def test_the_public_page_keeps_the_published_version_while_a_revision_is_reviewed(
    signed_in, client_for, agency_user, provider, tree
):
    release, capabilities = tree
    published = offering_in(
        OfferingStatus.PUBLISHED,
        provider,
        release,
        capabilities[:2],
        name="Ledger Cloud",
        summary="Old summary",
    )
    signed_in.post(reverse("provider:offering-revise", args=[published.pk]))
    revision = published.revisions.get()
    signed_in.post(
        reverse("provider:offering-details", args=[revision.pk]),
        {**DETAILS, "summary": "New summary under review"},
    )
    signed_in.post(reverse("provider:offering-submit", args=[revision.pk]))
    revision.refresh_from_db()
    assert revision.status == OfferingStatus.SUBMITTED

    agency = client_for(agency_user)
    page = agency.get(reverse("catalog:offering-detail", args=[published.slug]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Old summary" in text
    assert "New summary under review" not in text
    listing = agency.get(reverse("catalog:offering-list")).content.decode()
    assert "New summary under review" not in listing
    assert reverse("catalog:offering-detail", args=[published.slug]) in listing
    if revision.slug != published.slug:
        hidden = agency.get(reverse("catalog:offering-detail", args=[revision.slug]))
        assert hidden.status_code == 404
    published.refresh_from_db()
    assert (published.status, published.summary) == (
        OfferingStatus.PUBLISHED,
        "Old summary",
    )


def test_history_lists_claim_and_status_changes_of_own_listing_only(
    signed_in, provider, other_provider, tree
):
    release, capabilities = tree
    offering = draft(provider, release)
    first = capabilities[0]
    signed_in.post(
        reverse("provider:offering-claims", args=[offering.pk]),
        {
            "function": "FFM.010",
            f"{first.pk}-level": "meets",
            f"{first.pk}-evidence": "Posting rules out of the box.",
        },
    )
    signed_in.post(reverse("provider:offering-submit", args=[offering.pk]))
    theirs = offering_in(
        OfferingStatus.DRAFT, other_provider, release, capabilities[:1]
    )
    rewrite_claims(theirs, evidence="Their secret evidence")
    theirs.summary = "Their secret summary"
    theirs.save()
    page = signed_in.get(
        reverse("provider:offering-history", args=[offering.pk])
    ).content.decode()
    assert "Posting rules out of the box." in page
    assert first.code in page
    assert "submitted" in page.lower()
    assert "Their secret" not in page
