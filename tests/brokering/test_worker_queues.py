"""Celery queues by kind of work (issue #20, marketplace.queues): every task has its
queue, and with two real workers on separate queues a burst of scoring does not hold
back the other queue's work (CI's services pass)."""

import pytest
import redis
from django.conf import settings

from brokering.models import RunStatus, ScoringRun
from brokering.tasks import run_scoring
from marketplace import queues
from marketplace.celery import app
from marketplace.models import WorkerHeartbeat
from marketplace.tasks import heartbeat
from tests.conftest import uses_services

BURST = 600


def test_every_task_of_the_portal_has_a_queue_of_its_kind():
    app.loader.import_default_modules()
    ours = {name for name in app.tasks if not name.startswith("celery.")}
    routed = set(queues.task_routes(dict.fromkeys(queues.TASKS_BY_WORK, "q")))
    assert ours == routed
    assert settings.CELERY_TASK_ROUTES["brokering.run_scoring"] == {"queue": "scoring"}
    assert settings.CELERY_TASK_ROUTES["marketplace.send_email"] == {"queue": "email"}
    assert settings.CELERY_TASK_ROUTES["marketplace.heartbeat"] == {"queue": "sweeps"}


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_scoring_burst_does_not_starve_the_other_queue(agency, make_need):
    if not uses_services():
        pytest.skip("needs CELERY_BROKER_URL and PostgreSQL (CI's services pass)")
    from tests.celery_worker import celery_worker, fresh_queue, wait_for

    scoring, other = fresh_queue(), fresh_queue()
    routes = {"scoring": scoring, "email": other, "sweeps": other}
    need = make_need(agency)
    run = ScoringRun.objects.create(need=need, status=RunStatus.DONE)
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    with (
        celery_worker(queue=scoring, routes=routes),
        celery_worker(queue=other, routes=routes),
    ):
        # A burst of scoring work: each message is a finished run the worker
        # skips, so the queue drains steadily, one message at a time.
        for _ in range(BURST):
            run_scoring.delay(run.pk)
        heartbeat.delay()
        wait_for(lambda: WorkerHeartbeat.objects.exists(), timeout=120)
        waiting = broker.llen(scoring)
    # The other queue's task ran while most of the burst still waited.
    assert waiting > 0, "the scoring burst had drained before the heartbeat ran"
    assert WorkerHeartbeat.objects.get().hostname.startswith(other)
