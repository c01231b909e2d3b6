"""State of the parts the portal depends on, for ``/healthz``."""

from django.conf import settings
from django.db import connection


def database_state() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means the database is unusable
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def worker_state() -> dict:
    """When each worker last ran the heartbeat task (informational: workers may scale
    to zero without making the portal unhealthy)."""
    from marketplace.models import WorkerHeartbeat

    try:
        beats = list(WorkerHeartbeat.objects.order_by("-seen_at")[:10])
    except Exception as exc:  # the database state is reported separately
        return {"ok": False, "error": exc.__class__.__name__}
    return {
        "ok": True,
        "workers": [
            {"hostname": beat.hostname, "seen_at": beat.seen_at.isoformat()}
            for beat in beats
        ],
    }


def broker_state() -> dict:
    if not settings.CELERY_BROKER_URL:
        return {"ok": True, "mode": "in-process"}
    from marketplace.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # kombu raises many kinds; all mean unreachable
        return {"ok": False, "mode": "broker", "error": exc.__class__.__name__}
    return {"ok": True, "mode": "broker"}
