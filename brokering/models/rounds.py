"""Market research rounds: an agency's need sent to chosen providers, who answer it
item by item, ask questions and quote; the agency then records a decision, frozen
as a verifiable package.

Statuses change only in :mod:`brokering.rounds.services`, under row locks. Every
change to a round, a response, an answer or a question is in the history.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from catalog.models.workflow import UploadedEvidence


class RoundStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"
    DECIDED = "decided", "Decided"


class Round(models.Model):
    """One market research round on one need."""

    need = models.ForeignKey(
        "brokering.Need", on_delete=models.PROTECT, related_name="rounds"
    )
    title = models.CharField(max_length=200)
    instructions = models.TextField(blank=True)
    due_at = models.DateTimeField(
        help_text="Responses are accepted until this moment; the round then closes."
    )
    anonymous = models.BooleanField(
        "agency not named",
        default=True,
        help_text="When set, providers see the need but not the agency's name.",
    )
    status = models.CharField(
        max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"round {self.pk}: {self.title} ({self.status})"


class ResponseStatus(models.TextChoices):
    INVITED = "invited", "Not started"
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class Invitation(models.Model):
    """One invited offering and its provider's response to the round: price,
    timeline, references and, in :class:`Answer` rows, one answer per need item.
    The response score is written by the background scorer from the answers alone."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="invitations"
    )
    offering = models.ForeignKey(
        "catalog.Offering", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=ResponseStatus.choices, default=ResponseStatus.INVITED
    )
    one_time_cost = models.DecimalField(
        "one-time implementation cost (USD)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    annual_cost = models.DecimalField(
        "annual cost (USD)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    pricing_basis = models.CharField(max_length=200, blank=True)
    assumptions = models.TextField(blank=True)
    timeline_months = models.PositiveSmallIntegerField(
        "months from award to go-live", null=True, blank=True
    )
    fits_go_live = models.BooleanField("fits the go-live date", null=True, blank=True)
    customer_references = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    response_score = models.FloatField(null=True, blank=True)
    response_eligible = models.BooleanField(null=True, blank=True)
    response_gaps = models.JSONField(default=list, blank=True)
    above_catalog = models.JSONField(
        default=list,
        blank=True,
        help_text="IDs of items the response claims more of than the catalog.",
    )
    scored_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(
        excluded_fields=[
            "response_score",
            "response_eligible",
            "response_gaps",
            "above_catalog",
            "scored_at",
        ]
    )

    class Meta:
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "offering"], name="one_invitation_per_offering"
            )
        ]

    def __str__(self) -> str:
        return f"{self.offering} in round {self.round_id} ({self.status})"


class ResponseDocument(UploadedEvidence):
    """An evidence file a provider uploaded with its response (checked like the
    catalog's evidence: :func:`catalog.documents.evidence_kind`). Its SHA-256 is
    recorded at upload and goes into the decision package."""

    invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, related_name="documents"
    )
    sha256 = models.CharField(max_length=64)
    history = HistoricalRecords()

    class Meta(UploadedEvidence.Meta):
        ordering = ["invitation", "id"]

    def __str__(self) -> str:
        return f"{self.title} (response {self.invitation_id})"


class Answer(models.Model):
    """A provider's answer to one need item, in its response."""

    invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, related_name="answers"
    )
    item = models.ForeignKey(
        "brokering.NeedItem", on_delete=models.CASCADE, related_name="+"
    )
    level = models.CharField(max_length=16, blank=True)
    roadmap_date = models.DateField(null=True, blank=True)
    comment = models.TextField(blank=True)
    document = models.ForeignKey(
        "catalog.OfferingDocument",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Evidence: one of the offering's documents.",
    )
    evidence = models.ForeignKey(
        ResponseDocument,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Evidence uploaded with the response.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["invitation", "item"]
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "item"], name="one_answer_per_item"
            )
        ]

    def __str__(self) -> str:
        return f"answer of invitation {self.invitation_id} on item {self.item_id}"


class Question(models.Model):
    """A provider's question on a round. The reply is published to every invited
    provider; the asker's name is never shown to the others."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="questions")
    invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, related_name="questions"
    )
    text = models.TextField()
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    asked_at = models.DateTimeField(auto_now_add=True)
    reply = models.TextField(blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    replied_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "asked_at", "id"]

    def __str__(self) -> str:
        return f"question {self.pk} on round {self.round_id}"


class NoticeKind(models.TextChoices):
    INVITED = "invited", "Invitation"
    REMINDER = "reminder", "Reminder before the due date"
    ALL_IN = "all-in", "All responses are in"
    CLOSED = "closed", "Round closed"


class RoundNotice(models.Model):
    """An e-mail about a round, recorded before it is sent (an outbox): one row per
    (round, kind, recipient), created in the transaction that decides to send it,
    and sent by a task that locks the row and marks it sent. A repeated run records
    nothing twice; a notice left unsent (broker down, worker killed) is sent again
    by the beat task, once."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=10, choices=NoticeKind.choices)
    recipient = models.CharField(
        max_length=40, help_text="'agency' or 'invitation:<id>'."
    )
    subject = models.CharField(max_length=255, blank=True)
    message = models.TextField(blank=True)
    recipient_list = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "kind", "recipient"], name="one_notice_per_recipient"
            )
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(sent_at__isnull=True),
                name="round_notice_unsent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} of round {self.round_id} to {self.recipient}"


class Decision(models.Model):
    """The agency's decision on a round and the package frozen with it: canonical
    JSON bytes, never rewritten, and their SHA-256 digest."""

    round = models.OneToOneField(
        Round, on_delete=models.PROTECT, related_name="decision"
    )
    recommended = models.JSONField(
        default=list, help_text="Ids of the recommended offerings."
    )
    reason = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField()
    on_behalf = models.BooleanField(
        "recorded by a broker on the agency's behalf", default=False
    )
    package = models.BinaryField(help_text="The frozen package: canonical JSON.")
    digest = models.CharField(max_length=64, help_text="SHA-256 of the package.")

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(digest=""), name="decision_has_a_digest"
            )
        ]

    def __str__(self) -> str:
        return f"decision on round {self.round_id}"
