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


class DatabaseUnavailableMiddleware:
    """Answer 503 (with ``Retry-After``), not 500, when the database connection fails
    during a request: the request's transaction has been rolled back, nothing was
    written, and trying again shortly is the right advice. Pages get the portal's 503
    page; the API gets its usual error body."""

    RETRY_AFTER_SECONDS = 30

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        import logging

        from django.db import InterfaceError, OperationalError
        from django.http import HttpResponse, JsonResponse
        from django.template.loader import render_to_string

        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logging.getLogger(__name__).error(
            "Database unavailable during %s %s",
            request.method,
            request.path,
            exc_info=exception,
        )
        message = (
            "The portal cannot reach its database just now. Nothing from this request "
            "was saved. Please try again in a minute."
        )
        response: HttpResponse
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {
                    "error": {
                        "status": 503,
                        "code": "database_unavailable",
                        "message": message,
                        "fields": {},
                    }
                },
                status=503,
            )
        else:
            try:
                body: str = render_to_string("503.html", {"message": message}, request)
            except Exception:  # the page itself may need the database: plain text
                body = message
            response = HttpResponse(body, status=503)
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        return response
