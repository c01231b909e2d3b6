"""The scoring shelf of a release in one sequential read (issue #20).

Scoring a need reads every published offering of its release with its claim vector:
at 20,000 offerings, 18,000 rows read one by one through the ORM cost ten times the
computation. :class:`catalog.models.ShelfSnapshot` keeps those rows packed into one
value per release, as of one catalog version (:mod:`catalog.pagecache`: every change
of claims, publication, provider or offering bumps it in its own transaction):

* :func:`published_rows` answers the rows of the current version from the snapshot
  in one read (``COPY ... (FORMAT binary)`` on PostgreSQL: no hex text to decode);
* when the version has moved on, it reads the offerings' keys (id, profile and the
  vector's stamp), takes the unchanged rows from the old snapshot and reads only
  the changed ones, and stores the new snapshot: the update is incremental;
* :func:`pack` and :func:`unpack` are exact inverses (``tests/catalog/test_shelf.py``
  proves the snapshot equal to the rows after every way they change).
"""

import datetime
import io
import json
import struct
from collections.abc import Sequence
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import QuerySet

from catalog.models import Offering, OfferingStatus, ShelfSnapshot
from catalog.pagecache import SCOPE
from marketplace import pagecache

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


def pack(rows: Sequence[Sequence[Any]]) -> bytes:
    """``ROW_FIELDS`` rows (in id order) as one value. Level codes (0-5) take half
    a byte each when every vector has the same length."""
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
    halves = bool(len(rows)) and width > 0 and bool((level_lengths == width).all())
    level_bytes: np.ndarray = np.frombuffer(joined, dtype=np.uint8)
    if halves and width % 2 == 0:
        pairs = level_bytes.reshape(-1, 2)
        level_bytes = ((pairs[:, 0] << 4) | pairs[:, 1]).astype(np.uint8)
    else:
        halves = False
    roadmaps = [r[6] for r in rows]
    arrays = {
        "ids": np.fromiter((r[0] for r in rows), np.int64, len(rows)),
        "releases": np.fromiter((r[1] for r in rows), np.int64, len(rows)),
        "profile_of": profile_of,
        "profiles": np.frombuffer(json.dumps(list(profiles)).encode(), np.uint8),
        "level_lengths": level_lengths,
        "levels": level_bytes,
        "halves": np.array([halves]),
        "roadmap_lengths": _lengths(roadmaps),
        "roadmaps": np.frombuffer(
            b"".join(bytes(v) for v in roadmaps if v is not None), np.uint8
        ),
        "stamps": np.fromiter(
            (NONE if r[7] is None else (r[7] - EPOCH) // MICROSECOND for r in rows),
            np.int64,
            len(rows),
        ),
    }
    out = io.BytesIO()
    np.savez(out, **arrays)  # type: ignore[arg-type]
    return out.getvalue()


def _split(blob: bytes, lengths: np.ndarray) -> list[bytes | None]:
    ends = np.cumsum(np.where(lengths < 0, 0, lengths)).tolist()
    starts = [0, *ends[:-1]][: len(ends)]
    return [
        None if n < 0 else blob[a:b]
        for a, b, n in zip(starts, ends, lengths.tolist(), strict=True)
    ]


def unpack(data: bytes) -> list[tuple[Any, ...]]:
    """The rows :func:`pack` was given (vectors as ``bytes``)."""
    arrays = np.load(io.BytesIO(data), allow_pickle=False)
    level_bytes = arrays["levels"]
    if bool(arrays["halves"][0]):
        level_bytes = np.stack((level_bytes >> 4, level_bytes & 15), axis=1)
    profiles = [tuple(p) for p in json.loads(arrays["profiles"].tobytes())]
    levels = _split(level_bytes.tobytes(), arrays["level_lengths"])
    roadmaps = _split(arrays["roadmaps"].tobytes(), arrays["roadmap_lengths"])
    stamps = [
        None if s == NONE else EPOCH + datetime.timedelta(microseconds=s)
        for s in arrays["stamps"].tolist()
    ]
    return [
        (pk, release, *profiles[profile], level, roadmap, stamp)
        for pk, release, profile, level, roadmap, stamp in zip(
            arrays["ids"].tolist(),
            arrays["releases"].tolist(),
            arrays["profile_of"].tolist(),
            levels,
            roadmaps,
            stamps,
            strict=True,
        )
    ]


def _read(release_id: int) -> tuple[int, bytes] | None:
    """``(version, data)`` of the release's snapshot: one read."""
    if connection.vendor != "postgresql":
        found = (
            ShelfSnapshot.objects.filter(release_id=release_id)
            .values_list("version", "data")
            .first()
        )
        return (found[0], bytes(found[1])) if found else None
    out = io.BytesIO()
    with connection.cursor() as cursor:
        query = cursor.mogrify(
            f"COPY (SELECT version, data FROM {ShelfSnapshot._meta.db_table} "  # noqa: S608  # nosec B608 - model metadata
            "WHERE release_id = %s) TO STDOUT WITH (FORMAT binary)",
            [release_id],
        )
        cursor.copy_expert(query, out)
    copied = out.getbuffer()
    # PGCOPY: 11-byte signature, flags and extension length (4 bytes each), then
    # per row a field count (2 bytes) and each field's length (4) and bytes.
    at = 19 + struct.unpack_from(">i", copied, 15)[0]
    if struct.unpack_from(">h", copied, at)[0] != 2:
        return None  # no row: the trailer (-1)
    version = struct.unpack_from(">q", copied, at + 6)[0]
    length = struct.unpack_from(">i", copied, at + 14)[0]
    return version, bytes(copied[at + 18 : at + 18 + length])


def _save(release_id: int, version: int, rows: list[tuple[Any, ...]]) -> None:
    ShelfSnapshot.objects.bulk_create(
        [
            ShelfSnapshot(
                release_id=release_id,
                version=version,
                offerings=len(rows),
                data=pack(rows),
            )
        ],
        update_conflicts=True,
        unique_fields=["release"],
        update_fields=["version", "offerings", "data", "built_at"],
    )


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


def published_rows(release_id: int) -> tuple[int, list[tuple[Any, ...]]]:
    """``(catalog version, rows)``: the release's published offerings with their
    vectors, in id order. Two reads when the snapshot is of the current version
    (the version and the snapshot); otherwise the snapshot is brought up to date
    from the rows changed since (:func:`rows_since`; every row when there is no
    snapshot) and stored again."""
    version = pagecache.version(SCOPE)
    snapshot = _read(release_id)
    if snapshot is not None and snapshot[0] == version:
        return version, unpack(snapshot[1])
    if snapshot is None:
        rows = list(published(release_id).values_list(*ROW_FIELDS))
    else:
        rows = rows_since(release_id, unpack(snapshot[1]))
    _save(release_id, version, rows)
    return version, rows
