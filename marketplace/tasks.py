"""Portal-wide background tasks."""

from celery import shared_task
from django.utils import timezone

from marketplace.mail import send_email  # noqa: F401  (registers the task)
from marketplace.models import WorkerHeartbeat
from marketplace.notifications import (  # noqa: F401  (registers the tasks)
    send_notification_digests,
    send_notification_emails,
)


@shared_task(
    name="marketplace.heartbeat", ignore_result=True, time_limit=30, soft_time_limit=20
)
def heartbeat() -> None:
    """Record that a worker is alive; beat sends it every minute."""
    hostname = heartbeat.request.hostname or "in-process"
    WorkerHeartbeat.objects.update_or_create(
        hostname=hostname, defaults={"seen_at": timezone.now()}
    )
