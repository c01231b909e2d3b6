"""The scoring shelf of a release in one sequential read (issue #20).

Scoring a need reads every published offering of its release with its claim vector:
at 20,000 offerings, 18,000 rows read one by one through the ORM cost ten times the
computation. :class:`catalog.models.ShelfSnapshot` keeps those rows packed into one
value per release, as of one catalog version (:mod:`catalog.pagecache`: every change
of claims, publication, provider or offering bumps it in its own transaction):

* :func:`published_columns` answers the rows of the current version from the
  snapshot in one read (``COPY ... (FORMAT binary)`` on PostgreSQL: no hex text to
  decode) as :class:`Columns`, NumPy arrays with no Python object per offering
  (:func:`published_rows` as rows);
* when the version has moved on, it reads the offerings' keys (id, profile and the
  vector's stamp), takes the unchanged rows from the old snapshot and reads only
  the changed ones, and stores the new snapshot: the update is incremental;
* :func:`pack` and :func:`unpack` are exact inverses
  (``tests/brokering/test_shelf_snapshot.py`` proves the snapshot equal to the rows
  after every way they change, verified claims included).
"""

import datetime
import functools
import json
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import QuerySet

from catalog.models import Offering, OfferingStatus, ShelfSnapshot
from catalog.pagecache import SCOPE
from catalog.vectors import LevelsByItem
from marketplace import pagecache
from standards.items import release_items

# A shelf row: what the scorer reads of each published offering, and the stamp of
# its vector (set by every write of the vector) last.
ROW_FIELDS = (
    "id",
    "release_id",
    "provider__kind",
    "deployment_model",
    "fedramp_impact",
    "claim_vector__levels",
    "claim_vector__roadmap",
    "claim_vector__updated_at",
)
# What a row depends on besides its vector's bytes (the stamp stands for those).
KEY_FIELDS = (
    "id",
    "provider__kind",
    "deployment_model",
    "fedramp_impact",
    "claim_vector__updated_at",
)
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
MICROSECOND = datetime.timedelta(microseconds=1)
NONE = -1  # the length or stamp of a missing value


def published(release_id: int) -> QuerySet[Offering]:
    return Offering.objects.filter(
        status=OfferingStatus.PUBLISHED, release_id=release_id
    ).order_by("id")


def key_of(row: Sequence[Any]) -> tuple[Any, ...]:
    return (row[0], row[2], row[3], row[4], row[7])


def _lengths(values: Sequence[Any]) -> np.ndarray:
    return np.fromiter(
        (NONE if v is None else len(v) for v in values), np.int64, len(values)
    )


