"""Pages of the brokering app: the need wizard (its outcome pages, results,
explanations and reports, are :mod:`brokering.outcome_views`).

Agency users work on their own agency's needs; brokers may read every need. Objects are
scoped in :mod:`brokering.selectors`, so another agency's need answers 404.
"""

from collections.abc import Iterable
from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from brokering import reports, scoring, selectors, services
from brokering.forms import (
    NeedBasicsForm,
    NeedFunctionsForm,
    PrioritiesForm,
    PrioritiesImportForm,
)
from brokering.models import Agency, NeedStatus
from marketplace.models import User
from marketplace.roles import Role, role_required
from marketplace.spreadsheets import Problems
from standards.models import Capability, Function

READERS = (Role.AGENCY, Role.BROKER)
WRITERS = (Role.AGENCY,)
PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here requires a role)."""
    return cast(User, request.user)


def _agency(request: HttpRequest) -> Agency:
    agency = _user(request).agency
    if agency is None:  # the view lets in agency users only
        raise PermissionDenied
    return agency


def _in_scope(functions: Iterable[Function]) -> list[Function]:
    """The functions :func:`selectors.need_functions` marked in the need's scope."""
    return [f for f in functions if getattr(f, "in_scope", False)]


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _querystring_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _editable_need(request: HttpRequest, need_id: int):
    need = selectors.need_get(user=request.user, need_id=need_id)
    if need.status == NeedStatus.ARCHIVED:
        messages.error(request, "This need is archived. Clone it to change it.")
        return need, redirect("brokering:need-detail", need_id=need.pk)
    return need, None


def _steps(need, current: int) -> dict:
    return {"need": need, "step": current}


@role_required(*READERS)
@require_GET
def need_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in NeedStatus.values:
        status = ""
    needs = selectors.need_list(user=request.user, status=status)
    page = Paginator(needs, PAGE_SIZE).get_page(_page_number(request))
    return render(
        request,
        "brokering/need_list.html",
        {
            "page_obj": page,
            "status": status,
            "statuses": NeedStatus.choices,
            "querystring_without_page": _querystring_without_page(request),
            "can_create": _user(request).agency_id is not None,
        },
    )


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def need_create(request: HttpRequest) -> HttpResponse:
    release_id = selectors.current_release_id()
    if release_id is None:
        messages.error(
            request,
            "There is no current standards release yet, so needs cannot be "
            "stated. Please try again once the FM QSMO has published one.",
        )
        return redirect("brokering:need-list")
    form = NeedBasicsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        need = services.need_create(
            agency=_agency(request),
            created_by=request.user,
            release_id=release_id,
            **form.cleaned_data,
        )
        messages.success(request, "Need saved as a draft. Now choose its functions.")
        return redirect("brokering:need-functions", need_id=need.pk)
    return render(
        request, "brokering/need_basics.html", {"form": form, "need": None, "step": 1}
    )


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def need_edit(request: HttpRequest, need_id: int) -> HttpResponse:
    need, refused = _editable_need(request, need_id)
    if refused:
        return refused
    initial = {
        "title": need.title,
        "go_live_date": need.go_live_date,
        "accepted_provider_kinds": need.accepted_provider_kinds,
        "minimum_impact_level": need.minimum_impact_level,
        "accepted_deployment_models": need.accepted_deployment_models,
        "verified_claims_only": need.verified_claims_only,
    }
    form = NeedBasicsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.need_update(need_id=need.pk, **form.cleaned_data)
        messages.success(request, "Title, go-live date and constraints saved.")
        if need.status == NeedStatus.DRAFT:
            return redirect("brokering:need-functions", need_id=need.pk)
        return redirect("brokering:need-detail", need_id=need.pk)
    return render(
        request, "brokering/need_basics.html", {"form": form, **_steps(need, 1)}
    )


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def need_functions(request: HttpRequest, need_id: int) -> HttpResponse:
    need, refused = _editable_need(request, need_id)
    if refused:
        return refused
    functions = selectors.need_functions(need=need)
    form = NeedFunctionsForm(
        request.POST or None,
        functions=functions,
        initial={"functions": [f.pk for f in _in_scope(functions)]},
    )
    if request.method == "POST" and form.is_valid():
        services.need_set_functions(
            need_id=need.pk, function_ids=[f.pk for f in form.cleaned_data["functions"]]
        )
        messages.success(
            request, "Functions saved. Their capabilities came in as “should”."
        )
        return redirect("brokering:need-priorities", need_id=need.pk)
    return render(
        request, "brokering/need_functions.html", {"form": form, **_steps(need, 2)}
    )


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def need_priorities(request: HttpRequest, need_id: int) -> HttpResponse:
    need, refused = _editable_need(request, need_id)
    if refused:
        return refused
    in_scope = _in_scope(selectors.need_functions(need=need))
    if not in_scope:
        messages.info(request, "Choose at least one function first.")
        return redirect("brokering:need-functions", need_id=need.pk)
    codes = [f.code for f in in_scope]
    chosen = request.GET.get("function", codes[0])
    if chosen not in codes:
        chosen = codes[0]
    function = in_scope[codes.index(chosen)]
    items = selectors.need_items(need=need).filter(capability__function=function)
    form = PrioritiesForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        changed = services.need_set_priorities(
            need_id=need.pk, priorities=form.priorities()
        )
        messages.success(
            request, f"Priorities of {function.code} saved ({changed} changed)."
        )
        if "review" in request.POST:
            return redirect("brokering:need-review", need_id=need.pk)
        following = codes.index(chosen) + 1
        target = reverse("brokering:need-priorities", kwargs={"need_id": need.pk})
        if following < len(codes):
            return redirect(f"{target}?function={codes[following]}")
        return redirect("brokering:need-review", need_id=need.pk)
    return render(
        request,
        "brokering/need_priorities.html",
        {
            "form": form,
            "functions": in_scope,
            "function": function,
            "counts": selectors.need_priority_counts(need=need),
            "rules": selectors.scoring_rules(),
            **_steps(need, 3),
        },
    )


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def need_review(request: HttpRequest, need_id: int) -> HttpResponse:
    need = selectors.need_get(user=request.user, need_id=need_id)
    if request.method == "POST":
        try:
            services.need_activate(need_id=need.pk)
        except services.TransitionError as error:
            messages.error(request, str(error))
            return redirect("brokering:need-review", need_id=need.pk)
        messages.success(
            request, "Need activated. Scoring against the catalog has started."
        )
        return redirect("brokering:need-results", need_id=need.pk)
    return render(
        request,
        "brokering/need_review.html",
        {
            "functions": _in_scope(selectors.need_functions(need=need)),
            "counts": selectors.need_priority_counts(need=need),
            "rules": selectors.scoring_rules(),
            "weights": scoring.WEIGHTS,
            **_steps(need, 4),
        },
    )


