"""Hostile spreadsheets built cheaply for the tests of the bounded readers.

A zip bomb is written by hand: the repeated part of a worksheet is deflated once,
after a full flush (which makes every later copy byte-identical), and that block is
repeated, so building a 540 MB worksheet costs a CRC pass, not a compression pass.
"""

import io
import struct
import zlib

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData>"
)
SHEET_TAIL = b"</sheetData></worksheet>"


def _members_of_a_real_workbook() -> dict[str, bytes]:
    import zipfile

    workbook = Workbook()
    workbook.active.append(["capability_code", "priority"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of ``(name, deflated bytes, crc32, uncompressed size)`` entries."""
    out = io.BytesIO()
    central = []
    for name, data, crc, size in entries:
        offset = out.tell()
        encoded = name.encode()
        out.write(
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(encoded),
                0,
            )
        )
        out.write(encoded)
        out.write(data)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = out.tell()
    for record in central:
        out.write(record)
    out.write(
        struct.pack(
            "<IHHHHIIH",
            0x06054B50,
            0,
            0,
            len(central),
            len(central),
            out.tell() - start,
            start,
            0,
        )
    )
    return out.getvalue()


def _deflated(data: bytes) -> tuple[bytes, int, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data)


def workbook_with_sheet(
    body: bytes, times: int = 1, head: bytes = SHEET_HEAD, tail: bytes = SHEET_TAIL
) -> bytes:
    """A real workbook whose first sheet is ``head + body * times + tail``."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(body) + compressor.flush(zlib.Z_FULL_FLUSH)
    last = compressor.compress(tail) + compressor.flush()
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(body, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + len(body) * times + len(tail)
    entries = []
    for name, data in _members_of_a_real_workbook().items():
        if name == SHEET:
            entries.append((name, first + block * times + last, crc, size))
        else:
            entries.append((name, *_deflated(data)))
    return _zip(entries)


def one_cell_rows(count: int, chunk: int = 100_000) -> bytes:
    """A workbook of ``count`` one-cell rows (a multiple of ``chunk``)."""
    assert count % chunk == 0
    return workbook_with_sheet(b"<row><c><v>1</v></c></row>" * chunk, count // chunk)
