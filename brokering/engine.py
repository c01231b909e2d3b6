"""Bulk scoring over compact encodings: the offerings' claim vectors
(:class:`catalog.models.ClaimVector`) and the needs' item vectors
(:class:`brokering.models.NeedVector`).

Two directions, each reading its inputs in a fixed number of queries whatever the
number of offerings or needs:

* :func:`score_need_against_published`: one need against every published offering
  of its release, as arrays (a score numerator, an eligibility flag and a gap count
  per offering) ranked with one ``np.lexsort``. Result objects, breakdowns and
  fingerprints are made only for the offerings asked for (the matches worth keeping);
* :func:`score_offering_against_active_needs`: one offering against every active need
  of its release, all their items scored together as flat arrays.

Both equal :func:`brokering.scoring.score` and :func:`brokering.scoring.rank` exactly
(``tests/brokering/test_engine.py`` compares them): credits are integer hundredths,
sums are exact, the score is the same single division, and ties keep the offering id
order that the reference ranking gets from its input.

Compute only: :mod:`brokering.services` writes the results.
"""

import datetime
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import overload

import numpy as np
from django.db import connection

from brokering import scoring
from brokering.models import Need, NeedItem, NeedStatus
from catalog.models import Offering, OfferingStatus
from catalog.vectors import LEVEL_CODES, capability_ids_in_order, decode_roadmap
from standards.models import Capability

# Credit (hundredths) by vector level code. Roadmap is 0 here and credited only
# where its date is on or before the need's go-live date.
_ROADMAP_CODE = LEVEL_CODES["roadmap"]
_CREDIT_BY_CODE = np.zeros(256, dtype=np.int64)
for _level, _code in LEVEL_CODES.items():
    _CREDIT_BY_CODE[_code] = scoring.CREDITS[str(_level)]
_CREDIT_BY_CODE[_ROADMAP_CODE] = 0
_ROADMAP_CREDIT = scoring.CREDITS[scoring.ROADMAP]
_MUST_WEIGHT = scoring.WEIGHTS[scoring.MUST]

_NEED_FIELDS = (
    "id",
    "release_id",
    "go_live_date",
    "accepted_provider_kinds",
    "minimum_impact_level",
    "accepted_deployment_models",
    "updated_at",
)
_ITEM_FIELDS = (
    "need_id",
    "capability_id",
    "capability__code",
    "capability__function__code",
    "priority",
)
_OFFERING_FIELDS = (
    "id",
    "release_id",
    "provider__kind",
    "deployment_model",
    "fedramp_impact",
    "claim_vector__levels",
    "claim_vector__roadmap",
)
_VECTOR_FIELDS = (
    "vector__positions",
    "vector__weights",
    "vector__function_index",
    "vector__functions",
    "vector__digest",
    "vector__need_updated_at",
)


@dataclass(frozen=True)
class Scored:
    need_id: int
    result: scoring.Result
    fingerprint: str


def _fingerprint(need_digest: bytes, offering_digest: bytes) -> str:
    return hashlib.sha256(need_digest + offering_digest).hexdigest()


def _need_digest(go_live, provider_kinds, minimum_impact, deployment_models, items):
    """What a need's matches depend on; ``items`` are ``(capability code, function
    code, priority)`` in spec order."""
    text = repr(
        (
            scoring.SCORING_VERSION,
            go_live.isoformat(),
            sorted(provider_kinds),
            minimum_impact,
            sorted(deployment_models),
            items,
        )
    )
    return hashlib.sha256(text.encode()).digest()


def _offering_digest(kind, deployment, impact, levels, roadmap) -> bytes:
    digest = hashlib.sha256(f"{kind}|{deployment}|{impact}|".encode())
    digest.update(bytes(levels or b""))
    digest.update(b"|")
    digest.update(bytes(roadmap or b""))
    return digest.digest()


# --- needs -------------------------------------------------------------------------


