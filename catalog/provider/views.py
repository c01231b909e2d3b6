"""The provider portal (``/provider/``): a provider's own listings, edited in steps
(details -> claims -> documents -> review and submit), and the account pages.

Every offering is looked up within the signed-in user's provider, so another
provider's offering, claim or document answers 404 whatever its ID.
"""

from typing import cast

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.http import require_http_methods, require_POST

from catalog.accounts import account_request_create, invitation_accept
from catalog.documents import document_add, document_remove
from catalog.models import (
    Offering,
    OfferingStatus,
    Provider,
)
from catalog.provider import selectors as provider_selectors
from catalog.provider.forms import (
    AccountRequestForm,
    DocumentUploadForm,
    OfferingDetailsForm,
    ReviewCommentForm,
)
from catalog.workflow import (
    EDITABLE_STATUSES,
    WorkflowError,
    offering_create,
    offering_discard,
    offering_retire,
    offering_revision_start,
    offering_submit,
    offering_update,
    offering_withdraw,
)
from marketplace.models import User
from marketplace.roles import Role, public, role_required
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


def _own_provider(request: HttpRequest) -> Provider:
    provider = cast(User, request.user).provider
    if provider is None:  # provider_only lets in provider users only
        raise PermissionDenied
    return provider


def own_offering(request: HttpRequest, pk: int) -> Offering:
    return get_object_or_404(
        provider_selectors.own_offering_candidates(request.user), pk=pk
    )


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    messages.error(request, message)
    return HttpResponseBadRequest(render_to_string("400.html", request=request))


def step_context(offering: Offering | None, current: str) -> dict:
    """The step indicator; before the offering exists (``None``) its steps have no
    links."""
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
                "url": reverse(url_name, args=[offering.pk]) if offering else "",
                "state": state,
            }
        )
    return {"offering": offering, "steps": steps, "current_step": current}


def editable_or_redirect(request: HttpRequest, offering: Offering):
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
    offerings = provider_selectors.home_offerings(request.user)
    page = Paginator(offerings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/provider/home.html",
        {"page_obj": page, "offerings": page.object_list},
    )


@provider_only
def offering_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offering = own_offering(request, pk)
    claim_levels, claim_total = provider_selectors.claim_level_counts(offering)
    return render(
        request,
        "catalog/provider/offering_detail.html",
        {
            "offering": offering,
            "comments": provider_selectors.review_comments(offering),
            "claim_levels": claim_levels,
            "claim_total": claim_total,
            "documents": offering.documents.all(),
            "revision": offering.revisions.first(),
            "editable": offering.status in EDITABLE_STATUSES,
            "steps": step_context(offering, "")["steps"],
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
                provider=_own_provider(request),
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
        {
            "form": form,
            "release": release,
            "creating": True,
            "steps": step_context(None, "details")["steps"],
        },
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
    if refused := editable_or_redirect(request, offering):
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
        {"form": form, **step_context(offering, "details")},
    )


# --- step 3: documents ----------------------------------------------------------


@provider_only
@require_http_methods(["GET", "POST"])
def offering_documents(request: HttpRequest, pk: int) -> HttpResponse:
    offering = own_offering(request, pk)
    if refused := editable_or_redirect(request, offering):
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
                    as_of=form.cleaned_data["as_of"],
                    expires_on=form.cleaned_data["expires_on"],
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
            **step_context(offering, "documents"),
        },
    )


@provider_only
@require_POST
def document_delete(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(provider_selectors.own_documents(request.user), pk=pk)
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
    if refused := editable_or_redirect(request, offering):
        return refused
    claim_levels, claim_total = provider_selectors.claim_level_counts(offering)
    return render(
        request,
        "catalog/provider/offering_review.html",
        {
            "form": ReviewCommentForm(),
            "contract_vehicles": offering.contract_vehicles.all(),
            "claim_levels": claim_levels,
            "claim_total": claim_total,
            "documents": offering.documents.all(),
            **step_context(offering, "review"),
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


@provider_only
def offering_history(request: HttpRequest, pk: int) -> HttpResponse:
    offering = own_offering(request, pk)
    entries = provider_selectors.offering_history(offering)
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
