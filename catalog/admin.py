"""The brokers' back office for providers, offerings, claims and shortlists.

Lists join what they show (no query per row; tests pin the counts). Claim edits made
here go through :func:`catalog.services.claims_changed`, which refreshes the claim
vectors scoring reads and announces the change. An offering's status is changed by
the review workflow, never typed in here.
"""

from django.contrib import admin, messages
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.db import models
from django.db.models import Count, F
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.text import Truncator

from catalog import admin_review, services  # noqa: F401 (registers the review queue)
from catalog.models import (
    Claim,
    ContractVehicle,
    Offering,
    Provider,
    Shortlist,
    ShortlistEntry,
)
from catalog.workflow import WorkflowError, offering_retire
from marketplace.admin import HistoryAdmin
from marketplace.roles import is_broker


class BrokerAccess:
    """Brokers (staff) and admins run the catalog's back office; no one else."""

    def has_module_permission(self, request):
        return is_broker(request.user)

    def has_view_permission(self, request, obj=None):
        return is_broker(request.user)

    def has_change_permission(self, request, obj=None):
        return is_broker(request.user)

    def has_add_permission(self, request, obj=None):
        return is_broker(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_broker(request.user)


class HttpsUrls:
    """An address typed without a scheme ("www.example.gov") is read as https, the
    default Django 6.0 adopts; saying so now also silences its deprecation."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Provider)
class ProviderAdmin(BrokerAccess, HttpsUrls, HistoryAdmin):
    list_display = ("name", "kind", "uei", "offering_count", "updated_at")
    list_filter = ("kind",)
    search_fields = ("name", "slug", "uei", "contact_email")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_offerings=Count("offerings"))

    @admin.display(description="offerings", ordering="_offerings")
    def offering_count(self, obj) -> int:
        return obj._offerings


@admin.register(ContractVehicle)
class ContractVehicleAdmin(BrokerAccess, admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


class KnownLabelsRawIdWidget(ForeignKeyRawIdWidget):
    """A raw-id widget that shows the label of an object it is handed in ``known``
    (filled once per formset from rows already read) instead of reading each row's
    object again: one query per claim on an offering's page otherwise."""

    known: dict

    def label_and_url_for_value(self, value):
        obj = getattr(self, "known", {}).get(str(value))
        if obj is None:
            return super().label_and_url_for_value(value)
        meta = obj._meta
        url = reverse(
            f"{self.admin_site.name}:{meta.app_label}_{meta.model_name}_change",
            args=(obj.pk,),
        )
        return Truncator(obj).words(14), url


class ClaimFormSet(BaseInlineFormSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        known = {
            str(form.instance.capability_id): form.instance.capability
            for form in self.initial_forms
        }
        for form in self.forms:
            form.fields["capability"].widget.known = known


class ClaimInline(BrokerAccess, HttpsUrls, admin.TabularInline):
    model = Claim
    extra = 0
    fields = (
        "capability",
        "level",
        "roadmap_date",
        "evidence",
        "evidence_url",
        "verified",
    )
    readonly_fields = ("verified",)
    raw_id_fields = ("capability",)
    show_change_link = True
    formset = ClaimFormSet

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "capability":
            kwargs["widget"] = KnownLabelsRawIdWidget(
                db_field.remote_field, self.admin_site
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("capability", "offering")


@admin.register(Offering)
class OfferingAdmin(BrokerAccess, HistoryAdmin):
    list_display = (
        "name",
        "provider",
        "category",
        "deployment_model",
        "fedramp_status",
        "status",
        "claim_count",
        "updated_at",
    )
    list_filter = (
        "status",
        "category",
        "deployment_model",
        "fedramp_status",
        "fedramp_impact",
        "provider__kind",
        "contract_vehicles",
    )
    list_select_related = ("provider",)
    search_fields = ("name", "slug", "summary", "provider__name")
    readonly_fields = ("status", "published_at", "created_at", "updated_at")
    raw_id_fields = ("provider", "release")
    filter_horizontal = ("contract_vehicles",)
    inlines = [ClaimInline]
    exclude = ("search_vector", "revision_of", "submitted_at")
    actions = ["retire"]

    def get_queryset(self, request):
        # The claim vector keeps the count (a COUNT over a million claims per page
        # would not scale); an offering without a vector has no claims yet.
        return (
            super()
            .get_queryset(request)
            .annotate(_claims=Coalesce(F("claim_vector__claims_count"), 0))
        )

    @admin.action(description="Retire the selected published offerings")
    def retire(self, request, queryset):
        """Take offerings off the shelf through the workflow's own service (history,
        review comment, rescoring); offerings that are not published are reported,
        not changed."""
        retired, refused = 0, []
        for offering in queryset.order_by("name"):
            try:
                offering_retire(
                    offering=offering, by=request.user, comment="Retired by a broker."
                )
            except WorkflowError as error:
                refused.append(str(error))
            else:
                retired += 1
        if retired:
            self.message_user(request, f"{retired} offering(s) retired.")
        for message in refused:
            self.message_user(request, message, level=messages.WARNING)

    @admin.display(description="claims", ordering="_claims")
    def claim_count(self, obj) -> int:
        return obj._claims

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.claims_changed(offering_ids=[form.instance.pk])


@admin.register(Claim)
class ClaimAdmin(BrokerAccess, HttpsUrls, HistoryAdmin):
    list_display = ("offering", "capability", "level", "roadmap_date", "verified")
    list_filter = ("level", "verified", "offering__provider__kind")
    list_select_related = ("offering", "capability")
    search_fields = ("offering__name", "capability__code", "evidence")
    raw_id_fields = ("offering", "capability", "verified_by")
    readonly_fields = ("verified", "verified_by", "verified_at")
    actions = ["mark_verified"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.claims_changed(offering_ids=[obj.offering_id])

    def delete_model(self, request, obj):
        services.claim_delete(claim=obj)

    def delete_queryset(self, request, queryset):
        for claim in queryset.select_related("offering"):
            services.claim_delete(claim=claim)

    @admin.action(description="Mark the selected claims verified")
    def mark_verified(self, request, queryset):
        for claim in queryset:
            services.claim_verify(claim=claim, user=request.user)
        self.message_user(request, f"{queryset.count()} claims marked verified.")


class ShortlistEntryInline(BrokerAccess, admin.TabularInline):
    model = ShortlistEntry
    extra = 0
    raw_id_fields = ("offering", "added_by")


@admin.register(Shortlist)
class ShortlistAdmin(BrokerAccess, HistoryAdmin):
    list_display = ("name", "owner", "agency", "entry_count", "updated_at")
    list_select_related = ("owner", "agency")
    list_filter = ("agency",)
    search_fields = ("name", "owner__username", "agency__name")
    inlines = [ShortlistEntryInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_entries=Count("entries"))

    @admin.display(description="offerings", ordering="_entries")
    def entry_count(self, obj) -> int:
        return obj._entries
