"""Public pages of the standards: readable without JavaScript, filters in the URL."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from marketplace.roles import public
from standards import selectors
from standards.exporters import FORMATS, export_release
from standards.forms import (
    CapabilityFilterForm,
    DataElementFilterForm,
    DiffForm,
    ServiceMeasureFilterForm,
)
from standards.models import Function, StandardsRelease

PAGE_SIZE = 25


def _no_nul(value: str) -> str:
    """A NUL in a URL segment can name no release or ID (PostgreSQL refuses it)."""
    if "\x00" in value:
        raise Http404("No such standards page.")
    return value


def _release_or_404(name: str) -> StandardsRelease:
    release = selectors.release_get(_no_nul(name))
    if release is None:
        raise Http404("No such standards release.")
    return release


def _page(request: HttpRequest, items) -> dict:
    page_obj = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {"page_obj": page_obj, "querystring_without_page": query.urlencode()}


@public
@require_GET
def release_list(request: HttpRequest) -> HttpResponse:
    releases = list(selectors.release_list())
    return render(
        request,
        "standards/release_list.html",
        {"releases": releases, "diff_form": DiffForm()},
    )


@public
@require_GET
def release_detail(request: HttpRequest, name: str) -> HttpResponse:
    release = _release_or_404(name)
    return render(
        request,
        "standards/release_detail.html",
        {
            "release": release,
            "functions": selectors.function_list(release),
            "formats": FORMATS,
        },
    )


@public
@require_GET
def activity_detail(request: HttpRequest, name: str, code: str) -> HttpResponse:
    release = _release_or_404(name)
    activity = selectors.activity_get(release, _no_nul(code))
    if activity is None:
        raise Http404("No such activity in this release.")
    return render(
        request,
        "standards/activity_detail.html",
        {
            "release": release,
            "activity": activity,
            "crumbs": [(activity.code, None)],
        },
    )


def _filtered_list(
    request: HttpRequest, release, form, select, template: str, label: str, **extra
) -> HttpResponse:
    """A paginated list narrowed by a filter form: ``select(**cleaned_data)`` gives the
    rows; a form that does not validate shows its errors over an empty list (400)."""
    if form.is_valid():
        items, status = select(**form.cleaned_data), 200
    else:
        items, status = select().none(), 400
    return render(
        request,
        template,
        {
            "release": release,
            "form": form,
            "filtered": any(request.GET.get(k) for k in form.fields),
            "crumbs": [(label, None)],
            **extra,
            **_page(request, items),
        },
        status=status,
    )


@public
@require_GET
def capability_list(request: HttpRequest, name: str) -> HttpResponse:
    release = _release_or_404(name)
    form = CapabilityFilterForm(
        request.GET,
        functions=Function.objects.filter(release=release).order_by("code"),
        activities=selectors.activity_list(release),
    )

    def select(function="", activity="", kind="", q=""):
        return selectors.capability_list(
            release, function_code=function, activity_code=activity, kind=kind, query=q
        )

    return _filtered_list(
        request,
        release,
        form,
        select,
        "standards/capability_list.html",
        "Capabilities",
        full_text=selectors.uses_full_text_search(),
    )


@public
@require_GET
def capability_detail(request: HttpRequest, name: str, code: str) -> HttpResponse:
    release = _release_or_404(name)
    capability = selectors.capability_get(release, _no_nul(code))
    if capability is None:
        raise Http404("No such capability in this release.")
    return render(
        request,
        "standards/capability_detail.html",
        {
            "release": release,
            "capability": capability,
            "versions": selectors.capability_versions(code),
            "crumbs": [
                (
                    capability.activity.code,
                    reverse(
                        "standards:activity-detail",
                        kwargs={"name": release.name, "code": capability.activity.code},
                    ),
                ),
                (capability.code, None),
            ],
        },
    )


@public
@require_GET
def service_measure_list(request: HttpRequest, name: str) -> HttpResponse:
    release = _release_or_404(name)
    form = ServiceMeasureFilterForm(
        request.GET, facets=selectors.service_measure_facets(release)
    )

    def select(function="", category="", type="", q=""):
        return selectors.service_measure_list(
            release,
            function_code=function,
            category=category,
            measure_type=type,
            query=q,
        )

    return _filtered_list(
        request,
        release,
        form,
        select,
        "standards/service_measure_list.html",
        "Service measures",
    )


@public
@require_GET
def data_element_list(request: HttpRequest, name: str) -> HttpResponse:
    release = _release_or_404(name)
    form = DataElementFilterForm(request.GET)

    def select(q=""):
        return selectors.data_element_list(release, query=q)

    return _filtered_list(
        request,
        release,
        form,
        select,
        "standards/data_element_list.html",
        "Data elements",
    )


@public
@require_GET
def release_diff(request: HttpRequest) -> HttpResponse:
    form = DiffForm(request.GET or None)
    diff = None
    status = 200
    if request.GET:
        if form.is_valid():
            diff = selectors.release_diff(
                form.cleaned_data["old"], form.cleaned_data["new"]
            )
        else:
            status = 400
    return render(
        request,
        "standards/release_diff.html",
        {"form": form, "diff": diff, "crumbs": [("Compare releases", None)]},
        status=status,
    )


@public
@require_GET
def release_export(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404("No such export format.")
    release = _release_or_404(name)
    content_type, extension = FORMATS[fmt]
    response = HttpResponse(export_release(release, fmt), content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="standards-{release.name}.{extension}"'
    )
    return response
