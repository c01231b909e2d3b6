"""Broker review in the Django admin: the submission queue and the workflow records.

The queue lists submitted offerings oldest first. A submission's page shows what
changed against the published version, field by field and claim by claim, and lets a
broker approve, return with a comment, and mark claims verified. Every action calls
the same services as the rest of the portal (:mod:`catalog.workflow`,
:mod:`catalog.accounts`).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from catalog.accounts import (
    AccountError,
    account_request_approve,
    account_request_reject,
    provider_user_invite,
)
from catalog.models import (
    ITEM_FIELD,
    AccountRequestStatus,
    Claim,
    ItemClaim,
    Offering,
    OfferingDocument,
    OfferingStatus,
    Provider,
    ProviderAccountRequest,
    ProviderInvitation,
    ReviewComment,
    Submission,
)
from catalog.pagecache import ShownOnCatalogPages
from catalog.services.claims import CLAIM_FIELDS, claims_verify
from catalog.workflow import (
    CONTENT_FIELDS,
    WorkflowError,
    offering_approve,
    offering_return,
)
from marketplace.admin import HistoryAdmin, pk_or_404
from marketplace.admin_access import BrokerEditor
from standards.items import ItemKind, release_items

# --- what changed ---------------------------------------------------------------


def _display(offering: Offering | None, name: str) -> str:
    if offering is None:
        return ""
    value = getattr(offering, name)
    display = getattr(offering, f"get_{name}_display", None)
    if display is not None and value:
        return str(display())
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def field_changes(submitted: Offering, published: Offering | None) -> list[dict]:
    rows = []
    for name in CONTENT_FIELDS:
        before, after = _display(published, name), _display(submitted, name)
        rows.append(
            {
                "label": getattr(Offering._meta.get_field(name), "verbose_name", name),
                "before": before,
                "after": after,
                "changed": published is None or before != after,
            }
        )
    before = (
        ", ".join(v.name for v in published.contract_vehicles.all())
        if published
        else ""
    )
    after = ", ".join(v.name for v in submitted.contract_vehicles.all())
    rows.append(
        {
            "label": "contract vehicles",
            "before": before,
            "after": after,
            "changed": published is None or before != after,
        }
    )
    return rows


def _change_rows(after: dict, before: dict, describe) -> list[dict]:
    """Rows of what changed between two versions' claims (``{key: claim}``);
    ``describe(key)`` gives the item's ``(kind label, code, statement)``."""
    rows = []
    for key in after.keys() | before.keys():
        new, old = after.get(key), before.get(key)
        if new is None:
            state = "removed"
        elif old is None:
            state = "added"
        elif any(getattr(new, f) != getattr(old, f) for f in CLAIM_FIELDS):
            state = "changed"
        else:
            state = "same"
        kind, code, statement = describe(key)
        rows.append(
            {
                "kind": kind,
                "code": code,
                "statement": statement,
                "before": old,
                "after": new,
                "state": state,
            }
        )
    return rows


def claim_changes(submitted: Offering, published: Offering | None) -> list[dict]:
    """One row per item claimed in either version: capabilities in code order,
    then service measures, information exchanges and pre-built reports in the
    release's order. Each row: kind, code, statement, before, after, state."""
    after = {
        c.capability_id: c
        for c in submitted.claims.select_related("capability", "verified_by")
    }
    before = (
        {c.capability_id: c for c in published.claims.select_related("capability")}
        if published
        else {}
    )
    capabilities = {
        claim.capability_id: claim.capability
        for claim in [*after.values(), *before.values()]
    }

    def capability(key):
        found = capabilities[key]
        return ("Capability", found.code, found.statement)

    rows = sorted(_change_rows(after, before, capability), key=lambda r: r["code"])
    return rows + item_claim_changes(submitted, published)


def _item_claims(offering: Offering) -> dict:
    return {
        (claim.kind, getattr(claim, f"{ITEM_FIELD[claim.kind]}_id")): claim
        for claim in offering.item_claims.select_related("verified_by")
    }