def pack(rows: Sequence[Sequence[Any]], codes: Sequence[str] | None = None) -> bytes:
    """``ROW_FIELDS`` rows (in id order) as one value, with the release's item IDs
    in vector order (``codes``) when given. When every vector has the same length,
    the levels are laid out by item (:class:`~catalog.vectors.LevelsByItem`, half a
    byte a code when no code is a verified claim's); otherwise end to end."""
    profiles: dict[tuple[str, str, str], int] = {}
    profile_of = np.fromiter(
        (profiles.setdefault((r[2], r[3], r[4]), len(profiles)) for r in rows),
        np.int64,
        len(rows),
    )
    levels = [r[5] for r in rows]
    level_lengths = _lengths(levels)
    joined = b"".join(bytes(v) for v in levels if v is not None)
    width = int(level_lengths[0]) if len(rows) else 0
    level_bytes: np.ndarray = np.frombuffer(joined, dtype=np.uint8)
    by_item = width > 0 and bool((level_lengths == width).all())
    halves = False
    if by_item:
        laid = LevelsByItem.from_matrix(
            level_bytes.reshape(len(rows), width), halves=True
        )
        level_bytes, halves = laid.data.reshape(-1), laid.halves
    roadmaps = [r[6] for r in rows]
    arrays = {
        "ids": np.fromiter((r[0] for r in rows), np.int64, len(rows)),
        "releases": np.fromiter((r[1] for r in rows), np.int64, len(rows)),
        "profile_of": profile_of,
        "level_lengths": level_lengths,
        "levels": level_bytes,
        "roadmap_lengths": _lengths(roadmaps),
        "stamps": np.fromiter(
            (NONE if r[7] is None else (r[7] - EPOCH) // MICROSECOND for r in rows),
            np.int64,
            len(rows),
        ),
    }
    narrow, roadmap_base = _narrowed_roadmaps(
        np.frombuffer(b"".join(bytes(v) for v in roadmaps if v is not None), np.uint8)
    )
    arrays.update(narrow)
    plain = {
        "by_item": by_item,
        "halves": halves,
        "roadmap_base": roadmap_base,
        "profiles": list(profiles),
        "codes": codes,
    }
    return _laid_out(arrays, plain)


# The roadmap pairs (int32 item index, int32 date ordinal) end to end take four bytes
# instead of eight when every index and every date's days after the earliest fit in
# 16 bits (a sixth of the value read at 20,000 offerings).
WIDE = "<i4"
NARROW = "<u2"
NARROW_MAX = 0xFFFF


def _narrowed_roadmaps(raw: np.ndarray) -> tuple[dict[str, np.ndarray], int | None]:
    """The arrays that store ``raw`` (the roadmap vectors end to end), and the
    earliest date when they are narrowed (``None``: stored as they are)."""
    if not raw.size or raw.size % 8:
        return {"roadmaps": raw}, None
    pairs = raw.view(WIDE).reshape(-1, 2)
    positions, dates = pairs[:, 0], pairs[:, 1]
    base = int(dates.min())
    if (
        int(positions.min()) < 0
        or int(positions.max()) > NARROW_MAX
        or int(dates.max()) - base > NARROW_MAX
    ):
        return {"roadmaps": raw}, None
    return {
        "roadmap_positions": positions.astype(NARROW),
        "roadmap_days": (dates - base).astype(NARROW),
    }, base


def _widened_roadmaps(arrays: dict[str, np.ndarray], base: int | None) -> np.ndarray:
    """The roadmap vectors end to end, as :func:`_narrowed_roadmaps` was given them."""
    if base is None:
        return arrays["roadmaps"]
    positions = arrays["roadmap_positions"]
    pairs = np.empty((len(positions), 2), dtype=WIDE)
    pairs[:, 0] = positions
    np.add(arrays["roadmap_days"], base, out=pairs[:, 1], dtype=WIDE)
    return pairs.reshape(-1).view(np.uint8)


# A snapshot's value: MAGIC, the length of a JSON header (8 bytes, little-endian),
# the header (the arrays' names, types and sizes, and the plain values), then each
# array's bytes, every part starting at a multiple of 8 bytes. A reader takes each
# array where it lies in the value read, with no copy (np.frombuffer).
MAGIC = b"FMSHELF4"
_ALIGN = 8


def _padding(size: int) -> bytes:
    return bytes(-size % _ALIGN)


def _laid_out(arrays: dict[str, np.ndarray], plain: dict[str, Any]) -> bytes:
    header = json.dumps(
        {**plain, "arrays": [[n, a.dtype.str, a.size] for n, a in arrays.items()]}
    ).encode()
    parts = [MAGIC, struct.pack("<Q", len(header)), header, _padding(len(header))]
    for array in arrays.values():
        parts += [array.tobytes(), _padding(array.nbytes)]
    return b"".join(parts)


def _arrays(data: bytes | memoryview) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The arrays (views into ``data``) and plain values of a :func:`_laid_out`
    value."""
    (length,) = struct.unpack_from("<Q", data, len(MAGIC))
    at = len(MAGIC) + 8
    plain = json.loads(bytes(data[at : at + length]))
    at += length + len(_padding(length))
    arrays = {}
    for name, dtype, size in plain.pop("arrays"):
        array = np.frombuffer(data, dtype=np.dtype(dtype), count=size, offset=at)
        arrays[name] = array
        at += array.nbytes + len(_padding(array.nbytes))
    return arrays, plain


def _starts(lengths: np.ndarray) -> np.ndarray:
    """Where each value starts in the values laid end to end (a missing one takes no
    room); one more entry: the end."""
    starts = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(np.where(lengths < 0, 0, lengths), out=starts[1:])
    return starts


@dataclass(frozen=True)
class Columns:
    """A shelf's rows as arrays, in id order: what scoring reads from a snapshot
    without making a Python object per offering (:meth:`rows` makes them)."""

    ids: np.ndarray  # int64
    releases: np.ndarray  # int64
    profiles: list[tuple[Any, ...]]  # distinct (provider kind, deployment, impact)
    profile_of: np.ndarray  # int64 per row, into ``profiles``
    level_lengths: np.ndarray  # int64 per row; NONE: no vector
    # The level vectors by item when all have one length, else end to end.
    levels: LevelsByItem | np.ndarray
    roadmap_lengths: np.ndarray  # int64 per row; NONE: no vector
    roadmaps: np.ndarray  # uint8: the roadmap pairs end to end
    stamps: np.ndarray  # int64 microseconds since the epoch per row; NONE: none
    # The release's item IDs in vector order, as of the snapshot (a release does
    # not change once imported: standards.items), or None when not stored.
    codes: list[str] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    @functools.cached_property
    def _level_starts(self) -> np.ndarray:
        return _starts(self.level_lengths)

    @functools.cached_property
    def _roadmap_starts(self) -> np.ndarray:
        return _starts(self.roadmap_lengths)

    def level_bytes(self, row: int) -> bytes | None:
        """The level vector of a row as stored (``None``: the offering has none)."""
        if self.level_lengths[row] < 0:
            return None
        if isinstance(self.levels, LevelsByItem):
            return self.levels.vector(row)
        start, end = self._level_starts[row : row + 2].tolist()
        return self.levels[start:end].tobytes()

    def roadmap_bytes(self, row: int) -> bytes | None:
        if self.roadmap_lengths[row] < 0:
            return None
        start, end = self._roadmap_starts[row : row + 2].tolist()
        return self.roadmaps[start:end].tobytes()

    def rows(self) -> list[tuple[Any, ...]]:
        """The ``ROW_FIELDS`` rows (vectors as ``bytes``)."""
        laid = self.levels
        joined = laid.matrix() if isinstance(laid, LevelsByItem) else laid
        levels = _split(joined.tobytes(), self.level_lengths)
        roadmaps = _split(self.roadmaps.tobytes(), self.roadmap_lengths)
        stamps = [
            None if s == NONE else EPOCH + datetime.timedelta(microseconds=s)
            for s in self.stamps.tolist()
        ]
        return [
            (pk, release, *self.profiles[profile], level, roadmap, stamp)
            for pk, release, profile, level, roadmap, stamp in zip(
                self.ids.tolist(),
                self.releases.tolist(),
                self.profile_of.tolist(),
                levels,
                roadmaps,
                stamps,
                strict=True,
            )
        ]


def _split(blob: bytes, lengths: np.ndarray) -> list[bytes | None]:
    starts = _starts(lengths).tolist()
    return [
        None if n < 0 else blob[a:b]
        for a, b, n in zip(starts, starts[1:], lengths.tolist(), strict=False)
    ]


def unpack_columns(data: bytes | memoryview) -> Columns:
    """The rows :func:`pack` was given, as :class:`Columns`: the arrays are read
    where they lie in ``data`` (levels by item stay as stored: a need spreads only
    its own items' codes), with no Python object per row."""
    arrays, plain = _arrays(data)
    levels: LevelsByItem | np.ndarray = arrays["levels"]
    if plain["by_item"]:
        width = int(arrays["level_lengths"][0])
        levels = LevelsByItem(
            arrays["levels"].reshape(width, -1), len(arrays["ids"]), plain["halves"]
        )
    return Columns(
        ids=arrays["ids"],
        releases=arrays["releases"],
        profiles=[tuple(p) for p in plain["profiles"]],
        profile_of=arrays["profile_of"],
        level_lengths=arrays["level_lengths"],
        levels=levels,
        roadmap_lengths=arrays["roadmap_lengths"],
        roadmaps=_widened_roadmaps(arrays, plain.get("roadmap_base")),
        stamps=arrays["stamps"],
        codes=plain.get("codes"),
    )


def unpack(data: bytes | memoryview) -> list[tuple[Any, ...]]:
    """The rows :func:`pack` was given (vectors as ``bytes``)."""
    return unpack_columns(data).rows()


class _Chunks:
    """A file for ``COPY ... TO STDOUT`` that keeps what it is given as it is (the
    snapshot's row comes in one piece: no copy into a growing buffer)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(data)
        return len(data)


def _copied_row(parts: list[bytes]) -> tuple[int, memoryview] | None:
    """The ``(version, data)`` row of a binary COPY's output, or ``None``.

    PGCOPY: an 11-byte signature, flags and extension length (4 bytes each), then
    per row a field count (2 bytes) and each field's length (4) and bytes; -1 ends.
    PostgreSQL sends the header with the first row, and the end apart: the row is
    read where it lies in the first part (joined with the rest only if it spans
    them)."""
    copied = memoryview(parts[0])
    at = 19 + struct.unpack_from(">i", copied, 15)[0]
    if struct.unpack_from(">h", copied, at)[0] != 2:
        return None  # no row: the end (-1)
    version = struct.unpack_from(">q", copied, at + 6)[0]
    length = struct.unpack_from(">i", copied, at + 14)[0]
    if at + 18 + length > len(copied):
        copied = memoryview(b"".join(parts))
    return version, copied[at + 18 : at + 18 + length]


def _read(release_id: int) -> tuple[int, bytes | memoryview] | None:
    """``(version, data)`` of the release's snapshot: one read. A value of another
    layout (an older one) reads as no snapshot: it is taken again from the rows."""
    if connection.vendor != "postgresql":
        found = (
            ShelfSnapshot.objects.filter(release_id=release_id)
            .values_list("version", "data")
            .first()
        )
        snapshot: tuple[int, bytes | memoryview] | None = (
            (found[0], bytes(found[1])) if found else None
        )
    else:
        out = _Chunks()
        with connection.cursor() as cursor:
            query = cursor.mogrify(
                f"COPY (SELECT version, data FROM {ShelfSnapshot._meta.db_table} "  # noqa: S608  # nosec B608 - model metadata
                "WHERE release_id = %s) TO STDOUT WITH (FORMAT binary)",
                [release_id],
            )
            cursor.copy_expert(query, out)
        snapshot = _copied_row(out.parts)
    if snapshot is None or bytes(snapshot[1][: len(MAGIC)]) != MAGIC:
        return None
    return snapshot


def _save(release_id: int, version: int, rows: list[tuple[Any, ...]]) -> bytes:
    """Store the snapshot of ``rows`` with the release's item IDs; its packed value.
    One more query: the release's items."""
    codes = [ref.code for ref in release_items(release_id, labels=False)]
    data = pack(rows, codes)
    ShelfSnapshot.objects.bulk_create(
        [
            ShelfSnapshot(
                release_id=release_id,
                version=version,
                offerings=len(rows),
                data=data,
            )
        ],
        update_conflicts=True,
        unique_fields=["release"],
        update_fields=["version", "offerings", "data", "built_at"],
    )
    return data


def rows_since(
    release_id: int, known: Sequence[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """The release's rows now, from ``known`` rows and a read of the keys: only the
    rows whose key changed (or new ones) are read again. Two queries."""
    keys = list(published(release_id).values_list(*KEY_FIELDS))
    by_key = {key_of(row): row for row in known}
    fresh = {
        row[0]: row
        for row in published(release_id)
        .filter(pk__in=[key[0] for key in keys if key not in by_key])
        .values_list(*ROW_FIELDS)
    }
    rows = []
    for key in keys:
        row = by_key.get(key) or fresh.get(key[0])
        if row is not None:
            rows.append(row)
    return rows


def published_columns(release_id: int) -> tuple[int, Columns]:
    """``(catalog version, columns)``: the release's published offerings with their
    vectors, in id order, as arrays. Two reads when the snapshot is of the current
    version (the version and the snapshot); otherwise the snapshot is brought up to
    date from the rows changed since (:func:`rows_since`; every row when there is
    no snapshot) and stored again."""
    version = pagecache.version(SCOPE)
    snapshot = _read(release_id)
    if snapshot is not None and snapshot[0] == version:
        return version, unpack_columns(snapshot[1])
    if snapshot is None:
        rows = list(published(release_id).values_list(*ROW_FIELDS))
    else:
        rows = rows_since(release_id, unpack(snapshot[1]))
    return version, unpack_columns(_save(release_id, version, rows))


def published_rows(release_id: int) -> tuple[int, list[tuple[Any, ...]]]:
    """:func:`published_columns` as ``ROW_FIELDS`` rows (vectors as ``bytes``)."""
    version, columns = published_columns(release_id)
    return version, columns.rows()
