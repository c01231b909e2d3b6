"""A market research round measured (issue #20, benchmarks 11a and 11b).

The round is built in the bench database through the real services: a need of
:data:`ITEMS` capabilities (made with the needs' services and scored from the
catalog, as activation would have it), a round opened on it inviting
:data:`PROVIDERS` offerings of different providers (the need's best ranked first),
and each provider's response saved through its response page:

* 11a, saving a response page: the provider's form POST (every item's level,
  roadmap date, comment and evidence, and the price and timeline) through Django's
  test client and so the whole middleware stack, as ``bench/renders.py`` does, in
  three steps per provider: the first save of a draft (every answer new), a save of
  the draft with a twentieth of its answers changed, and the submission (the same
  form with *submit*), encoded as the page's form says a browser sends it
  (URL-encoded, or multipart when the form takes uploads). Baseline: the
  in-process floor, ``/healthz/live`` through the same stack, measured in the
  same run.
* 11b, scoring the responses: the background scorer
  (:func:`brokering.rounds.services.response_score`, what the Celery task runs)
  over every submitted response, one after another. Baseline: the same need scored
  from the catalog by the engine from a fresh worker (benchmark 5's figure), in the
  same run.
"""

import datetime
import gc
import statistics
import time
import zlib
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench import processes
from bench.scoring import median_time, needs_near
from brokering import services as need_services
from brokering.models import (
    Answer,
    Invitation,
    Match,
    Need,
    NeedStatus,
    Priority,
    ResponseStatus,
    Round,
    RoundStatus,
)
from brokering.rounds import selectors, services
from brokering.scoring import inputs
from brokering.scoring.ranking import RANK_ORDER
from catalog.models import ClaimLevel, Offering, OfferingStatus
from marketplace.models import User
from standards.models import Capability

PROVIDERS = 50
ITEMS = 400
NEED_TITLE = f"Bench: market research need of {ITEMS} items"
ROUND_TITLE = "Bench: market research round"
CHANGED_EVERY = 20  # the second save changes one answer in twenty
SAVE_LIMIT_MS = 150
SCORING_LIMIT_S = 2.0


@dataclass
class RoundFigures:
    need_id: int
    items: int
    invited: int
    floor_ms: float
    saves: dict[str, list[float]] = field(default_factory=dict)  # step -> ms each
    answers_saved: int = 0
    encoding: str = ""
    gc_pauses_ms: list[float] = field(default_factory=list)  # during the POSTs
    submitted: int = 0
    scoring_s: float = 0.0
    scored: int = 0
    catalog_need_s: float = 0.0
    offerings: int = 0

    def p95(self, step: str) -> float:
        times = sorted(self.saves[step])
        return times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]

    def median(self, step: str) -> float:
        return statistics.median(self.saves[step])


def agency_user(agency_id: int) -> User:
    user, _created = User.objects.get_or_create(
        username=f"bench-agency-{agency_id}",
        defaults={"agency_id": agency_id, "email": "bench@example.gov"},
    )
    return user


def provider_user(provider_id: int) -> User:
    user, _created = User.objects.get_or_create(
        username=f"bench-provider-{provider_id}",
        defaults={"provider_id": provider_id, "email": "bench@example.com"},
    )
    return user


def _priority(index: int) -> str:
    """A fifth must, three fifths should, a fifth could (as ``seed_scale``)."""
    return (
        (Priority.MUST, Priority.SHOULD, Priority.SHOULD, Priority.SHOULD)[index % 4]
        if index % 5
        else Priority.COULD
    )


def round_need(items: int = ITEMS) -> Need:
    """The bench's need of ``items`` capabilities, made with the needs' services
    (created, its priorities imported, activated) and scored from the catalog; the
    one made by an earlier run when there is one."""
    found = (
        Need.objects.filter(title=NEED_TITLE, status=NeedStatus.ACTIVE)
        .annotate(size=Count("items"))
        .filter(size=items)
        .first()
    )
    if found is not None:
        return found
    model = Need.objects.get(pk=needs_near(300, 1)[0])
    user = agency_user(model.agency_id)
    need = need_services.need_create(
        agency=model.agency,
        created_by=user,
        release_id=model.release_id,
        title=NEED_TITLE,
        go_live_date=timezone.localdate() + datetime.timedelta(days=540),
    )
    # The model need's capabilities first, then others of the release, up to size.
    chosen = list(
        model.items.filter(capability__isnull=False)
        .order_by("capability_id")
        .values_list("capability_id", flat=True)
    )[:items]
    if len(chosen) < items:
        chosen += list(
            Capability.objects.filter(release_id=model.release_id)
            .exclude(pk__in=chosen)
            .order_by("id")
            .values_list("id", flat=True)[: items - len(chosen)]
        )
    need_services.need_priorities_import(
        need_id=need.pk,
        priorities={cid: _priority(n) for n, cid in enumerate(chosen)},
    )
    need_services.need_activate(need_id=need.pk)
    need_services.matches_refresh_for_need(need_id=need.pk)
    return Need.objects.get(pk=need.pk)


