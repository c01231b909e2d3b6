"""The rounds' e-mail outbox: a notice (invitation, reminder, all in, closed) is
recorded in the transaction that decides to send it (``RoundNotice`` is unique per
round, kind and recipient, so it is recorded once) and sent after commit by a task
that locks the row and marks it sent; the beat task sends again whatever is left
unsent."""

import logging
from functools import partial

from celery import current_app
from django.db import IntegrityError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from brokering.models import Invitation, Round, RoundNotice
from brokering.rounds import selectors
from catalog.models import Offering
from marketplace.formats import display_datetime
from marketplace.mail import one_line, send_now
from marketplace.models import User

logger = logging.getLogger(__name__)

NOTICE_TASK = "brokering.send_round_notice"
AGENCY = "agency"


def _notice(
    round: Round,
    kind: str,
    recipient: str,
    *,
    subject: str,
    message: str,
    recipient_list: list[str],
) -> bool:
    """Record a notice and send it after commit; False when it was recorded
    before (nothing is sent again)."""
    try:
        with transaction.atomic():
            notice = RoundNotice.objects.create(
                round=round,
                kind=kind,
                recipient=recipient,
                subject=one_line(subject)[:255],
                message=message,
                recipient_list=recipient_list,
            )
    except IntegrityError:
        return False
    transaction.on_commit(partial(_send_notice, notice.pk))
    return True


def _send_notice(notice_id: int) -> None:
    try:
        current_app.tasks[NOTICE_TASK].delay(notice_id)
    except OperationalError:
        logger.warning("broker unavailable; round notice %s sent later", notice_id)


@transaction.atomic
def notice_send(*, notice_id: int) -> bool:
    """Send a recorded notice unless it was sent: the row is locked while it is
    sent and marked, so two deliveries of the task send it once."""
    notice = RoundNotice.objects.select_for_update().filter(pk=notice_id).first()
    if notice is None or notice.sent_at is not None:
        return False
    if notice.recipient_list:
        send_now(
            subject=notice.subject,
            message=notice.message,
            recipient_list=notice.recipient_list,
        )
    notice.sent_at = timezone.now()
    notice.save(update_fields=["sent_at"])
    return True


def notices_send_unsent() -> int:
    """Send every notice recorded but not sent (the beat task: a broker that was
    down, a worker killed before sending)."""
    unsent = RoundNotice.objects.filter(sent_at__isnull=True).order_by("id")
    return sum(
        notice_send(notice_id=pk) for pk in list(unsent.values_list("id", flat=True))
    )


def provider_emails(offering: Offering) -> list[str]:
    emails = set(
        User.objects.filter(provider_id=offering.provider_id, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if offering.provider.contact_email:
        emails.add(offering.provider.contact_email)
    return sorted(emails)


def agency_emails(round: Round) -> list[str]:
    users = [round.opened_by, round.need.created_by]
    return sorted({user.email for user in users if user is not None and user.email})


def tell_provider(invitation: Invitation, kind: str, subject: str, body: str) -> None:
    _notice(
        invitation.round,
        kind,
        f"invitation:{invitation.pk}",
        subject=subject,
        message=body,
        recipient_list=provider_emails(invitation.offering),
    )


def tell_agency(round: Round, kind: str, subject: str, body: str) -> None:
    _notice(
        round,
        kind,
        AGENCY,
        subject=subject,
        message=body,
        recipient_list=agency_emails(round),
    )


def request_text(round: Round, invitation: Invitation, opening: str) -> str:
    """An e-mail to a provider: the agency named only when the round allows it."""
    return (
        f"{opening}\n\n"
        f"Request: {round.title}\n"
        f"From: {selectors.agency_shown(round=round)}\n"
        f"Offering: {invitation.offering.name}\n"
        f"Due: {display_datetime(round.due_at)}\n\n"
        f"Answer it on the portal under Requests (/provider/requests/"
        f"{invitation.pk}/).\n"
    )
