"""The agency's side of market research rounds: open a round from a need, follow
it, answer questions, read the responses beside the catalog, record the decision
and download its package. Brokers read every round and may extend or cancel one.

Rounds are scoped by :mod:`brokering.rounds.selectors`: another agency's round
answers 404.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from brokering import selectors as need_selectors
from brokering.models import MatchStatus, RoundStatus
from brokering.rounds import decisions, exports, selectors, services
from brokering.rounds.forms import (
    DecideForm,
    ExtendForm,
    ReplyForm,
    RoundOpenForm,
    end_of_day,
    round_open_from,
)
from marketplace.roles import Role, is_broker, role_required

READERS = (Role.AGENCY, Role.BROKER)
RANKED_PICK = 5


def _picked(need, offerings, pick: str) -> list[int]:
    """The offerings ticked at first: from the shortlist, the best ranked, or
    every eligible one."""
    eligible = {o.pk for o in offerings}
    if pick == "all":
        return sorted(eligible)
    matches = need_selectors.matches_for_need(need=need, eligible_only=True)
    if pick == "ranked":
        return [
            m.offering_id for m in matches[:RANKED_PICK] if m.offering_id in eligible
        ]
    shortlisted = matches.filter(
        status__in=[MatchStatus.SHORTLISTED, MatchStatus.RECOMMENDED]
    )
    return [m.offering_id for m in shortlisted if m.offering_id in eligible]


@role_required(*READERS)
@require_http_methods(["GET", "POST"])
def round_open(request: HttpRequest, need_id: int) -> HttpResponse:
    need = need_selectors.need_get(user=request.user, need_id=need_id)
    offerings = selectors.eligible_offerings(need=need)
    pick = request.GET.get("pick", "shortlist")
    form = RoundOpenForm(
        request.POST or None,
        offerings=offerings,
        initial={
            "title": f"Market research: {need.title}"[:200],
            "offerings": _picked(need, offerings, pick),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round = round_open_from(
                need=need,
                user=request.user,
                data=data,
                offering_ids=[o.pk for o in data["offerings"]],
            )
        except services.RoundError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"Round opened: {round.invitations.count()} providers invited."
            )
            return redirect("brokering:round-detail", round_id=round.pk)
    return render(
        request,
        "brokering/rounds/round_open.html",
        {
            "need": need,
            "form": form,
            "pick": pick,
            "has_offerings": bool(offerings),
            "on_behalf": is_broker(request.user),
        },
    )


@role_required(*READERS)
@require_GET
def need_rounds(request: HttpRequest, need_id: int) -> HttpResponse:
    need = need_selectors.need_get(user=request.user, need_id=need_id)
    rounds = selectors.round_list(user=request.user, need=need).select_related(
        "decision"
    )
    return render(
        request, "brokering/rounds/need_rounds.html", {"need": need, "rounds": rounds}
    )


@role_required(*READERS)
@require_GET
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    round = selectors.round_get(user=request.user, round_id=round_id)
    results = selectors.round_results(round=round)
    decision = getattr(round, "decision", None)
    return render(
        request,
        "brokering/rounds/round_detail.html",
        {
            "round": round,
            "need": round.need,
            "overview": selectors.round_overview(round=round),
            "results": results,
            "questions": selectors.round_questions(round=round),
            "reply_form": ReplyForm(),
            "extend_form": ExtendForm(),
            "decide_form": DecideForm(
                choices=[
                    (row["invitation"].offering_id, row["invitation"].offering.name)
                    for row in results
                ]
            ),
            "decision": decision,
            "may_broker": is_broker(request.user),
            "may_decide": round.status == RoundStatus.CLOSED,
        },
    )


@role_required(*READERS)
@require_GET
def round_response(
    request: HttpRequest, round_id: int, invitation_id: int
) -> HttpResponse:
    round = selectors.round_get(user=request.user, round_id=round_id)
    invitation = get_object_or_404(
        round.invitations.select_related("offering__provider"), pk=invitation_id
    )
    items = selectors.item_rows(need=round.need)
    answers = {
        a.item_id: a for a in invitation.answers.select_related("document", "evidence")
    }
    claims = selectors.catalog_claims(
        offering_ids=[invitation.offering_id], codes={i["code"] for i in items}
    )[invitation.offering_id]
    by_code = {claim["item"]: claim for claim in claims}
    rows = [
        {
            "item": item,
            "answer": answers.get(item["pk"]),
            "claim": by_code.get(item["code"]),
            "above": item["code"] in invitation.above_catalog,
        }
        for item in items
    ]
    return render(
        request,
        "brokering/rounds/round_response.html",
        {"round": round, "need": round.need, "invitation": invitation, "rows": rows},
    )


def act(request: HttpRequest, call: Callable[[], object], done: str) -> None:
    """Run a service call for a page's form and say what came of it: ``done``, or
    the service's reason for refusing."""
    try:
        call()
    except services.RoundError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)