def invited_offerings(need: Need, count: int = PROVIDERS) -> list[int]:
    """The need's best ranked offerings, one per provider, then other published
    offerings of its release, up to ``count``."""
    chosen: dict[int, int] = {}  # provider -> offering
    ranked = (
        Match.objects.filter(need=need)
        .order_by(*RANK_ORDER)
        .values_list("offering_id", "offering__provider_id")
    )
    others = (
        Offering.objects.filter(status=OfferingStatus.PUBLISHED, release=need.release)
        .order_by("id")
        .values_list("id", "provider_id")
    )
    for offering_id, provider_id in [*ranked, *others]:
        chosen.setdefault(provider_id, offering_id)
        if len(chosen) == count:
            break
    return list(chosen.values())


def open_round(need: Need, count: int = PROVIDERS) -> Round:
    """A new round on the need (rounds of earlier runs are cancelled first)."""
    for round_id in Round.objects.filter(
        need=need, status__in=[RoundStatus.OPEN, RoundStatus.CLOSED]
    ).values_list("id", flat=True):
        services.round_cancel(round_id=round_id)
    return services.round_open(
        need_id=need.pk,
        opened_by=agency_user(need.agency_id),
        title=ROUND_TITLE,
        due_at=timezone.now() + datetime.timedelta(days=30),
        offering_ids=invited_offerings(need, count),
        anonymous=True,
        instructions="Answer every item; price in US dollars.",
    )


def _level(item: dict, claims: dict[str, dict], salt: int) -> tuple[str, str]:
    """An answer's level and roadmap date: the catalog claim, with one answer in
    seven raised to *meets* (the response claims more than the catalog); a level
    drawn from the item's code where the catalog has no claim."""
    draw = zlib.crc32(f"{item['code']}:{salt}".encode())
    claim = claims.get(item["code"])
    if claim is not None and draw % 7:
        return claim["level"], claim["roadmap_date"] or ""
    levels = [level for level, _label in ClaimLevel.choices]
    level = ClaimLevel.MEETS if claim is not None else levels[draw % len(levels)]
    date = "2027-06-30" if level == ClaimLevel.ROADMAP else ""
    return level, date


def form_data(invitation: Invitation, items: list[dict], salt: int = 0) -> dict:
    """The response form as a provider fills it in: every item answered, a comment
    on one in ten, the price and the timeline."""
    claims = {
        claim["item"]: claim
        for claim in selectors.catalog_claims(
            offering_ids=[invitation.offering_id],
            codes={item["code"] for item in items},
        )[invitation.offering_id]
    }
    data = {
        "one_time_cost": "250000.00",
        "annual_cost": f"{120000 + 1000 * salt}.00",
        "pricing_basis": "Per agency, all modules",
        "assumptions": "Data migration from the legacy system by the agency.",
        "timeline_months": "9",
        "fits_go_live": "yes",
        "customer_references": "Two agencies of similar size (names on request).",
    }
    for n, item in enumerate(items):
        pk = item["pk"]
        level, date = _level(item, claims, salt if n % CHANGED_EVERY == 0 else 0)
        data[f"level_{pk}"] = level
        data[f"date_{pk}"] = date
        data[f"comment_{pk}"] = "Shown in the demonstration." if n % 10 == 0 else ""
        data[f"document_{pk}"] = ""
    return data


def _post(client: Client, url: str, data: dict, multipart: bool) -> float:
    """One POST of the form, encoded as the page's form says a browser sends it."""
    encoded = (
        {}
        if multipart
        else {
            "data": urlencode(data),
            "content_type": "application/x-www-form-urlencoded",
        }
    )
    started = time.perf_counter()
    response = client.post(
        url,
        **(encoded or {"data": data}),
        secure=True,
        HTTP_X_FORWARDED_PROTO="https",
    )
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 302 or response.url != url:
        raise RuntimeError(f"POST {url} answered {response.status_code}")
    return elapsed


def _form_is_multipart(client: Client, url: str) -> bool:
    """Whether the response page's form posts multipart (it takes uploads)."""
    page = client.get(url, secure=True, HTTP_X_FORWARDED_PROTO="https")
    if page.status_code != 200:
        raise RuntimeError(f"GET {url} answered {page.status_code}")
    return 'enctype="multipart/form-data"' in page.content.decode()


def _floor_ms(client: Client) -> float:
    def once() -> float:
        started = time.perf_counter()
        client.get("/healthz/live", secure=True, HTTP_X_FORWARDED_PROTO="https")
        return (time.perf_counter() - started) * 1000

    for _ in range(20):
        once()
    return statistics.median(once() for _ in range(200))


