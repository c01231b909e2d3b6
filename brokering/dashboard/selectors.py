"""What the brokers' dashboard reads: a fixed number of grouped queries, whatever the
number of needs, offerings or claims; the claims to re-verify from each offering's
claim ages (claims of every kind), kept between changes (:func:`claims_to_reverify`)."""

import datetime
from dataclasses import dataclass

import numpy as np
from django.core.cache import cache
from django.db.models import Count, Max, Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from brokering.models import (
    Invitation,
    Need,
    NeedStatus,
    ResponseStatus,
    Round,
    RoundStatus,
)
from brokering.rounds.selectors import overdue_invitations
from catalog.freshness import (
    Freshness,
    claim_freshness,
    freshness_q,
    stale_before,
)
from catalog.models import (
    Claim,
    ItemClaim,
    Offering,
    OfferingDocument,
    OfferingStatus,
    Provider,
)
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


# Per published offering with claims (by id, in arrays): its provider, its claim
# vector's stamp (moved by every write of its claims, verification included), and
# how many claims it has with the oldest and newest "last verified, else stated"
# of them (microseconds since the epoch).
CLAIM_AGES_KEY = "dashboard:claim-ages:every-kind"
CLAIM_AGES_SECONDS = 7 * 24 * 3600
FIELDS = ("ids", "providers", "stamps", "counts", "first", "last")
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def _micros(moment: datetime.datetime) -> int:
    return (moment - EPOCH) // datetime.timedelta(microseconds=1)


def _published_keys() -> dict[str, np.ndarray]:
    """Every published offering with a claim vector: id, provider, vector stamp.
    One query of small values (not the vectors)."""
    rows = list(
        Offering.objects.filter(
            status=OfferingStatus.PUBLISHED, claim_vector__isnull=False
        )
        .order_by("id")
        .values_list("id", "provider_id", "claim_vector__updated_at")
    )
    return {
        "ids": np.array([r[0] for r in rows], dtype=np.int64),
        "providers": np.array([r[1] for r in rows], dtype=np.int64),
        "stamps": np.array([_micros(r[2]) for r in rows], dtype=np.int64),
    }


# Claims of every kind: capabilities, and measures, exchanges and reports (one
# freshness policy for all, ``catalog.freshness``).
CLAIM_MODELS = (Claim, ItemClaim)


def _ages_of_claims(
    offering_ids: list[int] | None,
) -> dict[int, tuple[int, datetime.datetime, datetime.datetime]]:
    """Per published offering (all, or those of ``offering_ids``): how many claims
    of every kind it has, and the oldest and newest "last verified, else stated" of
    them. One grouped query per kind of claim."""
    stated = Coalesce("verified_at", "updated_at")
    ages: dict[int, tuple[int, datetime.datetime, datetime.datetime]] = {}
    for model in CLAIM_MODELS:
        claims = model.objects.filter(offering__status=OfferingStatus.PUBLISHED)
        if offering_ids is not None:
            claims = claims.filter(offering_id__in=offering_ids)
        for pk, count, first, last in (
            claims.order_by()
            .values_list("offering_id")
            .annotate(n=Count("pk"), first=Min(stated), last=Max(stated))
        ):
            if pk in ages:
                known = ages[pk]
                count, first, last = (
                    known[0] + count,
                    min(known[1], first),
                    max(known[2], last),
                )
            ages[pk] = (count, first, last)
    return dict(sorted(ages.items()))


def _claim_ages() -> dict[str, np.ndarray]:
    """The published offerings' claim ages (``FIELDS``). Those of an offering whose
    claims did not change since the last call come from the cache: after a
    provider's edit one offering's claims are read again, not every published
    claim (12 million at 20,000 offerings). Three queries at most."""
    now = _published_keys()
    known = cache.get(CLAIM_AGES_KEY)
    ages = {
        "counts": np.zeros(len(now["ids"]), dtype=np.int64),
        "first": np.zeros(len(now["ids"]), dtype=np.int64),
        "last": np.zeros(len(now["ids"]), dtype=np.int64),
    }
    kept = np.zeros(len(now["ids"]), dtype=bool)
    if known is not None and len(known["ids"]):
        at = np.minimum(
            np.searchsorted(known["ids"], now["ids"]), len(known["ids"]) - 1
        )
        kept = (known["ids"][at] == now["ids"]) & (known["stamps"][at] == now["stamps"])
        for name in ages:
            ages[name][kept] = known[name][at[kept]]
    changed = now["ids"][~kept]
    if len(changed):
        only = changed.tolist() if len(changed) < len(now["ids"]) // 2 else None
        rows = _ages_of_claims(only)
        at = np.searchsorted(now["ids"], list(rows))
        fresh = ~kept[at] if rows else np.zeros(0, dtype=bool)
        for index, (count, first, last), take in zip(
            at, rows.values(), fresh, strict=True
        ):
            if take:
                ages["counts"][index] = count
                ages["first"][index] = _micros(first)
                ages["last"][index] = _micros(last)
        cache.set(CLAIM_AGES_KEY, {**now, **ages}, CLAIM_AGES_SECONDS)
    return {**now, **ages}