def item_claim_changes(submitted: Offering, published: Offering | None) -> list:
    """The rows of :func:`claim_changes` for measures, exchanges and reports."""
    after = _item_claims(submitted)
    before = _item_claims(published) if published else {}
    if not after and not before:
        return []
    order = {}
    refs = {}
    for position, ref in enumerate(release_items(submitted.release_id)):
        if ref.kind != ItemKind.CAPABILITY:
            order[ref.key], refs[ref.key] = position, ref

    def item(key):
        ref = refs[key]
        return (str(ItemKind(ref.kind).label), ref.code, ref.label)

    rows = _change_rows(after, before, item)
    return sorted(rows, key=lambda row: order[_key(row)])


def _key(row: dict) -> tuple[str, int]:
    claim = row["after"] or row["before"]
    return (claim.kind, getattr(claim, f"{ITEM_FIELD[claim.kind]}_id"))


def _tick(claim) -> str:
    """The value of a claim's "verified" box on the review page."""
    return f"{claim.kind}-{claim.pk}" if isinstance(claim, ItemClaim) else str(claim.pk)


# --- the queue ------------------------------------------------------------------


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="Comment for the provider",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
    )


@admin.register(Submission)
class SubmissionAdmin(BrokerEditor, admin.ModelAdmin):
    broker_may_add = False  # rows come from the workflow
    broker_may_delete = False
    list_display = ("name", "provider", "kind", "submitted_at", "claim_count")
    list_select_related = ("provider", "revision_of")
    ordering = ("submitted_at", "id")
    search_fields = ("name", "provider__name")
    actions = ("approve_selected",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(status=OfferingStatus.SUBMITTED)
            .annotate(claim_count=Count("claims"))
        )

    @admin.display(description="kind")
    def kind(self, obj):
        return (
            "Revision of a published listing" if obj.revision_of_id else "New listing"
        )

    @admin.display(description="claims", ordering="claim_count")
    def claim_count(self, obj):
        return obj.claim_count

    @admin.action(description="Approve selected submissions")
    def approve_selected(self, request, queryset):
        approved = 0
        for offering in queryset:
            try:
                offering_approve(offering=offering, by=request.user)
            except WorkflowError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                approved += 1
        if approved:
            self.message_user(
                request, f"{approved} submission(s) approved and published."
            )

    def change_view(
        self, request: HttpRequest, object_id, form_url="", extra_context=None
    ):
        offering = get_object_or_404(
            Offering.objects.select_related("provider", "release", "revision_of"),
            pk=pk_or_404(Offering, object_id),
            status=OfferingStatus.SUBMITTED,
        )
        return_form = ReturnForm(request.POST or None)
        if request.method == "POST":
            response = self._act(request, offering, return_form)
            if response is not None:
                return response
        published = offering.revision_of
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Review: {offering.name}",
            "offering": offering,
            "published": published,
            "fields": field_changes(offering, published),
            "claims": claim_changes(offering, published),
            "documents": offering.documents.all(),
            "comments": offering.review_comments.select_related("author")[:10],
            "return_form": return_form,
        }
        return TemplateResponse(
            request, "admin/catalog/submission/review.html", context
        )

    def _act(self, request, offering: Offering, return_form: ReturnForm):
        action = request.POST.get("action")
        try:
            if action == "approve":
                comment = request.POST.get("comment", "")
                offering_approve(offering=offering, by=request.user, comment=comment)
                self.message_user(request, f"“{offering.name}” approved and published.")
                return HttpResponseRedirect(
                    reverse("admin:catalog_submission_changelist")
                )
            if action == "return":
                if (
                    not return_form.is_valid()
                    or not return_form.cleaned_data["comment"].strip()
                ):
                    return_form.add_error(
                        "comment", "Say what the provider needs to change."
                    )
                    return None
                offering_return(
                    offering=offering,
                    by=request.user,
                    comment=return_form.cleaned_data["comment"],
                )
                self.message_user(
                    request, f"“{offering.name}” returned to its provider."
                )
                return HttpResponseRedirect(
                    reverse("admin:catalog_submission_changelist")
                )
            if action == "verify":
                ticked = set(request.POST.getlist("verified"))
                claims: list[Claim | ItemClaim] = [
                    *offering.claims.all(),
                    *offering.item_claims.all(),
                ]
                ids = [c for c in claims if _tick(c) in ticked]
                changed = claims_verify(claims=ids, by=request.user) + claims_verify(
                    claims=[c for c in claims if c not in ids],
                    by=request.user,
                    verified=False,
                )
                self.message_user(request, f"Verification saved ({changed} changed).")
                return HttpResponseRedirect(request.path)
        except WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:catalog_submission_changelist"))
        self.message_user(request, "Choose approve, return or verify.", messages.ERROR)
        return HttpResponseRedirect(request.path)


