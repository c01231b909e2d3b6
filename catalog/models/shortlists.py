"""Named shortlists of offerings that signed-in users keep.

A shortlist made by an agency user carries that agency, and every colleague of the same
agency sees and edits it; anyone else's shortlist answers 404 (see
``catalog.selectors.shortlists_for``).
"""

import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class Shortlist(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=120)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shortlists"
    )
    agency = models.ForeignKey(
        "brokering.Agency",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="shortlists",
        help_text="Set for an agency user's shortlist: colleagues share it.",
    )
    offerings = models.ManyToManyField(
        "catalog.Offering", through="ShortlistEntry", related_name="shortlists"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class ShortlistEntry(models.Model):
    shortlist = models.ForeignKey(
        Shortlist, on_delete=models.CASCADE, related_name="entries"
    )
    offering = models.ForeignKey(
        "catalog.Offering", on_delete=models.CASCADE, related_name="shortlist_entries"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name_plural = "shortlist entries"
        constraints = [
            models.UniqueConstraint(
                fields=["shortlist", "offering"], name="offering_once_per_shortlist"
            )
        ]

    def __str__(self) -> str:
        return f"{self.offering} in {self.shortlist}"