def _claims_to_reverify() -> list[ProviderClaims]:
    """From each offering's claim ages, by the freshness policy
    (:mod:`catalog.freshness`): every claim of an offering whose evidence expired is
    expired (:func:`~catalog.freshness.claim_freshness`); every claim of one whose
    newest claim is older than the policy's cutoff
    (:func:`~catalog.freshness.stale_before`) is stale, none of one whose oldest is
    not; only the claims of an offering in between are counted one by one
    (:func:`~catalog.freshness.freshness_q`)."""
    now = timezone.now()
    ages = _claim_ages()
    ids = ages["ids"]
    expired = np.zeros(len(ids), dtype=bool)
    for pk, expires_on in (
        OfferingDocument.objects.filter(
            offering__status=OfferingStatus.PUBLISHED, expires_on__isnull=False
        )
        .order_by()
        .values_list("offering_id")
        .annotate(first=Min("expires_on"))
    ):
        at = np.searchsorted(ids, pk)
        if at < len(ids) and ids[at] == pk:
            expired[at] = (
                claim_freshness(
                    verified_at=None,
                    stated_at=now,
                    evidence_expires_on=expires_on,
                    now=now,
                )
                == Freshness.EXPIRED
            )
    cutoff = _micros(stale_before(now))
    all_stale = ~expired & (ages["last"] < cutoff)
    between = ~expired & ~all_stale & (ages["first"] < cutoff)
    stale = np.where(all_stale, ages["counts"], 0)
    for model in CLAIM_MODELS:
        for pk, count in (
            model.objects.filter(offering_id__in=ids[between].tolist())
            .filter(freshness_q(Freshness.STALE, now))
            .order_by()
            .values_list("offering_id")
            .annotate(n=Count("pk"))
        ):
            stale[np.searchsorted(ids, pk)] += count
    expired_counts = np.where(expired, ages["counts"], 0)
    totals: dict[int, list[int]] = {}
    for provider, stale_count, expired_count in zip(
        ages["providers"][(stale > 0) | (expired_counts > 0)].tolist(),
        stale[(stale > 0) | (expired_counts > 0)].tolist(),
        expired_counts[(stale > 0) | (expired_counts > 0)].tolist(),
        strict=True,
    ):
        entry = totals.setdefault(provider, [0, 0])
        entry[0] += stale_count
        entry[1] += expired_count
    names = dict(Provider.objects.filter(pk__in=list(totals)).values_list("pk", "name"))
    return sorted(
        (ProviderClaims(names[pk], *values) for pk, values in totals.items()),
        key=lambda p: p.name,
    )


# --- market research rounds ---------------------------------------------------------


@dataclass
class AgencyRounds:
    """An agency's rounds by status and its invitations by response status."""

    name: str
    abbreviation: str
    rounds: dict[str, int]
    responses: dict[str, int]

    @property
    def round_values(self) -> list[int]:
        return [self.rounds.get(status, 0) for status in RoundStatus.values]

    @property
    def response_values(self) -> list[int]:
        return [self.responses.get(status, 0) for status in RESPONSE_ORDER]

    @property
    def invited(self) -> int:
        return sum(self.responses.values())

    @property
    def submitted(self) -> int:
        return self.responses.get(ResponseStatus.SUBMITTED, 0)


RESPONSE_ORDER = [
    ResponseStatus.SUBMITTED,
    ResponseStatus.DRAFT,
    ResponseStatus.INVITED,
]


def rounds_by_agency() -> list[AgencyRounds]:
    """Every agency with rounds: its rounds by status and its invitations by
    response status. Two grouped queries."""
    agencies: dict[int, AgencyRounds] = {}
    counted = [
        (Round.objects, "need__", "rounds"),
        (Invitation.objects, "round__need__", "responses"),
    ]
    for manager, prefix, counts in counted:
        fields = [f"{prefix}agency_id", f"{prefix}agency__name"]
        fields.append(f"{prefix}agency__abbreviation")
        rows = manager.order_by().values(*fields, "status").annotate(n=Count("pk"))
        for row in rows:
            agency = agencies.setdefault(
                row[fields[0]], AgencyRounds(row[fields[1]], row[fields[2]], {}, {})
            )
            getattr(agency, counts)[row["status"]] = row["n"]
    return sorted(agencies.values(), key=lambda a: a.name)


@dataclass
class ProviderOverdue:
    name: str
    count: int

    @property
    def values(self) -> list[int]:
        return [self.count]


def overdue_by_provider(now: datetime.datetime | None = None) -> list[ProviderOverdue]:
    """Per provider, its invitations not answered by the round's due date. One
    query."""
    rows = (
        overdue_invitations(now=now)
        .order_by()
        .values("offering__provider__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "offering__provider__name")
    )
    return [ProviderOverdue(row["offering__provider__name"], row["n"]) for row in rows]


def overdue_oldest(now: datetime.datetime | None = None) -> list[Invitation]:
    """The responses overdue the longest, with their round and provider. One query."""
    return list(
        overdue_invitations(now=now)
        .select_related("round", "round__need__agency", "offering__provider")
        .order_by("round__due_at", "pk")[:OLDEST_SHOWN]
    )
