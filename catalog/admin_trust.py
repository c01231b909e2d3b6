"""The brokers' re-verification queues: claims of published offerings that are stale
or whose evidence has expired (``catalog.freshness``), oldest verification first; one
for capability claims, one for the claims on measures, exchanges and reports.

Brokers read the queue and re-verify claims with an action that calls the one claims
writer (``claims_verify`` with ``again``, which moves ``verified_at`` to now);
nothing is typed in.
"""

from django.contrib import admin
from django.db.models import F, Min, OuterRef, Subquery

from catalog.freshness import Freshness, needs_reverifying, with_freshness
from catalog.models import (
    ClaimToReverify,
    ItemClaimToReverify,
    OfferingDocument,
    OfferingStatus,
)
from catalog.services.claims import claims_verify
from marketplace.admin_access import BrokerReadOnly


class FreshnessFilter(admin.SimpleListFilter):
    title = "freshness"
    parameter_name = "freshness"

    def lookups(self, request, model_admin):
        return [
            (Freshness.STALE, Freshness.STALE.label),
            (Freshness.EXPIRED, Freshness.EXPIRED.label),
        ]

    def queryset(self, request, queryset):
        if self.value() in (Freshness.STALE, Freshness.EXPIRED):
            return queryset.filter(freshness=self.value())
        return queryset


class ReverifyQueue(BrokerReadOnly, admin.ModelAdmin):
    """What both queues share (capability claims; measure, exchange and report
    claims): published offerings' claims that need re-verifying, the earliest
    expiry of their evidence, oldest verification first, and the action."""

    list_filter = [FreshnessFilter, "level", "offering__provider__kind"]
    ordering = (F("verified_at").asc(nulls_first=True), "updated_at", "pk")
    actions = ["reverify"]

    def get_queryset(self, request):
        expiry = (
            OfferingDocument.objects.filter(offering=OuterRef("offering_id"))
            .order_by()
            .values("offering")
            .annotate(first=Min("expires_on"))
            .values("first")
        )
        return (
            with_freshness(super().get_queryset(request))
            .filter(offering__status=OfferingStatus.PUBLISHED)
            .filter(needs_reverifying())
            .annotate(_expiry=Subquery(expiry))
        )

    @admin.display(description="evidence expires", ordering="_expiry")
    def evidence_expiry(self, obj):
        return obj._expiry

    @admin.display(description="freshness", ordering="freshness")
    def freshness_label(self, obj) -> str:
        return Freshness(obj.freshness).label

    @admin.action(description="Re-verify the selected claims (verified now)")
    def reverify(self, request, queryset):
        changed = claims_verify(claims=queryset, by=request.user, again=True)
        self.message_user(request, f"{changed} claims verified again.")


# The columns after the claim's item, the same in both queues.
QUEUE_COLUMNS = (
    "level",
    "verified_at",
    "updated_at",
    "evidence_expiry",
    "freshness_label",
)


@admin.register(ClaimToReverify)
class ClaimToReverifyAdmin(ReverifyQueue):
    list_display = ("offering", "capability_code", *QUEUE_COLUMNS)
    list_select_related = ("offering", "capability")
    search_fields = ("offering__name", "capability__code")

    @admin.display(description="capability", ordering="capability__code")
    def capability_code(self, obj) -> str:
        return obj.capability.code


@admin.register(ItemClaimToReverify)
class ItemClaimToReverifyAdmin(ReverifyQueue):
    list_display = ("offering", "kind", "item_label", *QUEUE_COLUMNS)
    list_filter = [FreshnessFilter, "kind", "level", "offering__provider__kind"]
    list_select_related = ("offering", "service_measure", "exchange__system", "report")
    search_fields = (
        "offering__name",
        "service_measure__code",
        "exchange__information",
        "report__name",
    )

    @admin.display(description="item")
    def item_label(self, obj) -> str:
        return str(obj.item)
