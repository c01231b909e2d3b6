"""Bulk scoring over the compact encodings, in both directions.

* :class:`NeedScores`: one need against a :class:`~brokering.scoring.encodings.Shelf`
  of published offerings, as arrays (a score numerator, an eligibility flag and a gap
  count per offering) ranked by :func:`~brokering.scoring.ranking.rank_rows`. Result
  objects, breakdowns and fingerprints are made only for the rows asked for (the
  matches worth keeping);
* :class:`OfferingScores`: one offering against every active need of its release,
  all their items scored together as flat arrays.

Both equal :func:`brokering.scoring.formula.score` and
:func:`brokering.scoring.ranking.rank` exactly (``tests/brokering/test_engine.py``
compares them): credits are integer hundredths, sums are exact, the score is the same
single division, and ties go to the lowest offering id, as the ranking key says.

Pure: the objects are handed their inputs (:mod:`brokering.scoring.inputs` reads
them) and return plain results; no queries, no callbacks. :mod:`brokering.services`
writes the results.
"""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

import numpy as np

from brokering.scoring.encodings import (
    CREDIT_BY_CODE,
    MUST_WEIGHT,
    ROADMAP_CREDIT,
    VERIFIED_CREDIT_BY_CODE,
    NeedCode,
    NeedInputs,
    Row,
    Shelf,
    constraints,
    credit_bytes,
    fingerprint,
    offering_digest,
    roadmap_counts,
)
from brokering.scoring.formula import (
    GAP_BELOW,
    FunctionScore,
    OfferingSpec,
    Result,
    ineligibility,
)
from brokering.scoring.ranking import rank_rows
from catalog.vectors import decode_roadmap


@dataclass(frozen=True)
class Scored:
    need_id: int
    result: Result
    fingerprint: str


