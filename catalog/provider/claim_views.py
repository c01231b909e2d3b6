"""The provider portal's claims step: the claims editor, one function at a time, the
claims import and export, and the blank template."""

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from catalog.claims_io import (
    ClaimsImportError,
    claims_export,
    claims_import,
    claims_template,
)
from catalog.models import (
    ClaimLevel,
)
from catalog.provider import selectors as provider_selectors
from catalog.provider.forms import (
    ClaimsForm,
    ClaimsImportForm,
    ItemClaimsForm,
)
from catalog.provider.views import (
    bad_request,
    editable_or_redirect,
    own_offering,
    provider_only,
    step_context,
)
from catalog.selectors.item_claims import ItemClaimSection, offering_item_claims
from catalog.services.claims import claims_save
from catalog.workflow import (
    WorkflowError,
)
from marketplace.spreadsheets import Problems
from standards.items import ItemKind
from standards.models import Function
from standards.selectors import current_release

# The claims pages of the other kinds of item, by URL slug: (kind, what the provider
# states for an item of the kind, the column heading).
KIND_PAGES = {
    "measures": (
        ItemKind.MEASURE,
        "“Meets” a service measure means the offering commits to the target Treasury "
        "sets for it.",
        "Service measure",
    ),
    "exchanges": (
        ItemKind.EXCHANGE,
        "“Meets” an information exchange means the offering exchanges that data with "
        "that Treasury system today.",
        "Exchange",
    ),
    "reports": (
        ItemKind.REPORT,
        "“Meets” a pre-built report means the offering produces that report.",
        "Report",
    ),
}
SLUGS: dict[str, str] = {
    kind: slug for slug, (kind, _text, _heading) in KIND_PAGES.items()
}


def kind_pages(sections: list[ItemClaimSection]) -> list[dict]:
    """The links to the claims page of each kind the release has items of."""
    return [
        {
            "slug": SLUGS[section.kind],
            "label": section.label,
            "claimed": section.claimed,
            "total": len(section.rows),
        }
        for section in sections
    ]


def _after(offering, kind: str | None, sections: list[ItemClaimSection]):
    """Where "Save and continue" goes after the capabilities (``kind`` None) or a
    kind's page: the next kind the release has items of, then the documents."""
    kinds = [section.kind for section in sections]
    rest = kinds if kind is None else kinds[kinds.index(kind) + 1 :]
    if rest:
        return redirect("provider:offering-kind-claims", offering.pk, SLUGS[rest[0]])
    return redirect("provider:offering-documents", offering.pk)


@provider_only
@require_http_methods(["GET", "POST"])
def offering_claims(request: HttpRequest, pk: int) -> HttpResponse:
    offering = own_offering(request, pk)
    if refused := editable_or_redirect(request, offering):
        return refused
    functions = provider_selectors.claim_editor_functions(offering)
    if not functions:
        return render(
            request,
            "catalog/provider/offering_claims.html",
            {"functions": [], **step_context(offering, "claims")},
        )
    code = request.POST.get("function") or request.GET.get("function")
    function = next((f for f in functions if f.code == code), None)
    if function is None:
        if code:
            messages.error(
                request, f"There is no function “{code}” in {offering.release}."
            )
        function = functions[0]
    capabilities = provider_selectors.function_capabilities(function)
    claims = provider_selectors.function_claims(offering, function)
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
            return _after(offering, None, offering_item_claims(offering))
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
            "kind_pages": kind_pages(offering_item_claims(offering)),
            **step_context(offering, "claims"),
        },
    )


@provider_only
@require_http_methods(["GET", "POST"])
def offering_kind_claims(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The claims of one kind of item (measures, exchanges or reports) of the
    offering's release, grouped by the FIBF function the item names."""
    if kind not in KIND_PAGES:
        raise Http404("No such kind of claims.")
    item_kind, explanation, heading = KIND_PAGES[kind]
    offering = own_offering(request, pk)
    if refused := editable_or_redirect(request, offering):
        return refused
    sections = offering_item_claims(offering)
    section = next((s for s in sections if s.kind == item_kind), None)
    if section is None:
        messages.info(
            request, f"{offering.release} has no {ItemKind(item_kind).label.lower()}s."
        )
        return redirect("provider:offering-claims", offering.pk)
    form = ItemClaimsForm(
        request.POST or None,
        kind=item_kind,
        refs=[row.ref for row in section.rows],
        claims={row.ref.pk: row.claim for row in section.rows if row.claim},
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = claims_save(
                offering=offering, by=request.user, claims=form.claim_inputs()
            )
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"{section.label} claims saved ({changed} changed)."
            )
            if "save_draft" in request.POST:
                return redirect("provider:offering-kind-claims", offering.pk, kind)
            return _after(offering, item_kind, sections)
    names = dict(
        Function.objects.filter(release_id=offering.release_id).values_list(
            "code", "name"
        )
    )
    rows = sorted(form.rows(), key=lambda row: row[0].function)
    groups = [
        (function, names.get(function, ""), list(grouped))
        for function, grouped in groupby(rows, key=lambda row: row[0].function)
    ]
    return render(
        request,
        "catalog/provider/offering_item_claims.html",
        {
            "form": form,
            "kind": kind,
            "label": section.label,
            "explanation": explanation,
            "item_label": heading,
            "groups": groups,
            "kind_pages": kind_pages(sections),
            **step_context(offering, "claims"),
        },
        status=400 if form.errors else 200,
    )


@provider_only
@require_http_methods(["GET", "POST"])
def offering_claims_import(request: HttpRequest, pk: int) -> HttpResponse:
    offering = own_offering(request, pk)
    if refused := editable_or_redirect(request, offering):
        return refused
    form = ClaimsImportForm(request.POST or None, request.FILES or None)
    row_errors: list | Problems = []
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
            **step_context(offering, "claims"),
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
        return bad_request(request, "The format must be csv or xlsx.")
    return _download(*claims_export(offering=offering, file_format=file_format))


@provider_only
def claims_template_view(request: HttpRequest) -> HttpResponse:
    file_format = _file_format(request)
    if file_format is None:
        return bad_request(request, "The format must be csv or xlsx.")
    release = current_release()
    if release is None:
        messages.error(request, "No standards release is current yet.")
        return redirect("provider:home")
    return _download(*claims_template(release=release, file_format=file_format))
