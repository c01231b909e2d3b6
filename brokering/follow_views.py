"""Following a need (alerts, ``brokering.services.alerts``): agency users of the
need's agency only; another agency's need answers 404, as everywhere."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from brokering import selectors
from brokering.services.alerts import FollowRefused, need_follow, need_unfollow
from marketplace.roles import Role, role_required


@role_required(Role.AGENCY)
@require_POST
def need_follow_view(request: HttpRequest, need_id: int) -> HttpResponse:
    need = selectors.need_get(user=request.user, need_id=need_id)
    try:
        need_follow(user=request.user, need=need)
    except FollowRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            "You follow this need: you will be alerted when an offering enters its "
            "top 10 or becomes eligible with no must-have gap.",
        )
    return redirect("brokering:need-detail", need_id=need.pk)


@role_required(Role.AGENCY)
@require_POST
def need_unfollow_view(request: HttpRequest, need_id: int) -> HttpResponse:
    need = selectors.need_get(user=request.user, need_id=need_id)
    need_unfollow(user=request.user, need=need)
    messages.success(request, "You no longer follow this need.")
    return redirect("brokering:need-detail", need_id=need.pk)