class NeedScores(Sequence[Scored]):
    """One need scored against a shelf, as arrays over its offerings.

    As a sequence it is the ranked results (the reference's ``rank(score(...))``),
    each made when it is read; :meth:`results` makes them for chosen rows only.
    """

    def __init__(
        self,
        need: NeedCode,
        shelf: Shelf,
        *,
        release_codes: Sequence[str] = (),
        rebuilt: bool = False,
    ):
        """``release_codes``: the release's capability codes in code order, needed
        when ``need.codes`` is None (a need read from its vector). ``rebuilt``: the
        need was read from its items, not its vector."""
        self.need = need
        self.shelf = shelf
        self.rebuilt = rebuilt
        self._codes: Sequence[str] = (
            need.codes
            if need.codes is not None
            else [release_codes[p] for p in need.positions.tolist()]
        )
        self.offering_ids = shelf.offering_ids
        self.total = need.total_weight
        count = len(shelf)
        # The items grouped by weight (must, should, could), so that each group's
        # credits are one block of rows (the shelf's levels are laid out by item):
        # a score is the weighted sum of the blocks' column sums, and gaps are
        # counted in the must block.
        self.item_order = np.argsort(-need.weights, kind="stable")
        self.column_of_item = np.argsort(self.item_order)
        positions = need.positions[self.item_order]
        known = positions >= 0
        levels = shelf.levels.rows(np.where(known, positions, 0))
        if not known.all():
            levels[~known] = 0
        verified_only = need.constraints.verified_only
        credits = np.frombuffer(
            bytearray(np.ascontiguousarray(levels)).translate(
                credit_bytes(verified_only)
            ),
            dtype=np.uint8,
        ).reshape(levels.shape)
        if shelf.roadmap_rows.size and positions.size:
            column_of = np.full(shelf.levels.width, -1, dtype=np.int32)
            column_of[positions[known]] = np.flatnonzero(known)
            column = column_of[shelf.roadmap_positions]
            go_live = need.constraints.go_live.toordinal()
            dates = shelf.roadmap_dates
            keep = np.flatnonzero((column >= 0) & (dates > 0) & (dates <= go_live))
            rows, column = shelf.roadmap_rows[keep], column[keep]
            roadmap = roadmap_counts(levels[column, rows], verified_only)
            credits[column[roadmap], rows[roadmap]] = ROADMAP_CREDIT
        self.credits = credits  # (items by weight x offerings), in hundredths
        weights = need.weights[self.item_order]
        self.earned = np.zeros(count, dtype=np.int64)
        self.gaps = np.zeros(count, dtype=np.int64)
        for weight in np.unique(weights).tolist():
            block = np.flatnonzero(weights == weight)
            start, end = int(block[0]), int(block[-1]) + 1
            # A block's column sums fit in 32 bits (credits are at most 255).
            total = credits[start:end].sum(axis=0, dtype=np.uint32)
            self.earned += weight * total.astype(np.int64)
            if weight == MUST_WEIGHT:
                short = credits[start:end] < GAP_BELOW
                self.gaps = short.sum(axis=0, dtype=np.uint32).astype(np.int64)
        self.reasons_by_profile = [
            ineligibility(
                need.constraints,
                OfferingSpec(
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
        self.order = rank_rows(
            eligible=self.eligible,
            gaps=self.gaps,
            earned=self.earned,
            offering_ids=self.offering_ids,
        )

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
    def __getitem__(self, index: int | slice) -> Scored | list[Scored]:
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
        credits = self.credits[:, rows].T[:, self.column_of_item].astype(np.int64)
        one_hot = np.zeros((len(need.positions), len(functions)), dtype=np.int64)
        one_hot[np.arange(len(need.positions)), need.function_index] = 1
        earned_per_function = ((credits * need.weights) @ one_hot).tolist()
        gap_matrix = (credits < GAP_BELOW) & need.must
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
        gap_column_list = gap_columns.tolist()
        codes = self._codes
        total = self.total
        earned = self.earned[rows].tolist()
        offering_ids = self.offering_ids[rows].tolist()
        profiles = self.shelf.profile_of[rows].tolist()
        scored = []
        for n, row in enumerate(rows.tolist()):
            reasons = self.reasons_by_profile[profiles[n]]
            row_earned = earned_per_function[n]
            row_gaps = gaps_per_function[n]
            result = Result(
                offering=offering_ids[n],
                score=earned[n] / total if total else 0.0,
                eligible=not reasons,
                ineligible_reasons=reasons,
                gaps=tuple(
                    codes[j] for j in gap_column_list[gap_bounds[n] : gap_bounds[n + 1]]
                ),
                breakdown=tuple(
                    FunctionScore(
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
        return fingerprint(self.need.digest, self.shelf.digest(row))


def score_need(
    need: NeedInputs, shelf: Shelf, item_order: Sequence[object]
) -> NeedScores:
    """One loaded need against a loaded shelf (no queries)."""
    return NeedScores(need.encode(item_order), shelf)


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
        needs: list[Row],
        codes: Sequence[str],
        width: int,
        row: tuple[Any, ...] | None,
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
            self.offering_digest = offering_digest(*row[2:7])
        known = self.positions >= 0
        safe = np.where(known, self.positions, 0)
        item_level = np.where(known, levels[safe], 0)
        item_date = np.where(known, dates[safe], 0)
        verified_only = np.array(
            [bool(need.get("verified_claims_only")) for need in needs], dtype=bool
        )[need_of]
        credit = np.where(
            verified_only,
            VERIFIED_CREDIT_BY_CODE[item_level],
            CREDIT_BY_CODE[item_level],
        )
        go_live = np.array(
            [need["go_live_date"].toordinal() for need in needs], dtype=np.int64
        )
        roadmap = (
            roadmap_counts(item_level, verified_only)
            & (item_date > 0)
            & (item_date <= go_live[need_of])
        )
        credit[roadmap] = ROADMAP_CREDIT
        self.item_credit = credit
        self.item_weighted = credit * self.weights
        self.item_gap = (credit < GAP_BELOW) & (self.weights == MUST_WEIGHT)
        self.earned = np.rint(
            np.bincount(need_of, weights=self.item_weighted, minlength=count)
        ).astype(np.int64)
        self.total = np.rint(
            np.bincount(need_of, weights=self.weights, minlength=count)
        ).astype(np.int64)
        self.gaps = np.rint(
            np.bincount(need_of, weights=self.item_gap, minlength=count)
        ).astype(np.int64)

        offering = OfferingSpec(
            key=offering_id,
            provider_kind=row[2] if row else "",
            deployment_model=row[3] if row else "",
            fedramp_impact=(row[4] if row else "") or "",
        )
        by_constraints: dict[tuple[object, ...], tuple[str, ...]] = {}
        self.reasons = []
        for need in needs:
            key = (
                tuple(sorted(need["accepted_provider_kinds"] or ())),
                need["minimum_impact_level"] or "",
                tuple(sorted(need["accepted_deployment_models"] or ())),
            )
            reasons = by_constraints.get(key)
            if reasons is None:
                reasons = by_constraints[key] = ineligibility(
                    constraints(need), offering
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

    @overload
    def __getitem__(self, index: int) -> Scored: ...
    @overload
    def __getitem__(self, index: slice) -> list[Scored]: ...
    def __getitem__(self, index: int | slice) -> Scored | list[Scored]:
        if isinstance(index, slice):
            return self.results(range(len(self.needs))[index])
        return self.results([range(len(self.needs))[index]])[0]

    def __iter__(self) -> Iterator[Scored]:
        return iter(self.results(range(len(self.needs))))

    def _codes_of(self, n: int) -> Sequence[str]:
        code = self.rebuilt.get(self.needs[n]["id"])
        if code is not None and code.codes is not None:
            return code.codes
        start, end = self.bounds[n], self.bounds[n + 1]
        return [self._codes[p] for p in self.positions[start:end].tolist()]

    def results(self, need_indices: Iterable[int]) -> list[Scored]:
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
            result = Result(
                offering=self.offering_id,
                score=int(self.earned[n]) / total if total else 0.0,
                eligible=not reasons,
                ineligible_reasons=reasons,
                gaps=tuple(codes[j] for j in np.flatnonzero(gap).tolist()),
                breakdown=tuple(
                    FunctionScore(
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
                    fingerprint(self.digests[n], self.offering_digest),
                )
            )
        return scored
