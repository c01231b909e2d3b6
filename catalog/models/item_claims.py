"""Claims on the release's other kinds of items: service measures, information
exchanges and pre-built reports.

Same levels and fields as a capability :class:`~catalog.models.Claim`; what "meets"
means depends on the kind: for a measure, the provider commits to the target
Treasury sets; for an exchange, it exchanges that data with that system today; for a
report, it produces it. Written only by :mod:`catalog.services.claims`.
"""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from catalog.models.listings import ClaimFields, Offering


class ItemClaimKind(models.TextChoices):
    MEASURE = "measure", "Service measure"
    EXCHANGE = "exchange", "Information exchange"
    REPORT = "report", "Pre-built report"


class ItemClaim(ClaimFields):
    """What an offering says about one measure, exchange or report. No claim means
    unknown."""

    offering = models.ForeignKey(
        Offering, on_delete=models.CASCADE, related_name="item_claims"
    )
    kind = models.CharField(max_length=10, choices=ItemClaimKind.choices)
    service_measure = models.ForeignKey(
        "standards.ServiceMeasure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
    )
    exchange = models.ForeignKey(
        "standards.Exchange",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
    )
    report = models.ForeignKey(
        "standards.Report",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
    )
    history = HistoricalRecords()

    class Meta(ClaimFields.Meta):
        ordering = ["offering", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="measure",
                        service_measure__isnull=False,
                        exchange__isnull=True,
                        report__isnull=True,
                    )
                    | Q(
                        kind="exchange",
                        service_measure__isnull=True,
                        exchange__isnull=False,
                        report__isnull=True,
                    )
                    | Q(
                        kind="report",
                        service_measure__isnull=True,
                        exchange__isnull=True,
                        report__isnull=False,
                    )
                ),
                name="item_claim_names_one_item_of_its_kind",
            ),
            models.UniqueConstraint(
                fields=["offering", "service_measure"],
                condition=Q(service_measure__isnull=False),
                name="one_claim_per_measure",
            ),
            models.UniqueConstraint(
                fields=["offering", "exchange"],
                condition=Q(exchange__isnull=False),
                name="one_claim_per_exchange",
            ),
            models.UniqueConstraint(
                fields=["offering", "report"],
                condition=Q(report__isnull=False),
                name="one_claim_per_report",
            ),
            models.CheckConstraint(
                condition=~Q(level="roadmap") | Q(roadmap_date__isnull=False),
                name="roadmap_item_claim_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offering} / {self.kind} {self.item_id}: {self.level}"

    @property
    def item_id(self) -> int | None:
        return self.service_measure_id or self.exchange_id or self.report_id

    @property
    def item(self):
        return self.service_measure or self.exchange or self.report


ITEM_FIELD: dict[str, str] = {
    ItemClaimKind.MEASURE: "service_measure",
    ItemClaimKind.EXCHANGE: "exchange",
    ItemClaimKind.REPORT: "report",
}
