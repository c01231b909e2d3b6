"""Writes of scoring runs: work recorded as a :class:`ScoringRun` row in the same
transaction as the change that caused it, sent to Celery after commit, started,
finished or failed by the worker, and sent again when left too long.

The tasks are sent by name (:mod:`brokering.tasks` registers them), so this module
does not import the tasks that call it."""

import datetime
import logging
from collections.abc import Iterable
from functools import partial

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError

from brokering.models import Need, NeedStatus, RunStatus, ScoringRun

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
RESEND_QUEUED_AFTER = datetime.timedelta(seconds=60)
# Runs per task when many are sent at once (a new release, a bulk rescore): a task's
# fixed cost on the worker (fetch, hand-over to the pool, acknowledgement) is paid once
# per batch. Small enough that a batch finishes well within its time limit.
SCORING_BATCH_SIZE = 20
RUN_TASK = "brokering.run_scoring"
BATCH_TASK = "brokering.run_scoring_batch"


def stale_after() -> datetime.timedelta:
    """How long a running run may go without a heartbeat before it counts as lost
    (``BROKERING_RUN_STALE_SECONDS``)."""
    return datetime.timedelta(seconds=settings.BROKERING_RUN_STALE_SECONDS)


def _send(run_id: int) -> None:
    """Hand a run to Celery. A broker that is down leaves the run queued for the
    sweep; the user sees it queued, never an error."""
    try:
        current_app.tasks[RUN_TASK].delay(run_id)
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
        .filter(
            Q(need_id=need_id) if need_id is not None else Q(need__isnull=True),
            Q(offering_id=offering_id)
            if offering_id is not None
            else Q(offering__isnull=True),
            status=RunStatus.QUEUED,
        )
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
    sent = []
    for start in range(0, len(run_ids), SCORING_BATCH_SIZE):
        batch = run_ids[start : start + SCORING_BATCH_SIZE]
        try:
            current_app.tasks[BATCH_TASK].delay(batch)
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
        and (now - run.heartbeat_at < stale_after())
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

    Running runs whose heartbeat is older than :func:`stale_after` lost their worker:
    they go back to queued, or to failed once they have used ``MAX_ATTEMPTS``.
    """
    now = now or timezone.now()
    resend = []
    with transaction.atomic():
        stale = ScoringRun.objects.select_for_update(skip_locked=True).filter(
            Q(status=RunStatus.QUEUED, queued_at__lt=now - RESEND_QUEUED_AFTER)
            & (Q(sent_at__isnull=True) | Q(sent_at__lt=now - RESEND_QUEUED_AFTER))
            | Q(status=RunStatus.RUNNING, heartbeat_at__lt=now - stale_after())
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
            transaction.on_commit(partial(_send, run_id))
    return resend
