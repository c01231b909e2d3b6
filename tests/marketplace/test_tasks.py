import pytest

from marketplace.models import WorkerHeartbeat
from marketplace.tasks import heartbeat
from tests.conftest import uses_services


@pytest.mark.django_db
def test_heartbeat_records_the_worker():
    heartbeat.apply()
    assert WorkerHeartbeat.objects.count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_runs_the_heartbeat_task(client, client_for, broker):
    if not uses_services():
        pytest.skip("needs CELERY_BROKER_URL and PostgreSQL (CI's services pass)")
    from tests.celery_worker import celery_worker, wait_for

    with celery_worker():
        heartbeat.delay()
        beat = wait_for(lambda: WorkerHeartbeat.objects.first())
    assert "@" in beat.hostname
    health = client.get("/healthz").json()
    assert health["broker"] == {"ok": True, "mode": "broker"}
    # Anyone sees when the worker last ran; only staff see its host name.
    assert health["workers"]["workers"][0]["seen_at"]
    assert "hostname" not in health["workers"]["workers"][0]
    staff = client_for(broker).get("/healthz").json()
    assert staff["workers"]["workers"][0]["hostname"] == beat.hostname
