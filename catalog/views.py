"""Pages of the public catalog: search, offering pages, comparison, shortlists.

Views parse input, call a selector or a service and answer. Bad query parameters get
the page back with the problem named at its field (status 400), never a server error.
"""

import functools
from typing import cast
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalog import charts, display, exports, freshness, selectors, services
from catalog import forms as catalog_forms
from catalog.documents import may_download
from catalog.forms import (
    SORT_CHOICES,
    PageForm,
    ShortlistAddForm,
    ShortlistForm,
)
from catalog.models import OfferingStatus
from catalog.selectors.compare import MAX_COMPARE, MIN_COMPARE
from catalog.selectors.coverage import market_coverage
from catalog.selectors.item_claims import offering_item_tables
from catalog.templatetags.claim_levels import LEVEL_COLOURS, LEVEL_LEGEND
from marketplace.pagecache import cached_for_visitors
from marketplace.roles import Role, is_signed_in, public, role_required
from marketplace.spreadsheets import csv_attachment
from marketplace.table_rows import table_rows

PAGE_SIZE = 20


def _query_without(query: QueryDict, name: str, value: str | None = None) -> str:
    """The query string without parameter ``name`` (or only its ``value``)."""
    pairs = [
        (key, item)
        for key in query
        for item in query.getlist(key)
        if key != "page" and not (key == name and (value is None or item == value))
    ]
    return urlencode(pairs)


def _query_string(query: QueryDict, *, drop: tuple[str, ...] = ("page",)) -> str:
    return urlencode([(k, v) for k in query for v in query.getlist(k) if k not in drop])


@public
@require_GET
@cached_for_visitors("catalog")
def offering_list(request: HttpRequest) -> HttpResponse:
    context = {"sort_choices": SORT_CHOICES, "page_size": PAGE_SIZE}
    page_form = PageForm(request.GET)
    try:
        search = catalog_forms.offering_search(request.GET)
    except selectors.SearchParamsError as error:
        return render(
            request,
            "catalog/offering_list.html",
            {
                **context,
                "q": request.GET.get("q", "")[:200],
                "bad_params": _bad_params(request, error),
            },
            status=400,
        )
    context.update(
        search=search,
        facet_fieldsets=display.facet_fieldsets(search.facets),
        q=search.params["q"],
        sort=search.params["sort"],
        selected_filters=_selected_filters(request, search),
        querystring_without_page=_query_string(request.GET),
    )
    if not page_form.is_valid():
        context["bad_params"] = _bad_params(
            request, selectors.SearchParamsError(page_form.errors)
        )
        return render(request, "catalog/offering_list.html", context, status=400)
    # Asked with its facets, a search has its listing.
    paginator = Paginator(cast(selectors.Listing, search.listing), PAGE_SIZE)
    paginator.count = search.total or 0  # counted with the facets: no second count
    number = page_form.cleaned_data["page"] or 1
    if number > paginator.num_pages:
        context["missing_page"] = {
            "number": number,
            "last": paginator.num_pages,
            "last_query": _query_string(request.GET),
        }
        return render(request, "catalog/offering_list.html", context, status=404)
    page = context["page_obj"] = paginator.page(number)
    context["result_items"] = display.result_items(page.object_list)
    return render(request, "catalog/offering_list.html", context)


def _bad_params(request: HttpRequest, error: selectors.SearchParamsError) -> list:
    return [
        {
            "name": name,
            "messages": messages_,
            "without": _query_without(request.GET, name),
        }
        for name, messages_ in error.errors.items()
    ]


def _selected_filters(request: HttpRequest, search: selectors.OfferingSearch) -> list:
    chips = []
    for facet in search.facets:
        for value in facet.selected:
            chips.append(
                {
                    "facet": facet.label,
                    "label": value.label,
                    "without": _query_without(request.GET, facet.name, value.value),
                }
            )
    return chips


@functools.lru_cache(maxsize=256)
def _claim_filter_fields(
    functions: tuple[tuple[str, str], ...], function: str, level: str
) -> tuple[str, str]:
    """The claims filter's two fields as HTML for a valid choice: the same few
    for every offering page of a release (a select's options rendered through the
    form renderer's templates were a fifth of a cold offering page), so made once
    per release's functions and choice."""
    form = catalog_forms.ClaimFilterForm(
        {"function": function, "level": level}, functions=list(functions)
    )
    form.is_valid()
    return form["function"].as_field_group(), form["level"].as_field_group()


