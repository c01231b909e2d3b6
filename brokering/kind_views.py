"""The need wizard's steps for the other kinds of standards item: service measures,
information exchanges and pre-built reports, one function at a time, with the same
"set every item of this function" control as the capabilities' priorities."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from brokering import selectors
from brokering.forms import KindItemsForm
from brokering.models import ItemKind, NeedItem
from brokering.services.items import need_set_kind_items
from brokering.views import WRITERS, _editable_need, _steps
from marketplace.roles import role_required
from standards.items import release_items

KINDS = {
    "measures": ItemKind.MEASURE,
    "exchanges": ItemKind.EXCHANGE,
    "reports": ItemKind.REPORT,
}
ALL_FUNCTIONS = "all"


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def need_kind_items(request: HttpRequest, need_id: int, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404("No such kind of item.")
    need, refused = _editable_need(request, need_id)
    if refused:
        return refused
    item_kind = KINDS[kind]
    refs = [r for r in release_items(need.release_id) if r.kind == item_kind]
    codes = sorted({r.function or ALL_FUNCTIONS for r in refs})
    chosen = request.GET.get("function", codes[0] if codes else ALL_FUNCTIONS)
    if codes and chosen not in codes:
        chosen = codes[0]
    shown = [r for r in refs if (r.function or ALL_FUNCTIONS) == chosen]
    field = {"measure": "service_measure"}.get(item_kind, item_kind)
    items = {
        getattr(item, f"{field}_id"): item
        for item in NeedItem.objects.filter(need=need, kind=item_kind)
    }
    form = KindItemsForm(
        request.POST or None,
        refs=shown,
        items=items,
        with_target=item_kind == ItemKind.MEASURE,
    )
    if request.method == "POST" and form.is_valid():
        added, changed, removed = need_set_kind_items(
            need_id=need.pk,
            kind=item_kind,
            priorities=form.priorities(),
            targets=form.targets(),
        )
        messages.success(
            request,
            f"{ItemKind(item_kind).label}s of {chosen} saved: {added} added, "
            f"{changed} changed, {removed} removed.",
        )
        if "review" in request.POST:
            return redirect("brokering:need-review", need_id=need.pk)
        following = codes.index(chosen) + 1 if chosen in codes else len(codes)
        here = reverse(
            "brokering:need-kind-items", kwargs={"need_id": need.pk, "kind": kind}
        )
        if following < len(codes):
            return redirect(f"{here}?function={codes[following]}")
        kinds = list(KINDS)
        if kinds.index(kind) + 1 < len(kinds):
            return redirect(
                "brokering:need-kind-items",
                need_id=need.pk,
                kind=kinds[kinds.index(kind) + 1],
            )
        return redirect("brokering:need-review", need_id=need.pk)
    return render(
        request,
        "brokering/need_kind_items.html",
        {
            "form": form,
            "kind": kind,
            "kind_label": ItemKind(item_kind).label,
            "kinds": [(slug, ItemKind(k).label) for slug, k in KINDS.items()],
            "functions": codes,
            "function": chosen,
            "all_functions": ALL_FUNCTIONS,
            "rules": selectors.scoring_rules(),
            **_steps(need, 3),
        },
    )
