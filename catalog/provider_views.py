"""The provider portal (``/provider/``): a provider's own listings, edited in steps
(details -> claims -> documents -> review and submit), and the account pages.

Every offering is looked up within the signed-in user's provider, so another
provider's offering, claim or document answers 404 whatever its ID.
"""

from collections import Counter
from itertools import groupby

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.http import require_http_methods, require_POST

from catalog.accounts import account_request_create, invitation_accept
from catalog.claims_io import (
    ClaimsImportError,
    claims_export,
    claims_import,
    claims_template,
)
from catalog.documents import document_add, document_remove
from catalog.models import (
    Claim,
    ClaimLevel,
    Offering,
    OfferingDocument,
    OfferingStatus,
    ReviewComment,
)
from catalog.provider_forms import (
    AccountRequestForm,
    ClaimsForm,
    ClaimsImportForm,
    DocumentUploadForm,
    OfferingDetailsForm,
    ReviewCommentForm,
)
from catalog.workflow import (
    EDITABLE_STATUSES,
    WorkflowError,
    claims_save,
    offering_create,
    offering_discard,
    offering_retire,
    offering_revision_start,
    offering_submit,
    offering_update,
    offering_withdraw,
)
from marketplace.roles import Role, public, role_required
from standards.models import Capability, Function
from standards.selectors import current_release

STEPS = (
    ("details", "Details", "provider:offering-details"),
    ("claims", "Claims", "provider:offering-claims"),
    ("documents", "Documents", "provider:offering-documents"),
    ("review", "Review and submit", "provider:offering-review"),
)
PAGE_SIZE = 20
provider_only = role_required(Role.PROVIDER)


# --- scoping --------------------------------------------------------------------


def own_offerings(user):
    """Every offering row of the user's provider (drafts and revisions included)."""
    return Offering.objects.filter(provider_id=user.provider_id)


def own_offering(request: HttpRequest, pk: int) -> Offering:
    return get_object_or_404(
        own_offerings(request.user).select_related(
            "provider", "release", "revision_of"
        ),
        pk=pk,
    )


def _bad_request(request: HttpRequest, message: str) -> HttpResponse:
    messages.error(request, message)
    return HttpResponseBadRequest(render_to_string("400.html", request=request))


def _step_context(offering: Offering, current: str) -> dict:
    steps = []
    seen_current = False
    for key, label, url_name in STEPS:
        state = "current" if key == current else ("" if seen_current else "complete")
        if key == current:
            seen_current = True
        steps.append(
            {
                "key": key,
                "label": label,
                "url": reverse(url_name, args=[offering.pk]),
                "state": state,
            }
        )
    return {"offering": offering, "steps": steps, "current_step": current}


def _editable_or_redirect(request: HttpRequest, offering: Offering):
    """None when the offering can be edited, else a redirect that says why not."""
    if offering.status in EDITABLE_STATUSES:
        return None
    if offering.status == OfferingStatus.PUBLISHED:
        messages.info(
            request,
            f"“{offering.name}” is published. Start a revision to change it; the "
            "published listing stays as it is until a broker approves the revision.",
        )
    else:
        messages.info(
            request,
            f"“{offering.name}” is {offering.get_status_display().lower()} and "
            "cannot be edited now.",
        )
    return redirect("provider:offering-detail", offering.pk)


# --- home and overview ----------------------------------------------------------


@provider_only
def home(request: HttpRequest) -> HttpResponse:
    latest = ReviewComment.objects.select_related("author").order_by(
        "-created_at", "-id"
    )
    offerings = (
        own_offerings(request.user)
        .filter(revision_of__isnull=True)
        .select_related("release")
        .prefetch_related(
            Prefetch("review_comments", queryset=latest[:3], to_attr="latest"),
            Prefetch(
                "revisions",
                queryset=Offering.objects.prefetch_related(
                    Prefetch("review_comments", queryset=latest[:3], to_attr="latest")
                ),
                to_attr="open_revisions",
            ),
        )
        .annotate(claim_count=Count("claims"))
        .order_by("name", "id")
    )
    page = Paginator(offerings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/provider/home.html",
        {"page_obj": page, "offerings": page.object_list},
    )


