"""Agencies, their needs and the matches the scoring engine writes.

The database is the record of scoring work (:class:`ScoringRun`); the Celery broker
only carries the run's id. :class:`Match` rows are upserted by the engine, so scoring
the same inputs twice changes nothing.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from brokering.scoring.formula import GAP_BELOW, credit_text, weights_text
from brokering.scoring.ranking import RANK_ORDER
from catalog.models import DeploymentModel, ImpactLevel, ProviderKind


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


class NeedStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    ARCHIVED = "archived", "Archived"


class Priority(models.TextChoices):
    MUST = "must", "Must"
    SHOULD = "should", "Should"
    COULD = "could", "Could"


class Need(models.Model):
    """What one agency needs, stated against one standards release."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="needs")
    release = models.ForeignKey(
        "standards.StandardsRelease", on_delete=models.PROTECT, related_name="needs"
    )
    title = models.CharField(max_length=200)
    go_live_date = models.DateField(
        help_text="Roadmap claims count only when promised on or before this date."
    )
    accepted_provider_kinds = models.JSONField(
        default=list,
        blank=True,
        help_text="Provider kinds the agency accepts; empty means any.",
    )
    minimum_impact_level = models.CharField(
        "minimum FedRAMP impact level",
        max_length=10,
        choices=ImpactLevel.choices,
        blank=True,
    )
    accepted_deployment_models = models.JSONField(
        default=list,
        blank=True,
        help_text="Deployment models the agency accepts; empty means any.",
    )
    status = models.CharField(
        max_length=10, choices=NeedStatus.choices, default=NeedStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    offerings_scored = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Published offerings the need was scored against (empty: never "
        "scored); the best BROKERING_MATCHES_KEPT of them are kept as matches.",
    )
    scored_at = models.DateTimeField(
        null=True, blank=True, help_text="When the need was last scored in full."
    )
    history = HistoricalRecords(excluded_fields=["offerings_scored", "scored_at"])

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["agency", "status"])]

    def __str__(self) -> str:
        return self.title

    def provider_kind_labels(self) -> list[str]:
        return [ProviderKind(kind).label for kind in self.accepted_provider_kinds]

    def deployment_model_labels(self) -> list[str]:
        return [DeploymentModel(m).label for m in self.accepted_deployment_models]


class ItemKind(models.TextChoices):
    """The kinds of need item: the four of the standards' item space
    (:mod:`standards.items`) and the agency's own requirements."""

    CAPABILITY = "capability", "Capability"
    MEASURE = "measure", "Service measure"
    EXCHANGE = "exchange", "Information exchange"
    REPORT = "report", "Pre-built report"
    AGENCY = "agency", "Agency-specific requirement"


ITEM_FIELDS: dict[str, str] = {
    ItemKind.CAPABILITY: "capability",
    ItemKind.MEASURE: "service_measure",
    ItemKind.EXCHANGE: "exchange",
    ItemKind.REPORT: "report",
}


def _only(kind: str, present: str | None) -> Q:
    """Kind ``kind`` names the one standards item ``present`` (None: none)."""
    fields = {f"{field}__isnull": field != present for field in ITEM_FIELDS.values()}
    return Q(kind=kind, **fields)