@dataclass(frozen=True)
class NeedInputs:
    """A need as the scorer reads it: constraints, and items in spec order (function
    code, then capability code)."""

    need_id: int
    release_id: int
    spec: scoring.NeedSpec
    capability_ids: tuple[int, ...]  # per item, in spec order
    updated_at: datetime.datetime | None = None  # the need's, when it was read

    def encode(self, capability_order: Sequence[int]) -> "NeedCode":
        """The items against the release's capability order (``capability_order``:
        capability ids in code order, as :func:`catalog.vectors.
        capability_ids_in_order` gives them)."""
        position_of = {cid: position for position, cid in enumerate(capability_order)}
        items = self.spec.items
        functions = tuple(sorted({item.function for item in items}))
        function_rank = {function: n for n, function in enumerate(functions)}
        return NeedCode(
            need_id=self.need_id,
            release_id=self.release_id,
            constraints=self.spec,
            positions=np.array(
                [position_of.get(cid, -1) for cid in self.capability_ids],
                dtype=np.int64,
            ),
            weights=np.array(
                [scoring.WEIGHTS[item.priority] for item in items], dtype=np.int64
            ),
            functions=functions,
            function_index=np.array(
                [function_rank[item.function] for item in items], dtype=np.int64
            ),
            codes=tuple(item.capability for item in items),
            digest=_spec_digest(self.spec),
            updated_at=self.updated_at,
        )


@dataclass(frozen=True)
class NeedCode:
    """A need's items as arrays, in spec order, against its release's capability
    order: what :class:`brokering.models.NeedVector` stores."""

    need_id: int
    release_id: int
    constraints: scoring.NeedSpec  # go-live and constraints; its items are unused
    positions: np.ndarray  # int64 per item: capability index in code order, or -1
    weights: np.ndarray  # int64 per item
    functions: tuple[str, ...]  # sorted
    function_index: np.ndarray  # int64 per item, into ``functions``
    codes: tuple[str, ...] | None  # capability code per item (None: read from
    # the release by position when a result needs them)
    digest: bytes
    updated_at: datetime.datetime | None = None  # the need's, when it was read

    @property
    def must(self) -> np.ndarray:
        return self.weights == _MUST_WEIGHT

    @property
    def total_weight(self) -> int:
        return int(self.weights.sum())

    def packed(self) -> dict:
        """The fields of its :class:`NeedVector`."""
        return {
            "positions": self.positions.astype("<i4").tobytes(),
            "weights": self.weights.astype(np.uint8).tobytes(),
            "function_index": self.function_index.astype(np.uint8).tobytes(),
            "functions": list(self.functions),
            "digest": self.digest,
        }


def need_spec(
    row: dict, items: Sequence[tuple[int, str, str, str]]
) -> tuple[scoring.NeedSpec, tuple[int, ...]]:
    """A :class:`scoring.NeedSpec` from a need's fields and its ``(capability_id,
    code, function code, priority)`` items; items are put in (function, code) order."""
    ordered = sorted(items, key=lambda item: (item[2], item[1]))
    spec = scoring.NeedSpec(
        go_live=row["go_live_date"],
        items=tuple(
            scoring.Item(capability=code, function=function, priority=priority)
            for _, code, function, priority in ordered
        ),
        provider_kinds=frozenset(row["accepted_provider_kinds"] or ()),
        minimum_impact=row["minimum_impact_level"] or "",
        deployment_models=frozenset(row["accepted_deployment_models"] or ()),
    )
    return spec, tuple(item[0] for item in ordered)


def load_needs(needs_query) -> list[NeedInputs]:
    """Two queries: the needs, then all their items with their codes."""
    return _with_items(list(needs_query.values(*_NEED_FIELDS)))


def _with_items(rows: list[dict]) -> list[NeedInputs]:
    """One query: the items of the needs (``_NEED_FIELDS`` rows) with their codes."""
    items: dict[int, list] = {row["id"]: [] for row in rows}
    for need_id, capability_id, code, function, priority in NeedItem.objects.filter(
        need_id__in=list(items)
    ).values_list(*_ITEM_FIELDS):
        items[need_id].append((capability_id, code, function, priority))
    loaded = []
    for row in rows:
        spec, capability_ids = need_spec(row, items[row["id"]])
        loaded.append(
            NeedInputs(
                row["id"], row["release_id"], spec, capability_ids, row["updated_at"]
            )
        )
    return loaded


_load_needs = load_needs  # the name bench/scoring.py calls


