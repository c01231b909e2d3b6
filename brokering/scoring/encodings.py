"""The compact encodings the bulk computation reads, and the fingerprints of what a
match depends on.

* a need's items as arrays (:class:`NeedCode`, stored in
  :class:`brokering.models.NeedVector`): item positions in the release's item space
  (:mod:`standards.items`), weights, function index;
* the published offerings of a release as a :class:`Shelf` decoded from their claim
  vectors (:mod:`catalog.vectors` writes them);
* credits by vector level code: :data:`CREDIT_BY_CODE` for every claim,
  :data:`VERIFIED_CREDIT_BY_CODE` for a need that counts verified claims only (a
  code without ``VERIFIED_BIT`` earns 0 there).

Pure: plain values in, values out, no queries.
"""

import datetime
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from brokering.scoring.formula import (
    CREDITS,
    MUST,
    ROADMAP,
    SCORING_VERSION,
    WEIGHTS,
    Item,
    NeedSpec,
)
from catalog.vectors import (
    LEVEL_CODES,
    LEVEL_MASK,
    VERIFIED_BIT,
    LevelsByItem,
    decode_roadmap,
)

if TYPE_CHECKING:  # pure: the columns are only read here
    from catalog.shelf import Columns

# A row of ``values()``: field name to value.
Row = dict[str, Any]

# Credit (hundredths) by vector level code, verified or not. Roadmap is 0 here and
# credited only where its date is on or before the need's go-live date.
ROADMAP_CODE = LEVEL_CODES["roadmap"]
CREDIT_BY_CODE = np.zeros(256, dtype=np.int64)
VERIFIED_CREDIT_BY_CODE = np.zeros(256, dtype=np.int64)
for _level, _code in LEVEL_CODES.items():
    _credit = 0 if _code == ROADMAP_CODE else CREDITS[str(_level)]
    CREDIT_BY_CODE[_code] = CREDIT_BY_CODE[_code | VERIFIED_BIT] = _credit
    VERIFIED_CREDIT_BY_CODE[_code | VERIFIED_BIT] = _credit
ROADMAP_CREDIT = CREDITS[ROADMAP]
MUST_WEIGHT = WEIGHTS[MUST]


def credit_table(verified_only: bool) -> np.ndarray:
    """Credits by level code for a need (counting verified claims only, or not)."""
    return VERIFIED_CREDIT_BY_CODE if verified_only else CREDIT_BY_CODE


def credit_bytes(verified_only: bool) -> bytes:
    """:func:`credit_table` as a translation table (``bytes.translate``): a credit
    per level code in one byte, looked up without widening the codes to indices."""
    return _CREDIT_BYTES[verified_only]


_CREDIT_BYTES = {
    verified: credit_table(verified).astype(np.uint8).tobytes()
    for verified in (False, True)
}


def roadmap_counts(codes: np.ndarray, verified_only: bool | np.ndarray) -> np.ndarray:
    """Where a code is a roadmap claim the need may credit (by its date): every
    roadmap claim, or only verified ones for a need counting verified claims only."""
    roadmap: np.ndarray = (codes & LEVEL_MASK) == ROADMAP_CODE
    return roadmap & (~np.asarray(verified_only) | ((codes & VERIFIED_BIT) > 0))


def fingerprint(need_part: bytes, offering_part: bytes) -> str:
    """What a match depends on: its need's digest and its offering's."""
    return hashlib.sha256(need_part + offering_part).hexdigest()


def need_digest(
    go_live: datetime.date,
    provider_kinds: Iterable[str],
    minimum_impact: str,
    deployment_models: Iterable[str],
    items: Sequence[tuple[object, ...]],
    verified_only: bool = False,
) -> bytes:
    """What a need's matches depend on; ``items`` are ``(kind, item ID, function
    code, priority)`` in spec order. A need counting verified claims only says so
    (the others' digests are what they were before the option existed)."""
    parts: tuple[object, ...] = (
        SCORING_VERSION,
        go_live.isoformat(),
        sorted(provider_kinds),
        minimum_impact,
        sorted(deployment_models),
        items,
    )
    if verified_only:
        parts += ("verified claims only",)
    text = repr(parts)
    return hashlib.sha256(text.encode()).digest()


