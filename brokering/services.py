"""Writes of the brokering app: needs, their items, scoring runs and match decisions.

Every function is keyword-only and atomic, and is the only place the status it names
changes. Scoring work is recorded as a :class:`ScoringRun` row in the same transaction
as the change that caused it and sent to Celery after commit.
"""

import datetime
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.utils import timezone
from kombu.exceptions import OperationalError
from simple_history.utils import bulk_create_with_history

from brokering import engine, scoring
from brokering.models import (
    Agency,
    Match,
    MatchStatus,
    Need,
    NeedItem,
    NeedStatus,
    NeedVector,
    Priority,
    RunStatus,
    ScoringRun,
)
from catalog.models import Offering, OfferingStatus
from catalog.vectors import capability_ids_in_order
from standards.models import Capability

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
STALE_AFTER = datetime.timedelta(seconds=60)  # a running run without a heartbeat
RESEND_QUEUED_AFTER = datetime.timedelta(seconds=60)
# Runs per task when many are sent at once (a new release, a bulk rescore): a task's
# fixed cost on the worker (fetch, hand-over to the pool, acknowledgement) is paid once
# per batch. Small enough that a batch finishes well within its time limit.
SCORING_BATCH_SIZE = 20
UPSERT_BATCH = 4000  # rows per upsert statement (14 parameters each, under 65,535)

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
_VECTOR_FIELDS = ["positions", "weights", "function_index", "functions", "digest"]


class TransitionError(ValueError):
    """The object is not in a state that allows the change."""


# --- needs -------------------------------------------------------------------------


@transaction.atomic
def need_create(
    *,
    agency: Agency,
    created_by,
    release_id: int,
    title: str,
    go_live_date: datetime.date,
    accepted_provider_kinds: Iterable[str] = (),
    minimum_impact_level: str = "",
    accepted_deployment_models: Iterable[str] = (),
) -> Need:
    return Need.objects.create(
        agency=agency,
        created_by=created_by,
        release_id=release_id,
        title=title,
        go_live_date=go_live_date,
        accepted_provider_kinds=sorted(accepted_provider_kinds),
        minimum_impact_level=minimum_impact_level,
        accepted_deployment_models=sorted(accepted_deployment_models),
    )


def _lock(need_id: int) -> Need:
    return Need.objects.select_for_update().get(pk=need_id)


def _rescore_if_active(need: Need, reason: str) -> None:
    if need.status == NeedStatus.ACTIVE:
        scoring_run_enqueue(need_id=need.pk, reason=reason)


def _refuse_archived(need: Need) -> None:
    if need.status == NeedStatus.ARCHIVED:
        raise TransitionError("An archived need cannot be changed; clone it instead.")


@transaction.atomic
def need_update(
    *,
    need_id: int,
    title: str,
    go_live_date: datetime.date,
    accepted_provider_kinds: Iterable[str] = (),
    minimum_impact_level: str = "",
    accepted_deployment_models: Iterable[str] = (),
) -> Need:
    need = _lock(need_id)
    _refuse_archived(need)
    need.title = title
    need.go_live_date = go_live_date
    need.accepted_provider_kinds = sorted(accepted_provider_kinds)
    need.minimum_impact_level = minimum_impact_level
    need.accepted_deployment_models = sorted(accepted_deployment_models)
    need.save()
    need_vectors_refresh(need_ids=[need.pk])
    _rescore_if_active(need, "need changed")
    return need


@transaction.atomic
def need_set_functions(*, need_id: int, function_ids: Iterable[int]) -> Need:
    """Keep the items of the chosen functions; add their other capabilities as
    *should*; drop the items of functions no longer in scope."""
    need = _lock(need_id)
    _refuse_archived(need)
    function_ids = set(function_ids)
    # One by one, so that history records each removed item.
    for item in NeedItem.objects.filter(need=need).exclude(
        capability__function_id__in=function_ids
    ):
        item.delete()
    present = set(
        NeedItem.objects.filter(need=need).values_list("capability_id", flat=True)
    )
    capability_ids = Capability.objects.filter(
        release_id=need.release_id, function_id__in=function_ids
    ).values_list("id", flat=True)
    bulk_create_with_history(
        [
            NeedItem(need=need, capability_id=cid, priority=Priority.SHOULD)
            for cid in capability_ids
            if cid not in present
        ],
        NeedItem,
    )
    need.save(update_fields=["updated_at"])
    need_vectors_refresh(need_ids=[need.pk])
    _rescore_if_active(need, "functions changed")
    return need


