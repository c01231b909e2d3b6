"""Scoring benchmarks, run in this process against the bench database (Django must be
set up first), plus the Celery overhead measured against a real worker.

Each figure comes with its baseline from the same run:

* the bulk scorer's compute time against the time to merely read the compact claim
  vectors from PostgreSQL (a raw cursor, the cheapest possible read);
* the bulk scorer, reads included, against the naive claims join and GROUP BY over the
  same data, whose results are checked to be identical;
* scoring through a Celery worker against the same run executed in this process.
"""

import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from django.db import connection
from django.db.models import Count, F, Func, Q
from django.utils import timezone

from brokering import services
from brokering.models import Need, NeedStatus, RunStatus, ScoringRun
from brokering.scoring import compute, encodings, inputs
from catalog.models import ClaimVector, Offering, OfferingStatus
from catalog.pagecache import pages_stale
from catalog.vectors import refresh_claim_vectors
from standards.items import ItemKind, item_keys_in_order


def median_time(
    action: Callable[[], object],
    repeat: int,
    before: Callable[[], object] | None = None,
) -> tuple[float, object]:
    """Median wall time of ``repeat`` calls after one warm-up call; the last result.
    ``before`` (not timed) runs ahead of every call, to put back the state the call
    is meant to start from."""
    if before:
        before()
    result = action()
    times = []
    for _ in range(repeat):
        if before:
            before()
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def _forget_matches(need_id: int) -> None:
    """As before the need's first scoring: none of its matches stored."""
    from brokering.models import Match

    Match.objects.filter(need_id=need_id).delete()


def _claims_flipper(offering_id: int, count: int = 20) -> Callable[[], None]:
    """A change to ``count`` of the offering's claims, alternately down to *does
    not meet* and back to what they were, as a provider's edit would make."""
    from catalog.models import Claim, ClaimLevel

    claims = list(
        Claim.objects.filter(offering_id=offering_id)
        .exclude(level=ClaimLevel.DOES_NOT_MEET)
        .order_by("id")
        .values_list("id", "level")[:count]
    )
    state = {"down": False}

    def flip() -> None:
        # As the claims writer does: the catalog version moves on with the claims.
        pages_stale()
        state["down"] = not state["down"]
        if state["down"]:
            Claim.objects.filter(pk__in=[pk for pk, _ in claims]).update(
                level=ClaimLevel.DOES_NOT_MEET
            )
        else:
            for pk, level in claims:
                Claim.objects.filter(pk=pk).update(level=level)

    return flip


def needs_near(items: int, count: int) -> list[int]:
    """Active needs whose number of capabilities is closest to ``items`` (the
    seeded needs ask for measures, exchanges and reports besides)."""
    return list(
        Need.objects.filter(status=NeedStatus.ACTIVE)
        .annotate(size=Count("items", filter=Q(items__kind=ItemKind.CAPABILITY)))
        .annotate(distance=Func(F("size") - items, function="ABS"))
        .order_by("distance", "id")
        .values_list("id", flat=True)[:count]
    )