@role_required(*READERS)
@require_GET
def need_detail(request: HttpRequest, need_id: int) -> HttpResponse:
    need = selectors.need_get(user=request.user, need_id=need_id)
    return render(
        request,
        "brokering/need_detail.html",
        {
            "need": need,
            "counts": selectors.need_priority_counts(need=need),
            "rules": selectors.scoring_rules(),
            "functions": _in_scope(selectors.need_functions(need=need)),
            "run": selectors.latest_run(need=need),
            "can_edit": _user(request).agency_id == need.agency_id,
            "following": selectors.need_followed(user=request.user, need=need),
        },
    )


@role_required(*WRITERS)
@require_POST
def need_clone(request: HttpRequest, need_id: int) -> HttpResponse:
    need = selectors.need_get(user=request.user, need_id=need_id)
    copy = services.need_clone(need_id=need.pk, created_by=request.user)
    messages.success(request, f"“{copy.title}” created as a draft.")
    return redirect("brokering:need-detail", need_id=copy.pk)


@role_required(*WRITERS)
@require_POST
def need_archive(request: HttpRequest, need_id: int) -> HttpResponse:
    need = selectors.need_get(user=request.user, need_id=need_id)
    try:
        services.need_archive(need_id=need.pk)
    except services.TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Need archived. Its matches are kept as a record.")
    return redirect("brokering:need-detail", need_id=need.pk)


@role_required(*WRITERS)
@require_POST
def need_rescore(request: HttpRequest, need_id: int) -> HttpResponse:
    need = selectors.need_get(user=request.user, need_id=need_id)
    if need.status != NeedStatus.ACTIVE:
        messages.error(request, "Only an active need is scored.")
        return redirect("brokering:need-detail", need_id=need.pk)
    services.scoring_run_enqueue(
        need_id=need.pk, reason="rescore requested", resend=True
    )
    messages.success(request, "Scoring queued.")
    return redirect("brokering:need-results", need_id=need.pk)


def _download(content: bytes, filename: str, fmt: str) -> HttpResponse:
    content_type = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


@role_required(*READERS)
@require_GET
def need_priorities_export(
    request: HttpRequest, need_id: int, fmt: str
) -> HttpResponse:
    need = selectors.need_get(user=request.user, need_id=need_id)
    rows = reports.priority_rows(need)
    columns = reports.PRIORITY_COLUMNS
    if fmt == "csv":
        content = reports.to_csv(columns, rows)
    else:
        content = reports.to_xlsx("Priorities", columns, rows)
    return _download(content, f"need-{need.pk}-priorities", fmt)


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def need_priorities_import(request: HttpRequest, need_id: int) -> HttpResponse:
    need, refused = _editable_need(request, need_id)
    if refused:
        return refused
    form = PrioritiesImportForm(request.POST or None, request.FILES or None)
    problems: list | Problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        capability_ids = dict(
            Capability.objects.filter(release_id=need.release_id).values_list(
                "code", "id"
            )
        )
        try:
            table = reports.read_priorities(
                upload.name, upload.read(), len(capability_ids)
            )
        except reports.UnreadableFile as error:
            form.add_error("file", str(error))
        else:
            priorities, problems = reports.parse_priorities(table, capability_ids)
            if problems:
                rows_wrong = problems.total
                form.add_error(
                    "file",
                    f"Nothing was imported: {rows_wrong} row{pluralize(rows_wrong)} "
                    f"need{pluralize(rows_wrong, 's,')} fixing (listed below).",
                )
            else:
                added, changed = services.need_priorities_import(
                    need_id=need.pk, priorities=priorities
                )
                messages.success(
                    request,
                    f"Priorities imported: {changed} changed, "
                    f"{added} capabilit{pluralize(added, 'y,ies')} added.",
                )
                return redirect("brokering:need-detail", need_id=need.pk)
    return render(
        request,
        "brokering/need_import.html",
        {"need": need, "form": form, "problems": problems},
        status=400 if form.errors else 200,
    )
