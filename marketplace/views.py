"""Pages that belong to the portal as a whole: home, health, errors, account."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from marketplace import security
from marketplace.health import broker_state, database_state, worker_beats, worker_state
from marketplace.roles import public


@public
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "marketplace/home.html")


@public
@require_GET
def about(request: HttpRequest) -> HttpResponse:
    """What the marketplace is, the standards it measures against, how it scores, and
    whether the data on this instance is demonstration data."""
    return render(request, "marketplace/about.html")


FAVICON = "uswds/img/favicons/favicon.ico"


@public
@require_GET
def favicon(request: HttpRequest) -> FileResponse:
    """``/favicon.ico``, which browsers ask for on their own: the USWDS flag icon
    (base.html links it too)."""
    found = finders.find(FAVICON)
    handle = open(found, "rb") if found else staticfiles_storage.open(FAVICON)  # noqa: SIM115
    response = FileResponse(handle, content_type="image/vnd.microsoft.icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@public
@never_cache
@require_GET
def status(request: HttpRequest) -> HttpResponse:
    """System status for people: the same checks as ``/healthz`` (which stays the
    machine-readable answer), in words."""
    database = database_state()
    broker = broker_state()
    try:
        beats = worker_beats()
    except Exception:  # the database state above already says why
        beats = None
    context = {
        "database": database,
        "broker": broker,
        "beats": beats,
        "healthy": database["ok"] and broker["ok"],
    }
    return render(request, "marketplace/status.html", context)


@public
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_state(), "broker": broker_state()}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "degraded",
            **checks,
            "workers": worker_state(hostnames=request.user.is_staff),
        },
        status=200 if healthy else 503,
    )


login_view = public(
    auth_views.LoginView.as_view(
        template_name="registration/login.html", redirect_authenticated_user=True
    )
)
logout_view = auth_views.LogoutView.as_view()


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page, locked like sign-in (marketplace.security)."""

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("marketplace:password-change-done")

    def post(self, request, *args, **kwargs):
        if locked := security.password_change_locked(request):
            return locked
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if form.has_error("old_password"):
            security.password_change_failed(self.request)
        return super().form_invalid(form)


password_change_view = PasswordChangeView.as_view()
password_change_done_view = auth_views.PasswordChangeDoneView.as_view(
    template_name="registration/password_change_done.html"
)


def _api_error(status: int, message: str, code: str) -> JsonResponse:
    from marketplace.api import error_body

    return JsonResponse(error_body(status, message, code=code), status=status)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def error_400(request, exception=None):
    if not _is_api(request):
        return render(request, "400.html", status=400)
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        return _api_error(
            413, f"The request body is larger than {limit} MB.", "too_large"
        )
    if isinstance(exception, TooManyFieldsSent):
        return _api_error(413, "The request has too many fields.", "too_large")
    return _api_error(400, "The request could not be understood.", "bad_request")


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    if _is_api(request):
        return _api_error(
            500, "The server failed to answer; the error was logged.", "server_error"
        )
    return render(request, "500.html", status=500)
