"""Shared builders for the provider-workflow tests: a small standards tree, offerings
in each state and real evidence files (PDF, XLSX, DOCX) made in memory."""

import io
import zipfile

import openpyxl
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import ClaimLevel, OfferingDocument, OfferingStatus
from catalog.services.claims import ClaimInput, claims_save
from catalog.workflow import offering_revision_start, offering_submit
from tests.catalog.factories import OfferingFactory, write_claims
from tests.standards.factories import (
    ActivityFactory,
    CapabilityFactory,
    FunctionFactory,
    ReleaseFactory,
)


def standards_tree(functions: int = 2, per_activity: int = 3):
    """The current release with ``functions`` functions, one activity each and
    ``per_activity`` capabilities per activity. Returns (release, capabilities)."""
    release = ReleaseFactory()
    capabilities = []
    for f in range(functions):
        function = FunctionFactory(
            release=release, code=f"FFM.{(f + 1) * 10:03d}", name=f"Function {f + 1}"
        )
        activity = ActivityFactory(
            function=function, release=release, code=f"{function.code}.010"
        )
        for c in range(per_activity):
            capabilities.append(
                CapabilityFactory(
                    activity=activity,
                    function=function,
                    release=release,
                    code=f"{activity.code}.{c + 11:03d}",
                )
            )
    return release, capabilities


def offering_in(status: str, provider, release, capabilities=(), **fields):
    offering = OfferingFactory(
        provider=provider, release=release, status=status, **fields
    )
    write_claims(
        offering,
        [
            ClaimInput(capability_id=capability.pk, level=ClaimLevel.MEETS)
            for capability in capabilities
        ],
    )
    return offering


def draft(provider, release, capabilities=(), **fields):
    return offering_in(OfferingStatus.DRAFT, provider, release, capabilities, **fields)


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["evidence", "value"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def png_bytes() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def attach_pdf(offering, title: str, name: str):
    """An evidence PDF stored on ``offering`` (written straight, as a fixture)."""
    document = OfferingDocument(
        offering=offering,
        title=title,
        original_name=name,
        kind="pdf",
        size=len(pdf_bytes()),
    )
    document.file.save(name, ContentFile(pdf_bytes()), save=False)
    document.save()
    return document


def submitted_revision(published, by, capability, level=ClaimLevel.EXTENSION):
    """A revision of ``published`` that changes one claim, submitted for review."""
    revision = offering_revision_start(offering=published, by=by)
    claims_save(
        offering=revision,
        by=by,
        claims=[ClaimInput(capability_id=capability.pk, level=level)],
    )
    offering_submit(offering=revision, by=by)
    return revision
