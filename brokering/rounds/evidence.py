"""Evidence uploaded with a response: checked by the catalog's evidence rules
(:func:`catalog.documents.evidence_kind`: content type, name, size limit), stored
under a random name, its SHA-256 recorded at upload for the decision package; and
its download, for the round's parties only."""

import hashlib
from pathlib import PurePath

from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from brokering.models import Invitation, ResponseDocument
from brokering.rounds import selectors
from catalog.documents import document_response, evidence_kind
from marketplace.roles import Role, role_required


def response_document_add(
    *, invitation: Invitation, by, upload: UploadedFile
) -> ResponseDocument:
    """Store an uploaded evidence file of a response (called by the response
    service, inside its transaction); a ValidationError says why a file is
    refused."""
    kind = evidence_kind(upload)
    sha = hashlib.sha256()
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)
    name = PurePath(upload.name or "").name[:255]
    document = ResponseDocument(
        invitation=invitation,
        title=PurePath(name).stem[:255] or "Evidence",
        original_name=name,
        kind=kind,
        size=upload.size or 0,
        sha256=sha.hexdigest(),
        uploaded_by=by,
    )
    document.file.save(name, upload, save=False)
    document.save()
    return document


def _download(invitations, document_id: int) -> FileResponse:
    document = ResponseDocument.objects.filter(
        pk=document_id, invitation__in=invitations
    ).first()
    if document is None:
        raise Http404("No such document.")
    return document_response(document)  # type: ignore[arg-type]


@role_required(Role.AGENCY, Role.BROKER)
@require_GET
def round_evidence(
    request: HttpRequest, round_id: int, document_id: int
) -> FileResponse:
    """A response's evidence, to the round's agency and brokers."""
    round = selectors.round_get(user=request.user, round_id=round_id)
    return _download(round.invitations.all(), document_id)


@role_required(Role.PROVIDER)
@require_GET
def request_evidence(
    request: HttpRequest, invitation_id: int, document_id: int
) -> FileResponse:
    """Evidence the provider uploaded with its own response."""
    invitation = selectors.invitation_get(
        user=request.user, invitation_id=invitation_id
    )
    return _download([invitation], document_id)
