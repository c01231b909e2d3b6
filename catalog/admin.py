"""The brokers' back office for providers, offerings, claims and shortlists.

Lists join what they show (no query per row; tests pin the counts). Claim edits made
here go through the one claims writer (:mod:`catalog.services.claims`): only a draft
or returned offering's claims change, on capabilities of its release; a published
offering's change through a revision. An offering's status is changed by the review
workflow, never typed in here.
"""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.db import models
from django.db.models import Count, F
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.text import Truncator

from catalog import (
    admin_review,  # noqa: F401 (registers the review queue)
    admin_trust,  # noqa: F401 (registers the re-verification queue)
)
from catalog.models import (
    Claim,
    ContractVehicle,
    Offering,
    Provider,
    Shortlist,
    ShortlistEntry,
)
from catalog.pagecache import ShownOnCatalogPages
from catalog.services.claims import (
    ClaimInput,
    claims_check,
    claims_save,
    claims_verify,
)
from catalog.services.guards import EDITABLE_STATUSES, WorkflowError
from catalog.services.search import announce
from catalog.workflow import offering_retire
from marketplace.admin import HistoryAdmin
from marketplace.admin_access import BrokerEditor


class HttpsUrls:
    """An address typed without a scheme ("www.example.gov") is read as https, the
    default Django 6.0 adopts; saying so now also silences its deprecation."""

    formfield_overrides: "Mapping[type[models.Field[Any, Any]], Mapping[str, Any]]" = {
        models.URLField: {"assume_scheme": "https"}
    }


@admin.register(Provider)
class ProviderAdmin(BrokerEditor, ShownOnCatalogPages, HttpsUrls, HistoryAdmin):
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
class ContractVehicleAdmin(BrokerEditor, ShownOnCatalogPages, admin.ModelAdmin):
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


PUBLISHED_CLAIMS = (
    "Only a draft or returned offering's claims can be changed; a published "
    "offering's claims change through a revision."
)


def _claim_input(cleaned: dict) -> ClaimInput:
    return ClaimInput(
        capability_id=cleaned["capability"].pk,
        level=cleaned["level"],
        roadmap_date=cleaned.get("roadmap_date"),
        evidence=cleaned.get("evidence") or "",
        evidence_url=cleaned.get("evidence_url") or "",
    )


def _claim_errors(offering: Offering, claims: list[ClaimInput]) -> list[str]:
    """What the claims writer would refuse, said before anything is saved."""
    if claims and offering.status not in EDITABLE_STATUSES:
        return [PUBLISHED_CLAIMS]
    return claims_check(offering=offering, claims=claims)


class ClaimFormSet(BaseInlineFormSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        known = {
            str(form.instance.capability_id): form.instance.capability
            for form in self.initial_forms
        }
        for form in self.forms:
            form.fields["capability"].widget.known = known

    def claim_inputs(self) -> list[ClaimInput]:
        """The claims the forms add, change or remove (level "" removes)."""
        inputs = []
        for form in self.forms:
            old = form.initial.get("capability") if form.instance.pk else None
            if form in self.deleted_forms:
                if old is not None:
                    inputs.append(ClaimInput(capability_id=old, level=""))
                continue
            if not form.has_changed():
                continue
            claim = _claim_input(form.cleaned_data)
            if old is not None and old != claim.capability_id:
                inputs.append(ClaimInput(capability_id=old, level=""))
            inputs.append(claim)
        return inputs

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        errors = _claim_errors(self.instance, self.claim_inputs())
        if errors:
            raise forms.ValidationError(errors)


class ClaimInline(BrokerEditor, HttpsUrls, admin.TabularInline):
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
class OfferingAdmin(BrokerEditor, ShownOnCatalogPages, HistoryAdmin):
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

    def save_formset(self, request, form, formset, change):
        if formset.model is not Claim:
            return super().save_formset(request, form, formset, change)
        claims_save(
            offering=form.instance, by=request.user, claims=formset.claim_inputs()
        )
        # The writer saved the claims; the change message reads these.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = (
            [],
            [],
            [],
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.has_changed():
            announce(offering_ids=[form.instance.pk], reason="attributes")


class ClaimAdminForm(forms.ModelForm):
    class Meta:
        model = Claim
        # The admin builds the form's fields (https URLs included); these are the
        # ones ``clean`` needs.
        fields = ("offering", "capability", "level")

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if self.errors:
            return cleaned
        errors = _claim_errors(cleaned["offering"], [_claim_input(cleaned)])
        if self.instance.pk and {"offering", "capability"} & set(self.changed_data):
            errors += _claim_errors(
                Offering.objects.get(pk=self.initial["offering"]),
                [ClaimInput(capability_id=self.initial["capability"], level="")],
            )
        if errors:
            raise forms.ValidationError(list(dict.fromkeys(errors)))
        return cleaned


@admin.register(Claim)
class ClaimAdmin(BrokerEditor, HttpsUrls, HistoryAdmin):
    list_display = ("offering", "capability", "level", "roadmap_date", "verified")
    list_filter = ("level", "verified", "offering__provider__kind")
    list_select_related = ("offering", "capability")
    search_fields = ("offering__name", "capability__code", "evidence")
    raw_id_fields = ("offering", "capability", "verified_by")
    readonly_fields = ("verified", "verified_by", "verified_at")
    actions = ["mark_verified"]

    form = ClaimAdminForm

    def save_model(self, request, obj, form, change):
        """Through the claims writer: the old claim is removed when the form moves
        it to another capability or offering."""
        if change and {"offering", "capability"} & set(form.changed_data):
            claims_save(
                offering=Offering.objects.get(pk=form.initial["offering"]),
                by=request.user,
                claims=[ClaimInput(capability_id=form.initial["capability"], level="")],
            )
        claims_save(
            offering=obj.offering,
            by=request.user,
            claims=[_claim_input(form.cleaned_data)],
        )
        obj.pk = (
            Claim.objects.filter(offering=obj.offering, capability=obj.capability)
            .values_list("pk", flat=True)
            .get()
        )

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.offering.status not in EDITABLE_STATUSES:
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        claims_save(
            offering=obj.offering,
            by=request.user,
            claims=[ClaimInput(capability_id=obj.capability_id, level="")],
        )

    def delete_queryset(self, request, queryset):
        for claim in queryset.select_related("offering").order_by("pk"):
            try:
                self.delete_model(request, claim)
            except WorkflowError as error:
                self.message_user(request, str(error), level=messages.WARNING)

    @admin.action(description="Mark the selected claims verified")
    def mark_verified(self, request, queryset):
        changed = claims_verify(claims=queryset, by=request.user)
        self.message_user(request, f"{changed} claims marked verified.")


class ShortlistEntryInline(BrokerEditor, admin.TabularInline):
    model = ShortlistEntry
    extra = 0
    raw_id_fields = ("offering", "added_by")


@admin.register(Shortlist)
class ShortlistAdmin(BrokerEditor, HistoryAdmin):
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
