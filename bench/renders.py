"""Cold renders in process (issue #20): pages rendered with the page cache off, each
URL once, through Django's test client and so the whole middleware stack, beside
the in-process floor (``/healthz/live`` through the same stack) measured in the
same run.

The pages: offering pages (visitors), and for an active need of about 300 items
its results, the explanation of its best match and its fit-gap report of three
shortlisted offerings (signed in as a user of the need's agency, made for the bench
database when it has none; its best three matches are shortlisted when fewer are:
a report of no offering measured an empty page); the market picture
(``/catalog/coverage/``, a visitor) and the brokers' dashboard (``/admin/dashboard/``,
a broker), each also after a change of the catalog (the catalog version moved before
every render: what they keep per version is made again, as on the first request
after a provider's edit).
"""

import statistics
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.test import Client
from django.urls import reverse

from bench import processes
from bench.scoring import needs_near
from bench.urlsets import broker_client
from brokering.models import Match, MatchStatus, Need
from catalog.models import Offering, OfferingStatus
from catalog.pagecache import pages_stale
from catalog.selectors import facets

PAGES = 40
# Offerings on the measured fit-gap report: an agency's shortlist.
SHORTLISTED = 3


@dataclass
class RenderFigures:
    floor_ms: float
    pages: dict[str, list[float]] = field(default_factory=dict)  # name -> ms each

    def median(self, name: str) -> float:
        return statistics.median(self.pages[name])

    def p95(self, name: str) -> float:
        times = sorted(self.pages[name])
        return times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def _timed(client: Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url, secure=True, HTTP_X_FORWARDED_PROTO="https")
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return elapsed


def _agency_client(need: Need) -> Client:
    from marketplace.models import User

    user, _created = User.objects.get_or_create(
        username=f"bench-agency-{need.agency_id}",
        defaults={"agency_id": need.agency_id, "email": "bench@example.gov"},
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def _shortlist(need_id: int, count: int) -> None:
    """Shortlist the need's best matches until ``count`` are (through the service,
    as an agency does)."""
    from brokering import services

    shortlisted = Match.objects.filter(
        need_id=need_id, status__in=[MatchStatus.SHORTLISTED, MatchStatus.RECOMMENDED]
    ).count()
    best = Match.objects.filter(need_id=need_id, status=MatchStatus.PROPOSED).order_by(
        "-score", "id"
    )[: max(0, count - shortlisted)]
    for match in best:
        services.match_decide(
            match_id=match.pk, status=MatchStatus.SHORTLISTED, decided_by=None
        )


def cold_renders(pages: int = PAGES) -> RenderFigures:
    # Cold: neither visitors' pages nor the dashboard kept per session are served
    # from the cache.
    settings.PAGE_CACHE_SECONDS = 0
    settings.DASHBOARD_CACHE_SECONDS = 0
    visitor = Client(HTTP_HOST="localhost")
    for _ in range(20):  # warm the process: imports, templates, connections
        _timed(visitor, "/healthz/live")
    processes.freeze_as_a_worker()
    floor = statistics.median(_timed(visitor, "/healthz/live") for _ in range(200))
    figures = RenderFigures(floor_ms=floor)
    slugs = list(
        Offering.objects.filter(status=OfferingStatus.PUBLISHED)
        .order_by("?")
        .values_list("slug", flat=True)[: pages + 1]
    )
    urls = [reverse("catalog:offering-detail", args=[slug]) for slug in slugs]
    _timed(visitor, urls[0])
    figures.pages["offering"] = [_timed(visitor, url) for url in urls[1:]]
    # The catalog's first page and searches, cold: a fresh facet index per
    # version is built once (first call), then each search is new.
    facets.facet_index()
    figures.pages["search"] = [
        _timed(visitor, f"/catalog/?q={word}&page={n}")
        for n, word in enumerate(["payroll", "grants", "treasury", "ledger"] * 5, 1)
    ]
    need_id = needs_near(300, 1)[0]
    need = Need.objects.get(pk=need_id)
    agency = _agency_client(need)
    match = Match.objects.filter(need_id=need_id).order_by("-score", "id").first()
    _shortlist(need_id, SHORTLISTED)
    need_urls = {
        "results": reverse("brokering:need-results", args=[need_id]),
        "explanation": reverse("brokering:match-detail", args=[need_id, match.pk])
        if match
        else None,
        "fit-gap": reverse("brokering:need-report", args=[need_id]),
    }
    for name, url in need_urls.items():
        if url is None:
            continue
        _timed(agency, url)  # the first render of a kind warms its templates
        figures.pages[name] = [_timed(agency, url) for _ in range(5)]
    broker = broker_client()
    for name, client, url in (
        ("coverage", visitor, "/catalog/coverage/"),
        ("dashboard", broker, "/admin/dashboard/"),
    ):
        _timed(client, url)
        figures.pages[name] = [_timed(client, url) for _ in range(5)]
        changed = []
        for _ in range(5):
            pages_stale()
            changed.append(_timed(client, url))
        figures.pages[f"{name}-changed"] = changed
    return figures
