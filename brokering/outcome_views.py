"""Pages of a need's outcome: its results (and their polled status), a match's
explanation and shortlisting, the matrix of top matches and the fit-gap report
with its downloads.

Agency users read their own agency's needs; brokers may read every need. Objects are
scoped in :mod:`brokering.selectors`, so another agency's need answers 404.
"""

import functools

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from brokering import display, reports, results, selectors, services
from brokering.forms import ResultsFilterForm
from brokering.matrix import matrix_of_need
from brokering.models import MatchStatus, RunStatus
from brokering.views import (
    PAGE_SIZE,
    READERS,
    WRITERS,
    _download,
    _in_scope,
    _page_number,
    _querystring_without_page,
    _user,
)
from catalog.documents import may_download
from marketplace.roles import role_required
from marketplace.table_rows import PageRows, table_rows

MATRIX_TOP = 10


@functools.lru_cache(maxsize=32)
def _filter_fields(bound: bool, eligible: bool, status: str) -> str:
    """The results filter's fields as HTML for a valid choice (or none): the same
    few for every results page, so rendered once through the form renderer's
    templates (a tenth of a cold results page), not per request."""
    data = {"eligible": eligible, "status": status} if bound else None
    return str(ResultsFilterForm(data))


@role_required(*READERS)
@require_GET
def need_results(request: HttpRequest, need_id: int) -> HttpResponse:
    filters = ResultsFilterForm(request.GET or None)
    eligible_only, status = False, ""
    if filters.is_valid():
        eligible_only = filters.cleaned_data["eligible"]
        status = filters.cleaned_data["status"]
    # One consistent read: a run finishing meanwhile cannot make the page say
    # "scored" above an empty list (see selectors.one_snapshot).
    read = selectors.need_results(
        user=request.user,
        need_id=need_id,
        eligible_only=eligible_only,
        status=status,
        page_number=_page_number(request),
        page_size=PAGE_SIZE,
    )
    need, page = read["need"], read["page_obj"]
    return render(
        request,
        "brokering/need_results.html",
        {
            **read,
            "rules": selectors.scoring_rules(),
            "filters": filters
            if filters.errors
            else _filter_fields(filters.is_bound, eligible_only, status),
            "rows": results.result_rows(
                need_id=need.pk,
                matches=page.object_list,
                first_rank=page.start_index(),
                covered=read["coverage"],
            ),
            "querystring_without_page": _querystring_without_page(request),
            "can_edit": _user(request).agency_id == need.agency_id,
            "kept": services.matches_kept(),
            "RunStatus": RunStatus,
        },
    )


def _scoring_message(need, run, pending: bool) -> str:
    if pending:
        return "Scoring is under way."
    if run is not None and run.status == RunStatus.FAILED:
        return (
            "The latest scoring run failed. The FM QSMO has been told; the results "
            "may be out of date."
        )
    scored = need.offerings_scored
    if scored is None:
        return "The need has not been scored yet."
    return (
        f"Scoring has finished: {scored} published offering{pluralize(scored)} scored."
    )


@role_required(*READERS)
@require_GET
@never_cache
def need_results_status(request: HttpRequest, need_id: int) -> JsonResponse:
    """The scoring state of a need as JSON, polled by the results page's script."""
    status = selectors.need_scoring_status(user=request.user, need_id=need_id)
    need, run, pending = status["need"], status["run"], status["pending"]
    return JsonResponse(
        {
            "pending": pending,
            "run_status": run.status if run else None,
            "finished_at": run.finished_at.isoformat()
            if run and run.finished_at
            else None,
            "offerings_scored": need.offerings_scored,
            "message": _scoring_message(need, run, pending),
        }
    )


def _functions(match) -> list[dict]:
    """The match's stored score per function beside the capabilities the offering
    covers in each (from the current claims)."""
    covered = {
        row["function"]: row
        for row in results.coverage(
            need_id=match.need_id, offering_ids=[match.offering_id]
        )[match.offering_id]
    }
    return [
        {**entry, "coverage": covered.get(entry["function"])}
        for entry in match.breakdown
    ]


