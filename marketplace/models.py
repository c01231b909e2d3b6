"""Users of the portal. A user belongs to at most one agency or one provider."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", "An e-mail for each alert, as it happens"
    DIGEST = "digest", "One e-mail a day with the day's alerts"


class User(AbstractUser):
    """A person who signs in: agency staff, provider staff, a broker or an operator.

    Brokers are staff users (``is_staff``); operators are superusers. The role a user
    plays is worked out in :mod:`marketplace.roles`, never stored twice.
    """

    email = models.EmailField("e-mail address", blank=True)
    agency = models.ForeignKey(
        "brokering.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    provider = models.ForeignKey(
        "catalog.Provider",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    notification_delivery = models.CharField(
        "alert e-mails",
        max_length=10,
        choices=Delivery.choices,
        default=Delivery.IMMEDIATE,
    )
    unread_notifications = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Kept by marketplace.notifications, so the header needs no query.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(agency__isnull=True) | Q(provider__isnull=True),
                name="user_in_one_organisation_at_most",
                violation_error_message=(
                    "A user belongs to at most one agency or one provider."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class WorkerHeartbeat(models.Model):
    """The last time each Celery worker ran the heartbeat task (shown by /healthz)."""

    hostname = models.CharField(max_length=255, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.hostname} at {self.seen_at:%Y-%m-%d %H:%M:%S}"


class PageStamp(models.Model):
    """A version number per group of public pages (``marketplace.pagecache``): pages
    cached for visitors carry the version they were rendered at, and a change to what
    they show bumps it, in the same transaction as the change."""

    scope = models.CharField(max_length=40, primary_key=True)
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.scope} v{self.version}"


class Notification(models.Model):
    """An alert in a user's inbox (``/notifications/``), e-mailed at once or in the
    daily digest. ``event_key`` names the event: one notification per user and event,
    whatever how often the code that raises it runs."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications"
    )
    event_key = models.CharField(max_length=200)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "event_key"], name="one_notification_per_event"
            )
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["emailed_at"],
                name="notification_unsent",
                condition=Q(emailed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.subject}"