@public
@require_GET
@cached_for_visitors("catalog")
def offering_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One published offering: its attributes, its coverage per function and its
    claims table, filtered by function and level and paged (all in the URL)."""
    offering = selectors.offering_get(slug, vehicles=False)
    if offering is None:
        raise Http404("No published offering has this address.")
    functions = selectors.release_functions(offering.release_id)
    filter_form = catalog_forms.claim_filter_form(
        offering, request.GET, functions=functions
    )
    page_form = PageForm(request.GET)
    status = 200
    function = level = ""
    filter_fields = None
    if filter_form.is_valid():
        function = filter_form.cleaned_data["function"]
        level = filter_form.cleaned_data["level"]
        filter_fields = _claim_filter_fields(
            tuple((f.code, f"{f.code} {f.name}") for f in functions), function, level
        )
    else:
        status = 400
    documents = selectors.offering_documents(offering.pk)
    evidence_expires_on = freshness.earliest_expiry(documents)
    claims = selectors.offering_claims(
        offering,
        function=function,
        level=level,
        functions=functions,
        evidence_expires_on=evidence_expires_on,
    )
    context = {
        "offering": offering,
        "vehicle_names": selectors.offering_vehicle_names(offering.pk),
        "claims": claims,
        "coverage_rows": table_rows(
            "catalog/_coverage_rows.html", claims.coverage, colours=LEVEL_COLOURS
        ),
        "documents": documents,
        "evidence_expires_on": evidence_expires_on,
        "stale_after_days": freshness.stale_after_days(),
        "evidence_unlinked": not may_download(request.user, offering),
        "filter_form": filter_form,
        "filter_fields": filter_fields,
        "filtered": bool(function or level),
        "level_legend": LEVEL_LEGEND,
        "querystring_without_page": _query_string(request.GET),
        "item_sections": [
            {
                "section": section,
                "rows": table_rows("catalog/_item_claim_rows.html", section.rows),
            }
            for section in offering_item_tables(
                offering, evidence_expires_on=evidence_expires_on
            )
        ],
    }
    if is_signed_in(request.user):
        context["shortlist_form"] = ShortlistAddForm(
            initial={"offering": offering.slug},
            shortlists=selectors.shortlists_for(request.user),
        )
    paginator = Paginator(claims.display_rows, selectors.CLAIMS_PAGE_SIZE)
    if not page_form.is_valid():
        context["page_errors"] = page_form.errors["page"]
        status = 400
    elif (page_form.cleaned_data["page"] or 1) > paginator.num_pages:
        context["missing_page"] = {
            "number": page_form.cleaned_data["page"],
            "last": paginator.num_pages,
        }
        status = 404
    elif status == 200:
        page_obj = paginator.page(page_form.cleaned_data["page"] or 1)
        context["page_obj"] = page_obj
        context["claim_rows"] = table_rows(
            "catalog/_claim_rows.html", list(page_obj.object_list)
        )
    return render(request, "catalog/offering_detail.html", context, status=status)


def _coverage_and_form(request: HttpRequest, every: bool = True):
    picture = market_coverage()
    functions = (
        [(f.code, f"{f.code} {f.name}") for f in picture.functions] if picture else []
    )
    form = catalog_forms.CoverageForm(request.GET, functions=functions, every=every)
    return picture, form


@public
@require_GET
@cached_for_visitors("catalog")
def coverage(request: HttpRequest) -> HttpResponse:
    """The market picture: how the published offerings cover every FIBF function and
    capability of the current release, charted with their tables and CSV files:
    the capabilities of one function at a time (the first by default), every
    capability in the CSV download."""
    picture, form = _coverage_and_form(request, every=False)
    context: dict = {"picture": picture, "form": form}
    status = 200
    function = ""
    if not form.is_valid():
        status = 400
    else:
        function = form.cleaned_data["function"]
    if picture is not None:
        if not function and picture.functions:
            function = picture.functions[0].code
        context.update(
            functions_chart=charts.functions_chart(picture),
            capabilities_chart=charts.capabilities_chart(picture, function),
            function=function,
        )
    return render(request, "catalog/coverage.html", context, status=status)


@public
@require_GET
def coverage_csv(request: HttpRequest, table: str) -> HttpResponse:
    picture, form = _coverage_and_form(request)
    if table not in charts.COVERAGE_TABLES or picture is None or not form.is_valid():
        raise Http404("No such table of the market picture.")
    if table == "functions":
        rows = charts.functions_chart(picture).csv_rows()
    elif table == "capabilities":
        function = form.cleaned_data["function"]
        rows = charts.capabilities_chart(picture, function).csv_rows()
    else:
        rows = charts.unmet_rows(picture)
    return csv_attachment(rows, f"market-coverage-{table}.csv")


def _compare_picker(request: HttpRequest, form) -> dict:
    """The picker's context: the valid choices so far (kept ticked) and a page of
    other published offerings to add, found by ``q`` (every one by name without)."""
    chosen = list(form.fields["offering"].choices)
    q = " ".join(request.GET.get("q", "").split())[:200]
    chosen_slugs = [slug for slug, _ in chosen]
    q_errors = []
    try:
        candidates = catalog_forms.compare_candidates(q, chosen=chosen_slugs)
    except selectors.SearchParamsError as error:
        q_errors = [m for messages_ in error.errors.values() for m in messages_]
        q = ""
        candidates = catalog_forms.compare_candidates(q, chosen=chosen_slugs)
    page_form = PageForm(request.GET)
    number = page_form.cleaned_data["page"] if page_form.is_valid() else 1
    page_obj = Paginator(candidates, selectors.COMPARE_PICKER_PAGE_SIZE).get_page(
        number
    )
    pairs = [(k, v) for k in request.GET for v in request.GET.getlist(k)]
    pairs = [(k, v) for k, v in pairs if k not in ("page", "find")]
    return {
        "chosen": chosen,
        "picker_q": q,
        "picker_q_errors": q_errors,
        "page_obj": page_obj,
        "querystring_without_page": urlencode([*pairs, ("find", "1")]),
    }


def _render_compare(request: HttpRequest, form, *, comparison=None, status=200):
    slugs = form.cleaned_data.get("offering", []) if form.is_bound else []
    base = reverse("catalog:compare")
    remove_links = {}
    context = {
        "form": form,
        "comparison": comparison,
        "only_differences": bool(form.is_bound and form.cleaned_data.get("diff")),
        "export_query": _query_string(request.GET),
        "min_compare": MIN_COMPARE,
        "max_compare": MAX_COMPARE,
    }
    if comparison is None:
        context.update(_compare_picker(request, form))
    else:
        for offering in comparison.offerings:
            remaining = [s for s in slugs if s != offering.slug]
            remove_links[offering.slug] = (
                f"{base}?{urlencode([('offering', s) for s in remaining])}"
            )
        context["columns"] = [
            (offering, remove_links[offering.slug]) for offering in comparison.offerings
        ]
    return render(request, "catalog/compare.html", context, status=status)


def _comparison_or_page(request: HttpRequest):
    """``(comparison, None)`` or ``(None, response)``: the picker for no choice or
    while finding offerings (``find``), the picker with the reason for a bad or
    short pick."""
    form = catalog_forms.compare_form(request.GET)
    if not form.is_valid():
        return None, _render_compare(request, form, status=400)
    slugs = form.cleaned_data["offering"]
    if not slugs or "find" in request.GET:
        return None, _render_compare(request, form)
    try:
        comparison = selectors.compare_offerings(
            slugs, only_differences=form.cleaned_data["diff"]
        )
    except selectors.SearchParamsError as error:
        for message in error.errors["offering"]:
            form.add_error("offering", message)
        return None, _render_compare(request, form, status=400)
    return (comparison, form), None


@public
@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    result, response = _comparison_or_page(request)
    if response is not None:
        return response
    comparison, form = result
    return _render_compare(request, form, comparison=comparison)


@public
@require_GET
def compare_csv(request: HttpRequest) -> HttpResponse:
    result, response = _comparison_or_page(request)
    if response is not None:
        return response
    comparison, _ = result
    answer = HttpResponse(
        exports.comparison_csv(comparison), content_type="text/csv; charset=utf-8"
    )
    answer["Content-Disposition"] = 'attachment; filename="offering-comparison.csv"'
    return answer


@public
@require_GET
def compare_xlsx(request: HttpRequest) -> HttpResponse:
    result, response = _comparison_or_page(request)
    if response is not None:
        return response
    comparison, _ = result
    answer = HttpResponse(
        exports.comparison_xlsx(comparison),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    answer["Content-Disposition"] = 'attachment; filename="offering-comparison.xlsx"'
    return answer


# Shortlists -----------------------------------------------------------------------


@role_required(Role.AGENCY, Role.PROVIDER, Role.BROKER)
@require_http_methods(["GET", "POST"])
def shortlist_list(request: HttpRequest) -> HttpResponse:
    form = ShortlistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        shortlist = services.shortlist_create(
            user=request.user, name=form.cleaned_data["name"]
        )
        messages.success(request, f"Shortlist “{shortlist.name}” created.")
        return redirect("catalog:shortlist-detail", public_id=shortlist.public_id)
    return render(
        request,
        "catalog/shortlist_list.html",
        {"shortlists": selectors.shortlists_for(request.user), "form": form},
        status=400 if form.errors else 200,
    )


@role_required(Role.AGENCY, Role.PROVIDER, Role.BROKER)
@require_http_methods(["GET", "POST"])
def shortlist_detail(request: HttpRequest, public_id) -> HttpResponse:
    shortlist = get_object_or_404(
        selectors.shortlists_for(request.user), public_id=public_id
    )
    form = ShortlistForm(request.POST or None, initial={"name": shortlist.name})
    if request.method == "POST" and form.is_valid():
        services.shortlist_rename(shortlist=shortlist, name=form.cleaned_data["name"])
        messages.success(request, "Shortlist renamed.")
        return redirect("catalog:shortlist-detail", public_id=shortlist.public_id)
    entries = list(selectors.shortlist_entries(shortlist))
    published = [
        e.offering.slug
        for e in entries
        if e.offering.status == OfferingStatus.PUBLISHED
    ]
    compare_query = urlencode([("offering", slug) for slug in published])
    return render(
        request,
        "catalog/shortlist_detail.html",
        {
            "shortlist": shortlist,
            "entries": entries,
            "form": form,
            "compare_query": compare_query,
            "can_compare": MIN_COMPARE <= len(published) <= MAX_COMPARE,
            "max_compare": MAX_COMPARE,
        },
        status=400 if form.errors else 200,
    )


@role_required(Role.AGENCY, Role.PROVIDER, Role.BROKER)
@require_POST
def shortlist_add(request: HttpRequest) -> HttpResponse:
    shortlists = selectors.shortlists_for(request.user)
    form = ShortlistAddForm(request.POST, shortlists=shortlists)
    if not form.is_valid():
        slug = request.POST.get("offering", "")
        offering = selectors.offering_get(slug) if slug else None
        if offering is None:
            raise Http404("No published offering has this address.")
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("catalog:offering-detail", slug=offering.slug)
    offering = selectors.offering_get(form.cleaned_data["offering"])
    if offering is None:
        raise Http404("No published offering has this address.")
    if form.cleaned_data["shortlist"]:
        shortlist = get_object_or_404(
            shortlists, public_id=form.cleaned_data["shortlist"]
        )
    else:
        shortlist = services.shortlist_create(
            user=request.user, name=form.cleaned_data["new_name"]
        )
    added = services.shortlist_add(
        shortlist=shortlist, offering=offering, user=request.user
    )
    if added:
        messages.success(request, f"Added {offering.name} to “{shortlist.name}”.")
    else:
        messages.info(request, f"{offering.name} is already on “{shortlist.name}”.")
    return redirect("catalog:shortlist-detail", public_id=shortlist.public_id)


@role_required(Role.AGENCY, Role.PROVIDER, Role.BROKER)
@require_POST
def shortlist_remove(request: HttpRequest, public_id) -> HttpResponse:
    shortlist = get_object_or_404(
        selectors.shortlists_for(request.user), public_id=public_id
    )
    entry = get_object_or_404(
        shortlist.entries.select_related("offering"),
        offering__slug=request.POST.get("offering", ""),
    )
    services.shortlist_remove(shortlist=shortlist, offering=entry.offering)
    messages.success(request, f"Removed {entry.offering.name} from the shortlist.")
    return redirect("catalog:shortlist-detail", public_id=shortlist.public_id)


@role_required(Role.AGENCY, Role.PROVIDER, Role.BROKER)
@require_POST
def shortlist_delete(request: HttpRequest, public_id) -> HttpResponse:
    shortlist = get_object_or_404(
        selectors.shortlists_for(request.user), public_id=public_id
    )
    name = shortlist.name
    services.shortlist_delete(shortlist=shortlist)
    messages.success(request, f"Shortlist “{name}” deleted.")
    return redirect("catalog:shortlist-list")


# Saved searches ------------------------------------------------------------------


@role_required(Role.AGENCY, Role.PROVIDER, Role.BROKER)
@require_http_methods(["GET", "POST"])
def saved_search_list(request: HttpRequest) -> HttpResponse:
    """The user's saved searches; POST saves the catalog page's current search."""
    form = catalog_forms.SaveSearchForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                search = services.saved_search_create(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    query=form.cleaned_data["query"],
                )
            except services.SearchRefused as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    f"Search “{search.name}” saved: you will be alerted of new "
                    "offerings that match it.",
                )
                return redirect("catalog:saved-search-list")
        else:
            for messages_ in form.errors.values():
                for message in messages_:
                    messages.error(request, str(message))
    return render(
        request,
        "catalog/saved_search_list.html",
        {"searches": selectors.saved_searches_for(request.user)},
    )


@role_required(Role.AGENCY, Role.PROVIDER, Role.BROKER)
@require_POST
def saved_search_delete(request: HttpRequest, pk: int) -> HttpResponse:
    search = get_object_or_404(selectors.saved_searches_for(request.user), pk=pk)
    services.saved_search_delete(search=search)
    messages.success(request, f"Search “{search.name}” deleted.")
    return redirect("catalog:saved-search-list")
