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
    reference_notes = models.TextField(
        blank=True, help_text="Footnotes of the reference index, as written."
    )
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
    reference_links = models.ManyToManyField(
        "Reference", blank=True, related_name="activities"
    )

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
    reference_links = models.ManyToManyField(
        "Reference", blank=True, related_name="capabilities"
    )

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
    functional_area = models.TextField(blank=True)
    rationale = models.TextField(blank=True)
    performing_organization = models.TextField(blank=True)
    reporting_organization = models.TextField(blank=True)
    accountable_organization = models.TextField(blank=True)
    method = models.TextField("measurement method", blank=True)
    reporting_level = models.TextField("measurement reporting level", blank=True)
    source = models.TextField("measurement source", blank=True)
    source_detail = models.TextField("measurement source detail", blank=True)
    reference_links = models.ManyToManyField(
        "Reference", blank=True, related_name="service_measures"
    )

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
    functional_area = models.TextField(blank=True)
    steward = models.TextField("functional area steward", blank=True)
    references = models.TextField("authoritative and other references", blank=True)
    exchanges = models.TextField("business information exchanges", blank=True)
    reports = models.TextField("pre-built business report data element", blank=True)
    example_value = models.TextField(blank=True)
    master_reference_data = models.TextField(
        "Core FS pre-loaded master reference data", blank=True
    )
    validations = models.TextField(blank=True)
    related_elements = models.TextField("related data element references", blank=True)
    reference_links = models.ManyToManyField(
        "Reference", blank=True, related_name="data_elements"
    )

    class Meta:
        ordering = ["release", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "label"], name="data_element_unique_in_release"
            )
        ]

    def __str__(self) -> str:
        return self.label


class ReferenceKind(models.TextChoices):
    AUTHORITATIVE = "authoritative", "Authoritative"
    OTHER = "other", "Other"
    DATA_STANDARD = "data_standard", "Data Standard"
    NONE = "", "Not typed"


class Reference(models.Model):
    """An entry of the "Auth and Other References" index, cited as ``(19)``."""

    release = models.ForeignKey(
        StandardsRelease, on_delete=models.CASCADE, related_name="references"
    )
    code = models.CharField(max_length=10, help_text="As cited: (19).")
    number = models.PositiveIntegerField()
    name = models.TextField()
    reference_type = models.CharField(
        max_length=100, blank=True, help_text="As written: Data Standard (1)."
    )
    kind = models.CharField(max_length=20, choices=ReferenceKind.choices, blank=True)
    retired = models.BooleanField(default=False)

    class Meta:
        ordering = ["release", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "code"], name="reference_unique_in_release"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ChangeLogEntry(models.Model):
    """One line of a workbook's Change Log: a general change or a changed item."""

    release = models.ForeignKey(
        StandardsRelease, on_delete=models.CASCADE, related_name="change_log"
    )
    workbook = models.CharField(max_length=60)
    position = models.PositiveIntegerField()
    section = models.CharField(
        max_length=10, choices=[("general", "General"), ("item", "Item")]
    )
    workbook_tab = models.TextField(blank=True)
    item = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    rationale = models.TextField(blank=True)

    class Meta:
        ordering = ["release", "workbook", "position"]
        verbose_name_plural = "change log entries"
        constraints = [
            models.UniqueConstraint(
                fields=["release", "workbook", "position"],
                name="change_log_unique_in_release",
            )
        ]

    def __str__(self) -> str:
        return f"{self.workbook} #{self.position}"


class ExchangeSystem(models.Model):
    """A system that exchanges information with the Core FS baseline solution."""

    release = models.ForeignKey(
        StandardsRelease, on_delete=models.CASCADE, related_name="systems"
    )
    position = models.PositiveIntegerField()
    name = models.TextField()
    area = models.TextField("centralized service / functional area", blank=True)
    description = models.TextField(blank=True)
    url = models.TextField("system information URL", blank=True)
    manager = models.TextField("system manager", blank=True)

    class Meta:
        ordering = ["release", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "name"], name="system_unique_in_release"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ExchangeSpecification(models.Model):
    """A specification tab of the exchanges workbook, kept as a table."""

    release = models.ForeignKey(
        StandardsRelease, on_delete=models.CASCADE, related_name="specifications"
    )
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=100, help_text="The tab: ACQ-FFM BIE.")
    notes = models.TextField(blank=True)
    header_rows = models.JSONField(default=list)
    rows = models.JSONField(default=list)
    data_elements = models.ManyToManyField(
        DataElement, blank=True, related_name="used_in_specifications"
    )

    class Meta:
        ordering = ["release", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "name"], name="specification_unique_in_release"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Exchange(models.Model):
    """An incoming or outgoing business information exchange of a system."""

    release = models.ForeignKey(
        StandardsRelease, on_delete=models.CASCADE, related_name="exchanges"
    )
    system = models.ForeignKey(
        ExchangeSystem, on_delete=models.CASCADE, related_name="exchanges"
    )
    position = models.PositiveIntegerField()
    information = models.TextField(help_text="Incoming: … or Outgoing: …")
    requirement = models.TextField(blank=True)
    specification = models.TextField(blank=True)
    functions = models.TextField("FFM functions", blank=True)
    activities = models.TextField("FFM activities", blank=True)
    use_cases = models.TextField("FFM business use cases", blank=True)
    specification_tab = models.ForeignKey(
        ExchangeSpecification,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="exchanges",
    )

    class Meta:
        ordering = ["release", "position"]

    def __str__(self) -> str:
        return f"{self.system.name}: {self.information}"

    @property
    def direction(self) -> str:
        head = self.information.strip().split(":", 1)[0].casefold()
        return head.capitalize() if head in {"incoming", "outgoing"} else ""


class Report(models.Model):
    """A Core FS pre-built business report and, where the workbook has its tab, the
    report's selection parameters and items."""

    release = models.ForeignKey(
        StandardsRelease, on_delete=models.CASCADE, related_name="reports"
    )
    position = models.PositiveIntegerField()
    name = models.TextField()
    function = models.TextField("FFM function", blank=True)
    activity = models.TextField("FFM activity", blank=True)
    description = models.TextField(blank=True)
    specification = models.TextField("report specification", blank=True)
    use_cases = models.TextField("FFM business use cases", blank=True)
    selection_parameters = models.TextField(blank=True)
    header_rows = models.JSONField(default=list)
    rows = models.JSONField(default=list)
    data_elements = models.ManyToManyField(
        DataElement, blank=True, related_name="used_in_reports"
    )

    class Meta:
        ordering = ["release", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "name"], name="report_unique_in_release"
            )
        ]

    def __str__(self) -> str:
        return self.name
