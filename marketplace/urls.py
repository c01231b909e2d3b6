from django.contrib import admin
from django.urls import include, path

from marketplace import liveness, notification_views, oidc, views

account_patterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("status/", views.status, name="status"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/live", liveness.live, name="live"),
    path("account/sign-in/", views.login_view, name="login"),
    path("account/sign-out/", views.logout_view, name="logout"),
    path("account/login-gov/", oidc.login_gov_start, name="login-gov"),
    path(
        "account/login-gov/callback/",
        oidc.login_gov_callback,
        name="login-gov-callback",
    ),
    path(
        "notifications/",
        notification_views.notification_list,
        name="notifications",
    ),
    path("account/password/", views.password_change_view, name="password-change"),
    path(
        "account/password/done/",
        views.password_change_done_view,
        name="password-change-done",
    ),
]

urlpatterns = [
    path("", include((account_patterns, "marketplace"))),
    path("standards/", include("standards.urls")),
    path("catalog/", include("catalog.urls")),
    path("provider/requests/", include("brokering.rounds.provider_urls")),
    path("provider/", include("catalog.provider.urls")),
    path("needs/", include("brokering.urls")),
    path("api/", include("marketplace.api_urls")),
    # The brokers' dashboard lives in the back office, before the admin's own routes.
    path("admin/dashboard/", include("brokering.dashboard.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "marketplace.views.error_400"
handler403 = "marketplace.views.error_403"
handler404 = "marketplace.views.error_404"
handler500 = "marketplace.views.error_500"
