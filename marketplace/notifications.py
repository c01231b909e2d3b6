"""Alerts for signed-in users: the inbox at ``/notifications/`` and its e-mails.

The apps raise alerts here (brokering for followed needs, the catalog for saved
searches) with :func:`notify`; this module knows no app. Each alert is a
:class:`~marketplace.models.Notification` with an ``event_key`` unique per user, so
an event raised twice (a scoring run repeated, a task delivered again) is one alert.

E-mail follows each user's choice (``User.notification_delivery``): *immediate*
users get one e-mail per alert, sent by :func:`send_notification_emails` queued when
the alert's transaction commits; *digest* users get one e-mail a day with every alert
not yet e-mailed (:func:`send_notification_digests`, Celery beat). Both mark what
they send (``emailed_at``) in the transaction that queues the e-mail
(``marketplace.mail``), under a row lock: a second run sends nothing.

``User.unread_notifications`` is kept here, so the header shows the unread count
without a query of its own.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from marketplace.mail import one_line, queue_email
from marketplace.models import Delivery, Notification, User

logger = logging.getLogger(__name__)

SEND_TASK = "marketplace.send_notification_emails"


def absolute(url: str) -> str:
    if url.startswith("/"):
        return f"{(settings.PORTAL_BASE_URL or '').rstrip('/')}{url}"
    return url


def _recount(user_ids: Iterable[int]) -> None:
    unread = (
        Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    User.objects.filter(pk__in=list(user_ids)).update(
        unread_notifications=Coalesce(Subquery(unread), Value(0))
    )


@dataclass(frozen=True)
class Alert:
    """One event to alert some users of (:func:`notify_many`)."""

    user_ids: tuple[int, ...]
    event_key: str
    subject: str
    body: str
    url: str = ""


def notify(
    *, user_ids: Iterable[int], event_key: str, subject: str, body: str, url: str = ""
) -> int:
    """One alert for each user about one event; users who have it already are left
    alone. Returns how many alerts were new. Immediate e-mails leave after commit."""
    return notify_many(
        [Alert(tuple(user_ids), event_key, subject, body, url)]  # one event
    )


@transaction.atomic
def notify_many(alerts: Iterable[Alert]) -> int:
    """:func:`notify` for many events at once, in a constant number of queries (a
    scoring run alerting the followers of hundreds of needs): the alerts users have
    already are read in one query, the new ones written in one, the unread counts
    kept in one, and their e-mails queued in one task after commit."""
    wanted = [
        (user_id, alert) for alert in alerts for user_id in sorted(set(alert.user_ids))
    ]
    if not wanted:
        return 0
    have = set(
        Notification.objects.filter(
            user_id__in={user_id for user_id, _alert in wanted},
            event_key__in={alert.event_key[:200] for _user_id, alert in wanted},
        ).values_list("user_id", "event_key")
    )
    new = []
    for user_id, alert in wanted:
        key = (user_id, alert.event_key[:200])
        if key not in have:
            have.add(key)  # an event named twice is one alert
            new.append((user_id, alert))
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=user_id,
                event_key=alert.event_key[:200],
                subject=one_line(alert.subject)[:200],
                body=alert.body,
                url=alert.url[:500],
            )
            for user_id, alert in new
        ],
        ignore_conflicts=True,
    )
    if new:
        users = sorted({user_id for user_id, _alert in new})
        _recount(users)
        transaction.on_commit(lambda: _enqueue_emails(users))
    return len(new)


def _enqueue_emails(user_ids: list[int]) -> None:
    try:
        send_notification_emails.delay(user_ids=user_ids)
    except Exception:
        # No broker: the alerts stand in the inbox; the digest or the next alert
        # of these users sends what is left unsent.
        logger.exception("alert e-mails to users %s not queued", user_ids)


@transaction.atomic
def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's alerts read: those in ``ids``, or all. Returns how many."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    changed = unread.update(read_at=timezone.now())
    _recount([user.pk])
    return changed


@transaction.atomic
def notification_delivery_set(*, user, delivery: str) -> None:
    if delivery not in Delivery.values:
        raise ValueError(f"Unknown delivery {delivery!r}.")
    User.objects.filter(pk=user.pk).update(notification_delivery=delivery)


def _unsent(user_ids: Iterable[int] | None, delivery: str):
    rows = Notification.objects.select_for_update(skip_locked=True).filter(
        emailed_at__isnull=True,
        user__notification_delivery=delivery,
        user__is_active=True,
    )
    if user_ids is not None:
        rows = rows.filter(user_id__in=list(user_ids))
    return list(rows.select_related("user").order_by("user_id", "created_at", "pk"))


def _message(notification: Notification) -> str:
    link = f"\n\n{absolute(notification.url)}" if notification.url else ""
    return f"{notification.body}{link}\n"


@transaction.atomic
def notification_emails_send(*, user_ids: Iterable[int]) -> int:
    """E-mail the unsent alerts of these users who chose immediate delivery, one
    e-mail each. Returns how many were queued."""
    rows = _unsent(user_ids, Delivery.IMMEDIATE)
    for notification in rows:
        if notification.user.email:
            queue_email(
                subject=notification.subject,
                message=_message(notification),
                recipient_list=[notification.user.email],
            )
    Notification.objects.filter(pk__in=[n.pk for n in rows]).update(
        emailed_at=timezone.now()
    )
    return sum(1 for n in rows if n.user.email)


@transaction.atomic
def notification_digests_send() -> int:
    """One e-mail per digest user with every alert not yet e-mailed. Returns how
    many e-mails were queued."""
    by_user: dict[int, list[Notification]] = defaultdict(list)
    rows = _unsent(None, Delivery.DIGEST)
    for notification in rows:
        by_user[notification.user_id].append(notification)
    sent = 0
    for notifications in by_user.values():
        user = notifications[0].user
        if not user.email:
            continue
        count = len(notifications)
        queue_email(
            subject=f"FM Marketplace: {count} new alert{'s' if count != 1 else ''}",
            message="\n\n".join(f"* {n.subject}\n{_message(n)}" for n in notifications),
            recipient_list=[user.email],
        )
        sent += 1
    Notification.objects.filter(pk__in=[n.pk for n in rows]).update(
        emailed_at=timezone.now()
    )
    return sent


def unread_for(user) -> int:
    """The header's count (no query: kept on the user row)."""
    return getattr(user, "unread_notifications", 0) or 0


def notifications_for(user, *, unread_only: bool = False):
    rows = Notification.objects.filter(user=user)
    if unread_only:
        rows = rows.filter(Q(read_at__isnull=True))
    return rows.order_by("-created_at", "-id")


@shared_task(
    name=SEND_TASK,
    ignore_result=True,
    acks_late=True,
    soft_time_limit=50,
    time_limit=60,
)
def send_notification_emails(*, user_ids: list[int]) -> int:
    return notification_emails_send(user_ids=user_ids)


@shared_task(
    name="marketplace.send_notification_digests",
    ignore_result=True,
    acks_late=True,
    soft_time_limit=240,
    time_limit=300,
)
def send_notification_digests() -> int:
    """The daily digest (Celery beat). Safe to repeat: what is sent is marked."""
    return notification_digests_send()