def _spec_digest(spec: scoring.NeedSpec) -> bytes:
    return _need_digest(
        spec.go_live,
        spec.provider_kinds,
        spec.minimum_impact,
        spec.deployment_models,
        [(i.capability, i.function, i.priority) for i in spec.items],
    )


def _constraints(row: dict) -> scoring.NeedSpec:
    return scoring.NeedSpec(
        go_live=row["go_live_date"],
        items=(),
        provider_kinds=frozenset(row["accepted_provider_kinds"] or ()),
        minimum_impact=row["minimum_impact_level"] or "",
        deployment_models=frozenset(row["accepted_deployment_models"] or ()),
    )


# --- one need against the shelf ----------------------------------------------------


@dataclass
class Shelf:
    """Published offerings of one release as arrays, in offering id order."""

    offering_ids: np.ndarray  # int64, ascending
    levels: np.ndarray  # (offerings x capabilities) uint8 level codes
    roadmap_rows: np.ndarray  # int64: offering row of each roadmap pair
    roadmap_positions: np.ndarray  # int64: capability index of each pair
    roadmap_dates: np.ndarray  # int64: date ordinal of each pair
    profiles: list[tuple[str, str, str]]  # distinct (kind, deployment, impact)
    profile_of: np.ndarray  # int64 per offering, into ``profiles``
    _raw: tuple  # (kinds, deployments, impacts, levels, roadmaps) for digests
    _digests: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.offering_ids)

    @classmethod
    def from_rows(cls, rows: Sequence[tuple], width: int) -> "Shelf":
        """From ``_OFFERING_FIELDS`` rows ordered by id; ``width`` is the number of
        capabilities of the release. A missing or short vector reads as unknown
        where it has no byte."""
        if not rows:
            empty = np.zeros(0, dtype=np.int64)
            return cls(
                empty,
                np.zeros((0, width), dtype=np.uint8),
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
        if counts.any():
            pairs = decode_roadmap(b"".join(roadmaps)).astype(np.int64)
            row_of = np.repeat(np.arange(len(rows)), counts)
            inside = (pairs[:, 0] >= 0) & (pairs[:, 0] < width)
            roadmap = (row_of[inside], pairs[inside, 0], pairs[inside, 1])
        else:
            empty = np.zeros(0, dtype=np.int64)
            roadmap = (empty, empty, empty)
        index: dict[tuple, int] = {}
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
            matrix,
            *roadmap,
            list(index),
            profile_of,
            (kinds, deployments, impacts, levels, roadmaps),
        )

    def digest(self, row: int) -> bytes:
        """The offering part of a fingerprint (kind, deployment, impact, vector)."""
        found = self._digests.get(row)
        if found is None:
            kinds, deployments, impacts, levels, roadmaps = self._raw
            found = self._digests[row] = _offering_digest(
                kinds[row], deployments[row], impacts[row], levels[row], roadmaps[row]
            )
        return found


def shelf_rows(release_id: int) -> list[tuple]:
    """Every published offering of the release with its claim vector, by id."""
    return list(_published(release_id).values_list(*_OFFERING_FIELDS))


def _published(release_id: int):
    return Offering.objects.filter(
        status=OfferingStatus.PUBLISHED, release_id=release_id
    ).order_by("id")


# What a shelf row depends on besides its vector's bytes: the vector's stamp
# (``ClaimVector.updated_at``, set by every write of the vector) stands for them.
_SHELF_KEY_FIELDS = (
    "id",
    "provider__kind",
    "deployment_model",
    "fedramp_impact",
    "claim_vector__updated_at",
)
_SHELVES_KEPT = 2


@dataclass
class _CachedShelf:
    width: int
    keys: list[tuple]
    rows: list[tuple]
    shelf: Shelf


# Shelves this process read, by (database, release), newest last.
_shelves: dict[tuple[str, int], _CachedShelf] = {}


