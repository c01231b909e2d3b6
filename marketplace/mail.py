"""E-mail is background work: queued when the transaction commits, sent by a Celery
task with bounded retries and time limits (in-process when there is no broker).

A failure to send (an SMTP outage, a refused header) never turns the action that
caused the e-mail into an error: the action has committed and stands; the failure is
logged and the task retried with a growing delay, up to ``MAX_RETRIES`` times.
"""

import logging

from celery import shared_task
from django.core.mail import send_mail
from django.db import transaction

logger = logging.getLogger(__name__)

MAX_RETRIES = 5


def one_line(text: str) -> str:
    """A header value on one line, whatever slipped past the forms."""
    return " ".join(str(text).split())


def queue_email(*, subject: str, message: str, recipient_list: list[str]) -> None:
    """Send an e-mail after the current transaction commits (at once outside one)."""
    payload = {
        "subject": one_line(subject),
        "message": message,
        "recipient_list": list(recipient_list),
    }
    transaction.on_commit(lambda: _enqueue(payload))


def send_now(*, subject: str, message: str, recipient_list: list[str]) -> int:
    """Send at once, in this process: for work that records its own e-mails in the
    database and sends each under a row lock (an outbox), so that it is sent once."""
    return send_mail(
        subject=one_line(subject),
        message=message,
        from_email=None,
        recipient_list=recipient_list,
    )


def _enqueue(payload: dict) -> None:
    try:
        send_email.delay(**payload)
    except Exception:
        # No broker, or every in-process attempt failed: the action stands.
        logger.exception(
            "e-mail %r to %s not sent", payload["subject"], payload["recipient_list"]
        )


@shared_task(
    name="marketplace.send_email",
    bind=True,
    ignore_result=True,
    max_retries=MAX_RETRIES,
    time_limit=60,
    soft_time_limit=45,
    acks_late=True,
)
def send_email(self, *, subject: str, message: str, recipient_list: list[str]) -> int:
    # On a worker a failure is retried later through the broker, with a growing
    # delay; in-process (no broker) the attempts follow one another at once.
    tries = MAX_RETRIES + 1 if self.request.is_eager else 1
    for attempt in range(tries):
        try:
            return send_now(
                subject=subject, message=message, recipient_list=recipient_list
            )
        except Exception as error:
            failure = error
            logger.warning(
                "e-mail %r to %s failed (attempt %d of %d): %s",
                subject,
                recipient_list,
                self.request.retries + attempt + 1,
                MAX_RETRIES + 1,
                error,
            )
    if self.request.is_eager:
        raise failure
    raise self.retry(
        exc=failure, countdown=min(600, 30 * 2**self.request.retries)
    ) from failure
