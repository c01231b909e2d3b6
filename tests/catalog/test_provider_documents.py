"""Evidence documents: type checked by content, size limit, storage, and who may
download them."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse

from catalog.documents import document_add, document_remove
from catalog.models import OfferingDocument, OfferingStatus
from catalog.workflow import WorkflowError, offering_revision_start
from tests.catalog.workflow_helpers import (
    docx_bytes,
    draft,
    offering_in,
    pdf_bytes,
    png_bytes,
    standards_tree,
    upload,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def tree():
    return standards_tree(functions=1, per_activity=2)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("soc1.pdf", pdf_bytes(), "pdf"),
        ("Pricing.XLSX", xlsx_bytes(), "xlsx"),
        ("narrative.docx", docx_bytes(), "docx"),
    ],
)
def test_pdf_xlsx_and_docx_are_stored(
    provider, provider_user, tree, name, content, kind
):
    release, _ = tree
    offering = draft(provider, release)
    document = document_add(
        offering=offering, by=provider_user, upload=upload(name, content)
    )
    assert (document.kind, document.size, document.original_name) == (
        kind,
        len(content),
        name,
    )
    assert document.file.name.startswith("evidence/")
    assert name not in document.file.name
    with default_storage.open(document.file.name, "rb") as stored:
        assert stored.read() == content
    assert document.history.first().history_user == provider_user


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("evidence.pdf", b"plain text pretending", "is not a PDF, XLSX or DOCX"),
        ("evidence.pdf", png_bytes(), "is not a PDF, XLSX or DOCX"),
        ("evidence.pdf", xlsx_bytes(), "is named .pdf but its content is Excel"),
        ("evidence.docx", pdf_bytes(), "is named .docx but its content is PDF"),
        ("evidence.exe", pdf_bytes(), "is named .exe"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_wrong_content_is_refused_and_nothing_is_stored(
    provider, provider_user, tree, name, content, message, tmp_path
):
    release, _ = tree
    offering = draft(provider, release)
    with pytest.raises(ValidationError) as raised:
        document_add(offering=offering, by=provider_user, upload=upload(name, content))
    assert message in raised.value.messages[0]
    assert not OfferingDocument.objects.exists()
    assert not any(tmp_path.rglob("*.*"))


def test_a_file_over_the_limit_is_refused(provider, provider_user, tree, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    release, _ = tree
    offering = draft(provider, release)
    big = pdf_bytes() + b"0" * 2048
    with pytest.raises(ValidationError, match="evidence files can be at most"):
        document_add(offering=offering, by=provider_user, upload=upload("big.pdf", big))
    assert not OfferingDocument.objects.exists()


def test_too_large_upload_message_at_the_field(
    client_for, provider, provider_user, tree, settings
):
    settings.EVIDENCE_MAX_BYTES = 1024
    release, _ = tree
    offering = draft(provider, release)
    response = client_for(provider_user).post(
        reverse("provider:offering-documents", args=[offering.pk]),
        {"file": upload("big.pdf", pdf_bytes() + b"0" * 2048)},
    )
    assert response.status_code == 200
    assert "evidence files can be at most 1024 bytes" in response.content.decode()
    assert not OfferingDocument.objects.exists()


def test_documents_change_only_while_editable(provider, provider_user, tree):
    release, capabilities = tree
    offering = draft(provider, release, capabilities)
    document = document_add(
        offering=offering, by=provider_user, upload=upload("a.pdf", pdf_bytes())
    )
    offering.status = OfferingStatus.SUBMITTED
    offering.save()
    with pytest.raises(WorkflowError):
        document_add(
            offering=offering, by=provider_user, upload=upload("b.pdf", pdf_bytes())
        )
    with pytest.raises(WorkflowError):
        document_remove(document=document, by=provider_user)
    assert offering.documents.count() == 1


def _download(client, document):
    return client.get(reverse("provider:document-download", args=[document.pk]))


def test_who_may_download(
    client_for,
    provider,
    provider_user,
    other_provider_user,
    agency_user,
    broker,
    tree,
):
    release, capabilities = tree
    unpublished = draft(provider, release, capabilities)
    published = offering_in(OfferingStatus.PUBLISHED, provider, release, capabilities)
    secret = document_add(
        offering=unpublished, by=provider_user, upload=upload("a.pdf", pdf_bytes())
    )
    published.status = OfferingStatus.DRAFT
    published.save()
    public = document_add(
        offering=published, by=provider_user, upload=upload("b.pdf", pdf_bytes())
    )
    published.status = OfferingStatus.PUBLISHED
    published.save()
    expected = {
        provider_user: (200, 200),
        broker: (200, 200),
        agency_user: (404, 200),
        other_provider_user: (404, 404),
    }
    for user, (draft_status, published_status) in expected.items():
        client = client_for(user)
        assert _download(client, secret).status_code == draft_status, user
        assert _download(client, public).status_code == published_status, user
    anonymous = _download(client_for(None), public)
    assert anonymous.status_code == 302
    response = _download(client_for(agency_user), public)
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="b.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_revision_document_is_not_public(
    client_for, provider, provider_user, agency_user, tree
):
    release, capabilities = tree
    published = offering_in(OfferingStatus.PUBLISHED, provider, release, capabilities)
    revision = offering_revision_start(offering=published, by=provider_user)
    document = document_add(
        offering=revision, by=provider_user, upload=upload("new.pdf", pdf_bytes())
    )
    assert _download(client_for(agency_user), document).status_code == 404
    assert _download(client_for(provider_user), document).status_code == 200
