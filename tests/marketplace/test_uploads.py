"""Multipart posts of plain fields parsed in one pass (marketplace/uploads.py):
the same POST and FILES as Django's parser gives, every other body left to it."""

import io

import pytest
from django.core.exceptions import TooManyFieldsSent
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import (
    MemoryFileUploadHandler,
    TemporaryFileUploadHandler,
)
from django.http.multipartparser import MultiPartParser
from django.test import RequestFactory, override_settings
from django.test.client import BOUNDARY, encode_multipart

from marketplace.uploads import FieldsFirstHandler, plain_fields

B = BOUNDARY.encode()


def _part(name: str, value: bytes, headers: str = "", filename=None) -> bytes:
    disposition = f'Content-Disposition: form-data; name="{name}"'
    if filename is not None:
        disposition += f'; filename="{filename}"'
        headers = headers or "\r\nContent-Type: application/octet-stream"
    return f"--{BOUNDARY}\r\n{disposition}{headers}\r\n\r\n".encode() + value + b"\r\n"


def _body(*parts: bytes) -> bytes:
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def _parse(body: bytes, *, ours: bool):
    request = RequestFactory().post(
        "/", data=body, content_type=f"multipart/form-data; boundary={BOUNDARY}"
    )
    handlers = [MemoryFileUploadHandler(request), TemporaryFileUploadHandler(request)]
    if ours:
        handlers.insert(0, FieldsFirstHandler(request))
    request.upload_handlers = handlers
    post, files = MultiPartParser(
        request.META, io.BytesIO(body), handlers, "utf-8"
    ).parse()
    return (
        sorted(post.lists()),
        {name: [(f.name, f.read()) for f in fs] for name, fs in files.lists()},
    )


BODIES = {
    "the test client's form": encode_multipart(
        BOUNDARY,
        {"level_1": "meets", "comment_1": 'Ünïcode, quotes " and\r\nlines', "a": ""},
    ),
    "a repeated name and a browser's empty file input": _body(
        _part("tag", b"one"),
        _part("tag", b"two"),
        _part("evidence_1", b"", filename=""),
        _part("typed", b"x", headers="\r\nContent-Type: text/plain; charset=utf-8"),
    ),
    "a file": _body(
        _part("a", b"1"), _part("evidence_1", b"%PDF-1.7", filename="p.pdf")
    ),
    "a transfer encoding": _body(
        _part("a", b"aGVsbG8=", headers="\r\nContent-Transfer-Encoding: base64")
    ),
    "a name to unquote": _body(_part('say \\"hi\\"', b"1"), _part("b", b"2")),
    "a name in Unicode": _body(_part("näme", b"1")),
    "a preamble": b"preamble\r\n" + _body(_part("a", b"1")),
    "invalid UTF-8 in a value": _body(_part("a", b"\xff\xfe ok")),
}


@pytest.mark.parametrize("name", BODIES)
def test_every_body_parses_as_djangos_parser_parses_it(name):
    body = BODIES[name]
    assert _parse(body, ours=True) == _parse(body, ours=False)


def test_plain_fields_are_split_here_and_anything_else_left_to_django():
    assert plain_fields(BODIES["a repeated name and a browser's empty file input"], B)
    assert plain_fields(BODIES["the test client's form"], B)
    for other in ("a file", "a transfer encoding", "a name to unquote", "a preamble"):
        assert plain_fields(BODIES[other], B) is None, other


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=3)
def test_too_many_fields_are_refused_as_django_refuses_them():
    body = _body(*(_part(f"f{n}", b"1") for n in range(10)))
    assert plain_fields(body, B) is None
    with pytest.raises(TooManyFieldsSent):
        _parse(body, ours=True)


def test_a_response_form_of_thousands_of_fields_is_read_whole():
    """What the response page posts: parsed here, and the same as Django's."""
    data = {f"{kind}_{n}": "meets" for n in range(500) for kind in ("level", "date")}
    body = encode_multipart(BOUNDARY, data)
    assert plain_fields(body, B) is not None
    assert _parse(body, ours=True) == _parse(body, ours=False)


def test_an_upload_still_arrives_as_a_file(rf):
    upload = SimpleUploadedFile("proof.pdf", b"%PDF-1.7 proof")
    request = rf.post("/", data={"a": "1", "evidence_1": upload})
    assert request.POST["a"] == "1"
    assert request.FILES["evidence_1"].read() == b"%PDF-1.7 proof"


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=64)
def test_a_larger_body_is_parsed_by_django_through_the_next_handlers(rf):
    """Not read here at all: Django's parser passes its file on past this
    handler to the memory or disk handler."""
    upload = SimpleUploadedFile("proof.pdf", b"%PDF-1.7 " + b"x" * 500)
    request = rf.post("/", data={"a": "1", "evidence_1": upload})
    assert request.POST["a"] == "1"
    assert request.FILES["evidence_1"].read() == b"%PDF-1.7 " + b"x" * 500