class FullCollections:
    """Python's full garbage collections (generation 2) while installed: how many
    and how long, for the figures (they are the page's slowest requests)."""

    def __init__(self) -> None:
        self.pauses_ms: list[float] = []
        self._started = 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses_ms.append((time.perf_counter() - self._started) * 1000)

    def __enter__(self) -> "FullCollections":
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc) -> None:
        gc.callbacks.remove(self)


def save_responses(round: Round, figures: RoundFigures) -> None:
    """Each invited provider saves its draft, saves it again with changes, then
    submits it, through its response page (each POST timed)."""
    items = selectors.item_rows(need=round.need)
    steps: dict[str, list[float]] = {"first save": [], "changed": [], "submit": []}
    invitations = list(round.invitations.select_related("offering").order_by("id"))
    multipart = None
    collections = FullCollections()
    processes.freeze_as_a_worker()
    for invitation in invitations:
        client = Client(HTTP_HOST="localhost")
        client.force_login(provider_user(invitation.offering.provider_id))
        url = reverse("requests:request-detail", args=[invitation.pk])
        if multipart is None:
            multipart = _form_is_multipart(client, url)
        first = form_data(invitation, items)
        changed = form_data(invitation, items, salt=1)
        submit = {**changed, "submit": "1"}
        with collections:
            steps["first save"].append(_post(client, url, first, multipart))
            steps["changed"].append(_post(client, url, changed, multipart))
            steps["submit"].append(_post(client, url, submit, multipart))
    figures.saves = steps
    figures.gc_pauses_ms = collections.pauses_ms
    figures.encoding = "multipart" if multipart else "URL-encoded"
    figures.answers_saved = Answer.objects.filter(invitation__round=round).count()
    figures.submitted = round.invitations.filter(
        status=ResponseStatus.SUBMITTED
    ).count()


def score_responses(round: Round) -> int:
    """The background scorer over every submitted response of the round."""
    return sum(
        services.response_score(invitation_id=pk)
        for pk in round.invitations.filter(status=ResponseStatus.SUBMITTED).values_list(
            "id", flat=True
        )
    )


def round_benchmarks(
    repeat: int = 3, providers: int = PROVIDERS, items: int = ITEMS
) -> RoundFigures:
    need = round_need(items)
    round = open_round(need, providers)
    visitor = Client(HTTP_HOST="localhost")
    figures = RoundFigures(
        need_id=need.pk,
        items=need.items.count(),
        invited=round.invitations.count(),
        floor_ms=_floor_ms(visitor),
    )
    save_responses(round, figures)
    figures.scoring_s, figures.scored = median_time(
        lambda: score_responses(round), repeat
    )
    figures.catalog_need_s, scores = median_time(
        lambda: inputs.score_need_against_published(need.pk),
        repeat,
        before=inputs.forget_shelves,
    )
    figures.offerings = len(scores)
    return figures


def round_lines(r: RoundFigures) -> list:
    from bench.report import Line

    worst = max(r.p95(step) for step in r.saves)
    steps = "; ".join(
        f"{step} median {r.median(step):.1f} / p95 {r.p95(step):.1f} ms"
        for step in r.saves
    )
    per_response = r.scoring_s / max(r.scored, 1)
    pauses = (
        f"{len(r.gc_pauses_ms)} full garbage collections during the "
        f"{sum(len(times) for times in r.saves.values())} POSTs, median "
        f"{statistics.median(r.gc_pauses_ms):.0f} ms"
        if r.gc_pauses_ms
        else "no full garbage collection during the POSTs"
    )
    complete = r.answers_saved == r.invited * r.items and r.submitted == r.invited
    return [
        Line(
            "11a",
            "round: save a response",
            f"{r.invited} providers x {r.items} items, the response page's POST "
            f"({r.encoding}) in process ({len(r.saves['first save'])} each step): "
            f"{steps}; {pauses}; "
            f"{r.answers_saved:,} answers saved, {r.submitted} submitted"
            f"{'' if complete else ' (INCOMPLETE)'}",
            f"in-process floor (/healthz/live, same middleware) {r.floor_ms:.2f} ms",
            f"p95 of every step <= {SAVE_LIMIT_MS} ms, every answer saved",
            worst <= SAVE_LIMIT_MS and complete,
        ),
        Line(
            "11b",
            "round: score responses",
            f"{r.scored} responses x {r.items} items scored by the background "
            f"scorer: {r.scoring_s * 1000:,.1f} ms in total "
            f"({per_response * 1000:.1f} ms each) = "
            f"{r.scoring_s / r.catalog_need_s:.1f}x the baseline",
            f"the same need scored from the catalog against {r.offerings:,} "
            f"offerings, fresh worker {r.catalog_need_s * 1000:,.1f} ms",
            f"all {r.invited} <= {SCORING_LIMIT_S:.0f} s in total",
            r.scoring_s <= SCORING_LIMIT_S and r.scored == r.invited,
        ),
    ]
