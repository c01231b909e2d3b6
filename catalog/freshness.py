"""How fresh a claim is: the one home of the freshness policy.

A claim is

* **expired** when evidence it rests on is past its expiry date: an evidence
  document of its offering whose ``expires_on`` is before today (a document is
  still good on its expiry date). An offering's documents are attestations of
  the whole listing (a SOC 1 report, a FedRAMP package, an accessibility report),
  so every claim of the offering rests on them;
* **stale** when no broker has verified it for more than
  ``settings.CLAIM_STALE_AFTER_DAYS`` days (365 unless set): counted from
  ``verified_at`` when a broker verified it, else from when it was last stated
  (``updated_at``). Exactly that many days is still fresh;
* **fresh** otherwise.

Expired wins over stale. :class:`ClaimsAt` decides it in Python (pages that
already hold the rows; :func:`claim_freshness` for one claim);
:func:`with_freshness` and :func:`freshness_q` say the same in SQL (the brokers'
queue, counts, the API), and tests hold the two equal at the boundaries.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, Min, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from catalog.models import Claim, OfferingDocument


class Freshness(models.TextChoices):
    FRESH = "fresh", "Fresh"
    STALE = "stale", "Stale"
    EXPIRED = "expired", "Evidence expired"


FRESHNESS_HELP = {
    Freshness.FRESH: "Verified or stated within the policy's period, evidence current.",
    Freshness.STALE: "Not verified by a broker for more than {days} days.",
    Freshness.EXPIRED: "Evidence it rests on is past its expiry date.",
}


# How each state looks: a USWDS tag (includes/freshness_tag.html and the tables
# whose rows are prepared in Python print :func:`tag`).
TAG_CLASSES = {
    Freshness.EXPIRED: "usa-tag bg-secondary-dark",
    Freshness.STALE: "usa-tag bg-gold text-ink",
    Freshness.FRESH: "usa-tag bg-base-dark",
}


_tags: dict[str, SafeString] = {}


def tag(state: str | None) -> SafeString:
    """A freshness state as its tag (nothing for ``None``: no claim); three
    possible tags, each made once."""
    if not state:
        return SafeString("")
    made = _tags.get(state)
    if made is None:
        known = Freshness(state)
        made = _tags[state] = format_html(
            '<span class="{}">{}</span>', TAG_CLASSES[known], known.label
        )
    return made


def stale_after_days() -> int:
    return settings.CLAIM_STALE_AFTER_DAYS


def stale_before(now: datetime.datetime | None = None) -> datetime.datetime:
    """A claim last verified (or stated) before this moment is stale."""
    return (now or timezone.now()) - datetime.timedelta(days=stale_after_days())


class ClaimsAt:
    """Claims judged at one moment: today's date and the stale cutoff worked out
    once (a need's page judges a thousand claims)."""

    __slots__ = ("today", "cutoff")

    def __init__(self, now: datetime.datetime | None = None) -> None:
        now = now or timezone.now()
        self.today = timezone.localdate(now)
        self.cutoff = stale_before(now)

    def state(
        self,
        verified_at: datetime.datetime | None,
        stated_at: datetime.datetime,
        evidence_expires_on: datetime.date | None,
    ) -> Freshness:
        """The freshness of one claim (:func:`claim_freshness`)."""
        if evidence_expires_on is not None and evidence_expires_on < self.today:
            return Freshness.EXPIRED
        if (verified_at or stated_at) < self.cutoff:
            return Freshness.STALE
        return Freshness.FRESH

    def of(self, claim, evidence_expires_on: datetime.date | None) -> Freshness | None:
        """:meth:`state` of a claim row (``None`` for no claim)."""
        if claim is None:
            return None
        return self.state(claim.verified_at, claim.updated_at, evidence_expires_on)


def claim_freshness(
    *,
    verified_at: datetime.datetime | None,
    stated_at: datetime.datetime,
    evidence_expires_on: datetime.date | None,
    now: datetime.datetime | None = None,
) -> Freshness:
    """The freshness of one claim. ``evidence_expires_on`` is the earliest expiry
    of its offering's evidence documents (``None``: none expires)."""
    return ClaimsAt(now).state(verified_at, stated_at, evidence_expires_on)


def document_expired(document, today: datetime.date | None = None) -> bool:
    """Whether an evidence document is past its expiry date."""
    today = today or timezone.localdate()
    return document.expires_on is not None and document.expires_on < today


def of_claim(
    claim,
    evidence_expires_on: datetime.date | None,
    now: datetime.datetime | None = None,
) -> Freshness | None:
    """:func:`claim_freshness` of a claim row (``None`` for no claim)."""
    return ClaimsAt(now).of(claim, evidence_expires_on)


def earliest_expiry(documents) -> datetime.date | None:
    """The earliest ``expires_on`` of documents already read (``None``: none)."""
    dates = [d.expires_on for d in documents if d.expires_on is not None]
    return min(dates) if dates else None


def evidence_expiries(offering_ids) -> dict[int, datetime.date | None]:
    """Each offering's earliest evidence expiry (absent: no document expires): one
    query, for pages that show many offerings' claims."""
    return dict(
        OfferingDocument.objects.filter(
            offering_id__in=list(offering_ids), expires_on__isnull=False
        )
        .order_by()
        .values("offering_id")
        .annotate(first=Min("expires_on"))
        .values_list("offering_id", "first")
    )


def offering_evidence_expiry(offering_id: int) -> datetime.date | None:
    """The earliest expiry of an offering's evidence documents: one query."""
    return OfferingDocument.objects.filter(offering_id=offering_id).aggregate(
        first=Min("expires_on")
    )["first"]


def _expired_evidence(now: datetime.datetime) -> Exists:
    return Exists(
        OfferingDocument.objects.filter(
            offering=OuterRef("offering_id"),
            expires_on__lt=timezone.localdate(now),
        )
    )


def freshness_q(state: str, now: datetime.datetime | None = None) -> Q:
    """Claims in one freshness state, as a filter on :class:`Claim`."""
    now = now or timezone.now()
    expired = Q(_expired_evidence(now))
    cutoff = stale_before(now)
    stale = Q(verified_at__lt=cutoff) | Q(
        verified_at__isnull=True, updated_at__lt=cutoff
    )
    if state == Freshness.EXPIRED:
        return expired
    if state == Freshness.STALE:
        return stale & ~expired
    return ~stale & ~expired


def with_freshness(
    claims: QuerySet[Claim], now: datetime.datetime | None = None
) -> QuerySet[Claim]:
    """Claims annotated with ``freshness`` (a :class:`Freshness` value)."""
    now = now or timezone.now()
    return claims.annotate(
        freshness=Case(
            When(freshness_q(Freshness.EXPIRED, now), then=Value(Freshness.EXPIRED)),
            When(freshness_q(Freshness.STALE, now), then=Value(Freshness.STALE)),
            default=Value(Freshness.FRESH),
            output_field=models.CharField(),
        )
    )


def needs_reverifying(now: datetime.datetime | None = None) -> Q:
    """Stale or expired: what the brokers' queue lists."""
    return freshness_q(Freshness.STALE, now) | freshness_q(Freshness.EXPIRED, now)