def published_shelf(release_id: int, width: int) -> Shelf:
    """The release's published offerings with their vectors, as a :class:`Shelf`.

    A worker scores need after need against the same shelf, so the process keeps
    the last shelves it read. Before reusing one it reads every published
    offering's key (its id, profile and vector stamp: one query of small values,
    not the vectors); a shelf whose keys all match is current. Offerings whose key
    changed, or new ones, are read again (one more query) and the shelf rebuilt.
    The first read of a release is one query of every row with its vector.
    """
    cache_key = (connection.settings_dict["NAME"], release_id)
    cached = _shelves.pop(cache_key, None)
    if cached is None or cached.width != width:
        rows = list(
            _published(release_id).values_list(*_OFFERING_FIELDS, _SHELF_KEY_FIELDS[-1])
        )
    else:
        keys = list(_published(release_id).values_list(*_SHELF_KEY_FIELDS))
        if keys == cached.keys:
            _shelves[cache_key] = cached
            return cached.shelf
        known = dict(zip(cached.keys, cached.rows, strict=True))
        fresh = {
            row[0]: row
            for row in _published(release_id)
            .filter(pk__in=[key[0] for key in keys if key not in known])
            .values_list(*_OFFERING_FIELDS, _SHELF_KEY_FIELDS[-1])
        }
        rows = []
        for key in keys:
            row = known.get(key) or fresh.get(key[0])
            if row is not None:
                rows.append(row)
    shelf = Shelf.from_rows([row[:-1] for row in rows], width)
    _shelves[cache_key] = _CachedShelf(
        width, [(row[0], row[2], row[3], row[4], row[-1]) for row in rows], rows, shelf
    )
    while len(_shelves) > _SHELVES_KEPT:
        _shelves.pop(next(iter(_shelves)))
    return shelf


def forget_shelves() -> None:
    """Drop the shelves this process keeps (tests start from a cold process)."""
    _shelves.clear()


