"""Pages that belong to the portal as a whole: home, health, errors, account."""

from django.contrib.auth import views as auth_views
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from brokering import scoring
from catalog.models import claim_level_label
from marketplace.demo import demo_present
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
    context = {
        "weights": scoring.WEIGHTS,
        "credits": [
            (claim_level_label(level), credit, level == scoring.ROADMAP)
            for level, credit in scoring.CREDITS.items()
        ],
        "gap_below": scoring.GAP_BELOW,
        "demo": demo_present(),
    }
    return render(request, "marketplace/about.html", context)


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
            "workers": worker_state(),
        },
        status=200 if healthy else 503,
    )


login_view = public(
    auth_views.LoginView.as_view(
        template_name="registration/login.html", redirect_authenticated_user=True
    )
)
logout_view = auth_views.LogoutView.as_view()
password_change_view = auth_views.PasswordChangeView.as_view(
    template_name="registration/password_change.html",
    success_url=reverse_lazy("marketplace:password-change-done"),
)
password_change_done_view = auth_views.PasswordChangeDoneView.as_view(
    template_name="registration/password_change_done.html"
)


def error_400(request, exception=None):
    return render(request, "400.html", status=400)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    return render(request, "500.html", status=500)