@provider_only
def offering_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offering = own_offering(request, pk)
    comments = offering.review_comments.select_related("author")
    levels = Counter(offering.claims.values_list("level", flat=True))
    return render(
        request,
        "catalog/provider/offering_detail.html",
        {
            "offering": offering,
            "comments": comments,
            "claim_levels": [
                (label, levels.get(value, 0)) for value, label in ClaimLevel.choices
            ],
            "claim_total": sum(levels.values()),
            "documents": offering.documents.all(),
            "revision": offering.revisions.first(),
            "editable": offering.status in EDITABLE_STATUSES,
            "steps": _step_context(offering, "")["steps"],
        },
    )


# --- step 1: details ------------------------------------------------------------


@provider_only
@require_http_methods(["GET", "POST"])
def offering_create_view(request: HttpRequest) -> HttpResponse:
    release = current_release()
    form = OfferingDetailsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            offering = offering_create(
                provider=request.user.provider,
                by=request.user,
                fields=form.service_fields(),
                contract_vehicles=form.cleaned_data["contract_vehicles"],
                release=release,
            )
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Draft “{offering.name}” saved.")
            return redirect(_next_url(request, offering, "claims"))
    return render(
        request,
        "catalog/provider/offering_details.html",
        {"form": form, "release": release, "creating": True},
    )


def _next_url(request: HttpRequest, offering: Offering, next_step: str) -> str:
    """Where a step's form goes after saving: the next step, or the same page."""
    if "save_draft" in request.POST:
        current = {"claims": "details", "documents": "claims", "review": "documents"}
        return reverse(f"provider:offering-{current[next_step]}", args=[offering.pk])
    return reverse(f"provider:offering-{next_step}", args=[offering.pk])


@provider_only
@require_http_methods(["GET", "POST"])
def offering_details(request: HttpRequest, pk: int) -> HttpResponse:
    offering = own_offering(request, pk)
    if refused := _editable_or_redirect(request, offering):
        return refused
    form = OfferingDetailsForm(request.POST or None, instance=offering)
    if request.method == "POST" and form.is_valid():
        try:
            offering_update(
                offering=offering,
                by=request.user,
                fields=form.service_fields(),
                contract_vehicles=form.cleaned_data["contract_vehicles"],
            )
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Details saved.")
            return redirect(_next_url(request, offering, "claims"))
    return render(
        request,
        "catalog/provider/offering_details.html",
        {"form": form, **_step_context(offering, "details")},
    )


# --- step 2: claims -------------------------------------------------------------


@provider_only
@require_http_methods(["GET", "POST"])
def offering_claims(request: HttpRequest, pk: int) -> HttpResponse:
    offering = own_offering(request, pk)
    if refused := _editable_or_redirect(request, offering):
        return refused
    functions = list(
        Function.objects.filter(release_id=offering.release_id)
        .annotate(
            capability_count=Count("capabilities", distinct=True),
            claim_count=Count(
                "capabilities__claims",
                filter=Q(capabilities__claims__offering=offering),
                distinct=True,
            ),
        )
        .order_by("code")
    )
    if not functions:
        return render(
            request,
            "catalog/provider/offering_claims.html",
            {"functions": [], **_step_context(offering, "claims")},
        )
    code = request.POST.get("function") or request.GET.get("function")
    function = next((f for f in functions if f.code == code), None)
    if function is None:
        if code:
            messages.error(
                request, f"There is no function “{code}” in {offering.release}."
            )
        function = functions[0]
    capabilities = (
        Capability.objects.filter(function=function)
        .select_related("activity")
        .order_by("code")
    )
    claims = {
        claim.capability_id: claim
        for claim in Claim.objects.filter(
            offering=offering, capability__function=function
        )
    }
    form = ClaimsForm(request.POST or None, capabilities=capabilities, claims=claims)
    if request.method == "POST" and form.is_valid():
        try:
            changed = claims_save(
                offering=offering, by=request.user, claims=form.claim_inputs()
            )
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"Claims for {function.code} {function.name} saved "
                f"({changed} changed).",
            )
            position = functions.index(function)
            if "save_draft" in request.POST:
                url = reverse("provider:offering-claims", args=[offering.pk])
                return redirect(f"{url}?function={function.code}")
            if position + 1 < len(functions):
                url = reverse("provider:offering-claims", args=[offering.pk])
                return redirect(f"{url}?function={functions[position + 1].code}")
            return redirect("provider:offering-documents", offering.pk)
    activities = [
        (activity, list(rows))
        for activity, rows in groupby(form.rows(), key=lambda row: row[0].activity)
    ]
    return render(
        request,
        "catalog/provider/offering_claims.html",
        {
            "form": form,
            "functions": functions,
            "function": function,
            "activities": activities,
            **_step_context(offering, "claims"),
        },
    )


