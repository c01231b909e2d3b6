"""Agencies, their needs and the matches the scoring engine writes."""

from django.db import models


class Agency(models.Model):
    """A federal agency whose CFO office uses the marketplace."""

    name = models.CharField(max_length=255, unique=True)
    abbreviation = models.CharField(max_length=20, unique=True)
    cgac_code = models.CharField(
        "CGAC code",
        max_length=3,
        unique=True,
        help_text="Common Government-wide Accounting Classification agency code.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return f"{self.name} ({self.abbreviation})"
