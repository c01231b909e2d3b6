"""The brokers' re-verification queue: claims of published offerings that are stale
or whose evidence has expired (``catalog.freshness``), oldest verification first.

Brokers read the queue and re-verify claims with an action that calls the one claims
writer (``claims_verify`` with ``again``, which moves ``verified_at`` to now);
nothing is typed in.
"""

from django.contrib import admin
from django.db.models import F, Min, OuterRef, Subquery

from catalog.freshness import Freshness, needs_reverifying, with_freshness
from catalog.models import ClaimToReverify, OfferingDocument, OfferingStatus
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


@admin.register(ClaimToReverify)
class ClaimToReverifyAdmin(BrokerReadOnly, admin.ModelAdmin):
    list_display = (
        "offering",
        "capability_code",
        "level",
        "verified_at",
        "updated_at",
        "evidence_expiry",
        "freshness_label",
    )
    list_filter = (FreshnessFilter, "level", "offering__provider__kind")
    list_select_related = ("offering", "capability")
    search_fields = ("offering__name", "capability__code")
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

    @admin.display(description="capability", ordering="capability__code")
    def capability_code(self, obj) -> str:
        return obj.capability.code

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
