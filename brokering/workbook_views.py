"""Pages of the business needs workbook: download a need's workbook (the agency and
brokers), upload it back onto the need or as a new need (the agency)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from brokering import selectors, services, workbook
from brokering.forms import WorkbookUploadForm
from brokering.views import READERS, WRITERS, _download, _editable_need
from marketplace.roles import role_required


@role_required(*READERS)
@require_GET
def need_workbook(request: HttpRequest, need_id: int) -> HttpResponse:
    need = selectors.need_get(user=request.user, need_id=need_id)
    return _download(workbook.workbook_bytes(need), f"need-{need.pk}-workbook", "xlsx")


def _upload(request: HttpRequest, need=None) -> HttpResponse:
    form = WorkbookUploadForm(request.POST or None, request.FILES or None)
    problems: list = []
    if request.method == "POST" and form.is_valid():
        try:
            saved = workbook.workbook_apply(
                content=form.cleaned_data["file"].read(),
                agency=request.user.agency,  # type: ignore[union-attr]
                by=request.user,
                need_id=need.pk if need else None,
            )
        except workbook.WorkbookError as error:
            problems = error.problems
            form.add_error(
                "file",
                f"Nothing was imported: {len(problems)} problem(s) to fix "
                "(listed below).",
            )
        except services.TransitionError as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, f"The workbook was imported into “{saved}”.")
            return redirect("brokering:need-detail", need_id=saved.pk)
    return render(
        request,
        "brokering/need_workbook_upload.html",
        {"need": need, "form": form, "problems": problems[:200]},
    )


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def need_workbook_upload(request: HttpRequest, need_id: int) -> HttpResponse:
    need, refused = _editable_need(request, need_id)
    if refused:
        return refused
    return _upload(request, need)


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def need_workbook_new(request: HttpRequest) -> HttpResponse:
    return _upload(request)
