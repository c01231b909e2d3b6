"""The market picture: how the published catalog covers every FIBF capability of the
current standards release (``/catalog/coverage/``).

For each capability: how many published offerings of the current release *meet* it
(out of the box), *configure* it, cover it by *extension*, or *lack* it (no claim, a
roadmap claim or "does not meet"). The counts come from the published offerings'
claim vectors (:mod:`catalog.vectors`, derived from the claims by the one claims
writer; capabilities first, in code order), counted column by column in NumPy a
block of offerings at a time (bounded memory in a web worker), never from the
claims table row by row (11 million rows at 20,000 offerings). A few queries
whatever the size of the catalog; the picture is kept in the cache under the
catalog pages' version (``marketplace.pagecache.cached_value``): made once per
change of the catalog, one query (the version) otherwise.
``tests/catalog/test_coverage.py`` holds the counts equal to a direct count over the
claims.
"""

import datetime
import itertools
import secrets
from dataclasses import dataclass, field

import numpy as np
from django.core.cache import cache
from django.db import connection

from catalog import shelf
from catalog.models import ClaimLevel, ClaimVector, Offering, OfferingStatus
from catalog.vectors import LEVEL_CODES, LEVEL_MASK
from marketplace.pagecache import cached_value
from standards.models import Capability, StandardsRelease
from standards.selectors import current_release

# The levels the picture counts, best first; everything else is "lacking".
COUNTED_LEVELS = (ClaimLevel.MEETS, ClaimLevel.CONFIGURABLE, ClaimLevel.EXTENSION)


@dataclass
class CapabilityCoverage:
    code: str
    statement: str
    function_code: str
    meets: int
    configurable: int
    extension: int
    lacking: int

    @property
    def values(self) -> list[int]:
        return [self.meets, self.configurable, self.extension, self.lacking]


@dataclass
class FunctionCoverage:
    code: str
    name: str
    capabilities: list[CapabilityCoverage] = field(default_factory=list)

    def _sum(self, name: str) -> int:
        return sum(getattr(c, name) for c in self.capabilities)

    @property
    def values(self) -> list[int]:
        """Offering-capability pairs at each level, summed over the capabilities."""
        return [
            self._sum(name)
            for name in ("meets", "configurable", "extension", "lacking")
        ]

    @property
    def unmet_count(self) -> int:
        return sum(1 for c in self.capabilities if c.meets == 0)


@dataclass
class MarketCoverage:
    release: StandardsRelease
    offering_count: int
    functions: list[FunctionCoverage]

    @property
    def capabilities(self) -> list[CapabilityCoverage]:
        return [c for function in self.functions for c in function.capabilities]

    @property
    def unmet(self) -> list[CapabilityCoverage]:
        """Capabilities no published offering meets out of the box."""
        return [c for c in self.capabilities if c.meets == 0]

    def function(self, code: str) -> FunctionCoverage | None:
        return next((f for f in self.functions if f.code == code), None)


def market_coverage() -> MarketCoverage | None:
    """The picture for the current release (``None`` before one is current), from
    the cache while the catalog has not changed."""
    return cached_value("catalog", "market-coverage", _market_coverage)


BLOCK = 512  # offerings read and counted at a time (bounds a web worker's memory)
# The counts and every published offering's classes on the capabilities, kept
# between changes of the catalog: after a provider's edit, only the offerings whose
# claim vector changed (its stamp moved) are read again. The classes are kept in
# pieces of PIECE offerings, each its own cache entry, written as they are made:
# the cache pickles what it keeps (LocMemCache too), and a whole catalog's classes
# (4.5 MB at 20,000 offerings) next to their pickled copy set a web worker's peak
# (docs/performance.md, finding 45). A piece's key names its generation (a new one
# each time the classes are written), so a header never lists another writer's
# pieces; the generation it replaces is deleted.
KEPT_KEY = "coverage:pieces:{release}"
PIECE_KEY = "coverage:pieces:{release}:{generation}:{piece}"
PIECE = 2048
KEPT_SECONDS = 7 * 24 * 3600
# Class of each level code (verified bit dropped): 1 + its place in COUNTED_LEVELS,
# 0 for everything else (no claim, roadmap, does not meet).
CLASS_OF = np.zeros(LEVEL_MASK + 1, dtype=np.uint8)
for _place, _level in enumerate(COUNTED_LEVELS):
    CLASS_OF[LEVEL_CODES[_level]] = _place + 1
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def _keys(release_id: int) -> tuple[np.ndarray, np.ndarray]:
    """The published offerings' ids (ascending) and their vectors' stamps
    (microseconds; -1 without a vector). One query of small values: on PostgreSQL
    the stamps come as integers (no datetime made per row: 18,000 rows), each
    column as one text of numbers that NumPy reads (no tuple or integer object
    made per row: 3.4 MB of them at 20,000 offerings)."""
    if connection.vendor == "postgresql":
        stamp = "COALESCE((EXTRACT(EPOCH FROM v.updated_at) * 1000000)::bigint, -1)"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT string_agg(o.id::text, ',' ORDER BY o.id), "  # noqa: S608  # nosec B608 - model metadata
                f"string_agg({stamp}::text, ',' ORDER BY o.id) "
                f"FROM {Offering._meta.db_table} o "
                f"LEFT JOIN {ClaimVector._meta.db_table} v ON v.offering_id = o.id "
                "WHERE o.status = %s AND o.release_id = %s",
                [OfferingStatus.PUBLISHED, release_id],
            )
            ids, stamps = cursor.fetchone()
        return _numbers(ids), _numbers(stamps)
    return _keys_of_rows(release_id)


