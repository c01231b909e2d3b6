"""Celery tasks of the catalog app. They take ids or nothing; the database records
the work."""

from celery import shared_task

from catalog.reminders import evidence_reminders_send


@shared_task(
    name="catalog.send_evidence_reminders",
    ignore_result=True,
    acks_late=True,
    soft_time_limit=240,
    time_limit=300,
)
def send_evidence_reminders() -> int:
    """Remind providers of evidence expiring in 30 and 7 days (Celery beat, daily).
    Safe to repeat: each reminder is recorded once (``catalog.reminders``)."""
    return evidence_reminders_send()