class NeedItem(models.Model):
    """One requirement of a need with the priority the agency gives it: a standards
    item (capability, service measure, information exchange, pre-built report) or a
    requirement of the agency's own (statement, authority, FIBF function)."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(
        max_length=10, choices=ItemKind.choices, default=ItemKind.CAPABILITY
    )
    capability = models.ForeignKey(
        "standards.Capability",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    service_measure = models.ForeignKey(
        "standards.ServiceMeasure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    exchange = models.ForeignKey(
        "standards.Exchange",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    report = models.ForeignKey(
        "standards.Report",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    priority = models.CharField(
        max_length=6, choices=Priority.choices, default=Priority.SHOULD
    )
    rationale = models.TextField(blank=True)
    target = models.CharField(
        max_length=255,
        blank=True,
        help_text="Service measures: the target the need asks for; empty means "
        "the standard's target.",
    )
    code = models.CharField(
        "ID",
        max_length=24,
        blank=True,
        help_text="Agency-specific requirements: the agency's own ID (AGY-001).",
    )
    statement = models.TextField(
        blank=True, help_text="Agency-specific requirements: what is required."
    )
    authority = models.TextField(
        "authority or citation",
        blank=True,
        help_text="Agency-specific requirements: the statute, regulation or "
        "directive it rests on.",
    )
    function = models.ForeignKey(
        "standards.Function",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Agency-specific requirements: the FIBF function it belongs to.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["need", "kind", "capability__code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["need", "capability"], name="one_item_per_capability"
            ),
            models.UniqueConstraint(
                fields=["need", "service_measure"],
                condition=Q(service_measure__isnull=False),
                name="one_item_per_measure",
            ),
            models.UniqueConstraint(
                fields=["need", "exchange"],
                condition=Q(exchange__isnull=False),
                name="one_item_per_exchange",
            ),
            models.UniqueConstraint(
                fields=["need", "report"],
                condition=Q(report__isnull=False),
                name="one_item_per_report",
            ),
            models.UniqueConstraint(
                fields=["need", "code"],
                condition=Q(kind="agency"),
                name="one_agency_item_per_id",
            ),
            models.CheckConstraint(
                condition=_only(ItemKind.CAPABILITY, "capability")
                | _only(ItemKind.MEASURE, "service_measure")
                | _only(ItemKind.EXCHANGE, "exchange")
                | _only(ItemKind.REPORT, "report")
                | (_only(ItemKind.AGENCY, None) & ~Q(code="") & ~Q(statement="")),
                name="need_item_names_one_item_of_its_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.need}: {self.kind} {self.item_id} ({self.priority})"

    @property
    def item_id(self) -> int | None:
        """The standards item's primary key (None for the agency's own)."""
        field = ITEM_FIELDS.get(self.kind)
        return getattr(self, f"{field}_id") if field else None


class NeedVector(models.Model):
    """A need's items encoded for the reverse scoring direction (one offering against
    every active need), derived from :class:`NeedItem` rows and the need's fields.

    Items are in the scorer's order (function code, then item ID); items awaiting a
    provider's answer are not in it. Positions index the release's item space, as
    claim vectors do (:mod:`catalog.vectors`, :mod:`standards.items`). Written by
    :func:`brokering.services.need_vectors_refresh` whenever a service changes a
    need; ``need_updated_at`` tells a vector that is older than its need.
    """

    need = models.OneToOneField(
        Need, on_delete=models.CASCADE, primary_key=True, related_name="vector"
    )
    positions = models.BinaryField(
        help_text="Little-endian int32 per item: the item's index in the "
        "release's item space (-1 if it is not in the release)."
    )
    weights = models.BinaryField(help_text=f"uint8 per item: {weights_text()}.")
    function_index = models.BinaryField(
        help_text="uint8 per item: the index of its function in ``functions``."
    )
    functions = models.JSONField(
        default=list, help_text="The need's function codes, sorted."
    )
    digest = models.BinaryField(
        help_text="SHA-256 of what the need's scores depend on (go-live date, "
        "constraints, items, scoring version): half of each match's fingerprint."
    )
    need_updated_at = models.DateTimeField(
        help_text="The need's updated_at when the vector was built."
    )

    def __str__(self) -> str:
        return f"item vector of need {self.need_id}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ScoringRun(models.Model):
    """One piece of scoring work: a need against the shelf, or an offering against
    every active need. Created queued in the transaction that caused it."""

    need = models.ForeignKey(
        Need, null=True, blank=True, on_delete=models.CASCADE, related_name="runs"
    )
    offering = models.ForeignKey(
        "catalog.Offering",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.CharField(max_length=40, blank=True)
    status = models.CharField(
        max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    matches_written = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    queued_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-queued_at", "-id"]
        indexes = [models.Index(fields=["status", "queued_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(need__isnull=False, offering__isnull=True)
                | Q(need__isnull=True, offering__isnull=False),
                name="run_is_for_a_need_or_an_offering",
            )
        ]

    def __str__(self) -> str:
        target = (
            f"need {self.need_id}" if self.need_id else f"offering {self.offering_id}"
        )
        return f"scoring run {self.pk} ({target}, {self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)


class MatchStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    SHORTLISTED = "shortlisted", "Shortlisted"
    RECOMMENDED = "recommended", "Recommended"
    REJECTED = "rejected", "Rejected"


class Match(models.Model):
    """How well one offering fits one need, and the decision taken on it.

    Score, eligibility, gaps and breakdown are written by the engine in bulk; the broker
    status and notes are changed only by ``match_decide`` (and recorded in history).
    A need keeps matches for its best ``BROKERING_MATCHES_KEPT`` offerings (``top``)
    and for every offering a broker or the agency acted on (a status other than
    proposed, or notes), whatever its rank.
    """

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="matches")
    offering = models.ForeignKey(
        "catalog.Offering", on_delete=models.CASCADE, related_name="matches"
    )
    score = models.FloatField(help_text="0 to 100: 100 x sum(w x c) / sum(w).")
    eligible = models.BooleanField()
    ineligible_reasons = models.JSONField(default=list, blank=True)
    gaps = models.JSONField(
        default=list,
        blank=True,
        help_text=f"Codes of must items credited below {credit_text(GAP_BELOW)}.",
    )
    gaps_count = models.PositiveIntegerField(default=0)
    breakdown = models.JSONField(
        default=list, blank=True, help_text="Per function: weight, earned, score, gaps."
    )
    fingerprint = models.CharField(max_length=64)
    scoring_version = models.CharField(max_length=10)
    computed_at = models.DateTimeField()
    top = models.BooleanField(
        "among the need's best",
        default=True,
        help_text="Among the need's best BROKERING_MATCHES_KEPT offerings. Matches "
        "outside them are kept only when a broker or the agency acted on them.",
    )
    status = models.CharField(
        max_length=12, choices=MatchStatus.choices, default=MatchStatus.PROPOSED
    )
    notes = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(
        excluded_fields=["breakdown", "ineligible_reasons", "computed_at", "top"]
    )

    class Meta:
        verbose_name_plural = "matches"
        ordering = ["need", *RANK_ORDER]
        constraints = [
            models.UniqueConstraint(
                fields=["need", "offering"], name="one_match_per_need_and_offering"
            )
        ]
        indexes = [
            models.Index(
                fields=["need", "-eligible", "gaps_count", "-score"],
                name="match_ranking",
            ),
            # The engine's rank order within a need's best matches: the reverse
            # direction finds each need's cut-off (its K-th best) from the index
            # alone (the id is in it for that).
            models.Index(
                fields=["need", "-eligible", "gaps_count", "-score", "offering", "id"],
                condition=Q(top=True),
                name="match_top_ranking",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.need} x {self.offering}: {self.score:.1f}"