def _keys_of_rows(release_id: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_keys` through the ORM, a row at a time (any database)."""
    found = list(
        shelf.published(release_id).values_list("id", "claim_vector__updated_at")
    )
    ids = np.array([pk for pk, _stamp in found], dtype=np.int64)
    stamps = np.array(
        [
            -1
            if stamp is None
            else (stamp - EPOCH) // datetime.timedelta(microseconds=1)
            for _pk, stamp in found
        ],
        dtype=np.int64,
    )
    return ids, stamps


def _numbers(text: str | None) -> np.ndarray:
    """``"1,2,3"`` as integers (``None``, no row: none)."""
    return np.fromstring(text or "", dtype=np.int64, sep=",")


def _classes(vectors, columns: int) -> np.ndarray:
    """``(offerings, columns)`` classes (0-3) of the first ``columns`` items."""
    empty = bytes(columns)
    packed = b"".join(
        bytes(v[:columns]) if v is not None and len(v) >= columns else empty
        for v in vectors
    )
    levels = np.frombuffer(packed, dtype=np.uint8).reshape(len(vectors), columns)
    return CLASS_OF[levels & LEVEL_MASK]


def _pack(classes: np.ndarray) -> np.ndarray:
    """Four classes (two bits each) a byte."""
    rows, columns = classes.shape
    padded = np.zeros((rows, -(-columns // 4) * 4), dtype=np.uint8)
    padded[:, :columns] = classes
    quads = padded.reshape(rows, -1, 4)
    return (
        quads[:, :, 0] | quads[:, :, 1] << 2 | quads[:, :, 2] << 4 | quads[:, :, 3] << 6
    )


def _unpack(packed: np.ndarray, columns: int) -> np.ndarray:
    quads = np.stack([(packed >> shift) & 3 for shift in (0, 2, 4, 6)], axis=2)
    return quads.reshape(packed.shape[0], packed.shape[1] * 4)[:, :columns]


def _add(counts: np.ndarray, classes: np.ndarray, sign: int = 1) -> None:
    for place in range(len(COUNTED_LEVELS)):
        counts[place] += sign * np.count_nonzero(classes == place + 1, axis=0)


class _PieceWriter:
    """Packed classes, added in the offerings' order, kept in the cache
    :data:`PIECE` offerings an entry under a new generation."""

    def __init__(self, release_id: int) -> None:
        self.release_id = release_id
        self.generation = secrets.token_hex(8)
        self.keys: list[str] = []
        self._waiting: list[np.ndarray] = []
        self._count = 0

    def add(self, rows: np.ndarray) -> None:
        self._waiting.append(rows)
        self._count += len(rows)
        while self._count >= PIECE:
            self._write(PIECE)

    def close(self) -> list[str]:
        if self._count:
            self._write(self._count)
        return self.keys

    def _write(self, size: int) -> None:
        rows = np.concatenate(self._waiting)
        key = PIECE_KEY.format(
            release=self.release_id, generation=self.generation, piece=len(self.keys)
        )
        cache.set(key, rows[:size], KEPT_SECONDS)
        self.keys.append(key)
        self._waiting = [rows[size:].copy()]
        self._count = len(rows) - size


def _count_all(
    release_id: int, offerings: int, columns: int, writer: _PieceWriter
) -> tuple[int, np.ndarray]:
    """Every published offering's vector read, :data:`BLOCK` at a time (a
    server-side cursor on PostgreSQL): the number read and the counts; the classes
    of the first ``offerings`` go to ``writer``."""
    counts = np.zeros((len(COUNTED_LEVELS), columns), dtype=np.int64)
    vectors = (
        shelf.published(release_id)
        .values_list("claim_vector__levels", flat=True)
        .iterator(chunk_size=BLOCK)
    )
    read = 0
    while block := list(itertools.islice(vectors, BLOCK)):
        classes = _classes(block, columns)
        del block
        _add(counts, classes)
        if read + len(classes) <= offerings:
            writer.add(_pack(classes))
        read += len(classes)
    return read, counts


def _count_changed(
    release_id: int,
    ids: np.ndarray,
    stamps: np.ndarray,
    kept: dict,
    columns: int,
    writer: _PieceWriter,
) -> np.ndarray | None:
    """The kept counts brought up to date: the classes of offerings gone or changed
    taken off, those of new or changed ones read and added; every offering's
    classes, kept or read, go to ``writer`` in order, a kept piece at a time.
    ``None`` when a kept piece is missing (the cache let it go)."""
    counts = kept["counts"].copy()
    at = np.minimum(np.searchsorted(kept["ids"], ids), max(len(kept["ids"]) - 1, 0))
    same = (
        (kept["ids"][at] == ids) & (kept["stamps"][at] == stamps)
        if len(kept["ids"])
        else np.zeros(len(ids), dtype=bool)
    )
    gone = np.ones(len(kept["ids"]), dtype=bool)
    gone[at[same]] = False
    new = ids[~same]
    fresh = np.zeros((0, -(-columns // 4)), dtype=np.uint8)
    if len(new):
        found = dict(
            shelf.published(release_id)
            .filter(pk__in=new.tolist())
            .values_list("id", "claim_vector__levels")
        )
        classes = _classes([found.get(pk) for pk in new.tolist()], columns)
        _add(counts, classes)
        fresh = _pack(classes)
    # The kept rows keep their order: the n-th one still there goes to the n-th
    # place marked ``same``; the places between take the fresh rows in order.
    places = np.flatnonzero(same)
    start = kept_start = used = fresh_used = 0
    for key in kept["pieces"]:
        piece = cache.get(key)
        if piece is None:
            return None
        # Read once: its pickled copy goes now, not after the new pieces are kept.
        cache.delete(key)
        leaving = gone[kept_start : kept_start + len(piece)]
        kept_start += len(piece)
        _add(counts, _unpack(piece[leaving], columns), sign=-1)
        staying = piece[~leaving]
        if not len(staying):
            continue
        end = places[used + len(staying) - 1] + 1
        rows = np.empty((end - start, piece.shape[1]), dtype=np.uint8)
        kept_here = same[start:end]
        rows[kept_here] = staying
        fresh_here = len(rows) - len(staying)
        rows[~kept_here] = fresh[fresh_used : fresh_used + fresh_here]
        writer.add(rows)
        used += len(staying)
        fresh_used += fresh_here
        start = end
    if kept_start != len(gone):
        return None
    writer.add(fresh[fresh_used:])
    return counts


def level_counts(release_id: int, columns: int) -> tuple[int, dict[str, np.ndarray]]:
    """The number of published offerings of the release, and for each counted level
    how many of them claim it on each of the first ``columns`` items of the item
    space (verified or not), from their claim vectors.

    The counts are kept in the cache with every offering's vector stamp, and its
    classes (two bits an item) in pieces: when no stamp moved the kept counts are
    the answer; otherwise the offerings whose vector is unchanged are not read
    again, the others' old classes are taken off and their new ones added.
    Without kept counts every vector is read, :data:`BLOCK` offerings at a time.
    An offering without a vector has no claim."""
    ids, stamps = _keys(release_id)
    key = KEPT_KEY.format(release=release_id)
    kept = cache.get(key)
    if (
        kept is not None
        and kept["columns"] == columns
        and np.array_equal(kept["ids"], ids)
        and np.array_equal(kept["stamps"], stamps)
    ):
        # No vector moved (the pages' version did): the kept counts as they are,
        # no piece read or written.
        return len(ids), {
            level: kept["counts"][place] for place, level in enumerate(COUNTED_LEVELS)
        }
    writer = _PieceWriter(release_id)
    counts = None
    if kept is not None and kept["columns"] == columns:
        counts = _count_changed(release_id, ids, stamps, kept, columns, writer)
        if counts is None:
            cache.delete_many(writer.keys)
            writer = _PieceWriter(release_id)
    if counts is None:
        read, counts = _count_all(release_id, len(ids), columns, writer)
        if read != len(ids):
            # The catalog moved between the two reads: these counts are right for
            # the vectors read, but not kept against the keys read before.
            cache.delete_many(writer.keys)
            return read, {
                level: counts[place] for place, level in enumerate(COUNTED_LEVELS)
            }
    cache.set(
        key,
        {
            "columns": columns,
            "ids": ids,
            "stamps": stamps,
            "counts": counts,
            "pieces": writer.close(),
        },
        KEPT_SECONDS,
    )
    if kept is not None:
        cache.delete_many(kept["pieces"])
    return len(ids), {
        level: counts[place] for place, level in enumerate(COUNTED_LEVELS)
    }


def _market_coverage() -> MarketCoverage | None:
    release = current_release()
    if release is None:
        return None
    capabilities = list(
        Capability.objects.filter(release=release)
        .order_by("code")
        .values("code", "statement", "function__code", "function__name")
    )
    # Capabilities come first in the vectors, in code order: column n is the n-th.
    offering_count, by_level = level_counts(release.pk, len(capabilities))
    functions: dict[str, FunctionCoverage] = {}
    for index, row in enumerate(capabilities):
        meets, configurable, extension = (
            int(by_level[level][index]) for level in COUNTED_LEVELS
        )
        function = functions.setdefault(
            row["function__code"],
            FunctionCoverage(code=row["function__code"], name=row["function__name"]),
        )
        function.capabilities.append(
            CapabilityCoverage(
                code=row["code"],
                statement=row["statement"],
                function_code=row["function__code"],
                meets=meets,
                configurable=configurable,
                extension=extension,
                lacking=offering_count - meets - configurable - extension,
            )
        )
    return MarketCoverage(
        release=release,
        offering_count=offering_count,
        functions=sorted(functions.values(), key=lambda f: f.code),
    )
