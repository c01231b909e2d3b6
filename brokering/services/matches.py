"""Writes of matches: the scorer's results kept per need (its best
``BROKERING_MATCHES_KEPT`` offerings and those acted on), a run's work, and the
broker's or agency's decisions."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Q, Subquery
from django.utils import timezone

from brokering.models import Match, MatchStatus, Need, NeedStatus, ScoringRun
from brokering.scoring.compute import NeedScores, Scored, score_need
from brokering.scoring.formula import SCORING_VERSION
from brokering.scoring.inputs import (
    load_needs,
    published_shelf,
    score_need_against_published,
    score_offering_against_active_needs,
)
from brokering.scoring.ranking import RANK_ORDER, Rank, rank_key
from brokering.services.needs import TransitionError
from brokering.services.runs import (
    scoring_run_fail,
    scoring_run_finish,
    scoring_run_start,
    scoring_runs_enqueue_for_needs,
)
from brokering.services.vectors import UPSERT_BATCH, need_vectors_store
from catalog.models import Offering, OfferingStatus
from standards.items import item_keys_in_order

_MATCH_UPDATE_FIELDS = [
    "score",
    "eligible",
    "ineligible_reasons",
    "gaps",
    "gaps_count",
    "breakdown",
    "fingerprint",
    "scoring_version",
    "computed_at",
    "top",
]

# A match a broker or the agency acted on: kept whatever the offering's rank.
ACTED_ON = ~Q(status=MatchStatus.PROPOSED) | ~Q(notes="")


def matches_kept() -> int:
    """How many of a need's best offerings keep a match (``BROKERING_MATCHES_KEPT``)."""
    return max(1, int(settings.BROKERING_MATCHES_KEPT))


def _match_row(scored: Scored, top: bool, now) -> Match:
    result = scored.result
    return Match(
        need_id=scored.need_id,
        offering_id=cast(int, result.offering),
        score=result.score,
        eligible=result.eligible,
        ineligible_reasons=list(result.ineligible_reasons),
        gaps=list(result.gaps),
        gaps_count=result.gaps_count,
        breakdown=[
            {
                "function": f.function,
                "items": f.items,
                "weight": f.weight,
                "earned": f.earned,
                "gaps": f.gaps,
            }
            for f in result.breakdown
        ],
        fingerprint=scored.fingerprint,
        scoring_version=SCORING_VERSION,
        computed_at=now,
        top=top,
    )


def _upsert(rows: list[Match]) -> int:
    if rows:
        Match.objects.bulk_create(
            rows,
            batch_size=UPSERT_BATCH,
            update_conflicts=True,
            unique_fields=["need", "offering"],
            update_fields=_MATCH_UPDATE_FIELDS,
        )
    return len(rows)


def _matches_delete(match_ids: list[int]) -> None:
    """Delete engine rows nobody acted on, in one statement: without loading them
    and without a history row each (their history holds no decision)."""
    if match_ids:
        matches = Match.objects.filter(pk__in=match_ids)
        matches._raw_delete(matches.db)


def _acted_on() -> ExpressionWrapper:
    return ExpressionWrapper(ACTED_ON, output_field=BooleanField())


def _write_need_matches(scores: NeedScores, now) -> int:
    """Keep a need's matches for its best offerings and for those acted on; write
    only the rows whose fingerprint or place changed."""
    need_id = scores.need.need_id
    existing = {
        offering_id: (match_id, fingerprint, top, acted)
        for match_id, offering_id, fingerprint, top, acted in (
            Match.objects.select_for_update(of=("self",))
            .filter(need_id=need_id)
            .annotate(acted=_acted_on())
            .order_by("pk")
            .values_list("id", "offering_id", "fingerprint", "top", "acted")
        )
    }
    best = scores.order[: matches_kept()]
    acted_rows = scores.row_of(
        [offering for offering, row in existing.items() if row[3]]
    )
    rows = np.concatenate([best, np.setdiff1d(acted_rows[acted_rows >= 0], best)])
    changed, unchanged = [], []
    for place, (row, offering) in enumerate(
        zip(rows.tolist(), scores.offering_ids[rows].tolist(), strict=True)
    ):
        top = place < len(best)
        old = existing.get(offering)
        if old is None or (old[1], old[2]) != (scores.fingerprint(row), top):
            changed.append((row, top))
        else:
            unchanged.append(old[0])
    # Results are made for the rows to write only.
    written = _upsert(
        [
            _match_row(scored, top, now)
            for (_row, top), scored in zip(
                changed, scores.results([row for row, _top in changed]), strict=True
            )
        ]
    )
    kept = set(scores.offering_ids[rows].tolist())
    best_ids = set(scores.offering_ids[best].tolist())
    _matches_delete(
        [
            row[0]
            for offering, row in existing.items()
            if not row[3] and offering not in best_ids
        ]
    )
    # Acted-on matches of offerings no longer on the shelf: kept, not among the best.
    off_shelf = [
        row[0] for offering, row in existing.items() if row[2] and offering not in kept
    ]
    if off_shelf:
        Match.objects.filter(pk__in=off_shelf).update(top=False)
    # Matches scored again without change are not rewritten, only stamped.
    if unchanged:
        Match.objects.filter(pk__in=unchanged).update(computed_at=now)
    Need.objects.filter(pk=need_id).update(offerings_scored=len(scores), scored_at=now)
    return written


