"""Celery queues by kind of work, so that a burst of one never starves another: a
release change queues every active need's rescoring on ``scoring`` while e-mails
keep leaving from ``email`` and the periodic sweeps and heartbeats run on
``sweeps``. Each queue has its own workers (``make worker QUEUES=scoring``; the
Procfile names one process per queue; docs/performance.md says how many).

The queue of each kind is a setting (``CELERY_SCORING_QUEUE`` and so on), so that a
test or a bench run can give its workers queues of their own.
"""

from collections.abc import Mapping

TASKS_BY_WORK = {
    "scoring": (
        "brokering.run_scoring",
        "brokering.run_scoring_batch",
        "brokering.score_response",
    ),
    "email": (
        "marketplace.send_email",
        "marketplace.send_notification_emails",
        "brokering.send_round_notice",
    ),
    "sweeps": (
        "brokering.sweep_scoring_runs",
        "marketplace.heartbeat",
        "brokering.round_deadlines",
        "catalog.send_evidence_reminders",
        "catalog.check_saved_searches",
        "marketplace.send_notification_digests",
    ),
}


def setting_name(work: str) -> str:
    """The environment variable naming the queue of ``work``."""
    return f"CELERY_{work.upper()}_QUEUE"


def task_routes(queues: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Celery's ``task_routes``: each task to the queue of its kind of work."""
    return {
        task: {"queue": queues[work]}
        for work, tasks in TASKS_BY_WORK.items()
        for task in tasks
    }
