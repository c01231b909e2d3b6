"""Alerts of followed needs measured (issue #20, benchmark 12).

:data:`FOLLOWED` active needs are followed by agency users (one user of the need's
agency follows each; a second user follows every third need), through the
services. One published offering that stands nowhere in any need's kept matches
then changes so that it meets every capability of the release (its claims raised to
*meets*, the missing ones added), and the offering's scoring run is timed as the
worker runs it (:func:`brokering.services.scoring_run_execute`: its matches
against every active need written and, in the same transaction, the followers
alerted from what the run wrote, issue #19), e-mails queued after commit included.

The baseline is the same run with nobody following (the follows removed), in the
same run of the bench: baseline and alerted runs alternate, each from the same
state (the offering's claims put back and its run made again, untimed, between
them; the alerts of the earlier run deleted so that they are new again).

The alerts' own steps (the standing read before and after the matches are
written, the alerts written, their e-mail task queued on commit) are also timed
inside each alerted run (:class:`AlertClock`): on a shared machine the difference
between two runs is mostly the machine's noise, so the overhead judged is those
steps against the baseline's median; the paired runs' difference is shown beside it.

Checked in the bench: the alerts created are exactly the expected ones, one for
each follower of each followed need in which the engine (scored apart, not from the
alerts' code) finds the changed offering eligible with no must-have gap, or in which
it is among the first ten of the kept matches the run wrote (sorted here by the one
ranking key, not by the alerts' query), and none when nobody follows.
"""

import statistics
import time
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count

from bench.rounds import agency_user
from brokering import services
from brokering.models import (
    Match,
    Need,
    NeedFollow,
    NeedStatus,
    RunStatus,
    ScoringRun,
)
from brokering.scoring import inputs
from brokering.scoring.ranking import rank_key
from brokering.services import matches as matches_module
from brokering.services.alerts import ALERT_TOP, need_follow
from catalog.models import Claim, ClaimLevel, Offering, OfferingStatus
from catalog.pagecache import pages_stale
from catalog.vectors import refresh_claim_vectors
from marketplace import notifications
from marketplace.models import Notification, User
from standards.models import Capability

FOLLOWED = 500
SECOND_FOLLOWER_EVERY = 3
OVERHEAD_LIMIT = 0.50
USERS = "bench-agency-"


@dataclass
class AlertFigures:
    offering_id: int
    followed: int
    follows: int
    active_needs: int
    baseline_s: list[float] = field(default_factory=list)
    alerted_s: list[float] = field(default_factory=list)
    expected: int = 0
    created: list[int] = field(default_factory=list)  # alerts per alerted run
    created_without_followers: list[int] = field(default_factory=list)
    exact: bool = True
    alert_steps_s: list[float] = field(default_factory=list)  # inside alerted runs

    @property
    def baseline(self) -> float:
        return statistics.median(self.baseline_s)

    @property
    def alerted(self) -> float:
        return statistics.median(self.alerted_s)

    @property
    def pairs(self) -> list[float]:
        return [
            alerted / baseline - 1
            for alerted, baseline in zip(self.alerted_s, self.baseline_s, strict=True)
        ]

    @property
    def overhead(self) -> float:
        """The median over pairs of neighbouring runs (B A, A B, ...) of the
        alerted run's excess over its baseline: a load that drifts during the
        bench moves both runs of a pair alike."""
        return statistics.median(self.pairs)


def _second_user(agency_id: int) -> User:
    user, _created = User.objects.get_or_create(
        username=f"{USERS}{agency_id}-second",
        defaults={"agency_id": agency_id, "email": "bench2@example.gov"},
    )
    return user


def follow(need_ids: list[int]) -> int:
    """Followers for every need, through the service; returns the follows made."""
    needs = Need.objects.filter(pk__in=need_ids).order_by("id")
    for n, need in enumerate(needs):
        need_follow(user=agency_user(need.agency_id), need=need)
        if n % SECOND_FOLLOWER_EVERY == 0:
            need_follow(user=_second_user(need.agency_id), need=need)
    return NeedFollow.objects.filter(need_id__in=need_ids).count()


def unfollow_all() -> None:
    NeedFollow.objects.filter(user__username__startswith=USERS).delete()


def _forget_alerts() -> None:
    """The bench users' alerts deleted, so that the next run's are new."""
    Notification.objects.filter(user__username__startswith=USERS).delete()
    User.objects.filter(username__startswith=USERS).update(unread_notifications=0)