@transaction.atomic
def need_set_priorities(*, need_id: int, priorities: Mapping[int, str]) -> int:
    """Set the priority of items by capability id; returns how many changed.

    Items are saved one by one so that history records each change.
    """
    need = _lock(need_id)
    _refuse_archived(need)
    changed = 0
    for item in NeedItem.objects.filter(need=need, capability_id__in=list(priorities)):
        new = priorities[item.capability_id]
        if new not in Priority.values:
            raise ValueError(f"unknown priority {new!r}")
        if item.priority != new:
            item.priority = new
            item.save(update_fields=["priority"])
            changed += 1
    if changed:
        need.save(update_fields=["updated_at"])
        need_vectors_refresh(need_ids=[need.pk])
        _rescore_if_active(need, "priorities changed")
    return changed


@transaction.atomic
def need_priorities_import(
    *, need_id: int, priorities: Mapping[int, str]
) -> tuple[int, int]:
    """Apply imported priorities (validated by the caller): capabilities of the
    release not yet in the need are added. Returns ``(added, changed)``."""
    need = _lock(need_id)
    _refuse_archived(need)
    valid = set(
        Capability.objects.filter(
            release_id=need.release_id, id__in=list(priorities)
        ).values_list("id", flat=True)
    )
    if valid != set(priorities):
        raise ValueError("capabilities outside the need's release")
    present = set(need.items.values_list("capability_id", flat=True))
    new_items = [
        NeedItem(need=need, capability_id=cid, priority=priority)
        for cid, priority in priorities.items()
        if cid not in present
    ]
    bulk_create_with_history(new_items, NeedItem)
    changed = need_set_priorities(
        need_id=need.pk,
        priorities={c: p for c, p in priorities.items() if c in present},
    )
    if new_items and not changed:
        need.save(update_fields=["updated_at"])
        need_vectors_refresh(need_ids=[need.pk])
        _rescore_if_active(need, "priorities imported")
    return len(new_items), changed


@transaction.atomic
def need_activate(*, need_id: int) -> Need:
    need = _lock(need_id)
    if need.status != NeedStatus.DRAFT:
        raise TransitionError("Only a draft need can be activated.")
    if not need.items.exists():
        raise TransitionError("Add at least one capability before activating.")
    need.status = NeedStatus.ACTIVE
    need.activated_at = timezone.now()
    need.save(update_fields=["status", "activated_at", "updated_at"])
    need_vectors_refresh(need_ids=[need.pk])
    scoring_run_enqueue(need_id=need.pk, reason="need activated")
    return need


@transaction.atomic
def need_archive(*, need_id: int) -> Need:
    need = _lock(need_id)
    if need.status == NeedStatus.ARCHIVED:
        raise TransitionError("The need is already archived.")
    need.status = NeedStatus.ARCHIVED
    need.save(update_fields=["status", "updated_at"])
    return need


@transaction.atomic
def need_clone(*, need_id: int, created_by) -> Need:
    """A draft copy of a need (constraints and priorities), for the same agency."""
    source = Need.objects.get(pk=need_id)
    copy = Need.objects.create(
        agency_id=source.agency_id,
        release_id=source.release_id,
        created_by=created_by,
        title=f"Copy of {source.title}"[:200],
        go_live_date=source.go_live_date,
        accepted_provider_kinds=source.accepted_provider_kinds,
        minimum_impact_level=source.minimum_impact_level,
        accepted_deployment_models=source.accepted_deployment_models,
    )
    bulk_create_with_history(
        [
            NeedItem(need=copy, capability_id=cid, priority=priority)
            for cid, priority in source.items.values_list("capability_id", "priority")
        ],
        NeedItem,
    )
    need_vectors_refresh(need_ids=[copy.pk])
    return copy