def offering_digest(
    kind: str,
    deployment: str,
    impact: str | None,
    levels: bytes | memoryview | None,
    roadmap: bytes | memoryview | None,
) -> bytes:
    digest = hashlib.sha256(f"{kind}|{deployment}|{impact}|".encode())
    digest.update(bytes(levels or b""))
    digest.update(b"|")
    digest.update(bytes(roadmap or b""))
    return digest.digest()


@dataclass(frozen=True)
class NeedInputs:
    """A need as the scorer reads it: constraints, and items in spec order (function
    code, then item ID)."""

    need_id: int
    release_id: int
    spec: NeedSpec
    item_keys: tuple[Any, ...]  # per item, in spec order: ``(kind, primary key)``
    updated_at: datetime.datetime | None = None  # the need's, when it was read

    def encode(self, item_order: Sequence[Any]) -> "NeedCode":
        """The items against the release's item space (``item_order``: item keys
        in vector order, as :func:`standards.items.item_keys_in_order` gives them)."""
        position_of = {key: position for position, key in enumerate(item_order)}
        items = self.spec.items
        functions = tuple(sorted({item.function for item in items}))
        function_rank = {function: n for n, function in enumerate(functions)}
        return NeedCode(
            need_id=self.need_id,
            release_id=self.release_id,
            constraints=self.spec,
            positions=np.array(
                [position_of.get(key, -1) for key in self.item_keys],
                dtype=np.int64,
            ),
            weights=np.array(
                [WEIGHTS[item.priority] for item in items], dtype=np.int64
            ),
            functions=functions,
            function_index=np.array(
                [function_rank[item.function] for item in items], dtype=np.int64
            ),
            codes=tuple(str(item.capability) for item in items),
            digest=spec_digest(self.spec),
            updated_at=self.updated_at,
        )


@dataclass(frozen=True)
class NeedCode:
    """A need's items as arrays, in spec order, against its release's capability
    order: what :class:`brokering.models.NeedVector` stores."""

    need_id: int
    release_id: int
    constraints: NeedSpec  # go-live and constraints; its items are unused
    positions: np.ndarray  # int64 per item: index in the item space, or -1
    weights: np.ndarray  # int64 per item
    functions: tuple[str, ...]  # sorted
    function_index: np.ndarray  # int64 per item, into ``functions``
    codes: tuple[str, ...] | None  # item ID per item (None: read from
    # the release by position when a result needs them)
    digest: bytes
    updated_at: datetime.datetime | None = None  # the need's, when it was read

    @property
    def must(self) -> np.ndarray:
        must: npt.NDArray[np.bool_] = self.weights == MUST_WEIGHT
        return must

    @property
    def total_weight(self) -> int:
        return int(self.weights.sum())

    def packed(self) -> Row:
        """The fields of its :class:`NeedVector`."""
        return {
            "positions": self.positions.astype("<i4").tobytes(),
            "weights": self.weights.astype(np.uint8).tobytes(),
            "function_index": self.function_index.astype(np.uint8).tobytes(),
            "functions": list(self.functions),
            "digest": self.digest,
        }