def act_on_form(
    request: HttpRequest,
    form: Form,
    call: Callable[[dict[str, Any]], object],
    *,
    done: str,
    invalid: str,
) -> None:
    """:func:`act` with a valid form's data; ``invalid`` when the form is not."""
    if form.is_valid():
        act(request, lambda: call(form.cleaned_data), done)
    else:
        messages.error(request, invalid)


@role_required(*READERS)
@require_POST
def question_reply(
    request: HttpRequest, round_id: int, question_id: int
) -> HttpResponse:
    round = selectors.round_get(user=request.user, round_id=round_id)
    question = get_object_or_404(round.questions, pk=question_id)
    act_on_form(
        request,
        ReplyForm(request.POST),
        lambda data: services.question_reply(
            question_id=question.pk, user=request.user, text=data["text"]
        ),
        done="Answer published to every invited provider.",
        invalid="Write the answer (up to 5,000 characters).",
    )
    return redirect("brokering:round-detail", round_id=round.pk)


@role_required(Role.BROKER)
@require_POST
def round_extend(request: HttpRequest, round_id: int) -> HttpResponse:
    round = selectors.round_get(user=request.user, round_id=round_id)
    form = ExtendForm(request.POST)
    act_on_form(
        request,
        form,
        lambda data: services.round_extend(
            round_id=round.pk, due_at=end_of_day(data["due_date"])
        ),
        done="Due date moved for every invited provider.",
        invalid=" ".join(str(e) for e in form.errors.get("due_date", [])),
    )
    return redirect("brokering:round-detail", round_id=round.pk)


@role_required(Role.BROKER)
@require_POST
def round_cancel(request: HttpRequest, round_id: int) -> HttpResponse:
    round = selectors.round_get(user=request.user, round_id=round_id)
    act(request, lambda: services.round_cancel(round_id=round.pk), "Round cancelled.")
    return redirect("brokering:round-detail", round_id=round.pk)


@role_required(*READERS)
@require_POST
def round_decide(request: HttpRequest, round_id: int) -> HttpResponse:
    """The agency's decision, or a broker's on the agency's behalf."""
    round = selectors.round_get(user=request.user, round_id=round_id)
    choices = [
        (i.offering_id, i.offering.name)
        for i in selectors.round_invitations(round=round)
    ]
    act_on_form(
        request,
        DecideForm(request.POST, choices=choices),
        lambda data: decisions.round_decide(
            round_id=round.pk,
            decided_by=request.user,
            recommended=[int(pk) for pk in data["recommended"]],
            reason=data["reason"],
        ),
        done="Decision recorded; its package is frozen.",
        invalid="Give the reason for the decision.",
    )
    return redirect("brokering:round-detail", round_id=round.pk)


@role_required(*READERS)
@require_GET
def round_package(request: HttpRequest, round_id: int) -> HttpResponse:
    round = selectors.round_get(user=request.user, round_id=round_id)
    decision = getattr(round, "decision", None)
    if decision is None:
        raise Http404("No decision recorded yet.")
    response = HttpResponse(
        exports.package_zip(decision), content_type="application/zip"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="decision-package-round-{round.pk}.zip"'
    )
    return response