# --- the workflow's records -----------------------------------------------------


@admin.register(ReviewComment)
class ReviewCommentAdmin(BrokerEditor, admin.ModelAdmin):
    broker_may_add = False  # rows come from the workflow
    broker_may_delete = False
    list_display = ("offering", "action", "author", "created_at")
    list_filter = ("action",)
    list_select_related = ("offering", "author")
    search_fields = ("offering__name", "body")
    readonly_fields = ("offering", "action", "body", "author", "created_at")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OfferingDocument)
class OfferingDocumentAdmin(BrokerEditor, ShownOnCatalogPages, HistoryAdmin):
    broker_may_add = False  # rows come from the workflow
    broker_may_delete = False
    list_display = ("title", "offering", "kind", "size", "uploaded_by", "uploaded_at")
    list_filter = ("kind",)
    list_select_related = ("offering", "uploaded_by")
    search_fields = ("title", "original_name", "offering__name")
    fields = (
        "offering",
        "title",
        "file",
        "original_name",
        "kind",
        "size",
        "uploaded_by",
        "uploaded_at",
        "as_of",
        "expires_on",
    )
    readonly_fields = (
        "offering",
        "file",
        "original_name",
        "kind",
        "size",
        "uploaded_by",
        "uploaded_at",
    )


@admin.register(ProviderAccountRequest)
class ProviderAccountRequestAdmin(BrokerEditor, HistoryAdmin):
    broker_may_add = False  # rows come from the workflow
    broker_may_delete = False
    list_display = ("company_name", "contact_name", "email", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("company_name", "email", "contact_name")
    readonly_fields = ("status", "provider", "decided_by", "decided_at", "created_at")
    actions = ("approve_requests", "reject_requests")

    @admin.action(description="Approve: create the provider and invite the contact")
    def approve_requests(self, request, queryset):
        for account_request in queryset.filter(status=AccountRequestStatus.PENDING):
            try:
                account_request_approve(request=account_request, by=request.user)
            except AccountError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"{account_request.company_name} approved; "
                    f"{account_request.email} was invited.",
                )

    @admin.action(description="Reject the selected requests")
    def reject_requests(self, request, queryset):
        for account_request in queryset.filter(status=AccountRequestStatus.PENDING):
            account_request_reject(request=account_request, by=request.user)
            self.message_user(request, f"{account_request.company_name} rejected.")


class InvitationForm(forms.Form):
    provider = forms.ModelChoiceField(queryset=Provider.objects.all())
    email = forms.EmailField(label="E-mail address")
    first_name = forms.CharField(required=False)
    last_name = forms.CharField(required=False)


@admin.register(ProviderInvitation)
class ProviderInvitationAdmin(BrokerEditor, admin.ModelAdmin):
    """Brokers invite provider users here: the add page sends the e-mail."""

    broker_may_add = True  # the add page is the invitation form
    broker_may_delete = False

    list_display = ("email", "provider", "invited_by", "created_at", "accepted_at")
    list_select_related = ("provider", "invited_by")
    search_fields = ("email", "provider__name")
    readonly_fields = ("provider", "email", "user", "invited_by", "accepted_at")

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = InvitationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                provider_user_invite(by=request.user, **form.cleaned_data)
            except AccountError as error:
                form.add_error("email", str(error))
            else:
                self.message_user(
                    request, f"Invitation sent to {form.cleaned_data['email']}."
                )
                return HttpResponseRedirect(
                    reverse("admin:catalog_providerinvitation_changelist")
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Invite a provider user",
            "form": form,
        }
        return TemplateResponse(
            request, "admin/catalog/providerinvitation/invite.html", context
        )