@role_required(*READERS)
@require_GET
def match_detail(request: HttpRequest, need_id: int, match_id: int) -> HttpResponse:
    match = selectors.match_get(user=request.user, need_id=need_id, match_id=match_id)
    documents = selectors.offering_documents([match.offering_id])[match.offering_id]
    explanation = selectors.match_explanation(match=match, documents=documents)
    rules = selectors.scoring_rules()
    rows = PageRows()
    return rows.render(
        request,
        "brokering/match_detail.html",
        {
            "need": match.need,
            "match": match,
            "explanation": explanation,
            "rows": rows.mark(
                table_rows(
                    "brokering/_explanation_rows.html",
                    display.explanation_rows(explanation["lines"]),
                )
            ),
            "awaiting_rows": display.awaiting_rows(explanation["awaiting"]),
            "functions": _functions(match),
            "documents": documents,
            "documents_unlinked": not may_download(request.user, match.offering),
            "weights": rules["weights"],
            "credits": rules["credits"],
            "stale": round(explanation["score"], 6) != round(match.score, 6),
            "can_edit": _user(request).agency_id == match.need.agency_id,
            "MatchStatus": MatchStatus,
        },
    )


@role_required(*WRITERS)
@require_POST
def match_shortlist(request: HttpRequest, need_id: int, match_id: int) -> HttpResponse:
    match = selectors.match_get(user=request.user, need_id=need_id, match_id=match_id)
    wanted = request.POST.get("status", "")
    if wanted not in services.AGENCY_DECISIONS:
        messages.error(request, "Choose to shortlist the offering or remove it.")
    else:
        services.match_decide(
            match_id=match.pk,
            status=wanted,
            note=request.POST.get("note", "")[:2000],
            decided_by=request.user,
        )
        messages.success(
            request,
            f"{match.offering.name} "
            + (
                "shortlisted."
                if wanted == MatchStatus.SHORTLISTED
                else "removed from the shortlist."
            ),
        )
    return redirect("brokering:match-detail", need_id=need_id, match_id=match.pk)


@role_required(*READERS)
@require_GET
def need_matrix(request: HttpRequest, need_id: int) -> HttpResponse:
    need = selectors.need_get(user=request.user, need_id=need_id)
    functions = _in_scope(selectors.need_functions(need=need))
    function_code = request.GET.get("function", "")
    if function_code not in {f.code for f in functions}:
        function_code = ""
    data = matrix_of_need(need=need, top=MATRIX_TOP, function_code=function_code)
    return render(
        request,
        "brokering/need_matrix.html",
        {
            "need": need,
            "functions": functions,
            "function_code": function_code,
            "awaiting_rows": display.awaiting_rows(data["awaiting"]),
            **data,
        },
    )


@role_required(*READERS)
@require_GET
def need_report(request: HttpRequest, need_id: int) -> HttpResponse:
    need = selectors.need_get(user=request.user, need_id=need_id)
    report = selectors.fit_gap(need=need)
    tables = display.fit_gap_rows(report["explained"])
    rows = PageRows()
    sections = [
        {
            "match": match,
            "rows": rows.mark(
                table_rows("brokering/_fit_gap_rows.html", tables[match.pk])
            ),
            "documents": report["documents"][match.offering_id],
            "documents_unlinked": not may_download(request.user, match.offering),
        }
        for match in report["matches"]
    ]
    return rows.render(
        request,
        "brokering/need_report.html",
        {
            "need": need,
            "sections": sections,
            "awaiting": report["awaiting"],
            "awaiting_rows": display.awaiting_rows(report["awaiting"]),
        },
    )


@role_required(*READERS)
@require_GET
def need_report_download(request: HttpRequest, need_id: int, fmt: str) -> HttpResponse:
    need = selectors.need_get(user=request.user, need_id=need_id)
    report = selectors.fit_gap(need=need)
    rows = reports.fit_gap_rows(
        need, report["matches"], report["explained"], report["awaiting"]
    )
    columns = reports.FIT_GAP_COLUMNS
    if fmt == "csv":
        content = reports.to_csv(columns, rows)
    elif fmt == "xlsx":
        content = reports.to_xlsx("Fit-gap", columns, rows)
    else:
        raise Http404("Unknown format.")
    return _download(content, f"need-{need.pk}-fit-gap", fmt)
