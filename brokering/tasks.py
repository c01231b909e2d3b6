"""Celery tasks of the brokering app. They take ids; the database records the work."""

from celery import shared_task

from brokering.models import RunStatus, ScoringRun
from brokering.rounds.notices import NOTICE_TASK, notice_send, notices_send_unsent
from brokering.rounds.services import (
    SCORE_TASK,
    response_score,
    responses_score_pending,
    rounds_close_due,
    rounds_remind,
)
from brokering.services.matches import scoring_run_execute
from brokering.services.runs import (
    BATCH_TASK,
    MAX_ATTEMPTS,
    RUN_TASK,
    scoring_runs_resend_stale,
)


@shared_task(
    bind=True,
    name=RUN_TASK,
    ignore_result=True,
    acks_late=True,
    max_retries=MAX_ATTEMPTS,
    soft_time_limit=120,
    time_limit=150,
)
def run_scoring(self, run_id: int) -> None:
    """Run one :class:`brokering.models.ScoringRun`. Safe to repeat: a finished run
    is skipped and matches are upserted."""
    # The broker marks a message it delivers again after the worker process running
    # it died (task_reject_on_worker_lost): that run says "running" but is orphaned.
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    try:
        scoring_run_execute(run_id=run_id, take_over=redelivered)
    except Exception as error:
        if self.request.is_eager:
            # In-process (no broker) there is no queue to retry from: the error is
            # recorded on the run and the periodic sweep sends it again.
            return
        if ScoringRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).exists():
            raise self.retry(
                exc=error, countdown=5 * (self.request.retries + 1)
            ) from error


@shared_task(
    bind=True,
    name=BATCH_TASK,
    ignore_result=True,
    acks_late=True,
    soft_time_limit=540,
    time_limit=600,
)
def run_scoring_batch(self, run_ids: list[int]) -> None:
    """Several runs in one task, as a bulk rescore sends them: one message, one
    hand-over to the pool and one acknowledgement for the lot, instead of one each.
    Each run is still started, recorded and finished on its own (and skipped when
    finished, so a batch delivered again repeats nothing). A run that fails is handed
    to :func:`run_scoring` alone, which retries it with its own bounded attempts."""
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    for run_id in run_ids:
        try:
            scoring_run_execute(run_id=run_id, take_over=redelivered)
        except Exception:
            if self.request.is_eager:
                continue  # recorded on the run; the periodic sweep sends it again
            if ScoringRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).exists():
                run_scoring.apply_async((run_id,), countdown=5)


@shared_task(
    name="brokering.sweep_scoring_runs",
    ignore_result=True,
    soft_time_limit=50,
    time_limit=60,
)
def sweep_scoring_runs() -> int:
    """Re-send runs left queued or running too long (Celery beat, every minute)."""
    return len(scoring_runs_resend_stale())


@shared_task(
    bind=True,
    name=SCORE_TASK,
    ignore_result=True,
    acks_late=True,
    max_retries=3,
    soft_time_limit=60,
    time_limit=90,
)
def score_response(self, invitation_id: int) -> None:
    """Score one submitted response from its answers. Safe to repeat; a response
    left unscored is picked up by :func:`round_deadlines`."""
    try:
        response_score(invitation_id=invitation_id)
    except Exception as error:
        if self.request.is_eager:
            raise
        raise self.retry(exc=error, countdown=5 * (self.request.retries + 1)) from error


@shared_task(
    name="brokering.round_deadlines",
    ignore_result=True,
    soft_time_limit=50,
    time_limit=60,
)
def round_deadlines() -> dict[str, int]:
    """Celery beat, every minute: close the rounds past their due date, remind
    the providers that have not submitted before it, and score responses left
    unscored, and send notices left unsent. Every step is idempotent (row locks,
    unique notice rows, each notice marked sent under its lock)."""
    closed = rounds_close_due()
    reminded = rounds_remind()
    scored = responses_score_pending()
    sent = notices_send_unsent()
    return {"closed": len(closed), "reminded": reminded, "scored": scored, "sent": sent}


@shared_task(
    bind=True,
    name=NOTICE_TASK,
    ignore_result=True,
    acks_late=True,
    max_retries=5,
    soft_time_limit=45,
    time_limit=60,
)
def send_round_notice(self, notice_id: int) -> None:
    """Send one recorded round notice, once; an SMTP failure is retried here and,
    past the retries, by :func:`round_deadlines`."""
    try:
        notice_send(notice_id=notice_id)
    except Exception as error:
        if self.request.is_eager:
            return  # left unsent: the beat task sends it again
        raise self.retry(
            exc=error, countdown=min(600, 30 * 2**self.request.retries)
        ) from error