class NeedScores(Sequence[Scored]):
    """One need scored against a shelf, as arrays over its offerings.

    As a sequence it is the ranked results (the reference's ``rank(score(...))``),
    each made when it is read; :meth:`results` makes them for chosen rows only.
    """

    def __init__(self, need: NeedCode, shelf: Shelf):
        self.need = need
        self.shelf = shelf
        self.rebuilt = False  # True: the need was read from its items, not its vector
        self._codes: list[str] | None = None
        self.offering_ids = shelf.offering_ids
        self.total = need.total_weight
        count = len(shelf)
        # The items grouped by weight (must, should, could), so that each group's
        # credits are one block of columns: a score is the weighted sum of the
        # blocks' row sums, and gaps are counted in the must block.
        self.item_order = np.argsort(-need.weights, kind="stable")
        self.column_of_item = np.argsort(self.item_order)
        positions = need.positions[self.item_order]
        known = positions >= 0
        levels = np.take(shelf.levels, np.where(known, positions, 0), axis=1)
        if not known.all():
            levels[:, ~known] = 0
        credits = _CREDIT_BY_CODE.astype(np.uint8)[levels]
        if shelf.roadmap_rows.size and positions.size:
            column_of = np.full(shelf.levels.shape[1], -1, dtype=np.int64)
            column_of[positions[known]] = np.flatnonzero(known)
            column = column_of[shelf.roadmap_positions]
            go_live = need.constraints.go_live.toordinal()
            dates = shelf.roadmap_dates
            keep = (column >= 0) & (dates > 0) & (dates <= go_live)
            rows, column = shelf.roadmap_rows[keep], column[keep]
            roadmap = levels[rows, column] == _ROADMAP_CODE
            credits[rows[roadmap], column[roadmap]] = _ROADMAP_CREDIT
        self.credits = credits  # (offerings x items by weight), in hundredths
        weights = need.weights[self.item_order]
        self.earned = np.zeros(count, dtype=np.int64)
        self.gaps = np.zeros(count, dtype=np.int64)
        for weight in np.unique(weights).tolist():
            block = np.flatnonzero(weights == weight)
            start, end = int(block[0]), int(block[-1]) + 1
            self.earned += weight * credits[:, start:end].sum(axis=1, dtype=np.int64)
            if weight == _MUST_WEIGHT:
                self.gaps = (credits[:, start:end] < scoring.GAP_BELOW).sum(
                    axis=1, dtype=np.int64
                )
        self.reasons_by_profile = [
            scoring.ineligibility(
                need.constraints,
                scoring.OfferingSpec(
                    key=None,
                    provider_kind=kind,
                    deployment_model=deployment,
                    fedramp_impact=impact or "",
                ),
            )
            for kind, deployment, impact in shelf.profiles
        ]
        eligible_by_profile = np.array(
            [not reasons for reasons in self.reasons_by_profile], dtype=bool
        )
        self.eligible = (
            eligible_by_profile[shelf.profile_of] if count else np.zeros(0, dtype=bool)
        )
        # Eligible first, then fewest gaps, then highest score, then offering id (the
        # reference ranking is stable over offerings read in id order).
        self.order = np.lexsort(
            (self.offering_ids, -self.earned, self.gaps, ~self.eligible)
        )

    def _item_codes(self) -> Sequence[str]:
        """The need's capability codes per item (one query when the need was read
        from its vector, the first time a result is made)."""
        if self.need.codes is not None:
            return self.need.codes
        if self._codes is None:
            _ids, by_position = release_capabilities(self.need.release_id)
            self._codes = [by_position[p] for p in self.need.positions.tolist()]
        return self._codes

    @property
    def scores(self) -> np.ndarray:
        """Scores as the reference computes them (same division, same floats)."""
        if not self.total:
            return np.zeros(len(self.offering_ids), dtype=np.float64)
        return self.earned / self.total

    def __len__(self) -> int:
        return len(self.order)

    @overload
    def __getitem__(self, index: int) -> Scored: ...
    @overload
    def __getitem__(self, index: slice) -> list[Scored]: ...
    def __getitem__(self, index):
        if isinstance(index, slice):
            return self.results(self.order[index])
        return self.results(self.order[[index]])[0]

    def __iter__(self) -> Iterator[Scored]:
        for start in range(0, len(self.order), 1000):
            yield from self.results(self.order[start : start + 1000])

    def top(self, count: int) -> list[Scored]:
        """The ``count`` best, ranked."""
        return self.results(self.order[:count])

    def row_of(self, offering_ids: Sequence[int]) -> np.ndarray:
        """Rows of the given offerings, -1 for those not on the shelf."""
        wanted = np.asarray(list(offering_ids), dtype=np.int64)
        rows = np.searchsorted(self.offering_ids, wanted)
        rows = np.minimum(rows, max(len(self.offering_ids) - 1, 0))
        found = (
            self.offering_ids[rows] == wanted
            if len(self.offering_ids)
            else np.zeros(len(wanted), dtype=bool)
        )
        return np.where(found, rows, -1)

    def results(self, rows: Sequence[int] | np.ndarray) -> list[Scored]:
        """Result objects and fingerprints for the given shelf rows, in that order."""
        rows = np.asarray(rows, dtype=np.int64)
        if not rows.size:
            return []
        need = self.need
        functions = need.functions
        # Back in item order, as int64 for exact sums.
        credits = self.credits[rows][:, self.column_of_item].astype(np.int64)
        one_hot = np.zeros((len(need.positions), len(functions)), dtype=np.int64)
        one_hot[np.arange(len(need.positions)), need.function_index] = 1
        earned_per_function = ((credits * need.weights) @ one_hot).tolist()
        gap_matrix = (credits < scoring.GAP_BELOW) & need.must
        gaps_per_function = (gap_matrix.astype(np.int64) @ one_hot).tolist()
        items_per_function = np.bincount(
            need.function_index, minlength=len(functions)
        ).tolist()
        weight_per_function = (
            np.bincount(
                need.function_index, weights=need.weights, minlength=len(functions)
            )
            .astype(np.int64)
            .tolist()
        )
        gap_rows, gap_columns = np.nonzero(gap_matrix)
        gap_bounds = np.searchsorted(gap_rows, np.arange(len(rows) + 1)).tolist()
        gap_columns = gap_columns.tolist()
        codes = self._item_codes()
        total = self.total
        earned = self.earned[rows].tolist()
        offering_ids = self.offering_ids[rows].tolist()
        profiles = self.shelf.profile_of[rows].tolist()
        scored = []
        for n, row in enumerate(rows.tolist()):
            reasons = self.reasons_by_profile[profiles[n]]
            row_earned = earned_per_function[n]
            row_gaps = gaps_per_function[n]
            result = scoring.Result(
                offering=offering_ids[n],
                score=earned[n] / total if total else 0.0,
                eligible=not reasons,
                ineligible_reasons=reasons,
                gaps=tuple(
                    codes[j] for j in gap_columns[gap_bounds[n] : gap_bounds[n + 1]]
                ),
                breakdown=tuple(
                    scoring.FunctionScore(
                        function=function,
                        items=items_per_function[f],
                        weight=weight_per_function[f],
                        earned=row_earned[f],
                        gaps=row_gaps[f],
                    )
                    for f, function in enumerate(functions)
                ),
            )
            scored.append(Scored(need.need_id, result, self.fingerprint(row)))
        return scored

    def fingerprint(self, row: int) -> str:
        """What the match of the offering at this shelf row depends on."""
        return _fingerprint(self.need.digest, self.shelf.digest(row))


