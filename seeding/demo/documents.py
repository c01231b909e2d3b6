"""Demo evidence documents: one-page PDFs written on the fly (no binary files in the
repository), each saying that it is invented for the demonstration."""

from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.documents import document_add
from catalog.models import Offering, OfferingDocument


def pdf(text: str) -> bytes:
    """A valid one-page PDF showing ``text`` (ASCII) on one line."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 11 Tf 56 760 Td ({escaped}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def attach(offering: Offering, by, documents: list[dict]) -> list[OfferingDocument]:
    """Add each ``{"title", "file_name", "text"}`` as a PDF to a draft or returned
    offering, through the catalog's own upload service and its checks."""
    return [
        document_add(
            offering=offering,
            by=by,
            upload=SimpleUploadedFile(
                item["file_name"], pdf(item["text"]), content_type="application/pdf"
            ),
            title=item["title"],
        )
        for item in documents
    ]
