"""The provider's side of market research rounds (``/provider/requests/``): the
requests its offerings were invited to, the response form (drafts saved at any
step, submitted before the due date, locked after it) and questions.

Provider users only; a request of another provider answers 404
(:func:`brokering.rounds.selectors.invitation_get`).
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)

from brokering.forms import WorkbookUploadForm
from brokering.rounds import selectors, services, workbook
from brokering.rounds.forms import QuestionForm, ResponseForm
from brokering.rounds.views import act_on_form
from brokering.views import _download
from brokering.workbook import WorkbookError
from marketplace.roles import Role, role_required


@role_required(Role.PROVIDER)
def request_list(request: HttpRequest) -> HttpResponse:
    invitations = list(selectors.invitations_for_provider(user=request.user))
    rows = [
        {"invitation": i, "agency": selectors.agency_shown(round=i.round)}
        for i in invitations
    ]
    return render(request, "brokering/rounds/request_list.html", {"rows": rows})


@role_required(Role.PROVIDER)
@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = selectors.invitation_get(
        user=request.user, invitation_id=invitation_id
    )
    round = invitation.round
    items = selectors.item_rows(need=round.need)
    documents = list(selectors.offering_documents(offering_id=invitation.offering_id))
    is_open = selectors.accepts_responses(round=round)
    form = ResponseForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        # A bound form shows what was posted: the initial values (the saved
        # response and the catalog claims) are read for a GET only.
        initial=selectors.response_initial(invitation=invitation, items=items)
        if request.method != "POST"
        else None,
        items=items,
        documents=documents,
    )
    if request.method == "POST":
        if not is_open:
            messages.error(request, "The round is closed: responses are locked.")
            return redirect("requests:request-detail", invitation_id=invitation.pk)
        if form.is_valid():
            try:
                services.response_save(
                    invitation_id=invitation.pk,
                    user=request.user,
                    response=form.response(),
                    answers=form.answers(),
                )
                if "submit" in request.POST:
                    services.response_submit(
                        invitation_id=invitation.pk, user=request.user
                    )
                    messages.success(request, "Response submitted.")
                else:
                    messages.success(request, "Draft saved.")
                return redirect("requests:request-detail", invitation_id=invitation.pk)
            except services.RoundError as error:
                messages.error(request, str(error))
                return redirect("requests:request-detail", invitation_id=invitation.pk)
    return render(
        request,
        "brokering/rounds/request_detail.html",
        {
            "invitation": invitation,
            "round": round,
            "need": round.need,
            "agency": selectors.agency_shown(round=round),
            "form": form,
            # Read only for the page: a save that redirects never shows it.
            "rows": form.rows(
                uploaded=selectors.answer_evidence(invitation=invitation)
            ),
            "is_open": is_open,
            "replies": selectors.published_replies(round=round),
            "own_questions": invitation.questions.order_by("asked_at", "id"),
            "question_form": QuestionForm(),
        },
    )


@role_required(Role.PROVIDER)
@require_POST
def request_question(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = selectors.invitation_get(
        user=request.user, invitation_id=invitation_id
    )
    act_on_form(
        request,
        QuestionForm(request.POST),
        lambda data: services.question_ask(
            invitation_id=invitation.pk, user=request.user, text=data["text"]
        ),
        done="Question sent to the agency.",
        invalid="Write the question (up to 5,000 characters).",
    )
    return redirect("requests:request-detail", invitation_id=invitation.pk)


@role_required(Role.PROVIDER)
@require_GET
def request_workbook_file(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """The need's workbook with this response's answer columns, pre-filled."""
    invitation = selectors.invitation_get(
        user=request.user, invitation_id=invitation_id
    )
    return _download(
        workbook.response_workbook_bytes(invitation),
        f"request-{invitation.pk}-response",
        "xlsx",
    )


@role_required(Role.PROVIDER)
@require_http_methods(["GET", "POST"])
def request_workbook(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """Upload the filled workbook as a draft of the response."""
    invitation = selectors.invitation_get(
        user=request.user, invitation_id=invitation_id
    )
    is_open = selectors.accepts_responses(round=invitation.round)
    form = WorkbookUploadForm(request.POST or None, request.FILES or None)
    form.fields["file"].label = "Response workbook"
    form.fields["file"].help_text = "The request's workbook, filled in. Up to 5 MB."
    problems: list = []
    if request.method == "POST" and form.is_valid():
        try:
            workbook.response_workbook_apply(
                invitation=invitation,
                user=request.user,
                content=form.cleaned_data["file"].read(),
            )
        except WorkbookError as error:
            problems = error.problems
            form.add_error(
                "file",
                f"Nothing was saved: {len(problems)} problem(s) to fix (listed below).",
            )
        except services.RoundError as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, "The workbook was saved as your draft.")
            return redirect("requests:request-detail", invitation_id=invitation.pk)
    return render(
        request,
        "brokering/rounds/request_workbook.html",
        {
            "invitation": invitation,
            "round": invitation.round,
            "form": form,
            "problems": problems[:200],
            "is_open": is_open,
        },
        status=400 if form.errors else 200,
    )
