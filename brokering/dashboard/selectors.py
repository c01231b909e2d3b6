"""What the brokers' dashboard reads: a fixed number of grouped queries, whatever the
number of needs, offerings or claims; the claims to re-verify from each offering's
claim ages, kept between changes (:func:`claims_to_reverify`)."""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Max, Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from brokering.models import Need, NeedStatus
from catalog.freshness import (
    Freshness,
    claim_freshness,
    evidence_expiries,
    freshness_q,
)
from catalog.models import Claim, Offering, OfferingStatus
from marketplace.pagecache import cached_value

# Ages of the submissions waiting for review: (key, label).
SUBMISSION_AGES = [
    ("under-7", "Less than 7 days"),
    ("7-30", "7 to 30 days"),
    ("over-30", "More than 30 days"),
]
OLDEST_SHOWN = 10


@dataclass
class AgencyNeeds:
    name: str
    abbreviation: str
    counts: dict[str, int]

    @property
    def values(self) -> list[int]:
        return [self.counts.get(status, 0) for status in NeedStatus.values]


def needs_by_agency() -> list[AgencyNeeds]:
    """Every agency with needs, with how many it has in each status. One query."""
    agencies: dict[int, AgencyNeeds] = {}
    for row in (
        Need.objects.order_by()
        .values("agency_id", "agency__name", "agency__abbreviation", "status")
        .annotate(n=Count("pk"))
    ):
        agency = agencies.setdefault(
            row["agency_id"],
            AgencyNeeds(row["agency__name"], row["agency__abbreviation"], {}),
        )
        agency.counts[row["status"]] = row["n"]
    return sorted(agencies.values(), key=lambda a: a.name)


@dataclass
class Waiting:
    counts: list[int]  # per SUBMISSION_AGES
    oldest: list[Offering]


def submissions_waiting(now: datetime.datetime | None = None) -> Waiting:
    """Submissions waiting for review by age, and the oldest of them. Two queries."""
    now = now or timezone.now()
    waiting = Offering.objects.filter(status=OfferingStatus.SUBMITTED)
    week_ago = now - datetime.timedelta(days=7)
    month_ago = now - datetime.timedelta(days=30)
    counts = waiting.order_by().aggregate(
        **{
            "under-7": Count("pk", filter=Q(submitted_at__gt=week_ago)),
            "7-30": Count(
                "pk",
                filter=Q(submitted_at__gt=month_ago, submitted_at__lte=week_ago),
            ),
            # A submission without a date predates the field: counted as old.
            "over-30": Count(
                "pk",
                filter=Q(submitted_at__lte=month_ago) | Q(submitted_at__isnull=True),
            ),
        }
    )
    oldest = list(
        waiting.select_related("provider").order_by("submitted_at", "pk")[:OLDEST_SHOWN]
    )
    return Waiting([counts[key] for key, _label in SUBMISSION_AGES], oldest)


@dataclass
class ProviderClaims:
    name: str
    stale: int
    expired: int

    @property
    def values(self) -> list[int]:
        return [self.stale, self.expired]


def claims_to_reverify() -> list[ProviderClaims]:
    """Per provider, its published claims that are stale or whose evidence expired
    (``catalog.freshness``), kept in the cache per catalog version and day
    (``marketplace.pagecache.cached_value``): any change of claims or publication
    bumps the version, and freshness moves by days."""
    return cached_value(
        "catalog",
        "claims-to-reverify",
        _claims_to_reverify,
        extra=timezone.localdate().isoformat(),
    )


# Per published offering with claims: its claim vector's stamp (moved by every write
# of its claims, verification included) and what its claims' freshness is read from.
CLAIM_AGES_KEY = "dashboard:claim-ages"
CLAIM_AGES_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class ClaimAges:
    stamp: datetime.datetime
    count: int
    first: datetime.datetime  # the oldest "last verified, else stated" of its claims
    last: datetime.datetime  # the newest


def _claim_ages() -> tuple[dict[int, str], dict[int, ClaimAges]]:
    """The published offerings' providers and claim ages. The ages of an offering
    whose claims did not change since the last call come from the cache: after a
    provider's edit one offering's claims are read again, not every published
    claim (12 million at 20,000 offerings). Three queries at most."""
    keys = list(
        Offering.objects.filter(
            status=OfferingStatus.PUBLISHED, claim_vector__isnull=False
        ).values_list("id", "provider__name", "claim_vector__updated_at")
    )
    known: dict[int, ClaimAges] = cache.get(CLAIM_AGES_KEY) or {}
    ages = {
        pk: known[pk]
        for pk, _name, stamp in keys
        if pk in known and known[pk].stamp == stamp
    }
    changed = {pk: stamp for pk, _name, stamp in keys if pk not in ages}
    if changed:
        claims = Claim.objects.filter(offering__status=OfferingStatus.PUBLISHED)
        if len(changed) < len(keys) // 2:
            claims = claims.filter(offering_id__in=list(changed))
        stated = Coalesce("verified_at", "updated_at")
        for row in (
            claims.order_by()
            .values("offering_id")
            .annotate(n=Count("pk"), first=Min(stated), last=Max(stated))
        ):
            pk = row["offering_id"]
            if pk in changed:
                ages[pk] = ClaimAges(changed[pk], row["n"], row["first"], row["last"])
        cache.set(CLAIM_AGES_KEY, ages, CLAIM_AGES_SECONDS)
    return {pk: name for pk, name, _stamp in keys}, ages


def _claims_to_reverify() -> list[ProviderClaims]:
    """From each offering's claim ages, by the freshness policy's own rule
    (:func:`catalog.freshness.claim_freshness`): every claim of an offering whose
    evidence expired is expired; every claim of one whose newest claim is stale is
    stale, none of one whose oldest is fresh; only the claims of an offering in
    between are counted one by one (``freshness_q``)."""
    now = timezone.now()
    providers, ages = _claim_ages()
    expiries = evidence_expiries(list(ages))
    counts: dict[str, list[int]] = {}

    def state(stated_at, expires_on=None) -> str:
        return claim_freshness(
            verified_at=None,
            stated_at=stated_at,
            evidence_expires_on=expires_on,
            now=now,
        )

    between = []
    for pk, age in ages.items():
        entry = counts.setdefault(providers[pk], [0, 0])
        if state(now, expiries.get(pk)) == Freshness.EXPIRED:
            entry[1] += age.count
        elif state(age.last) == Freshness.STALE:
            entry[0] += age.count
        elif state(age.first) == Freshness.STALE:
            between.append(pk)
    for row in (
        Claim.objects.filter(offering_id__in=between)
        .filter(freshness_q(Freshness.STALE, now))
        .order_by()
        .values("offering_id")
        .annotate(n=Count("pk"))
    ):
        counts[providers[row["offering_id"]]][0] += row["n"]
    return [
        ProviderClaims(name, stale, expired)
        for name, (stale, expired) in sorted(counts.items())
        if stale or expired
    ]
