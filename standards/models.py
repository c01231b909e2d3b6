"""The FIT / FIBF Financial Management standards, versioned by release.

Every item belongs to one release; its ``code`` (``FFM.010.010.011``) is unique within
the release and stable across releases, which is what makes a diff possible.
"""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


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
    content_digest = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="SHA-256 of the imported content; equal content imports as a no-op.",
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

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


class ServiceMeasure(models.Model):
    """An FM provider service measure (``FFM.000.000.0011``) with its target.

    Treasury's FY2025 workbook repeats a few measure IDs for different measures, so a
    measure is identified by its code *and* name within a release.
    """

    release = models.ForeignKey(
        StandardsRelease, on_delete=models.CASCADE, related_name="service_measures"
    )
    activity = models.ForeignKey(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_measures",
        help_text="Empty for measures that apply to all activities (FFM.000.000).",
    )
    code = models.CharField(max_length=24, help_text="For example FFM.000.000.0011.")
    function_code = models.CharField(max_length=20)
    activity_code = models.CharField(max_length=20)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    target = models.CharField(max_length=255, blank=True)
    category = models.CharField(max_length=100, blank=True)
    level_type = models.CharField("service level type", max_length=100, blank=True)
    measure_type = models.CharField(max_length=100, blank=True)
    frequency = models.CharField(max_length=100, blank=True)
    formula = models.TextField(blank=True)

    class Meta:
        ordering = ["release", "code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "code", "name"],
                name="service_measure_unique_in_release",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class DataElement(models.Model):
    """A business data element; its label (``AccountEffectiveDate``) is its ID."""

    release = models.ForeignKey(
        StandardsRelease, on_delete=models.CASCADE, related_name="data_elements"
    )
    label = models.CharField(max_length=255)
    definition = models.TextField(blank=True)
    activity_references = models.TextField(blank=True)
    capability_references = models.TextField(blank=True)
    data_group = models.TextField(blank=True)
    data_type = models.CharField(max_length=100, blank=True)
    element_format = models.CharField(max_length=255, blank=True)
    min_length = models.CharField(max_length=20, blank=True)
    max_length = models.CharField(max_length=20, blank=True)
    domain_values = models.TextField(blank=True)

    class Meta:
        ordering = ["release", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "label"], name="data_element_unique_in_release"
            )
        ]

    def __str__(self) -> str:
        return self.label