def need_spec(
    row: Row, items: Sequence[tuple[Any, ...]]
) -> tuple[NeedSpec, tuple[Any, ...]]:
    """A :class:`NeedSpec` from a need's fields and its ``(key, code, function
    code, priority, awaiting, kind)`` items; items are put in (function, code) order.
    Items awaiting a provider's answer go to ``awaiting``, out of the sums."""
    ordered = sorted(items, key=lambda item: (item[2], item[1]))
    scored = [item for item in ordered if not item[4]]
    spec = NeedSpec(
        go_live=row["go_live_date"],
        items=tuple(
            Item(capability=code, function=function, priority=priority, kind=kind)
            for _, code, function, priority, _, kind in scored
        ),
        provider_kinds=frozenset(row["accepted_provider_kinds"] or ()),
        minimum_impact=row["minimum_impact_level"] or "",
        deployment_models=frozenset(row["accepted_deployment_models"] or ()),
        verified_only=bool(row.get("verified_claims_only")),
        awaiting=tuple(
            Item(capability=code, function=function, priority=priority, kind=kind)
            for _, code, function, priority, awaiting, kind in ordered
            if awaiting
        ),
    )
    return spec, tuple(item[0] for item in scored)


def spec_digest(spec: NeedSpec) -> bytes:
    return need_digest(
        spec.go_live,
        spec.provider_kinds,
        spec.minimum_impact,
        spec.deployment_models,
        [(i.kind, i.capability, i.function, i.priority) for i in spec.items],
        spec.verified_only,
    )


def constraints(row: Row) -> NeedSpec:
    return NeedSpec(
        go_live=row["go_live_date"],
        items=(),
        provider_kinds=frozenset(row["accepted_provider_kinds"] or ()),
        minimum_impact=row["minimum_impact_level"] or "",
        deployment_models=frozenset(row["accepted_deployment_models"] or ()),
        verified_only=bool(row.get("verified_claims_only")),
    )