# --- need vectors ------------------------------------------------------------------


def _need_vectors_store(codes: Iterable[engine.NeedCode]) -> int:
    vectors = [
        NeedVector(
            need_id=code.need_id, need_updated_at=code.updated_at, **code.packed()
        )
        for code in codes
    ]
    NeedVector.objects.bulk_create(
        vectors,
        batch_size=UPSERT_BATCH,
        update_conflicts=True,
        unique_fields=["need"],
        update_fields=[*_VECTOR_FIELDS, "need_updated_at"],
    )
    return len(vectors)


def need_vectors_refresh(*, need_ids: Iterable[int]) -> int:
    """Encode the items of the given needs into their :class:`NeedVector` (what the
    reverse scoring direction reads). A fixed number of queries per call: the needs,
    their items, each release's capability order, the upsert.

    Every service that changes a need's items, priorities, go-live date or
    constraints calls it after saving the need, so the vector carries the need's
    ``updated_at``; the engine rebuilds a vector older than its need on its own.
    """
    need_ids = sorted(set(need_ids))
    if not need_ids:
        return 0
    loaded = engine.load_needs(Need.objects.filter(pk__in=need_ids))
    orders = {
        release_id: capability_ids_in_order(release_id)
        for release_id in sorted({inputs.release_id for inputs in loaded})
    }
    return _need_vectors_store(
        inputs.encode(orders[inputs.release_id]) for inputs in loaded
    )


# --- matches -----------------------------------------------------------------------

# A match a broker or the agency acted on: kept whatever the offering's rank.
ACTED_ON = ~Q(status=MatchStatus.PROPOSED) | ~Q(notes="")


def matches_kept() -> int:
    """How many of a need's best offerings keep a match (``BROKERING_MATCHES_KEPT``)."""
    return max(1, int(settings.BROKERING_MATCHES_KEPT))


