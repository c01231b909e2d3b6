"""Providers, their offerings and the compliance claims offerings make."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from catalog.fedramp import (
    marketplace_url,
    package_id_validator,
    validate_ato_agencies,
    validate_authorized_on,
)
from marketplace.validators import plausible_date

uei_validator = RegexValidator(
    regex=r"^[A-Z0-9]{12}$",
    message="A Unique Entity ID (UEI) is exactly 12 capital letters and digits.",
)


class PortableGinIndex(GinIndex):
    """A GIN index on PostgreSQL and a plain B-tree index elsewhere.

    The embedded default (SQLite) has neither GIN nor operator classes; there the
    catalog search falls back to plain matching and a B-tree index does no harm,
    so the same migrations run on both databases.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        plain = models.Index(fields=self.fields, name=self.name)
        return plain.create_sql(model, schema_editor, **kwargs)


class ProviderKind(models.TextChoices):
    FEDERAL = "federal", "Federal shared-service provider"
    COMMERCIAL = "commercial", "Commercial provider"


class Provider(models.Model):
    name = models.CharField(max_length=255, unique=True)
    slug = models.SlugField(max_length=255, unique=True)
    kind = models.CharField(max_length=12, choices=ProviderKind.choices)
    website = models.URLField(blank=True)
    contact_name = models.CharField(max_length=255, blank=True)
    contact_email = models.EmailField(blank=True)
    uei = models.CharField(
        "UEI",
        max_length=12,
        blank=True,
        validators=[uei_validator],
        help_text="SAM.gov Unique Entity ID: 12 letters and digits.",
    )
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        indexes = [
            # Catalog search finds a misspelt provider name by trigram similarity.
            PortableGinIndex(
                fields=["name"], name="provider_name_trgm", opclasses=["gin_trgm_ops"]
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MarketplaceCategory(models.TextChoices):
    CORE_SAAS = "core-fs-saas", "Core FS-SaaS"
    CORE_PAAS = "core-fs-paas", "Core FS-PaaS"
    CORE_COTS = "core-fs-cots", "Core FS-COTS SW"
    ADDITIONAL = "additional-fm", "Additional FM Services-SaaS/PaaS"
    BUSINESS_SUPPORT = "fm-business-support", "FM Business Support"


class DeploymentModel(models.TextChoices):
    SAAS = "saas", "Software as a service"
    PAAS = "paas", "Platform as a service"
    SHARED_SERVICE = "shared-service", "Federal shared service"
    ON_PREMISES = "on-premises", "Agency-hosted software"
    SERVICES = "services", "Business support services"


class FedrampStatus(models.TextChoices):
    AUTHORIZED = "authorized", "Authorized"
    IN_PROCESS = "in-process", "In process"
    READY = "ready", "Ready"
    NOT_APPLICABLE = "not-applicable", "Not applicable"


class ImpactLevel(models.TextChoices):
    LOW = "low", "Low"
    MODERATE = "moderate", "Moderate"
    HIGH = "high", "High"


IMPACT_LEVEL_RANK = {ImpactLevel.LOW: 1, ImpactLevel.MODERATE: 2, ImpactLevel.HIGH: 3}


class PricingModel(models.TextChoices):
    SUBSCRIPTION = "subscription", "Subscription"
    TRANSACTION = "per-transaction", "Per transaction"
    FEE_FOR_SERVICE = "fee-for-service", "Fee for service (IAA)"
    LICENSE = "license", "Perpetual license"
    TIME_AND_MATERIALS = "time-and-materials", "Time and materials"


class OfferingStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for review"
    RETURNED = "returned", "Returned with comments"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class ContractVehicle(models.Model):
    """How an agency can buy an offering: an IAA, a BPA, GSA MAS, ..."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Offering(models.Model):
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="offerings"
    )
    release = models.ForeignKey(
        "standards.StandardsRelease",
        on_delete=models.PROTECT,
        related_name="offerings",
        help_text="The standards release the offering's claims are stated against.",
    )
    name = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, unique=True)
    summary = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    category = models.CharField(
        "marketplace category", max_length=24, choices=MarketplaceCategory.choices
    )
    deployment_model = models.CharField(max_length=16, choices=DeploymentModel.choices)
    fedramp_status = models.CharField(
        "FedRAMP status", max_length=16, choices=FedrampStatus.choices
    )
    fedramp_impact = models.CharField(
        "FedRAMP impact level", max_length=10, choices=ImpactLevel.choices, blank=True
    )
    fedramp_package_id = models.CharField(
        "FedRAMP package ID",
        max_length=12,
        blank=True,
        validators=[package_id_validator],
        help_text="As on the FedRAMP Marketplace: F or FR and ten digits, such as "
        "F1603047866.",
    )
    fedramp_authorized_on = models.DateField(
        "FedRAMP authorization date",
        null=True,
        blank=True,
        validators=[plausible_date, validate_authorized_on],
        help_text="When the offering was FedRAMP authorized (authorized offerings).",
    )
    fedramp_ato_agencies = models.JSONField(
        "agencies holding an ATO",
        default=list,
        blank=True,
        validators=[validate_ato_agencies],
        help_text="Agencies that have issued an authority to operate on the "
        "FedRAMP package, by name.",
    )
    contract_vehicles = models.ManyToManyField(
        ContractVehicle, blank=True, related_name="offerings"
    )
    customer_agencies = models.JSONField(
        default=list,
        blank=True,
        help_text="Names or abbreviations of agencies that use the offering today.",
    )
    accessibility_report_date = models.DateField(
        "accessibility conformance report (VPAT) date", null=True, blank=True
    )
    pricing_model = models.CharField(max_length=20, choices=PricingModel.choices)
    status = models.CharField(
        max_length=10, choices=OfferingStatus.choices, default=OfferingStatus.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was last submitted for review."
    )
    revision_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="revisions",
        help_text="The published offering this draft revision will replace when a "
        "broker approves it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Derived from the claims for catalog search (the claims stay the truth) and
    # rebuilt by catalog.services.offering_search_refresh whenever a service changes
    # claims or publishes; history leaves them out.
    search_vector = SearchVectorField(
        null=True,
        editable=False,
        help_text="Weighted full-text document (name, provider, summary, covered "
        "functions, description), kept current by catalog.services.",
    )
    covered_count = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Capabilities of the offering's release it meets or configures, "
        "kept current by catalog.services.",
    )
    capability_count = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Capabilities of the offering's release, kept current by "
        "catalog.services.",
    )
    history = HistoricalRecords(
        excluded_fields=["search_vector", "covered_count", "capability_count"]
    )

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "name"]),
            models.Index(fields=["status", "-updated_at"]),
            # The catalog's facets join the ids of the published offerings: read
            # from this index alone instead of the wide rows.
            models.Index(fields=["status", "id"], name="offering_status_id"),
            PortableGinIndex(fields=["search_vector"], name="offering_search_gin"),
            PortableGinIndex(
                fields=["name"], name="offering_name_trgm", opclasses=["gin_trgm_ops"]
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """The public page; it answers only while the offering is published."""
        return reverse("catalog:offering-detail", kwargs={"slug": self.slug})

    @property
    def fedramp_marketplace_url(self) -> str | None:
        """The offering's FedRAMP Marketplace listing (``None`` without a package
        ID)."""
        return marketplace_url(self.fedramp_package_id) or None


class ClaimLevel(models.TextChoices):
    MEETS = "meets", "Meets (out of the box)"
    CONFIGURABLE = "configurable", "Configurable"
    EXTENSION = "extension", "Extension (custom development)"
    ROADMAP = "roadmap", "On the roadmap"
    DOES_NOT_MEET = "does-not-meet", "Does not meet"


# The one claim-level vocabulary: the labels above, and this for a capability without a
# claim (which counts as unknown), on every page, export and API description.
NO_CLAIM_LABEL = "No claim"


def claim_level_label(level: str | None) -> str:
    """The label of a level code; ``NO_CLAIM_LABEL`` for ``None`` or ``""``."""
    if not level:
        return NO_CLAIM_LABEL
    return ClaimLevel(level).label


class ClaimFields(models.Model):
    """What every claim states, whatever the kind of item it is on: its level (the
    same five levels for every kind), roadmap date, evidence and verification."""

    level = models.CharField(max_length=16, choices=ClaimLevel.choices)
    roadmap_date = models.DateField(
        null=True, blank=True, help_text="Required when the level is roadmap."
    )
    evidence = models.TextField(blank=True)
    evidence_url = models.URLField(blank=True)
    verified = models.BooleanField(default=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


# What a claim shows of itself, whatever its kind (read as values by the pages, the
# reports and the API; ``verified_by`` is the back office's).
CLAIM_SHOWN_FIELDS = (
    "level",
    "roadmap_date",
    "evidence",
    "evidence_url",
    "verified",
    "verified_at",
    "updated_at",
)


class Claim(ClaimFields):
    """What an offering says about one capability. No claim means unknown."""

    offering = models.ForeignKey(
        Offering, on_delete=models.CASCADE, related_name="claims"
    )
    capability = models.ForeignKey(
        "standards.Capability", on_delete=models.PROTECT, related_name="claims"
    )
    history = HistoricalRecords()

    class Meta(ClaimFields.Meta):
        ordering = ["offering", "capability__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["offering", "capability"], name="one_claim_per_capability"
            ),
            models.CheckConstraint(
                condition=~models.Q(level="roadmap")
                | models.Q(roadmap_date__isnull=False),
                name="roadmap_claim_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offering} / {self.capability}: {self.level}"