def quiet_offering(release_id: int) -> int:
    """A published offering that no need keeps among its matches (so it is in no
    need's top and clear in none), the one with the most claims."""
    kept = Match.objects.values("offering_id")
    return (
        Offering.objects.filter(status=OfferingStatus.PUBLISHED, release_id=release_id)
        .exclude(pk__in=kept)
        .annotate(claimed=Count("claims"))
        .order_by("-claimed", "id")
        .values_list("id", flat=True)
        .first()
    )


class Change:
    """The offering's change: every capability of its release claimed *meets*
    (:meth:`up`), and back to the claims it had (:meth:`down`). The claims change
    as the claims writer's bulk path leaves them; the vector follows."""

    def __init__(self, offering_id: int, release_id: int):
        self.offering_id = offering_id
        self.before = list(
            Claim.objects.filter(offering_id=offering_id).values_list(
                "id", "level", "roadmap_date"
            )
        )
        claimed = set(
            Claim.objects.filter(offering_id=offering_id).values_list(
                "capability_id", flat=True
            )
        )
        self.missing = list(
            Capability.objects.filter(release_id=release_id)
            .exclude(pk__in=claimed)
            .values_list("id", flat=True)
        )

    def up(self) -> None:
        pages_stale()
        Claim.objects.filter(offering_id=self.offering_id).update(
            level=ClaimLevel.MEETS, roadmap_date=None
        )
        Claim.objects.bulk_create(
            Claim(
                offering_id=self.offering_id,
                capability_id=capability_id,
                level=ClaimLevel.MEETS,
            )
            for capability_id in self.missing
        )
        refresh_claim_vectors(offering_ids=[self.offering_id])

    def down(self) -> None:
        pages_stale()
        Claim.objects.filter(
            offering_id=self.offering_id, capability_id__in=self.missing
        ).delete()
        rows = [
            Claim(pk=pk, level=level, roadmap_date=date)
            for pk, level, date in self.before
        ]
        Claim.objects.bulk_update(rows, ["level", "roadmap_date"], batch_size=1000)
        refresh_claim_vectors(offering_ids=[self.offering_id])


def _vacuum() -> None:
    """Clear the matches' dead rows that the runs between timed runs leave (each
    need's rescoring rewrites its kept matches), as autovacuum does in production;
    the bench's server may run without it, and the dead rows slow every run that
    reads a need's ranking a little more each time."""
    if connection.in_atomic_block:  # a test's transaction: nothing to clear
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {Match._meta.db_table}")


class AlertClock:
    """Time spent in the alerts' own steps during a run (the standing read before
    and after, the alerts written, their e-mail task queued on commit): the
    functions the run calls are wrapped while the clock is installed."""

    STEPS = (
        (matches_module, "offering_standing"),
        (matches_module, "need_alerts_raise"),
        (notifications, "_enqueue_emails"),
    )

    def __init__(self) -> None:
        self.seconds = 0.0

    def __enter__(self) -> "AlertClock":
        self.saved = [
            (module, name, getattr(module, name)) for module, name in self.STEPS
        ]
        for module, name, function in self.saved:
            setattr(module, name, self._timed(function))
        return self

    def __exit__(self, *exc) -> None:
        for module, name, function in self.saved:
            setattr(module, name, function)

    def _timed(self, function):
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started

        return timed


def _offering_run(offering_id: int) -> float:
    """The offering's scoring run as the worker executes it; seconds."""
    run = ScoringRun.objects.create(offering_id=offering_id, reason="bench: alerts")
    started = time.perf_counter()
    services.scoring_run_execute(run_id=run.pk)
    return time.perf_counter() - started


def _offering_left(offering_id: int) -> None:
    """The offering's run after it changed back, then the runs it queued for the
    needs whose best it left (as the worker would run them), so that the next
    change starts from the same standing: in no need's kept matches."""
    _offering_run(offering_id)
    for run_id in ScoringRun.objects.filter(
        status=RunStatus.QUEUED, need__isnull=False
    ).values_list("id", flat=True):
        services.scoring_run_execute(run_id=run_id)