def _match_row(scored: engine.Scored, top: bool, now) -> Match:
    result = scored.result
    return Match(
        need_id=scored.need_id,
        offering_id=result.offering,
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
        scoring_version=scoring.SCORING_VERSION,
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


def _write_need_matches(scores: engine.NeedScores, now) -> int:
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
    scores = engine.score_need_against_published(need_id)
    written = _write_need_matches(scores, timezone.now())
    if scores.rebuilt:
        _need_vectors_store([scores.need])
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
    loaded = engine.load_needs(Need.objects.filter(pk__in=need_ids).order_by("pk"))
    written = 0
    for release_id in sorted({inputs.release_id for inputs in loaded}):
        order = capability_ids_in_order(release_id)
        shelf = engine.published_shelf(release_id, len(order))
        codes = []
        for inputs in loaded:
            if inputs.release_id == release_id:
                scores = engine.score_need(inputs, shelf, order)
                written += _write_need_matches(scores, timezone.now())
                codes.append(scores.need)
        _need_vectors_store(codes)
    return written


@dataclass(frozen=True)
class _Cutoff:
    """The K-th best match of a need (the worst that is kept as one of the best)."""

    match_id: int
    key: tuple
    acted: bool


def _rank_key(eligible: bool, gaps: int, score: float, offering_id: int) -> tuple:
    """The engine's rank order (:func:`brokering.scoring.rank`, ties by offering)."""
    return (not eligible, gaps, -score, offering_id)


_RANK_ORDER = [
    F("eligible").desc(),
    F("gaps_count").asc(),
    F("score").desc(),
    F("offering_id").asc(),
]


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
                .order_by(*_RANK_ORDER)
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
        need_id: _Cutoff(match_id, _rank_key(eligible, gaps, score, offering), acted)
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
    scores = engine.score_offering_against_active_needs(offering_id, lock_needs=True)
    if not scores.published and scores.release_id is not None:
        list(
            Need.objects.select_for_update()
            .filter(status=NeedStatus.ACTIVE, release_id=scores.release_id)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    if scores.rebuilt:
        _need_vectors_store(scores.rebuilt.values())
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
    drop, untop, rescore, candidates = [], [], [], []
    if scores.published:
        score_of = scores.scores.tolist()
        eligible = scores.eligible.tolist()
        gaps = scores.gaps.tolist()
        for n, need in enumerate(scores.needs):
            if need["offerings_scored"] is None:
                continue
            need_id = need["id"]
            key = _rank_key(eligible[n], gaps[n], score_of[n], offering_id)
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


# --- scoring runs ------------------------------------------------------------------


def _send(run_id: int) -> None:
    """Hand a run to Celery. A broker that is down leaves the run queued for the
    sweep; the user sees it queued, never an error."""
    from brokering.tasks import run_scoring

    try:
        run_scoring.delay(run_id)
    except OperationalError:
        logger.warning("broker unavailable; scoring run %s stays queued", run_id)
        return
    ScoringRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        sent_at=timezone.now()
    )


@transaction.atomic
def scoring_run_enqueue(
    *,
    need_id: int | None = None,
    offering_id: int | None = None,
    reason: str = "",
    resend: bool = False,
) -> ScoringRun:
    """Record scoring work and send it after commit. A queued run for the same target
    that has not started yet will read the latest data, so it is reused (and sent
    again when ``resend`` asks for it, as a person's "score again" does)."""
    if (need_id is None) == (offering_id is None):
        raise ValueError("a scoring run is for a need or for an offering")
    waiting = (
        ScoringRun.objects.select_for_update()
        .filter(need_id=need_id, offering_id=offering_id, status=RunStatus.QUEUED)
        .first()
    )
    if waiting is not None:
        if resend:
            transaction.on_commit(lambda: _send(waiting.pk))
        return waiting
    run = ScoringRun.objects.create(
        need_id=need_id, offering_id=offering_id, reason=reason[:40]
    )
    transaction.on_commit(lambda: _send(run.pk))
    return run


def _send_many(run_ids: list[int]) -> None:
    """Hand runs to Celery in batches of ``SCORING_BATCH_SIZE`` per task, then stamp
    those sent in one statement; a broker that is down leaves the rest queued for the
    sweep."""
    from brokering.tasks import run_scoring_batch

    sent = []
    for start in range(0, len(run_ids), SCORING_BATCH_SIZE):
        batch = run_ids[start : start + SCORING_BATCH_SIZE]
        try:
            run_scoring_batch.delay(batch)
        except OperationalError:
            logger.warning("broker unavailable; scoring runs %s stay queued", batch)
            break
        sent.extend(batch)
    ScoringRun.objects.filter(pk__in=sent, status=RunStatus.QUEUED).update(
        sent_at=timezone.now()
    )


@transaction.atomic
def scoring_runs_enqueue_for_needs(
    *, need_ids: Iterable[int], reason: str
) -> list[int]:
    """:func:`scoring_run_enqueue` for many needs in a fixed number of queries: a
    queued run that has not started is reused. Returns the new runs' ids."""
    need_ids = sorted(set(need_ids))
    if not need_ids:
        return []
    waiting = set(
        ScoringRun.objects.select_for_update()
        .filter(need_id__in=need_ids, status=RunStatus.QUEUED)
        .values_list("need_id", flat=True)
    )
    runs = ScoringRun.objects.bulk_create(
        ScoringRun(need_id=need_id, reason=reason[:40])
        for need_id in need_ids
        if need_id not in waiting
    )
    run_ids = [run.pk for run in runs]
    if run_ids:
        transaction.on_commit(lambda: _send_many(run_ids))
    return run_ids


def scoring_runs_enqueue_for_offerings(
    *, offering_ids: Iterable[int], reason: str
) -> list[ScoringRun]:
    return [
        scoring_run_enqueue(offering_id=offering_id, reason=reason)
        for offering_id in sorted(set(offering_ids))
    ]


def scoring_runs_enqueue_for_active_needs(*, reason: str) -> list[int]:
    """Every active need scored again (a new current release, a changed setting), in
    batches of runs per task. Returns the new runs' ids."""
    return scoring_runs_enqueue_for_needs(
        need_ids=Need.objects.filter(status=NeedStatus.ACTIVE).values_list(
            "id", flat=True
        ),
        reason=reason,
    )


@transaction.atomic
def scoring_run_start(*, run_id: int, take_over: bool = False) -> bool:
    """Claim a queued (or stale running) run for this worker. False when there is
    nothing to do: the run is done, failed, or being run by a live worker.

    ``take_over`` is for a task the broker delivered again because the process that
    ran it died: the run still says running, but nobody is running it. A run whose
    process died ``MAX_ATTEMPTS`` times is failed rather than tried forever."""
    run = ScoringRun.objects.select_for_update().filter(pk=run_id).first()
    if run is None or run.status in (RunStatus.DONE, RunStatus.FAILED):
        return False
    now = timezone.now()
    if run.status == RunStatus.RUNNING and take_over:
        if run.attempts >= MAX_ATTEMPTS:
            run.status = RunStatus.FAILED
            run.error = (
                f"the worker process stopped during each of {run.attempts} attempts"
            )
            run.finished_at = now
            run.save(update_fields=["status", "error", "finished_at"])
            return False
    elif (
        run.status == RunStatus.RUNNING
        and run.heartbeat_at
        and (now - run.heartbeat_at < STALE_AFTER)
    ):
        return False
    run.status = RunStatus.RUNNING
    run.attempts += 1
    run.started_at = now
    run.heartbeat_at = now
    run.error = ""
    run.save(
        update_fields=["status", "attempts", "started_at", "heartbeat_at", "error"]
    )
    return True


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
        else:
            written = matches_refresh_for_offering(offering_id=run.offering_id)
    except Exception as error:
        scoring_run_fail(run_id=run_id, error=repr(error))
        raise
    return scoring_run_finish(run_id=run_id, written=written)


@transaction.atomic
def scoring_run_finish(*, run_id: int, written: int) -> ScoringRun:
    run = ScoringRun.objects.select_for_update().get(pk=run_id)
    run.status = RunStatus.DONE
    run.matches_written = written
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "matches_written", "finished_at"])
    return run