@provider_only
@require_http_methods(["GET", "POST"])
def offering_claims_import(request: HttpRequest, pk: int) -> HttpResponse:
    offering = own_offering(request, pk)
    if refused := _editable_or_redirect(request, offering):
        return refused
    form = ClaimsImportForm(request.POST or None, request.FILES or None)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        try:
            changed = claims_import(
                offering=offering, by=request.user, upload=form.cleaned_data["file"]
            )
        except ClaimsImportError as error:
            row_errors = error.errors
            form.add_error(
                "file",
                f"{row_errors.total} problem(s) in the file; nothing was imported. "
                "Fix the rows listed below and upload it again.",
            )
        except (ValidationError, WorkflowError) as error:
            form.add_error(
                "file", error.messages if hasattr(error, "messages") else str(error)
            )
        else:
            messages.success(
                request,
                f"Claims imported: {changed} claim(s) created, changed or removed.",
            )
            return redirect("provider:offering-claims", offering.pk)
    return render(
        request,
        "catalog/provider/claims_import.html",
        {
            "form": form,
            "row_errors": row_errors,
            "levels": ClaimLevel.choices,
            **_step_context(offering, "claims"),
        },
        status=400 if form.errors else 200,
    )


def _file_format(request: HttpRequest) -> str | None:
    file_format = request.GET.get("format", "csv")
    return file_format if file_format in ("csv", "xlsx") else None


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@provider_only
def offering_claims_export(request: HttpRequest, pk: int) -> HttpResponse:
    offering = own_offering(request, pk)
    file_format = _file_format(request)
    if file_format is None:
        return _bad_request(request, "The format must be csv or xlsx.")
    return _download(*claims_export(offering=offering, file_format=file_format))


@provider_only
def claims_template_view(request: HttpRequest) -> HttpResponse:
    file_format = _file_format(request)
    if file_format is None:
        return _bad_request(request, "The format must be csv or xlsx.")
    release = current_release()
    if release is None:
        messages.error(request, "No standards release is current yet.")
        return redirect("provider:home")
    return _download(*claims_template(release=release, file_format=file_format))


# --- step 3: documents ----------------------------------------------------------


@provider_only
@require_http_methods(["GET", "POST"])
def offering_documents(request: HttpRequest, pk: int) -> HttpResponse:
    offering = own_offering(request, pk)
    if refused := _editable_or_redirect(request, offering):
        return refused
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if "continue" in request.POST and not request.FILES:
            return redirect("provider:offering-review", offering.pk)
        if form.is_valid():
            try:
                document = document_add(
                    offering=offering,
                    by=request.user,
                    upload=form.cleaned_data["file"],
                    title=form.cleaned_data["title"],
                )
            except (ValidationError, WorkflowError) as error:
                form.add_error(
                    "file",
                    error.messages if hasattr(error, "messages") else str(error),
                )
            else:
                messages.success(request, f"“{document.title}” uploaded.")
                if "continue" in request.POST:
                    return redirect("provider:offering-review", offering.pk)
                return redirect("provider:offering-documents", offering.pk)
    return render(
        request,
        "catalog/provider/offering_documents.html",
        {
            "form": form,
            "documents": offering.documents.all(),
            **_step_context(offering, "documents"),
        },
    )


@provider_only
@require_POST
def document_delete(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(
        OfferingDocument.objects.select_related("offering").filter(
            offering__provider_id=request.user.provider_id
        ),
        pk=pk,
    )
    try:
        document_remove(document=document, by=request.user)
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"“{document.title}” removed.")
    return redirect("provider:offering-documents", document.offering_id)


# --- step 4: review and submit, and the other transitions -----------------------


@provider_only
def offering_review(request: HttpRequest, pk: int) -> HttpResponse:
    offering = own_offering(request, pk)
    if refused := _editable_or_redirect(request, offering):
        return refused
    levels = Counter(offering.claims.values_list("level", flat=True))
    return render(
        request,
        "catalog/provider/offering_review.html",
        {
            "form": ReviewCommentForm(),
            "contract_vehicles": offering.contract_vehicles.all(),
            "claim_levels": [
                (label, levels.get(value, 0)) for value, label in ClaimLevel.choices
            ],
            "claim_total": sum(levels.values()),
            "documents": offering.documents.all(),
            **_step_context(offering, "review"),
        },
    )


