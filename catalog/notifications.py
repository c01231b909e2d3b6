"""E-mails of the listing workflow. Services call these after their transaction commits.

Brokers hear of every submission (``settings.BROKER_NOTIFICATION_EMAILS`` plus the
e-mail of every active staff user); a provider's users hear when a broker approves or
returns their offering.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from catalog.models import Offering, ReviewComment


def absolute_url(path: str) -> str:
    return f"{(settings.PORTAL_BASE_URL or '').rstrip('/')}{path}"


def broker_recipients() -> list[str]:
    staff = (
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    return sorted({*settings.BROKER_NOTIFICATION_EMAILS, *staff})


def provider_recipients(provider_id: int) -> list[str]:
    return sorted(
        set(
            get_user_model()
            .objects.filter(provider_id=provider_id, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def notify_brokers_of_submission(*, offering_id: int) -> int:
    offering = (
        Offering.objects.select_related("provider", "revision_of")
        .filter(pk=offering_id)
        .first()
    )
    recipients = broker_recipients()
    if offering is None or not recipients:
        return 0
    context = {
        "offering": offering,
        "review_url": absolute_url(
            reverse("admin:catalog_submission_change", args=[offering.pk])
        ),
    }
    return send_mail(
        subject=f"Listing submitted for review: {offering.name} ({offering.provider})",
        message=render_to_string("catalog/provider/email/submitted.txt", context),
        from_email=None,
        recipient_list=recipients,
    )


def notify_provider_of_decision(*, review_comment_id: int) -> int:
    note = (
        ReviewComment.objects.select_related("offering__provider")
        .filter(pk=review_comment_id)
        .first()
    )
    if note is None:
        return 0
    recipients = provider_recipients(note.offering.provider_id)
    if not recipients:
        return 0
    context = {
        "note": note,
        "offering": note.offering,
        "offering_url": absolute_url(
            reverse("provider:offering-detail", args=[note.offering_id])
        ),
    }
    return send_mail(
        subject=f"{note.get_action_display()}: {note.offering.name}",
        message=render_to_string("catalog/provider/email/decision.txt", context),
        from_email=None,
        recipient_list=recipients,
    )
