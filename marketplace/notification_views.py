"""The signed-in user's alerts: ``/notifications/`` lists them, marks them read and
keeps the choice of immediate or daily-digest e-mail (``marketplace.notifications``).
Every signed-in role may use it; each user sees only their own alerts."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from marketplace import notifications
from marketplace.models import Delivery
from marketplace.roles import Role, role_required

PAGE_SIZE = 50
MAX_IDS = 200


class DeliveryForm(forms.Form):
    delivery = forms.ChoiceField(
        label="Alert e-mails",
        choices=Delivery.choices,
        widget=forms.RadioSelect,
    )


def _ids(values: list[str]) -> list[int] | None:
    """Alert ids from the form, or ``None`` when one cannot be an id."""
    if len(values) > MAX_IDS or not all(v.isdigit() and len(v) < 12 for v in values):
        return None
    return [int(v) for v in values]


@role_required(Role.AGENCY, Role.PROVIDER, Role.BROKER)
@require_http_methods(["GET", "POST"])
def notification_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        if "delivery" in request.POST:
            form = DeliveryForm(request.POST)
            if form.is_valid():
                notifications.notification_delivery_set(
                    user=user, delivery=form.cleaned_data["delivery"]
                )
                messages.success(request, "Your choice of alert e-mails is saved.")
                return redirect("marketplace:notifications")
        elif "mark_all" in request.POST:
            changed = notifications.notifications_mark_read(user=user)
            messages.success(request, f"{changed} alert(s) marked read.")
            return redirect("marketplace:notifications")
        else:
            ids = _ids(request.POST.getlist("notification"))
            if ids is None:
                messages.error(request, "Choose alerts from the list.")
            else:
                # Only the user's own alerts change, whatever ids were sent.
                changed = notifications.notifications_mark_read(user=user, ids=ids)
                messages.success(request, f"{changed} alert(s) marked read.")
            return redirect("marketplace:notifications")
    page = Paginator(notifications.notifications_for(user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "marketplace/notifications.html",
        {
            "page_obj": page,
            "delivery_form": DeliveryForm(
                initial={"delivery": user.notification_delivery}  # type: ignore[union-attr]
            ),
        },
    )
