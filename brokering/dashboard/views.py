"""The brokers' dashboard page and its CSV files, in the back office's look.

The page is kept per broker and session (``marketplace.pagecache.cached_per_session``)
until what it shows changes: the published catalog (claims, publication, evidence),
the review queue, or brokering's needs and rounds, each a scope whose version the
writers bump; and for ``DASHBOARD_CACHE_SECONDS`` at most, so what ages by the hour
(submissions waiting, responses overdue) is at most that late. The CSV files are read
afresh."""

from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from brokering import pagecache as brokering_pages
from brokering.dashboard import charts, selectors
from catalog import pagecache as catalog_pages
from marketplace.pagecache import cached_per_session
from marketplace.roles import Role, role_required
from marketplace.spreadsheets import csv_attachment

BUILDERS = {
    "needs": lambda: charts.needs_chart(selectors.needs_by_agency()),
    "claims": lambda: charts.claims_chart(selectors.claims_to_reverify()),
    "rounds": lambda: charts.rounds_chart(selectors.rounds_by_agency()),
    "responses": lambda: charts.responses_chart(selectors.rounds_by_agency()),
    "overdue": lambda: charts.overdue_chart(selectors.overdue_by_provider()),
}


# Every change of what the page shows bumps one of these.
SCOPES = (catalog_pages.SCOPE, catalog_pages.REVIEW_SCOPE, brokering_pages.SCOPE)


@role_required(Role.BROKER)
@require_GET
@cached_per_session(*SCOPES, seconds_setting="DASHBOARD_CACHE_SECONDS")
def dashboard(request: HttpRequest) -> HttpResponse:
    waiting = selectors.submissions_waiting()
    rounds = selectors.rounds_by_agency()
    return TemplateResponse(
        request,
        "admin/dashboard.html",
        {
            **admin.site.each_context(request),
            "title": "Dashboard",
            "needs": BUILDERS["needs"](),
            "submissions": charts.submissions_chart(waiting),
            "oldest": waiting.oldest,
            "claims": BUILDERS["claims"](),
            "rounds": charts.rounds_chart(rounds),
            "responses": charts.responses_chart(rounds),
            "overdue": BUILDERS["overdue"](),
            "overdue_oldest": selectors.overdue_oldest(),
        },
    )


@role_required(Role.BROKER)
@require_GET
def dashboard_csv(request: HttpRequest, table: str) -> HttpResponse:
    if table == "submissions":
        chart = charts.submissions_chart(selectors.submissions_waiting())
    elif table in BUILDERS:
        chart = BUILDERS[table]()
    else:
        raise Http404("No such table on the dashboard.")
    return csv_attachment(chart.csv_rows(), f"dashboard-{table}.csv")