@transaction.atomic
def matches_refresh_for_need(*, need_id: int) -> int:
    """Score a need against the shelf and keep its matches for the best
    ``BROKERING_MATCHES_KEPT`` offerings and for those acted on (a fixed number of
    queries). Proposed matches that fall out of the best are removed; decided ones
    stay as the decision record. Returns the number of rows written.

    The need's row is locked first, so that the scoring of one offering against
    every need (:func:`matches_refresh_for_offering`) never interleaves with it."""
    if not Need.objects.select_for_update().filter(pk=need_id).exists():
        return 0
    scores = score_need_against_published(need_id)
    written = _write_need_matches(scores, timezone.now())
    if scores.rebuilt:
        need_vectors_store([scores.need])
    return written


@transaction.atomic
def matches_refresh_for_needs(*, need_ids: Iterable[int]) -> int:
    """:func:`matches_refresh_for_need` for many needs, reading each release's
    shelf once: for bulk loads (``seed_scale``). Every need is locked for the whole
    call. Returns the number of rows written."""
    need_ids = sorted(set(need_ids))
    list(
        Need.objects.select_for_update()
        .filter(pk__in=need_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    loaded = load_needs(Need.objects.filter(pk__in=need_ids).order_by("pk"))
    written = 0
    for release_id in sorted({inputs.release_id for inputs in loaded}):
        order = item_keys_in_order(release_id)
        shelf = published_shelf(release_id, len(order))
        codes = []
        for inputs in loaded:
            if inputs.release_id == release_id:
                scores = score_need(inputs, shelf, order)
                written += _write_need_matches(scores, timezone.now())
                codes.append(scores.need)
        need_vectors_store(codes)
    return written


@dataclass(frozen=True)
class _Cutoff:
    """The K-th best match of a need (the worst that is kept as one of the best)."""

    match_id: int
    key: tuple
    acted: bool


def _cutoffs(release_id: int) -> dict[int, _Cutoff]:
    """Each active need's K-th best match, for the needs that keep K (two queries;
    the first reads the ``match_top_ranking`` index only)."""
    kept = matches_kept()
    cutoff_ids = [
        match_id
        for match_id in Need.objects.filter(
            status=NeedStatus.ACTIVE, release_id=release_id
        )
        .annotate(
            cutoff=Subquery(
                Match.objects.filter(need_id=OuterRef("pk"), top=True)
                .order_by(*RANK_ORDER)
                .values("pk")[kept - 1 : kept]
            )
        )
        .order_by()
        .values_list("cutoff", flat=True)
        if match_id is not None
    ]
    rows = (
        Match.objects.filter(pk__in=cutoff_ids)
        .annotate(acted=_acted_on())
        .order_by()
        .values_list(
            "need_id", "id", "eligible", "gaps_count", "score", "offering_id", "acted"
        )
    )
    return {
        need_id: _Cutoff(
            match_id, rank_key(Rank(eligible, gaps, score, offering)), acted
        )
        for need_id, match_id, eligible, gaps, score, offering, acted in rows
    }


@transaction.atomic
def matches_refresh_for_offering(*, offering_id: int) -> int:
    """Score one offering against every active need and keep each need's best.

    Per need, the offering's rank is compared with the need's K-th best match (its
    cut-off): it enters (the cut-off match leaves, unless acted on), stays, or
    leaves. When it leaves a full list the next best offering is unknown here, so a
    full scoring of that need is queued. Needs never scored in full are left to the
    run that will score them. A fixed number of queries whatever the counts.
    Returns the number of rows written.
    """
    scores = score_offering_against_active_needs(offering_id, lock_needs=True)
    if not scores.published and scores.release_id is not None:
        list(
            Need.objects.select_for_update()
            .filter(status=NeedStatus.ACTIVE, release_id=scores.release_id)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    if scores.rebuilt:
        need_vectors_store(scores.rebuilt.values())
    own = {
        need_id: (match_id, fingerprint, top, acted)
        for match_id, need_id, fingerprint, top, acted in (
            Match.objects.select_for_update(of=("self",))
            .filter(offering_id=offering_id, need__status=NeedStatus.ACTIVE)
            .annotate(acted=_acted_on())
            .order_by("pk")
            .values_list("id", "need_id", "fingerprint", "top", "acted")
        )
    }
    if scores.release_id is None:
        return 0
    in_best = any(row[2] for row in own.values())
    cutoffs = _cutoffs(scores.release_id) if scores.published or in_best else {}
    drop: list[int] = []
    untop: list[int] = []
    rescore: list[int] = []
    candidates: list[tuple[int, bool]] = []
    if scores.published:
        score_of = scores.scores.tolist()
        eligible = scores.eligible.tolist()
        gaps = scores.gaps.tolist()
        for n, need in enumerate(scores.needs):
            if need["offerings_scored"] is None:
                continue
            need_id = need["id"]
            key = rank_key(Rank(eligible[n], gaps[n], score_of[n], offering_id))
            mine = own.get(need_id)
            cut = cutoffs.get(need_id)
            if mine is not None and mine[2]:
                if cut is None or key <= cut.key:
                    candidates.append((n, True))
                else:
                    rescore.append(need_id)
            elif cut is None or key < cut.key:
                candidates.append((n, True))
                if cut is not None:
                    (untop if cut.acted else drop).append(cut.match_id)
            elif mine is not None:
                if mine[3]:
                    candidates.append((n, False))
                else:
                    drop.append(mine[0])
    else:
        for need_id, (match_id, _fingerprint, top, acted) in own.items():
            if top and need_id in cutoffs:
                rescore.append(need_id)
            if not acted:
                drop.append(match_id)
            elif top:
                untop.append(match_id)
    now = timezone.now()
    writes = []
    results = scores.results([n for n, _top in candidates])
    for (_n, top), scored in zip(candidates, results, strict=True):
        old = own.get(scored.need_id)
        if old is None or (old[1], old[2]) != (scored.fingerprint, top):
            writes.append(_match_row(scored, top, now))
    written = _upsert(writes)
    _matches_delete(drop)
    if untop:
        Match.objects.filter(pk__in=untop).update(top=False)
    if rescore:
        scoring_runs_enqueue_for_needs(
            need_ids=rescore, reason="offering left a need's best"
        )
    published = Offering.objects.filter(
        status=OfferingStatus.PUBLISHED, release_id=scores.release_id
    ).count()
    Need.objects.filter(
        status=NeedStatus.ACTIVE,
        release_id=scores.release_id,
        offerings_scored__isnull=False,
    ).exclude(offerings_scored=published).update(offerings_scored=published)
    return written


AGENCY_DECISIONS = {MatchStatus.PROPOSED, MatchStatus.SHORTLISTED}


@transaction.atomic
def match_decide(*, match_id: int, status: str, note: str = "", decided_by) -> Match:
    """Set a match's broker status (proposed, shortlisted, recommended, rejected) and
    append the note; history records who and when."""
    if status not in MatchStatus.values:
        raise TransitionError(f"Unknown match status {status!r}.")
    match = Match.objects.select_for_update().get(pk=match_id)
    match.status = status
    note = note.strip()
    if note:
        stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
        entry = f"[{stamp} {decided_by}] {MatchStatus(status).label}: {note}"
        match.notes = f"{match.notes}\n{entry}".strip()
    match.decided_by = decided_by
    match.decided_at = timezone.now()
    match.save(update_fields=["status", "notes", "decided_by", "decided_at"])
    return match


def scoring_run_execute(*, run_id: int, take_over: bool = False) -> ScoringRun | None:
    """Do the work of a run: start it, refresh its matches, record the outcome.

    Returns the run, or ``None`` when another worker owns it or it is finished.
    Raises the scoring error after recording it, so that the task can retry.
    """
    if not scoring_run_start(run_id=run_id, take_over=take_over):
        return None
    run = ScoringRun.objects.get(pk=run_id)
    try:
        if run.need_id:
            written = matches_refresh_for_need(need_id=run.need_id)
        elif run.offering_id is not None:
            written = matches_refresh_for_offering(offering_id=run.offering_id)
        else:  # a run is for a need or an offering (a constraint says so)
            written = 0
    except Exception as error:
        scoring_run_fail(run_id=run_id, error=repr(error))
        raise
    return scoring_run_finish(run_id=run_id, written=written)
