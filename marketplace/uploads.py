"""Multipart form posts without a file, parsed in one pass.

A form that takes uploads posts multipart even when no file is chosen: a
provider's response page posts about 2,000 fields (four per need item, and an
empty part per file input). Django's parser reads a body part by part through
a lazy stream, parsing each part's headers with the e-mail package; on that page
it cost more than validating and saving the response together (benchmark 11a,
docs/performance.md).

:class:`FieldsFirstHandler` comes first in ``FILE_UPLOAD_HANDLERS`` and uses
Django's hook for parsing a body whole (``handle_raw_input``): a body of at most
``DATA_UPLOAD_MAX_MEMORY_SIZE`` is read at once and, when each of its parts is a
plain field (``Content-Disposition: form-data; name="..."``, an optional
``Content-Type``; a file input left empty, ``filename=""``, is one to Django too),
split on its boundary. Anything else - a file, a transfer encoding, a name that
needs unquoting, a preamble, too many fields - is
given to Django's own parser over the bytes read, with the other handlers, so
every case Django decides is still decided by Django. Larger bodies are not read
here at all.
"""

import io
import re

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from django.http import QueryDict
from django.http.multipartparser import MultiPartParser
from django.utils.datastructures import MultiValueDict

# A part's headers when it is a plain field or an empty file input: the
# disposition (its name printable ASCII, quoted, nothing to unquote), then at most
# a content type.
_PLAIN_PART = re.compile(
    rb'Content-Disposition: form-data; name="([\x20\x21\x23-\x5b\x5d-\x7e]*)"'
    rb'(?:; filename="")?'
    rb"(?:\r\nContent-Type: [^\r\n]*)?",
    re.IGNORECASE,
)


def plain_fields(body: bytes, boundary: bytes) -> list[tuple[bytes, bytes]] | None:
    """The body's fields as (name, value) when every part is a plain field (a
    file input left empty is one: Django reads ``filename=""`` as a field); None
    when any part is not, or when the body holds more fields than the settings
    allow (Django's parser refuses those)."""
    parts = body.split(b"--" + boundary)
    if len(parts) < 2 or parts[0] or not parts[-1].startswith(b"--"):
        return None
    most = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    if most is not None and len(parts) - 2 > most:
        return None
    fields: list[tuple[bytes, bytes]] = []
    for part in parts[1:-1]:
        if not (part.startswith(b"\r\n") and part.endswith(b"\r\n")):
            return None
        head, found, value = part[2:-2].partition(b"\r\n\r\n")
        matched = _PLAIN_PART.fullmatch(head) if found else None
        if matched is None:
            return None
        fields.append((matched[1].strip(), value))
    return fields


class FieldsFirstHandler(FileUploadHandler):
    """Parses a multipart body of plain fields at once; hands every other body
    to Django's parser (see the module's docstring)."""

    def handle_raw_input(
        self, input_data, META, content_length, boundary, encoding=None
    ):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is None or not 0 < content_length <= limit:
            return None
        body = input_data.read(content_length)
        encoding = encoding or settings.DEFAULT_CHARSET
        fields = plain_fields(body, boundary)
        if fields is None:
            handlers = getattr(self.request, "upload_handlers", [])
            others = [handler for handler in handlers if handler is not self]
            return MultiPartParser(META, io.BytesIO(body), others, encoding).parse()
        lists: dict[str, list[str]] = {}
        for name, value in fields:
            lists.setdefault(name.decode("ascii"), []).append(
                value.decode(encoding, errors="replace")
            )
        # As Django's parser makes it, filled at once (a MultiValueDict holds each
        # name's list as its value, as its constructor takes them): appending
        # 2,000 fields one by one cost five calls each.
        post = QueryDict(mutable=True)
        MultiValueDict.__init__(post, lists)
        return post, MultiValueDict()

    # A body Django parses (a larger one) passes through to the next handlers.
    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None
