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


def _release_or_404(name: str) -> StandardsRelease:
    release = selectors.release_get(name)
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
    activity = selectors.activity_get(release, code)
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


@public
@require_GET
def capability_list(request: HttpRequest, name: str) -> HttpResponse:
    release = _release_or_404(name)
    form = CapabilityFilterForm(
        request.GET,
        functions=Function.objects.filter(release=release).order_by("code"),
        activities=selectors.activity_list(release),
    )
    status = 200
    if form.is_valid():
        capabilities = selectors.capability_list(
            release,
            function_code=form.cleaned_data["function"],
            activity_code=form.cleaned_data["activity"],
            kind=form.cleaned_data["kind"],
            query=form.cleaned_data["q"],
        )
    else:
        capabilities = selectors.capability_list(release).none()
        status = 400
    return render(
        request,
        "standards/capability_list.html",
        {
            "release": release,
            "form": form,
            "filtered": any(request.GET.get(k) for k in form.fields),
            "full_text": selectors.uses_full_text_search(),
            "crumbs": [("Capabilities", None)],
            **_page(request, capabilities),
        },
        status=status,
    )


@public
@require_GET
def capability_detail(request: HttpRequest, name: str, code: str) -> HttpResponse:
    release = _release_or_404(name)
    capability = selectors.capability_get(release, code)
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
    status = 200
    if form.is_valid():
        measures = selectors.service_measure_list(
            release,
            function_code=form.cleaned_data["function"],
            category=form.cleaned_data["category"],
            measure_type=form.cleaned_data["type"],
            query=form.cleaned_data["q"],
        )
    else:
        measures = selectors.service_measure_list(release).none()
        status = 400
    return render(
        request,
        "standards/service_measure_list.html",
        {
            "release": release,
            "form": form,
            "filtered": any(request.GET.get(k) for k in form.fields),
            "crumbs": [("Service measures", None)],
            **_page(request, measures),
        },
        status=status,
    )


@public
@require_GET
def data_element_list(request: HttpRequest, name: str) -> HttpResponse:
    release = _release_or_404(name)
    form = DataElementFilterForm(request.GET)
    status = 200
    if form.is_valid():
        elements = selectors.data_element_list(release, query=form.cleaned_data["q"])
    else:
        elements = selectors.data_element_list(release).none()
        status = 400
    return render(
        request,
        "standards/data_element_list.html",
        {
            "release": release,
            "form": form,
            "filtered": bool(request.GET.get("q")),
            "crumbs": [("Data elements", None)],
            **_page(request, elements),
        },
        status=status,
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