def _roadmap_pairs(
    joined: bytes | np.ndarray, counts: np.ndarray, width: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows, item positions and date ordinals of the roadmap pairs of a shelf's rows
    (``joined``: their roadmap vectors end to end; ``counts``: pairs per row); pairs
    outside the item space are dropped. The positions and dates are read where they
    lie (int32), not copied, when every pair is inside."""
    if not counts.any():
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    pairs = decode_roadmap(joined)
    row_of = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
    positions, dates = pairs[:, 0], pairs[:, 1]
    if int(positions.min()) >= 0 and int(positions.max()) < width:
        return row_of, positions, dates
    inside = (positions >= 0) & (positions < width)
    return row_of[inside], positions[inside], dates[inside]


@dataclass
class Shelf:
    """Published offerings of one release as arrays, in offering id order."""

    offering_ids: np.ndarray  # int64, ascending
    levels: LevelsByItem  # the level codes, a row per item
    roadmap_rows: np.ndarray  # int32: offering row of each roadmap pair
    roadmap_positions: np.ndarray  # int32: item index of each pair
    roadmap_dates: np.ndarray  # int32: date ordinal of each pair
    profiles: list[tuple[str, str, str]]  # distinct (kind, deployment, impact)
    profile_of: np.ndarray  # int64 per offering, into ``profiles``
    # What a digest reads of an offering: (kinds, deployments, impacts, levels,
    # roadmaps) per row, or the snapshot's columns the shelf was made from.
    _raw: "tuple[Sequence[Any], ...] | Columns"
    _digests: dict[int, bytes] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.offering_ids)

    @classmethod
    def from_rows(cls, rows: Sequence[tuple[Any, ...]], width: int) -> "Shelf":
        """From ``_OFFERING_FIELDS`` rows ordered by id; ``width`` is the number of
        items of the release. A missing or short vector reads as unknown
        where it has no byte."""
        if not rows:
            empty = np.zeros(0, dtype=np.int64)
            return cls(
                empty,
                LevelsByItem(np.zeros((width, 0), dtype=np.uint8), 0, halves=False),
                empty,
                empty,
                empty,
                [],
                empty,
                ((), (), (), (), ()),
            )
        ids, _releases, kinds, deployments, impacts, levels, roadmaps = zip(
            *rows, strict=True
        )
        try:
            lengths = set(map(len, levels))
        except TypeError:  # an offering without a vector
            levels = tuple(b"" if v is None else v for v in levels)
            lengths = set(map(len, levels))
        try:
            counts = np.fromiter(map(len, roadmaps), dtype=np.int64, count=len(rows))
        except TypeError:
            roadmaps = tuple(b"" if v is None else v for v in roadmaps)
            counts = np.fromiter(map(len, roadmaps), dtype=np.int64, count=len(rows))
        counts //= 8
        if lengths == {width}:
            packed = b"".join(levels)
        else:
            blank = bytes(width)
            packed = b"".join((bytes(v) + blank)[:width] for v in levels)
        matrix = np.frombuffer(packed, dtype=np.uint8).reshape(len(rows), width)
        roadmap = _roadmap_pairs(b"".join(roadmaps), counts, width)
        index: dict[tuple[str, str, str], int] = {}
        profile_of = np.fromiter(
            (
                index.setdefault(profile, len(index))
                for profile in zip(kinds, deployments, impacts, strict=True)
            ),
            dtype=np.int64,
            count=len(rows),
        )
        return cls(
            np.array(ids, dtype=np.int64),
            LevelsByItem.from_matrix(matrix, halves=False),
            *roadmap,
            list(index),
            profile_of,
            (kinds, deployments, impacts, levels, roadmaps),
        )

    @classmethod
    def from_columns(cls, columns: "Columns", width: int) -> "Shelf":
        """From a snapshot's :class:`~catalog.shelf.Columns` (in id order), as
        :meth:`from_rows` makes it from their rows: the snapshot's levels by item as
        they lie when every vector has ``width`` items (else through the rows)."""
        levels = columns.levels
        if not isinstance(levels, LevelsByItem) or levels.width != width:
            return cls.from_rows([row[:-1] for row in columns.rows()], width)
        counts = np.where(columns.roadmap_lengths < 0, 0, columns.roadmap_lengths) // 8
        return cls(
            columns.ids,
            levels,
            *_roadmap_pairs(columns.roadmaps, counts, width),
            list(columns.profiles),
            columns.profile_of,
            columns,
        )

    def digest(self, row: int) -> bytes:
        """The offering part of a fingerprint (kind, deployment, impact, vector)."""
        found = self._digests.get(row)
        if found is None:
            if isinstance(self._raw, tuple):
                kinds, deployments, impacts, levels, roadmaps = self._raw
                found = offering_digest(
                    kinds[row],
                    deployments[row],
                    impacts[row],
                    levels[row],
                    roadmaps[row],
                )
            else:
                columns = self._raw
                kind, deployment, impact = columns.profiles[columns.profile_of[row]]
                found = offering_digest(
                    kind,
                    deployment,
                    impact,
                    columns.level_bytes(row),
                    columns.roadmap_bytes(row),
                )
            self._digests[row] = found
        return found


def code_from_vector(row: Row) -> NeedCode:
    """A need's code from its item vector (``_NEED_FIELDS`` + ``_VECTOR_FIELDS``)."""
    return NeedCode(
        need_id=row["id"],
        release_id=row["release_id"],
        constraints=constraints(row),
        positions=np.frombuffer(bytes(row["vector__positions"]), dtype="<i4").astype(
            np.int64
        ),
        weights=np.frombuffer(bytes(row["vector__weights"]), dtype=np.uint8).astype(
            np.int64
        ),
        functions=tuple(row["vector__functions"]),
        function_index=np.frombuffer(
            bytes(row["vector__function_index"]), dtype=np.uint8
        ).astype(np.int64),
        codes=None,
        digest=bytes(row["vector__digest"]),
        updated_at=row["updated_at"],
    )


def vector_is_current(row: Row) -> bool:
    """A vector as new as its need, every item in the release (a vector cannot name
    the code of an item outside it, so such a need is read from its items)."""
    if row["vector__positions"] is None:
        return False
    if row["vector__need_updated_at"] != row["updated_at"]:
        return False
    positions = np.frombuffer(bytes(row["vector__positions"]), dtype="<i4")
    return not positions.size or int(positions.min()) >= 0
