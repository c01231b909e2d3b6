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
    return _need_digest(
        spec.go_live,
        spec.provider_kinds,
        spec.minimum_impact,
        spec.deployment_models,
        [(i.capability, i.function, i.priority) for i in spec.items],
    )


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
    (0 where there is none). All rows' pairs are decoded in one pass."""
    dates = np.zeros((len(rows), k), dtype=np.int32)
    packed = [bytes(row[6] or b"") for row in rows]
    counts = np.fromiter(
        (len(chunk) // 8 for chunk in packed), dtype=np.int64, count=len(rows)
    )
    if not counts.any():
        return dates
    pairs = decode_roadmap(b"".join(packed))
    row_of = np.repeat(np.arange(len(rows)), counts)
    inside = pairs[:, 0] < len(columns_of)
    pairs, row_of = pairs[inside], row_of[inside]
    columns = columns_of[pairs[:, 0]]
    keep = columns >= 0
    dates[row_of[keep], columns[keep]] = pairs[keep, 1]
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
    earned_per_function = (weighted.astype(np.int64) @ one_hot).tolist()
    gaps_per_function = (gap_matrix.astype(np.int64) @ one_hot).tolist()

    # The loop below builds one result per offering from plain Python values taken
    # out of numpy once (indexing numpy scalars one by one costs more than the maths).
    codes = [item.capability for item in spec.items]
    earned_list = earned.tolist()
    function_totals = list(
        zip(
            functions,
            items_per_function.tolist(),
            weight_per_function.tolist(),
            strict=True,
        )
    )
    gap_rows, gap_columns = np.nonzero(gap_matrix)
    gap_counts = np.bincount(gap_rows, minlength=len(rows)).tolist()
    gap_columns = gap_columns.tolist()
    need_digest = _spec_digest(spec)
    reasons_by_profile: dict[tuple, tuple[str, ...]] = {}
    scored = []
    start = 0
    for row_index, row in enumerate(rows):
        profile = (row[2], row[3], row[4] or "")
        reasons = reasons_by_profile.get(profile)
        if reasons is None:
            reasons = reasons_by_profile[profile] = scoring.ineligibility(
                spec,
                scoring.OfferingSpec(
                    key=row[0],
                    provider_kind=profile[0],
                    deployment_model=profile[1],
                    fedramp_impact=profile[2],
                ),
            )
        end = start + gap_counts[row_index]
        row_earned = earned_per_function[row_index]
        row_gaps = gaps_per_function[row_index]
        result = scoring.Result(
            offering=row[0],
            score=earned_list[row_index] / total if total else 0.0,
            eligible=not reasons,
            ineligible_reasons=reasons,
            gaps=tuple(codes[j] for j in gap_columns[start:end]),
            breakdown=tuple(
                scoring.FunctionScore(
                    function=function,
                    items=items,
                    weight=weight,
                    earned=row_earned[f],
                    gaps=row_gaps[f],
                )
                for f, (function, items, weight) in enumerate(function_totals)
            ),
        )
        start = end
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

    Many needs and one offering: the items of all needs are scored together as flat
    arrays (one credit lookup, sums per need and per need x function with
    ``np.add.at``), rather than need by need.
    """
    rows = list(
        Offering.objects.filter(
            pk=offering_id, status=OfferingStatus.PUBLISHED
        ).values_list(*_OFFERING_FIELDS)
    )
    if not rows:
        return []
    row = rows[0]
    release_id = row[1]
    needs = list(
        Need.objects.filter(status=NeedStatus.ACTIVE, release_id=release_id)
        .order_by("id")
        .values(*_NEED_FIELDS)
    )
    if not needs:
        return []
    need_index = {need["id"]: n for n, need in enumerate(needs)}
    items = list(
        NeedItem.objects.filter(need_id__in=list(need_index)).values_list(*_ITEM_FIELDS)
    )
    capability_order = capability_ids_in_order(release_id)
    width = len(capability_order)
    position_of = {cid: position for position, cid in enumerate(capability_order)}

    # Spec order, as need_spec() gives it: by need, then (function, capability code).
    items.sort(key=lambda item: (need_index[item[0]], item[3], item[2]))
    count = len(items)
    need_of = np.fromiter(
        (need_index[item[0]] for item in items), dtype=np.int64, count=count
    )
    column = np.fromiter(
        (position_of.get(item[1], -1) for item in items), dtype=np.int64, count=count
    )
    weight = np.fromiter(
        (scoring.WEIGHTS[item[4]] for item in items), dtype=np.int64, count=count
    )
    must = np.fromiter(
        (item[4] == scoring.MUST for item in items), dtype=bool, count=count
    )

    levels = _levels_matrix(rows, width)[0]
    dates = np.zeros(width, dtype=np.int64)
    if row[6]:
        pairs = decode_roadmap(bytes(row[6]))
        pairs = pairs[pairs[:, 0] < width]
        dates[pairs[:, 0]] = pairs[:, 1]
    known = column >= 0
    safe_column = np.where(known, column, 0)
    item_level = np.where(known, levels[safe_column], 0)
    item_date = np.where(known, dates[safe_column], 0)
    go_live = np.array(
        [need["go_live_date"].toordinal() for need in needs], dtype=np.int64
    )
    credit = _CREDIT_BY_CODE[item_level].astype(np.int64)
    late = (item_level == _ROADMAP_CODE) & (
        (item_date == 0) | (item_date > go_live[need_of])
    )
    credit[late] = 0
    gap = (credit < scoring.GAP_BELOW) & must

    functions = sorted({item[3] for item in items})
    function_rank = {function: n for n, function in enumerate(functions)}
    function_of = np.fromiter(
        (function_rank[item[3]] for item in items), dtype=np.int64, count=count
    )
    slots = max(len(functions), 1)
    group = need_of * slots + function_of
    sums = np.zeros((4, len(needs) * slots), dtype=np.int64)
    np.add.at(sums[0], group, 1)
    np.add.at(sums[1], group, weight)
    np.add.at(sums[2], group, weight * credit)
    np.add.at(sums[3], group, gap.astype(np.int64))
    per_function = sums.reshape(4, len(needs), slots).tolist()
    bounds = np.searchsorted(need_of, np.arange(len(needs) + 1)).tolist()
    gap_flags = gap.tolist()

    offering = scoring.OfferingSpec(
        key=row[0],
        provider_kind=row[2],
        deployment_model=row[3],
        fedramp_impact=row[4] or "",
    )
    offering_digest = _offering_digest(row)
    scored = []
    for n, need in enumerate(needs):
        start, end = bounds[n], bounds[n + 1]
        need_items = items[start:end]
        constraints = scoring.NeedSpec(
            go_live=need["go_live_date"],
            items=(),
            provider_kinds=frozenset(need["accepted_provider_kinds"] or ()),
            minimum_impact=need["minimum_impact_level"] or "",
            deployment_models=frozenset(need["accepted_deployment_models"] or ()),
        )
        reasons = scoring.ineligibility(constraints, offering)
        counts, weights, earned, gaps = (sums_of[n] for sums_of in per_function)
        total = sum(weights)
        result = scoring.Result(
            offering=row[0],
            score=sum(earned) / total if total else 0.0,
            eligible=not reasons,
            ineligible_reasons=reasons,
            gaps=tuple(
                item[2]
                for item, is_gap in zip(need_items, gap_flags[start:end], strict=True)
                if is_gap
            ),
            breakdown=tuple(
                scoring.FunctionScore(
                    function=function,
                    items=counts[f],
                    weight=weights[f],
                    earned=earned[f],
                    gaps=gaps[f],
                )
                for f, function in enumerate(functions)
                if counts[f]
            ),
        )
        need_digest = _need_digest(
            constraints.go_live,
            constraints.provider_kinds,
            constraints.minimum_impact,
            constraints.deployment_models,
            [(item[2], item[3], item[4]) for item in need_items],
        )
        scored.append(
            Scored(need["id"], result, _fingerprint(need_digest, offering_digest))
        )
    return scored