def score_need(need: NeedInputs, shelf: Shelf, capability_order: Sequence[int]):
    """One loaded need against a loaded shelf (no queries)."""
    return NeedScores(need.encode(capability_order), shelf)


def _score_block(
    need: NeedInputs, rows: Sequence[tuple], capability_order: Sequence[int]
) -> NeedScores:
    """One need against ``_OFFERING_FIELDS`` rows ordered by id (the name and
    arguments bench/scoring.py calls)."""
    return score_need(
        need, Shelf.from_rows(rows, len(capability_order)), capability_order
    )


def _code_from_vector(row: dict) -> NeedCode:
    """A need's code from its item vector (``_NEED_FIELDS`` + ``_VECTOR_FIELDS``)."""
    return NeedCode(
        need_id=row["id"],
        release_id=row["release_id"],
        constraints=_constraints(row),
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


def score_need_against_published(need_id: int) -> NeedScores:
    """One need against every published offering of its release, ranked.

    Three queries: the need with its item vector, the release's capability count,
    the offerings with their claim vectors (or their keys only, when this process
    read them before: :func:`published_shelf`). A need whose vector is missing or
    older than the need is read from its items instead (its items, and the
    release's capability order for the count), and ``rebuilt`` says so. An
    unknown need scores against nothing.
    """
    rows = list(Need.objects.filter(pk=need_id).values(*_NEED_FIELDS, *_VECTOR_FIELDS))
    if not rows:
        nothing = scoring.NeedSpec(go_live=datetime.date.min, items=())
        return NeedScores(
            NeedInputs(need_id, 0, nothing, ()).encode(()), Shelf.from_rows([], 0)
        )
    row = rows[0]
    if _vector_is_current(row):
        need = _code_from_vector(row)
        width = Capability.objects.filter(release_id=need.release_id).count()
        return NeedScores(need, published_shelf(need.release_id, width))
    (inputs,) = _with_items(rows)
    capability_order = capability_ids_in_order(inputs.release_id)
    scores = score_need(
        inputs,
        published_shelf(inputs.release_id, len(capability_order)),
        capability_order,
    )
    scores.rebuilt = True
    return scores


# --- one offering against the active needs -----------------------------------------


def release_capabilities(release_id: int) -> tuple[list[int], list[str]]:
    """One query: the release's capability ids and codes in code order (position =
    vector index)."""
    rows = list(
        Capability.objects.filter(release_id=release_id)
        .order_by("code")
        .values_list("id", "code")
    )
    return [row[0] for row in rows], [row[1] for row in rows]


def _vector_is_current(row: dict) -> bool:
    """A vector as new as its need, every item in the release (a vector cannot name
    the code of an item outside it, so such a need is read from its items)."""
    if row["vector__positions"] is None:
        return False
    if row["vector__need_updated_at"] != row["updated_at"]:
        return False
    positions = np.frombuffer(bytes(row["vector__positions"]), dtype="<i4")
    return not positions.size or int(positions.min()) >= 0


class OfferingScores(Sequence[Scored]):
    """One offering scored against every active need of its release, as arrays over
    the needs (in need id order). As a sequence it is the results, need by need,
    each made when it is read; :meth:`results` makes them for chosen needs only.

    ``rebuilt`` holds the item vectors that were missing or older than their need
    and were rebuilt from the items for this scoring; the caller stores them.
    """

    def __init__(
        self,
        *,
        offering_id: int,
        release_id: int | None,
        published: bool,
        needs: list[dict],
        codes: Sequence[str],
        width: int,
        row: tuple | None,
        rebuilt: dict[int, NeedCode],
    ):
        self.offering_id = offering_id
        self.release_id = release_id
        self.published = published
        self.needs = needs
        self.need_ids = np.array([need["id"] for need in needs], dtype=np.int64)
        self.rebuilt = rebuilt
        self._codes = codes
        count = len(needs)
        positions, weights, function_index, digests, functions = [], [], [], [], []
        for need in needs:
            code = rebuilt.get(need["id"])
            packed = code.packed() if code is not None else None
            vector = (
                packed
                if packed is not None
                else {
                    "positions": need["vector__positions"],
                    "weights": need["vector__weights"],
                    "function_index": need["vector__function_index"],
                    "functions": need["vector__functions"],
                    "digest": need["vector__digest"],
                }
            )
            positions.append(bytes(vector["positions"]))
            weights.append(bytes(vector["weights"]))
            function_index.append(bytes(vector["function_index"]))
            functions.append(list(vector["functions"]))
            digests.append(bytes(vector["digest"]))
        self.functions = functions
        self.digests = digests
        sizes = np.fromiter(map(len, weights), dtype=np.int64, count=count)
        self.bounds = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        self.positions = np.frombuffer(b"".join(positions), dtype="<i4").astype(
            np.int64
        )
        self.weights = np.frombuffer(b"".join(weights), dtype=np.uint8).astype(np.int64)
        self.function_index = np.frombuffer(
            b"".join(function_index), dtype=np.uint8
        ).astype(np.int64)
        need_of = np.repeat(np.arange(count), sizes)

        levels = np.zeros(width, dtype=np.uint8)
        dates = np.zeros(width, dtype=np.int64)
        self.offering_digest = b""
        if row is not None:
            raw_levels = bytes(row[5] or b"")[:width]
            levels[: len(raw_levels)] = np.frombuffer(raw_levels, dtype=np.uint8)
            if row[6]:
                pairs = decode_roadmap(bytes(row[6])).astype(np.int64)
                pairs = pairs[(pairs[:, 0] >= 0) & (pairs[:, 0] < width)]
                dates[pairs[:, 0]] = pairs[:, 1]
            self.offering_digest = _offering_digest(*row[2:7])
        known = self.positions >= 0
        safe = np.where(known, self.positions, 0)
        item_level = np.where(known, levels[safe], 0)
        item_date = np.where(known, dates[safe], 0)
        credit = _CREDIT_BY_CODE[item_level]
        go_live = np.array(
            [need["go_live_date"].toordinal() for need in needs], dtype=np.int64
        )
        roadmap = (
            (item_level == _ROADMAP_CODE)
            & (item_date > 0)
            & (item_date <= go_live[need_of])
        )
        credit[roadmap] = _ROADMAP_CREDIT
        self.item_credit = credit
        self.item_weighted = credit * self.weights
        self.item_gap = (credit < scoring.GAP_BELOW) & (self.weights == _MUST_WEIGHT)
        self.earned = np.rint(
            np.bincount(need_of, weights=self.item_weighted, minlength=count)
        ).astype(np.int64)
        self.total = np.rint(
            np.bincount(need_of, weights=self.weights, minlength=count)
        ).astype(np.int64)
        self.gaps = np.rint(
            np.bincount(need_of, weights=self.item_gap, minlength=count)
        ).astype(np.int64)

        offering = scoring.OfferingSpec(
            key=offering_id,
            provider_kind=row[2] if row else "",
            deployment_model=row[3] if row else "",
            fedramp_impact=(row[4] if row else "") or "",
        )
        by_constraints: dict[tuple, tuple[str, ...]] = {}
        self.reasons = []
        for need in needs:
            key = (
                tuple(sorted(need["accepted_provider_kinds"] or ())),
                need["minimum_impact_level"] or "",
                tuple(sorted(need["accepted_deployment_models"] or ())),
            )
            reasons = by_constraints.get(key)
            if reasons is None:
                reasons = by_constraints[key] = scoring.ineligibility(
                    _constraints(need), offering
                )
            self.reasons.append(reasons)
        self.eligible = np.array([not r for r in self.reasons], dtype=bool)

    @property
    def scores(self) -> np.ndarray:
        """Scores as the reference computes them (same division, same floats)."""
        safe = np.where(self.total > 0, self.total, 1)
        return np.where(self.total > 0, self.earned / safe, 0.0)

    def __len__(self) -> int:
        return len(self.needs)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self.results(range(len(self.needs))[index])
        return self.results([range(len(self.needs))[index]])[0]

    def __iter__(self) -> Iterator[Scored]:
        return iter(self.results(range(len(self.needs))))

    def _codes_of(self, n: int) -> Sequence[str]:
        code = self.rebuilt.get(self.needs[n]["id"])
        if code is not None:
            return code.codes
        start, end = self.bounds[n], self.bounds[n + 1]
        return [self._codes[p] for p in self.positions[start:end].tolist()]

    def results(self, need_indices) -> list[Scored]:
        """Result objects and fingerprints for the needs at the given indices."""
        scored = []
        for n in need_indices:
            start, end = int(self.bounds[n]), int(self.bounds[n + 1])
            functions = self.functions[n]
            slots = len(functions)
            index = self.function_index[start:end]
            counts = np.bincount(index, minlength=slots).tolist()
            weights = np.bincount(
                index, weights=self.weights[start:end], minlength=slots
            )
            earned = np.bincount(
                index, weights=self.item_weighted[start:end], minlength=slots
            )
            gap = self.item_gap[start:end]
            gaps = np.bincount(index, weights=gap, minlength=slots)
            codes = self._codes_of(n)
            total = int(self.total[n])
            reasons = self.reasons[n]
            result = scoring.Result(
                offering=self.offering_id,
                score=int(self.earned[n]) / total if total else 0.0,
                eligible=not reasons,
                ineligible_reasons=reasons,
                gaps=tuple(codes[j] for j in np.flatnonzero(gap).tolist()),
                breakdown=tuple(
                    scoring.FunctionScore(
                        function=function,
                        items=counts[f],
                        weight=int(round(weights[f])),
                        earned=int(round(earned[f])),
                        gaps=int(round(gaps[f])),
                    )
                    for f, function in enumerate(functions)
                    if counts[f]
                ),
            )
            scored.append(
                Scored(
                    self.needs[n]["id"],
                    result,
                    _fingerprint(self.digests[n], self.offering_digest),
                )
            )
        return scored


def score_offering_against_active_needs(
    offering_id: int, *, lock_needs: bool = False
) -> OfferingScores:
    """One offering against every active need of its release, from the needs' item
    vectors.

    Three queries: the offering with its vector, the active needs with their item
    vectors (``lock_needs``: locked for update, in id order, as the services do
    before writing), the release's capabilities. Needs whose vector is missing or
    older than the need are encoded from their items (two more queries) and
    returned in ``rebuilt``. An offering that is not published scores against
    nothing.
    """
    rows = list(
        Offering.objects.filter(pk=offering_id).values_list(*_OFFERING_FIELDS, "status")
    )
    if not rows or rows[0][-1] != OfferingStatus.PUBLISHED:
        return OfferingScores(
            offering_id=offering_id,
            release_id=rows[0][1] if rows else None,
            published=False,
            needs=[],
            codes=[],
            width=0,
            row=None,
            rebuilt={},
        )
    row = rows[0][:-1]
    release_id = row[1]
    active = Need.objects.filter(status=NeedStatus.ACTIVE, release_id=release_id)
    if lock_needs:
        active = active.select_for_update(of=("self",))
    needs = list(
        active.order_by("id").values(*_NEED_FIELDS, "offerings_scored", *_VECTOR_FIELDS)
    )
    capability_order, codes = release_capabilities(release_id)
    stale = [need["id"] for need in needs if not _vector_is_current(need)]
    rebuilt = {}
    if stale:
        rebuilt = {
            inputs.need_id: inputs.encode(capability_order)
            for inputs in load_needs(Need.objects.filter(pk__in=stale))
        }
    return OfferingScores(
        offering_id=offering_id,
        release_id=release_id,
        published=True,
        needs=needs,
        codes=codes,
        width=len(codes),
        row=row,
        rebuilt=rebuilt,
    )