def _transition(request: HttpRequest, pk: int, service, success: str, **kwargs):
    offering = own_offering(request, pk)
    try:
        result = service(offering=offering, by=request.user, **kwargs)
    except WorkflowError as error:
        messages.error(request, str(error))
        return redirect("provider:offering-detail", offering.pk)
    messages.success(request, success.format(name=offering.name))
    return redirect("provider:offering-detail", result.pk)


@provider_only
@require_POST
def offering_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReviewCommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    return _transition(
        request,
        pk,
        offering_submit,
        "“{name}” was submitted. A broker will review it; you will get an e-mail.",
        comment=comment,
    )


@provider_only
@require_POST
def offering_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request, pk, offering_withdraw, "“{name}” was withdrawn and is a draft again."
    )


@provider_only
@require_POST
def offering_retire_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request, pk, offering_retire, "“{name}” was retired from the catalog."
    )


@provider_only
@require_POST
def offering_revise_view(request: HttpRequest, pk: int) -> HttpResponse:
    offering = own_offering(request, pk)
    try:
        revision = offering_revision_start(offering=offering, by=request.user)
    except WorkflowError as error:
        messages.error(request, str(error))
        return redirect("provider:offering-detail", offering.pk)
    messages.info(
        request,
        "You are editing a revision. The published listing stays as it is until a "
        "broker approves the revision.",
    )
    return redirect("provider:offering-details", revision.pk)


@provider_only
@require_POST
def offering_discard_view(request: HttpRequest, pk: int) -> HttpResponse:
    offering = own_offering(request, pk)
    try:
        offering_discard(offering=offering, by=request.user)
    except WorkflowError as error:
        messages.error(request, str(error))
        return redirect("provider:offering-detail", offering.pk)
    messages.success(request, f"“{offering.name}” was discarded.")
    if offering.revision_of_id:
        return redirect("provider:offering-detail", offering.revision_of_id)
    return redirect("provider:home")


# --- audit history --------------------------------------------------------------


def _changes(records: list) -> list[dict]:
    """Pair each historical record with the one before it (same object) and list the
    fields that changed, without one query per record."""
    entries = []
    previous: dict[int, object] = {}
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        before = previous.get(record.id)
        changed = []
        if before is not None and record.history_type == "~":
            delta = record.diff_against(before)
            changed = [
                {"field": change.field, "old": change.old, "new": change.new}
                for change in delta.changes
                if change.field not in ("updated_at",)
            ]
        previous[record.id] = record
        entries.append({"record": record, "changes": changed})
    return entries


@provider_only
def offering_history(request: HttpRequest, pk: int) -> HttpResponse:
    offering = own_offering(request, pk)
    offering_records = list(
        Offering.history.filter(id=offering.pk).select_related("history_user")
    )
    claim_records = list(
        Claim.history.filter(offering_id=offering.pk).select_related(
            "history_user", "capability"
        )
    )
    entries = [
        *({"kind": "Listing", **entry} for entry in _changes(offering_records)),
        *({"kind": "Claim", **entry} for entry in _changes(claim_records)),
    ]
    entries.sort(
        key=lambda e: (e["record"].history_date, e["record"].history_id), reverse=True
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/provider/offering_history.html",
        {"offering": offering, "page_obj": page, "entries": page.object_list},
    )


# --- accounts -------------------------------------------------------------------


@public
@require_http_methods(["GET", "POST"])
def account_request(request: HttpRequest) -> HttpResponse:
    form = AccountRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account_request_create(fields=form.cleaned_data)
        messages.success(
            request,
            "Thank you. A broker will review your request and e-mail you a link to "
            "set your password.",
        )
        return redirect("marketplace:home")
    return render(request, "catalog/provider/account_request.html", {"form": form})


@public
@require_http_methods(["GET", "POST"])
def set_password(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    User = get_user_model()
    try:
        user = User.objects.get(pk=int(urlsafe_base64_decode(uidb64).decode()))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "catalog/provider/set_password_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        invitation_accept(user=user)
        messages.success(request, "Your password is set. Sign in to continue.")
        return redirect("marketplace:login")
    return render(
        request, "catalog/provider/set_password.html", {"form": form, "account": user}
    )