def expected_alerts(offering_id: int, followed: list[int]) -> int:
    """Apart from the alerts' code: each follower of each followed need in which
    the offering is eligible with no must-have gap (from the engine), or among the
    first ten of the need's kept matches (sorted here by the one ranking key)."""
    scores = inputs.score_offering_against_active_needs(offering_id)
    clear = {
        int(need_id)
        for need_id, eligible, gaps in zip(
            scores.need_ids.tolist(),
            scores.eligible.tolist(),
            scores.gaps.tolist(),
            strict=True,
        )
        if eligible and gaps == 0
    }
    ranked: dict[int, list[Match]] = {}
    for match in Match.objects.filter(need_id__in=followed, top=True).only(
        "need_id", "offering_id", "eligible", "gaps_count", "score"
    ):
        ranked.setdefault(match.need_id, []).append(match)
    top = {
        need_id
        for need_id, matches in ranked.items()
        if offering_id
        in [m.offering_id for m in sorted(matches, key=rank_key)[:ALERT_TOP]]
    }
    crossed = (clear | top) & set(followed)
    return NeedFollow.objects.filter(need_id__in=crossed).count()


def _alerts_of(offering_id: int) -> int:
    return Notification.objects.filter(
        user__username__startswith=USERS,
        event_key__contains=f":offering:{offering_id}:",
    ).count()


def alert_benchmarks(repeat: int = 3, followed_needs: int = FOLLOWED) -> AlertFigures:
    followed = list(
        Need.objects.filter(status=NeedStatus.ACTIVE)
        .order_by("id")
        .values_list("id", flat=True)[:followed_needs]
    )
    release_id = Need.objects.get(pk=followed[0]).release_id
    offering_id = quiet_offering(release_id)
    if offering_id is None:
        raise RuntimeError("every published offering is among some need's matches")
    change = Change(offering_id, release_id)
    unfollow_all()
    _forget_alerts()
    follows = follow(followed)
    figures = AlertFigures(
        offering_id=offering_id,
        followed=len(followed),
        follows=follows,
        active_needs=Need.objects.filter(status=NeedStatus.ACTIVE).count(),
    )
    # A first alerted run, untimed, warms what a worker has warm (the URL map, the
    # broker's connection) and gives the expected alerts, from the engine.
    _forget_alerts()
    change.up()
    _offering_run(offering_id)
    figures.expected = expected_alerts(offering_id, followed)
    change.down()
    _offering_left(offering_id)
    for index in range(repeat * 2):
        alerted = index % 4 in (1, 2)  # B A A B B A ...
        _forget_alerts()
        if alerted:
            follow(followed)
        else:
            unfollow_all()
        change.up()
        _vacuum()
        with AlertClock() as clock:
            seconds = _offering_run(offering_id)
        if alerted:
            figures.alert_steps_s.append(clock.seconds)
        created = _alerts_of(offering_id)
        if alerted:
            figures.alerted_s.append(seconds)
            figures.created.append(created)
        else:
            figures.baseline_s.append(seconds)
            figures.created_without_followers.append(created)
        change.down()
        _offering_left(offering_id)
    unfollow_all()
    follow(followed)  # the followers stay, for pages and later runs
    _vacuum()  # no dead rows left for the next benchmark (or run) to wade through
    figures.exact = figures.expected > 0 and (
        all(n == figures.expected for n in figures.created)
        and not any(figures.created_without_followers)
    )
    return figures


def alert_lines(a: AlertFigures) -> list:
    from bench.report import Line

    created = ", ".join(str(n) for n in a.created)
    pairs = ", ".join(f"{p:+.0%}" for p in a.pairs)
    steps = statistics.median(a.alert_steps_s)
    overhead = steps / a.baseline
    return [
        Line(
            "12",
            f"alerts, {a.followed} followed",
            f"1 offering changed into the top of {a.followed} followed needs "
            f"({a.follows} follows; {a.active_needs} active needs): its scoring "
            f"run with the alerts {a.alerted * 1000:,.1f} ms (median of "
            f"{len(a.alerted_s)}), the alerts' own steps in it {steps * 1000:,.1f} "
            f"ms = alert overhead {overhead:+.1%} of the baseline (paired runs: "
            f"{a.overhead:+.1%} median of {pairs}); alerts created {created}, "
            f"expected {a.expected}: {'exact' if a.exact else 'NOT EXACT'}",
            f"the same run without followers {a.baseline * 1000:,.1f} ms (median)",
            f"alert overhead <= {OVERHEAD_LIMIT:.0%}, exactly the expected alerts",
            overhead <= OVERHEAD_LIMIT and a.exact,
        )
    ]
