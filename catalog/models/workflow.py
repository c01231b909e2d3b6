"""What the listing workflow keeps: evidence documents, broker comments and the way
provider users get their accounts (invitations and company account requests)."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from catalog.models.item_claims import ItemClaim
from catalog.models.listings import Claim, Offering
from marketplace.validators import plausible_date


def document_upload_to(instance: "OfferingDocument", filename: str) -> str:
    # A random name: the original name is kept in a field, never trusted as a path.
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"evidence/{uuid.uuid4().hex}{suffix}"


class DocumentKind(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "Excel workbook (XLSX)"
    DOCX = "docx", "Word document (DOCX)"


class UploadedEvidence(models.Model):
    """What every uploaded evidence file records, wherever it is attached (an
    offering's documents, a response's): the file under a random name, the name it
    came with, its checked kind and size, who uploaded it and when."""

    title = models.CharField(max_length=255)
    file = models.FileField(upload_to=document_upload_to, max_length=255)
    original_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=4, choices=DocumentKind.choices)
    size = models.PositiveIntegerField(help_text="Bytes.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class OfferingDocument(UploadedEvidence):
    """An evidence file a provider attached to an offering."""

    offering = models.ForeignKey(
        "catalog.Offering", on_delete=models.CASCADE, related_name="documents"
    )
    as_of = models.DateField(
        "as of",
        null=True,
        blank=True,
        validators=[plausible_date],
        help_text="The date the evidence speaks for (a report's period end, an "
        "assessment date).",
    )
    expires_on = models.DateField(
        "expires on",
        null=True,
        blank=True,
        validators=[plausible_date],
        help_text="After this date the evidence no longer holds (empty: it does "
        "not expire).",
    )
    history = HistoricalRecords()

    class Meta(UploadedEvidence.Meta):
        ordering = ["offering", "title", "id"]
        indexes = [models.Index(fields=["expires_on"], name="document_expires_on")]
        constraints = [
            models.CheckConstraint(
                condition=Q(as_of__isnull=True)
                | Q(expires_on__isnull=True)
                | Q(expires_on__gte=F("as_of")),
                name="document_expires_after_as_of",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.original_name})"


class ReviewAction(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    WITHDRAWN = "withdrawn", "Withdrawn"
    RETURNED = "returned", "Returned with comments"
    APPROVED = "approved", "Approved"
    RETIRED = "retired", "Retired"


class ReviewComment(models.Model):
    """One step of an offering's review: who did what, when, and what they said."""

    offering = models.ForeignKey(
        "catalog.Offering", on_delete=models.CASCADE, related_name="review_comments"
    )
    action = models.CharField(max_length=10, choices=ReviewAction.choices)
    body = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["offering", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.offering_id} at {self.created_at}"


class AccountRequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a broker"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class ProviderAccountRequest(models.Model):
    """A company asking for a provider account; a broker approves or rejects it."""

    company_name = models.CharField(max_length=255)
    kind = models.CharField(
        max_length=12, choices=[("federal", "Federal"), ("commercial", "Commercial")]
    )
    website = models.URLField(blank=True)
    uei = models.CharField("UEI", max_length=12, blank=True)
    contact_name = models.CharField(max_length=255)
    email = models.EmailField("work e-mail address")
    message = models.TextField(blank=True)
    status = models.CharField(
        max_length=10,
        choices=AccountRequestStatus.choices,
        default=AccountRequestStatus.PENDING,
    )
    provider = models.ForeignKey(
        "catalog.Provider",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The provider the request was approved into.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["status", "created_at"]

    def __str__(self) -> str:
        return f"{self.company_name} ({self.email})"


class ProviderInvitation(models.Model):
    """A broker invited someone to a provider; the e-mail carries a one-time link."""

    provider = models.ForeignKey(
        "catalog.Provider", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField("e-mail address")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="provider_invitations",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} to {self.provider}"


class Submission(Offering):
    """Offerings waiting for a broker: the review queue in the admin."""

    class Meta:
        proxy = True
        verbose_name = "submission for review"
        verbose_name_plural = "submissions for review"


class EvidenceReminder(models.Model):
    """A reminder sent to a provider that an evidence document expires soon: one per
    offering, stored file, expiry date and stage (30 or 7 days before), so that a
    second run, a task delivered twice or a revision's copy of the document never
    sends it again. A new expiry date starts new reminders."""

    offering = models.ForeignKey(
        "catalog.Offering", on_delete=models.CASCADE, related_name="+"
    )
    document_file = models.CharField(max_length=255)
    expires_on = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["offering", "document_file", "expires_on", "days_before"],
                name="one_evidence_reminder_per_stage",
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_file} expires {self.expires_on} ({self.days_before} d)"


class ClaimToReverify(Claim):
    """Claims of published offerings that are stale or whose evidence has expired
    (``catalog.freshness``): the brokers' re-verification queue in the admin."""

    class Meta:
        proxy = True
        verbose_name = "claim to re-verify"
        verbose_name_plural = "claims to re-verify"


class ItemClaimToReverify(ItemClaim):
    """The same queue for claims on service measures, information exchanges and
    reports: the freshness policy is the same for claims of every kind."""

    class Meta:
        proxy = True
        verbose_name = "measure, exchange or report claim to re-verify"
        verbose_name_plural = "measure, exchange and report claims to re-verify"
