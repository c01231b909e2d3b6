"""Reminders to providers that evidence expires soon (Celery beat, daily).

A published offering's evidence document that expires within 30 days gets the
30-day reminder, within 7 days the 7-day one; each is sent once. The window (not
the exact day) decides, so a day the beat missed is caught up the next; a document
found already inside the 7-day window gets only that reminder.

Once only: each reminder is an :class:`~catalog.models.EvidenceReminder` row with a
unique key (offering, stored file, expiry date, stage), inserted in the transaction
that queues the e-mail (``marketplace.mail``, sent when it commits). A second run,
the same task delivered again after a worker restart, or two workers at once find
the row and send nothing; a revision's copy of the document keeps the stored file
and so the key. The e-mail goes at most once: if the process dies between the
commit and the hand-over to the mail task, that reminder is not sent again.
"""

import datetime

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from catalog.models import EvidenceReminder, OfferingDocument, OfferingStatus
from catalog.notifications import absolute_url, provider_recipients
from marketplace.mail import queue_email

# Days before expiry, widest first.
REMINDER_STAGES = (30, 7)


def _stage(days_left: int) -> int | None:
    due = [days for days in REMINDER_STAGES if days_left <= days]
    return min(due) if due else None


def evidence_reminders_send(*, today: datetime.date | None = None) -> int:
    """Send the reminders due today; returns how many e-mails were queued."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=max(REMINDER_STAGES))
    documents = (
        OfferingDocument.objects.filter(
            offering__status=OfferingStatus.PUBLISHED,
            expires_on__gte=today,
            expires_on__lte=horizon,
        )
        .select_related("offering")
        .order_by("expires_on", "pk")
    )
    sent = 0
    for document in documents:
        if document.expires_on is None:  # filtered out above; for the type checker
            continue
        stage = _stage((document.expires_on - today).days)
        if stage is not None and _remind(document, document.expires_on, stage):
            sent += 1
    return sent


def _remind(document: OfferingDocument, expires_on: datetime.date, stage: int) -> bool:
    recipients = provider_recipients(document.offering.provider_id)
    try:
        with transaction.atomic():
            _reminder, created = EvidenceReminder.objects.get_or_create(
                offering_id=document.offering_id,
                document_file=document.file.name,
                expires_on=expires_on,
                days_before=stage,
            )
            if created and recipients:
                queue_email(
                    subject=f"Evidence expires in {stage} days or less: "
                    f"{document.title} ({document.offering.name})",
                    message=render_to_string(
                        "catalog/provider/email/evidence_expiring.txt",
                        {
                            "document": document,
                            "offering": document.offering,
                            "offering_url": absolute_url(
                                reverse(
                                    "provider:offering-detail",
                                    args=[document.offering_id],
                                )
                            ),
                        },
                    ),
                    recipient_list=recipients,
                )
    except IntegrityError:
        return False  # another worker inserted the same reminder first
    return created and bool(recipients)
