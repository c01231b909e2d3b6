"""Public pages of the reference index, information exchanges, pre-built reports,
data elements and change log of a release (readable without JavaScript)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from marketplace.roles import public
from standards import selectors
from standards.forms import ReferenceFilterForm, SearchForm
from standards.views import _filtered_list, _no_nul, _release_or_404


def _crumb(label: str, view: str, release) -> tuple[str, str]:
    return label, reverse(f"standards:{view}", kwargs={"name": release.name})


def _item_page(request, release, item, *, kind: str, template: str, parent, title):
    """An item's page, or 404 naming what is missing; ``parent`` is the list page
    crumb (label, view) and ``title(item)`` the item's crumb."""
    if item is None:
        raise Http404(f"No such {kind} in this release.")
    crumbs = [_crumb(*parent, release)] if parent else []
    return render(
        request,
        f"standards/{template}.html",
        {
            "release": release,
            template.removesuffix("_detail"): item,
            "crumbs": [*crumbs, (title(item), None)],
        },
    )


@public
@require_GET
def reference_list(request: HttpRequest, name: str) -> HttpResponse:
    release = _release_or_404(name)

    def select(q="", type=""):
        return selectors.reference_list(release, query=q, kind=type)

    return _filtered_list(
        request,
        release,
        ReferenceFilterForm(request.GET),
        select,
        "standards/reference_list.html",
        "References",
    )


@public
@require_GET
def reference_detail(request: HttpRequest, name: str, number: int) -> HttpResponse:
    release = _release_or_404(name)
    return _item_page(
        request,
        release,
        selectors.reference_get(release, number),
        kind="reference",
        template="reference_detail",
        parent=("References", "reference-list"),
        title=lambda item: item.code,
    )


@public
@require_GET
def exchange_list(request: HttpRequest, name: str) -> HttpResponse:
    release = _release_or_404(name)

    def select(q=""):
        return selectors.exchange_list(release, query=q)

    return _filtered_list(
        request,
        release,
        SearchForm(request.GET),
        select,
        "standards/exchange_list.html",
        "Information exchanges",
        specifications=selectors.specification_list(release),
        lone_systems=selectors.systems_without_exchanges(release),
    )


@public
@require_GET
def exchange_detail(request: HttpRequest, name: str, position: int) -> HttpResponse:
    release = _release_or_404(name)
    return _item_page(
        request,
        release,
        selectors.exchange_get(release, position),
        kind="exchange",
        template="exchange_detail",
        parent=("Information exchanges", "exchange-list"),
        title=lambda item: item.system.name,
    )


@public
@require_GET
def specification_detail(
    request: HttpRequest, name: str, position: int
) -> HttpResponse:
    release = _release_or_404(name)
    return _item_page(
        request,
        release,
        selectors.specification_get(release, position),
        kind="specification",
        template="specification_detail",
        parent=("Information exchanges", "exchange-list"),
        title=lambda item: item.name,
    )


@public
@require_GET
def report_list(request: HttpRequest, name: str) -> HttpResponse:
    release = _release_or_404(name)

    def select(q=""):
        return selectors.report_list(release, query=q)

    return _filtered_list(
        request,
        release,
        SearchForm(request.GET),
        select,
        "standards/report_list.html",
        "Pre-built reports",
    )


@public
@require_GET
def report_detail(request: HttpRequest, name: str, position: int) -> HttpResponse:
    release = _release_or_404(name)
    return _item_page(
        request,
        release,
        selectors.report_get(release, position),
        kind="report",
        template="report_detail",
        parent=("Pre-built reports", "report-list"),
        title=lambda item: item.name,
    )


@public
@require_GET
def data_element_detail(request: HttpRequest, name: str, label: str) -> HttpResponse:
    release = _release_or_404(name)
    return _item_page(
        request,
        release,
        selectors.data_element_get(release, _no_nul(label)),
        kind="data element",
        template="data_element_detail",
        parent=("Data elements", "data-element-list"),
        title=lambda item: item.label,
    )


@public
@require_GET
def change_log(request: HttpRequest, name: str) -> HttpResponse:
    release = _release_or_404(name)
    return render(
        request,
        "standards/change_log.html",
        {
            "release": release,
            "entries": selectors.change_log(release),
            "crumbs": [("Change log", None)],
        },
    )