def read_vectors(release_id: int) -> np.ndarray:
    """The baseline: read every published offering's level vector into one matrix,
    with a raw cursor, and nothing else."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT v.levels, v.roadmap FROM {ClaimVector._meta.db_table} v "  # noqa: S608 - model metadata
            f"JOIN {Offering._meta.db_table} o ON o.id = v.offering_id "
            "WHERE o.status = %s AND o.release_id = %s ORDER BY o.id",
            [OfferingStatus.PUBLISHED, release_id],
        )
        rows = cursor.fetchall()
    width = len(rows[0][0]) if rows else 0
    return np.frombuffer(b"".join(bytes(r[0]) for r in rows), dtype=np.uint8).reshape(
        len(rows), width
    )


# The need's items the catalog can answer, every kind (an agency-specific
# requirement, and a measure whose target Treasury leaves to the customer or the
# need changes, await the provider's answer: brokering.scoring.inputs.awaits_answer).
NAIVE_ITEMS = r"""
WITH scored AS (
  SELECT ni.kind, ni.capability_id, ni.service_measure_id, ni.exchange_id,
         ni.report_id, ni.priority,
         CASE ni.priority WHEN 'must' THEN 5 WHEN 'should' THEN 3 ELSE 1 END AS weight
  FROM brokering_needitem ni
  LEFT JOIN standards_servicemeasure sm ON sm.id = ni.service_measure_id
  WHERE ni.need_id = %(need)s AND ni.kind <> 'agency'
    AND NOT (ni.kind = 'measure'
             AND (sm.target ~* '\yTBD\y' OR btrim(sm.target) = ''
                  OR (btrim(ni.target) <> '' AND btrim(ni.target) <> btrim(sm.target))))
)
"""
NAIVE_CREDIT = """
       SUM(s.weight
           * CASE WHEN n.verified_claims_only AND NOT c.verified THEN 0
                  ELSE CASE c.level WHEN 'meets' THEN 100 WHEN 'configurable' THEN 90
                          WHEN 'extension' THEN 50
                          WHEN 'roadmap' THEN CASE WHEN c.roadmap_date <= n.go_live_date
                                                   THEN 25 ELSE 0 END
                          ELSE 0 END END) AS earned,
       COUNT(*) FILTER (WHERE s.priority = 'must'
                          AND c.level IN ('meets', 'configurable')
                          AND (c.verified OR NOT n.verified_claims_only)) AS musts_met
"""
# Capability claims grouped by offering and function, as before the other kinds;
# the other kinds' claims (catalog_itemclaim) grouped by offering and kind.
NAIVE_SQL = (
    NAIVE_ITEMS
    + "SELECT c.offering_id, f.code,"
    + NAIVE_CREDIT
    + """
FROM scored s
JOIN brokering_need n ON n.id = %(need)s
JOIN catalog_claim c ON c.capability_id = s.capability_id
JOIN catalog_offering o ON o.id = c.offering_id
JOIN standards_capability cap ON cap.id = s.capability_id
JOIN standards_function f ON f.id = cap.function_id
WHERE s.kind = 'capability' AND o.status = 'published'
  AND o.release_id = %(release)s
GROUP BY c.offering_id, f.code
UNION ALL
SELECT c.offering_id, c.kind,"""
    + NAIVE_CREDIT
    + """
FROM scored s
JOIN brokering_need n ON n.id = %(need)s
JOIN catalog_itemclaim c ON c.kind = s.kind
  AND (c.service_measure_id = s.service_measure_id OR c.exchange_id = s.exchange_id
       OR c.report_id = s.report_id)
JOIN catalog_offering o ON o.id = c.offering_id
WHERE s.kind <> 'capability' AND o.status = 'published'
  AND o.release_id = %(release)s
