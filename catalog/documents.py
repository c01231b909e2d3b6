"""Evidence documents: upload checks, the services that add and remove them, and the
protected download.

A file is accepted when its *content* is a PDF, an XLSX workbook or a DOCX document
(read with ``filetype``'s magic-byte matchers), its name ends with the matching
extension, and it is no larger than ``settings.EVIDENCE_MAX_BYTES`` (10 MB unless set).
Files are stored through Django's storage API under random names.
"""

import datetime
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from catalog.models import DocumentKind, Offering, OfferingDocument, OfferingStatus
from catalog.services.guards import (
    EDITABLE_STATUSES,
    locked,
    refuse_unless,
    set_history_user,
)
from marketplace.roles import (
    Role,
    can_manage_provider,
    is_broker,
    is_signed_in,
    role_of,
    role_required,
)

CONTENT_TYPES = {
    DocumentKind.PDF: "application/pdf",
    DocumentKind.XLSX: (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    DocumentKind.DOCX: (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
}
ACCEPT = ".pdf,.xlsx,.docx," + ",".join(CONTENT_TYPES.values())


def max_bytes() -> int:
    return settings.EVIDENCE_MAX_BYTES


def _human_size(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size} bytes"


def evidence_kind(upload: UploadedFile) -> DocumentKind:
    """The kind of an uploaded evidence file, or a ValidationError that says why not."""
    size = upload.size or 0
    if size > max_bytes():
        raise ValidationError(
            f"“{upload.name}” is {_human_size(size)}; evidence files can be at "
            f"most {_human_size(max_bytes())}.",
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(f"“{upload.name}” is empty.", code="empty")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    guessed = filetype.guess(head)
    detected = guessed.extension if guessed else None
    named = PurePath(upload.name or "").suffix.lower().lstrip(".")
    if detected not in DocumentKind.values:
        raise ValidationError(
            f"“{upload.name}” is not a PDF, XLSX or DOCX file (its content was "
            "checked, not only its name).",
            code="wrong_type",
        )
    if named != detected:
        raise ValidationError(
            f"“{upload.name}” is named .{named or '(none)'} but its content is "
            f"{DocumentKind(detected).label}; rename it or upload the right file.",
            code="wrong_extension",
        )
    return DocumentKind(detected)


@transaction.atomic
def document_add(
    *,
    offering: Offering,
    by,
    upload: UploadedFile,
    title: str = "",
    as_of: datetime.date | None = None,
    expires_on: datetime.date | None = None,
) -> OfferingDocument:
    offering = locked(offering)
    refuse_unless(offering, EDITABLE_STATUSES, "add documents to")
    kind = evidence_kind(upload)
    original_name = PurePath(upload.name or "").name[:255]
    document = OfferingDocument(
        offering=offering,
        title=(title.strip() or PurePath(original_name).stem)[:255],
        original_name=original_name,
        kind=kind,
        size=upload.size or 0,
        uploaded_by=by,
        as_of=as_of,
        expires_on=expires_on,
    )
    document.file.save(original_name, upload, save=False)
    set_history_user(document, by)
    document.save()
    return document


@transaction.atomic
def document_remove(*, document: OfferingDocument, by) -> None:
    """Remove a document from a draft. The stored file stays: a published version
    or the audit history may still point at it."""
    offering = locked(document.offering)
    refuse_unless(offering, EDITABLE_STATUSES, "remove documents from")
    set_history_user(document, by)
    document.delete()


def may_download(user, offering: Offering) -> bool:
    """Whether ``user`` may download ``offering``'s evidence: its provider's users and
    brokers always; signed-in agency users once the offering is published."""
    if is_broker(user) or can_manage_provider(user, offering.provider_id):
        return True
    return (
        is_signed_in(user)
        and role_of(user) == Role.AGENCY
        and offering.status == OfferingStatus.PUBLISHED
    )


def document_for(user, document_id: int) -> OfferingDocument:
    """The document if ``user`` may download it (:func:`may_download`), else 404."""
    document = get_object_or_404(
        OfferingDocument.objects.select_related("offering"), pk=document_id
    )
    if may_download(user, document.offering):
        return document
    raise Http404("No such document.")


def document_response(document: OfferingDocument) -> FileResponse:
    """The stored file as an attachment under its original name (404 if it is gone)."""
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("The file is no longer stored.") from missing
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=CONTENT_TYPES[DocumentKind(document.kind)],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(Role.AGENCY, Role.PROVIDER, Role.BROKER)
@require_GET
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    return document_response(document_for(request.user, pk))
