"""Bulk scoring over the compact claim encoding (:class:`catalog.models.ClaimVector`).

Each entry point reads its inputs in a fixed number of queries whatever the number of
offerings or needs, then scores with numpy. The results equal :func:`brokering.scoring.
score` exactly (the tests compare both paths): credits are integer hundredths, sums are
exact, and the score is the same single division.

Compute only: :mod:`brokering.services` writes the results.
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from brokering import scoring
from brokering.models import Need, NeedItem, NeedStatus
from catalog.models import Offering, OfferingStatus
from catalog.vectors import LEVEL_CODES, capability_ids_in_order, decode_roadmap

# Credit (hundredths) by vector level code; roadmap is conditional on its date.
_CREDIT_BY_CODE = np.zeros(256, dtype=np.int32)
for _level, _code in LEVEL_CODES.items():
    _CREDIT_BY_CODE[_code] = scoring.CREDITS[str(_level)]
_ROADMAP_CODE = LEVEL_CODES["roadmap"]

_NEED_FIELDS = (
    "id",
    "release_id",
    "go_live_date",
    "accepted_provider_kinds",
    "minimum_impact_level",
    "accepted_deployment_models",
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


@dataclass(frozen=True)
class Scored:
    need_id: int
    result: scoring.Result
    fingerprint: str


@dataclass(frozen=True)
class _NeedInputs:
    need_id: int
    release_id: int
    spec: scoring.NeedSpec
    capability_ids: tuple[int, ...]  # per item, in spec order


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


def _load_needs(needs_query) -> list[_NeedInputs]:
    """Two queries: the needs, then all their items."""
    rows = list(needs_query.values(*_NEED_FIELDS))
    items: dict[int, list] = {row["id"]: [] for row in rows}
    for need_id, capability_id, code, function, priority in NeedItem.objects.filter(
        need_id__in=list(items)
    ).values_list(*_ITEM_FIELDS):
        items[need_id].append((capability_id, code, function, priority))
    loaded = []
    for row in rows:
        spec, capability_ids = need_spec(row, items[row["id"]])
        loaded.append(_NeedInputs(row["id"], row["release_id"], spec, capability_ids))
    return loaded


def _spec_digest(spec: scoring.NeedSpec) -> bytes:
    text = repr(
        (
            scoring.SCORING_VERSION,
            spec.go_live.isoformat(),
            sorted(spec.provider_kinds),
            spec.minimum_impact,
            sorted(spec.deployment_models),
            [(i.capability, i.function, i.priority) for i in spec.items],
        )
    )
    return hashlib.sha256(text.encode()).digest()


def _offering_digest(row: tuple) -> bytes:
    _, _, kind, deployment, impact, levels, roadmap = row
    digest = hashlib.sha256(f"{kind}|{deployment}|{impact}|".encode())
    digest.update(bytes(levels or b""))
    digest.update(b"|")
    digest.update(bytes(roadmap or b""))
    return digest.digest()


def _fingerprint(need_digest: bytes, offering_digest: bytes) -> str:
    return hashlib.sha256(need_digest + offering_digest).hexdigest()


def _levels_matrix(rows: Sequence[tuple], width: int) -> np.ndarray:
    """``(offerings x capabilities)`` uint8 levels; a missing or stale vector reads as
    unknown where it has no byte."""
    blank = bytes(width)
    packed = []
    for row in rows:
        levels = bytes(row[5] or b"")
        if len(levels) != width:
            levels = (levels + blank)[:width]
        packed.append(levels)
    if not packed:
        return np.zeros((0, width), dtype=np.uint8)
    return np.frombuffer(b"".join(packed), dtype=np.uint8).reshape(len(rows), width)


def _roadmap_ordinals(
    rows: Sequence[tuple], columns_of: np.ndarray, k: int
) -> np.ndarray:
    """``(offerings x items)`` int32: the roadmap date ordinal of each item's claim
    (0 where there is none)."""
    dates = np.zeros((len(rows), k), dtype=np.int32)
    for row_index, row in enumerate(rows):
        if not row[6]:
            continue
        pairs = decode_roadmap(bytes(row[6]))
        pairs = pairs[pairs[:, 0] < len(columns_of)]
        columns = columns_of[pairs[:, 0]]
        keep = columns >= 0
        dates[row_index, columns[keep]] = pairs[keep, 1]
    return dates


def _score_block(
    need: _NeedInputs, rows: Sequence[tuple], capability_order: Sequence[int]
) -> list[Scored]:
    """Score one need against a block of offering rows (``_OFFERING_FIELDS``)."""
    spec = need.spec
    width = len(capability_order)
    k = len(spec.items)
    position_of = {cid: position for position, cid in enumerate(capability_order)}
    positions = np.array(
        [position_of.get(cid, -1) for cid in need.capability_ids], dtype=np.int64
    )
    known = positions >= 0
    columns_of = np.full(width, -1, dtype=np.int64)
    columns_of[positions[known]] = np.flatnonzero(known)

    levels = _levels_matrix(rows, width)[:, np.where(known, positions, 0)]
    levels[:, ~known] = 0
    credits = _CREDIT_BY_CODE[levels]
    if rows and k:
        dates = _roadmap_ordinals(rows, columns_of, k)
        late = (levels == _ROADMAP_CODE) & (
            (dates == 0) | (dates > spec.go_live.toordinal())
        )
        credits[late] = 0

    weights = np.array(
        [scoring.WEIGHTS[item.priority] for item in spec.items], dtype=np.int32
    )
    must = np.array([item.priority == scoring.MUST for item in spec.items], dtype=bool)
    total = int(weights.sum())
    weighted = credits * weights
    earned = weighted.sum(axis=1, dtype=np.int64)
    gap_matrix = (credits < scoring.GAP_BELOW) & must

    functions = sorted({item.function for item in spec.items})
    function_index = np.array(
        [functions.index(item.function) for item in spec.items], dtype=np.int64
    )
    items_per_function = np.bincount(function_index, minlength=len(functions))
    weight_per_function = np.bincount(
        function_index, weights=weights, minlength=len(functions)
    ).astype(np.int64)
    one_hot = np.zeros((k, len(functions)), dtype=np.int64)
    one_hot[np.arange(k), function_index] = 1
    earned_per_function = weighted.astype(np.int64) @ one_hot
    gaps_per_function = gap_matrix.astype(np.int64) @ one_hot

    codes = [item.capability for item in spec.items]
    need_digest = _spec_digest(spec)
    scored = []
    for row_index, row in enumerate(rows):
        offering = scoring.OfferingSpec(
            key=row[0],
            provider_kind=row[2],
            deployment_model=row[3],
            fedramp_impact=row[4] or "",
        )
        reasons = scoring.ineligibility(spec, offering)
        result = scoring.Result(
            offering=row[0],
            score=int(earned[row_index]) / total if total else 0.0,
            eligible=not reasons,
            ineligible_reasons=reasons,
            gaps=tuple(codes[j] for j in np.flatnonzero(gap_matrix[row_index])),
            breakdown=tuple(
                scoring.FunctionScore(
                    function=function,
                    items=int(items_per_function[f]),
                    weight=int(weight_per_function[f]),
                    earned=int(earned_per_function[row_index, f]),
                    gaps=int(gaps_per_function[row_index, f]),
                )
                for f, function in enumerate(functions)
            ),
        )
        scored.append(
            Scored(
                need.need_id, result, _fingerprint(need_digest, _offering_digest(row))
            )
        )
    return scored


def score_need_against_published(need_id: int) -> list[Scored]:
    """One need against every published offering of its release, ranked.

    Four queries: the need, its items, the release's capability order, the offerings
    with their claim vectors.
    """
    needs = _load_needs(Need.objects.filter(pk=need_id))
    if not needs:
        return []
    need = needs[0]
    capability_order = capability_ids_in_order(need.release_id)
    rows = list(
        Offering.objects.filter(
            status=OfferingStatus.PUBLISHED, release_id=need.release_id
        )
        .order_by("id")
        .values_list(*_OFFERING_FIELDS)
    )
    scored = _score_block(need, rows, capability_order)
    ranked = scoring.rank(s.result for s in scored)
    by_offering = {s.result.offering: s for s in scored}
    return [by_offering[result.offering] for result in ranked]


def score_offering_against_active_needs(offering_id: int) -> list[Scored]:
    """One published offering against every active need of its release.

    Four queries: the offering with its vector, the needs, their items, the release's
    capability order. An offering that is not published scores against nothing.
    """
    rows = list(
        Offering.objects.filter(
            pk=offering_id, status=OfferingStatus.PUBLISHED
        ).values_list(*_OFFERING_FIELDS)
    )
    if not rows:
        return []
    release_id = rows[0][1]
    needs = _load_needs(
        Need.objects.filter(status=NeedStatus.ACTIVE, release_id=release_id).order_by(
            "id"
        )
    )
    if not needs:
        return []
    capability_order = capability_ids_in_order(release_id)
    scored = []
    for need in needs:
        scored.extend(_score_block(need, rows, capability_order))
    return scored