GROUP BY c.offering_id, c.kind
"""
)
NAIVE_TOTALS = (
    NAIVE_ITEMS
    + "SELECT COALESCE(SUM(weight), 0), COUNT(*) FILTER (WHERE priority = 'must') "
    "FROM scored"
)


def naive_scores(need_id: int) -> dict[int, tuple[float, int]]:
    """The classic design: join the need's items of every kind to the claims tables
    and GROUP BY offering and function (capabilities) or kind (the others).
    Returns {offering: (score, gaps)} for every published offering of the release
    (offerings without a matching claim score 0)."""
    need = Need.objects.values("release_id").get(pk=need_id)
    params = {"need": need_id, "release": need["release_id"]}
    with connection.cursor() as cursor:
        cursor.execute(NAIVE_TOTALS, params)
        total, must_total = cursor.fetchone()
        cursor.execute(NAIVE_SQL, params)
        rows = cursor.fetchall()
    earned: dict[int, int] = defaultdict(int)
    met: dict[int, int] = defaultdict(int)
    for offering_id, _group, group_earned, musts_met in rows:
        earned[offering_id] += group_earned
        met[offering_id] += musts_met
    published = Offering.objects.filter(
        status=OfferingStatus.PUBLISHED, release_id=need["release_id"]
    ).values_list("id", flat=True)
    return {
        offering_id: (
            earned[offering_id] / total if total else 0.0,
            must_total - met[offering_id],
        )
        for offering_id in published
    }


def engine_compute_seconds(need_id: int, repeat: int) -> tuple[float, int]:
    """Time of the engine's scoring and ranking alone, its inputs already loaded
    (the need's code and the shelf's level matrix, as the baseline's read leaves
    them): every offering scored, ranked, and the results of the matches a need
    keeps (``BROKERING_MATCHES_KEPT``) made with their breakdowns and fingerprints."""
    from django.conf import settings

    need = inputs.load_needs(Need.objects.filter(pk=need_id))[0]
    order = item_keys_in_order(need.release_id)
    shelf = encodings.Shelf.from_rows(inputs.shelf_rows(need.release_id), len(order))
    kept = settings.BROKERING_MATCHES_KEPT

    def scored():
        return compute.score_need(need, shelf, order).top(kept)

    seconds, top = median_time(scored, repeat)
    return seconds, len(top)


@dataclass
class ScoringFigures:
    need_id: int
    need_items: int
    offerings: int
    read_s: float
    compute_s: float
    engine_s: float
    engine_warm_s: float
    naive_s: float
    identical: bool
    refresh_need_s: float
    refresh_need_unchanged_s: float
    kept_matches: int
    refresh_offering_s: float
    offering_vector_s: float
    active_needs: int
    # The need's items by kind, and how many of them await the provider's answer
    # (left out of the catalog score, by the engine and the naive join alike).
    need_kinds: dict[str, int] = field(default_factory=dict)
    awaiting: int = 0


def scoring_benchmarks(repeat: int = 5) -> ScoringFigures:
    need_id = needs_near(300, 1)[0]
    need = Need.objects.annotate(size=Count("items")).get(pk=need_id)
    need_kinds = dict(need.items.order_by().values_list("kind").annotate(n=Count("id")))
    awaiting = len(inputs.load_needs(Need.objects.filter(pk=need_id))[0].spec.awaiting)
    read_s, matrix = median_time(lambda: read_vectors(need.release_id), repeat)
    compute_s, _count = engine_compute_seconds(need_id, repeat)
    # The engine with its reads, from a cold process (no shelf kept from an earlier
    # call), then as a worker scoring need after need runs it (the shelf it read is
    # reused after one query of the offerings' keys shows it current).
    engine_s, scored = median_time(
        lambda: inputs.score_need_against_published(need_id),
        repeat,
        before=inputs.forget_shelves,
    )
    engine_warm_s, _scored = median_time(
        lambda: inputs.score_need_against_published(need_id), repeat
    )
    naive_s, naive = median_time(lambda: naive_scores(need_id), max(1, repeat // 2))
    fast = {s.result.offering: (s.result.score, s.result.gaps_count) for s in scored}
    # End to end as on the need's first scoring (no matches stored yet), then again
    # with nothing changed (the matches are compared, not rewritten).
    refresh_need_s, _written = median_time(
        lambda: services.matches_refresh_for_need(need_id=need_id),
        min(repeat, 3),
        before=lambda: _forget_matches(need_id),
    )
    refresh_need_unchanged_s, _written = median_time(
        lambda: services.matches_refresh_for_need(need_id=need_id), min(repeat, 3)
    )
    from brokering.models import Match

    kept_matches = Match.objects.filter(need_id=need_id).count()
    offering_id = (
        Offering.objects.filter(status=OfferingStatus.PUBLISHED, release=need.release)
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )
    # The offering's claims change before every timed call: its vector is rebuilt
    # from the claims, then it is scored against every active need.
    flip = _claims_flipper(offering_id)
    vector_times, match_times = [], []
    for _ in range(min(repeat, 3) + 1):
        flip()
        started = time.perf_counter()
        refresh_claim_vectors(offering_ids=[offering_id])
        vectored = time.perf_counter()
        services.matches_refresh_for_offering(offering_id=offering_id)
        vector_times.append(vectored - started)
        match_times.append(time.perf_counter() - vectored)
    # The first pair warms caches, as median_time's warm-up call does.
    offering_vector_s = statistics.median(vector_times[1:])
    refresh_offering_s = statistics.median(match_times[1:])
    return ScoringFigures(
        need_id=need_id,
        need_items=need.size,
        offerings=matrix.shape[0],
        read_s=read_s,
        compute_s=compute_s,
        engine_s=engine_s,
        engine_warm_s=engine_warm_s,
        naive_s=naive_s,
        identical=fast == naive,
        refresh_need_s=refresh_need_s,
        refresh_need_unchanged_s=refresh_need_unchanged_s,
        kept_matches=kept_matches,
        refresh_offering_s=refresh_offering_s,
        offering_vector_s=offering_vector_s,
        active_needs=Need.objects.filter(status=NeedStatus.ACTIVE).count(),
        need_kinds=need_kinds,
        awaiting=awaiting,
    )


@dataclass
class CeleryFigures:
    runs: int
    worker_s: float
    in_process_s: float

    @property
    def overhead(self) -> float:
        return self.worker_s / self.in_process_s - 1


def _runs_in_process(need_ids: list[int]) -> float:
    """Seconds to record and execute one scoring run per need, one after another, in
    this process (what the worker does, without Celery)."""
    started = time.perf_counter()
    for need_id in need_ids:
        run = ScoringRun.objects.create(need_id=need_id, reason="bench: in process")
        services.scoring_run_execute(run_id=run.pk)
    return time.perf_counter() - started


def _runs_on_worker(need_ids: list[int], timeout: float = 600) -> float:
    """Seconds from enqueuing one run per need (recorded in one transaction and sent
    after its commit in batches of runs per task, as a full rescore does) until the
    worker has finished the last of them."""
    started = time.time()
    run_ids = services.scoring_runs_enqueue_for_needs(
        need_ids=need_ids, reason="bench: on worker"
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        finished = ScoringRun.objects.filter(pk__in=run_ids, status=RunStatus.DONE)
        if finished.count() == len(run_ids):
            last = max(finished.values_list("finished_at", flat=True))
            return last.timestamp() - started
        time.sleep(0.02)
    raise RuntimeError(f"{len(run_ids)} scoring runs did not finish within {timeout} s")


def celery_overhead(needs: int = 100, rounds: int = 3) -> CeleryFigures:
    """A full scoring run (every one of ``needs`` active needs scored against the
    shelf, matches written, each run recorded) through the worker and in this
    process, alternating which goes first; medians of ``rounds``."""
    need_ids = needs_near(300, needs)
    _runs_on_worker(need_ids[:2])  # drains what earlier steps queued; warms up
    worker, local = [], []
    for index in range(rounds):
        if index % 2:
            local.append(_runs_in_process(need_ids))
            worker.append(_runs_on_worker(need_ids))
        else:
            worker.append(_runs_on_worker(need_ids))
            local.append(_runs_in_process(need_ids))
    return CeleryFigures(
        runs=len(need_ids),
        worker_s=statistics.median(worker),
        in_process_s=statistics.median(local),
    )


def offering_run_on_worker(timeout: float = 120) -> float:
    """One offering against every active need, through the worker (the reverse
    direction also counts towards the worker's peak memory)."""
    offering_id = (
        Offering.objects.filter(status=OfferingStatus.PUBLISHED)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    started = time.time()
    run = services.scoring_run_enqueue(offering_id=offering_id, reason="bench")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        finished = (
            ScoringRun.objects.filter(pk=run.pk, status=RunStatus.DONE)
            .values_list("finished_at", flat=True)
            .first()
        )
        if finished:
            return finished.timestamp() - started
        time.sleep(0.01)
    raise RuntimeError(f"scoring run {run.pk} did not finish by {timezone.now()}")
