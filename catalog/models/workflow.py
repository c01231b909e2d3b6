"""What the listing workflow keeps: evidence documents, broker comments and the way
provider users get their accounts (invitations and company account requests)."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from catalog.models.listings import Offering


def document_upload_to(instance: "OfferingDocument", filename: str) -> str:
    # A random name: the original name is kept in a field, never trusted as a path.
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"evidence/{uuid.uuid4().hex}{suffix}"


class DocumentKind(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "Excel workbook (XLSX)"
    DOCX = "docx", "Word document (DOCX)"


class OfferingDocument(models.Model):
    """An evidence file a provider attached to an offering."""

    offering = models.ForeignKey(
        "catalog.Offering", on_delete=models.CASCADE, related_name="documents"
    )
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
    history = HistoricalRecords()

    class Meta:
        ordering = ["offering", "title", "id"]

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
