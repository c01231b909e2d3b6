"""The FIT / FIBF Financial Management standards, versioned by release.

Every item belongs to one release; its ``code`` (``FFM.010.010.011``) is unique within
the release and stable across releases, which is what makes a diff possible.
"""

from django.db import models
from django.db.models import Q


class ReleaseStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    CURRENT = "current", "Current"
    RETIRED = "retired", "Retired"


class StandardsRelease(models.Model):
    name = models.CharField(max_length=20, unique=True, help_text="For example FY2025.")
    status = models.CharField(
        max_length=10, choices=ReleaseStatus.choices, default=ReleaseStatus.DRAFT
    )
    published_on = models.DateField(null=True, blank=True)
    source_checksums = models.JSONField(
        default=dict,
        blank=True,
        help_text="SHA-256 of each source file, by file name.",
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-name"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="current"),
                name="only_one_current_release",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Function(models.Model):
    release = models.ForeignKey(
        StandardsRelease, on_delete=models.CASCADE, related_name="functions"
    )
    code = models.CharField(max_length=20, help_text="For example FFM.010.")
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["release", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "code"], name="function_code_unique_in_release"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Activity(models.Model):
    release = models.ForeignKey(
        StandardsRelease, on_delete=models.CASCADE, related_name="activities"
    )
    function = models.ForeignKey(
        Function, on_delete=models.CASCADE, related_name="activities"
    )
    code = models.CharField(max_length=20, help_text="For example FFM.010.010.")
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    references = models.TextField(blank=True)

    class Meta:
        ordering = ["release", "code"]
        verbose_name_plural = "activities"
        constraints = [
            models.UniqueConstraint(
                fields=["release", "code"], name="activity_code_unique_in_release"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CapabilityKind(models.TextChoices):
    INPUT = "I", "Input"
    PROCESS = "P", "Process"
    OUTPUT = "O", "Output"


class Capability(models.Model):
    """A business capability: one Federal Financial Management System Requirement."""

    release = models.ForeignKey(
        StandardsRelease, on_delete=models.CASCADE, related_name="capabilities"
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="capabilities"
    )
    function = models.ForeignKey(
        Function, on_delete=models.CASCADE, related_name="capabilities"
    )
    code = models.CharField(max_length=24, help_text="For example FFM.010.010.011.")
    kind = models.CharField(max_length=1, choices=CapabilityKind.choices)
    statement = models.TextField()
    authoritative_references = models.TextField(blank=True)
    other_references = models.TextField(blank=True)
    goal_group_id = models.CharField("FFMSR goal group ID", max_length=20, blank=True)
    goal_group_name = models.CharField("FFMSR goal group", max_length=255, blank=True)
    ffmsr_id = models.CharField("FFMSR ID", max_length=20, blank=True)

    class Meta:
        ordering = ["release", "code"]
        verbose_name_plural = "capabilities"
        constraints = [
            models.UniqueConstraint(
                fields=["release", "code"], name="capability_code_unique_in_release"
            )
        ]

    def __str__(self) -> str:
        return self.code
