"""What the brokers' dashboard reads: a fixed number of grouped queries, whatever the
number of needs, offerings or claims."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
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
from catalog.freshness import Freshness, needs_reverifying, with_freshness
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
    (``catalog.freshness``). One query over every published claim, so it is kept in
    the cache per catalog version and day (``marketplace.pagecache.cached_value``):
    any change of claims or publication bumps the version, and freshness moves by
    days."""
    return cached_value(
        "catalog",
        "claims-to-reverify",
        _claims_to_reverify,
        extra=timezone.localdate().isoformat(),
    )


def _claims_to_reverify() -> list[ProviderClaims]:
    rows = (
        with_freshness(Claim.objects.filter(offering__status=OfferingStatus.PUBLISHED))
        .filter(needs_reverifying())
        .order_by()
        .values("offering__provider__name")
        .annotate(
            stale=Count("pk", filter=Q(freshness=Freshness.STALE)),
            expired=Count("pk", filter=Q(freshness=Freshness.EXPIRED)),
        )
        .order_by("offering__provider__name")
    )
    return [
        ProviderClaims(row["offering__provider__name"], row["stale"], row["expired"])
        for row in rows
    ]


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