@transaction.atomic
def scoring_run_fail(*, run_id: int, error: str) -> ScoringRun:
    """Record an error: the run goes back to queued while attempts remain (the task
    retries it), and is failed for good after ``MAX_ATTEMPTS``."""
    run = ScoringRun.objects.select_for_update().get(pk=run_id)
    run.error = error[:4000]
    run.status = RunStatus.FAILED if run.attempts >= MAX_ATTEMPTS else RunStatus.QUEUED
    if run.status == RunStatus.FAILED:
        run.finished_at = timezone.now()
    run.save(update_fields=["error", "status", "finished_at"])
    return run


def scoring_runs_resend_stale(*, now: datetime.datetime | None = None) -> list[int]:
    """Find runs left queued or running too long and send them again.

    Running runs whose heartbeat is older than ``STALE_AFTER`` lost their worker: they
    go back to queued, or to failed once they have used ``MAX_ATTEMPTS``.
    """
    now = now or timezone.now()
    resend = []
    with transaction.atomic():
        stale = ScoringRun.objects.select_for_update(skip_locked=True).filter(
            Q(status=RunStatus.QUEUED, queued_at__lt=now - RESEND_QUEUED_AFTER)
            & (Q(sent_at__isnull=True) | Q(sent_at__lt=now - RESEND_QUEUED_AFTER))
            | Q(status=RunStatus.RUNNING, heartbeat_at__lt=now - STALE_AFTER)
        )
        for run in stale:
            if run.status == RunStatus.RUNNING:
                if run.attempts >= MAX_ATTEMPTS:
                    run.status = RunStatus.FAILED
                    run.error = "the worker stopped without finishing the run"
                    run.finished_at = now
                    run.save(update_fields=["status", "error", "finished_at"])
                    continue
                run.status = RunStatus.QUEUED
                run.save(update_fields=["status"])
            resend.append(run.pk)
        for run_id in resend:
            transaction.on_commit(lambda run_id=run_id: _send(run_id))
    return resend
