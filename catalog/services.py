"""Writes to the catalog: claims, the search document, shortlists.

Every function is keyword-only and atomic. Claim writes refresh the compact claim
vectors (which scoring reads) in the same transaction and send
:data:`catalog.signals.offerings_changed`, whose receivers enqueue their work after
commit. The search document of an offering is rebuilt by a receiver of the same
signal, so any service that announces a change keeps search current too.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import TextField, Value
from django.utils import timezone

from catalog.models import (
    Claim,
    ClaimLevel,
    Offering,
    Shortlist,
    ShortlistEntry,
)
from catalog.signals import offerings_changed
from catalog.vectors import refresh_claim_vectors
from standards.models import Capability

# Levels that count as "covered": out of the box or by configuration, the levels that
# earn at least the 0.9 credit below which a must-have is a gap (DESIGN section 5).
COVERED_LEVELS = (ClaimLevel.MEETS, ClaimLevel.CONFIGURABLE)
SEARCH_CONFIG = "english"


@dataclass(frozen=True)
class ClaimInput:
    capability_id: int
    level: str
    roadmap_date: datetime.date | None = None
    evidence: str = ""
    evidence_url: str = ""


def _announce(*, offering_ids: Iterable[int], reason: str) -> None:
    offering_ids = sorted(set(offering_ids))
    offerings_changed.send(sender=Offering, offering_ids=offering_ids, reason=reason)


def _claims_changed(*, offering_ids: Iterable[int]) -> None:
    offering_ids = sorted(set(offering_ids))
    refresh_claim_vectors(offering_ids=offering_ids)
    _announce(offering_ids=offering_ids, reason="claims")


def _check_claim(*, offering: Offering, capability: Capability, level: str, roadmap):
    if capability.release_id != offering.release_id:
        raise ValueError(
            f"Capability {capability.code} belongs to another standards release "
            "than the offering."
        )
    if level not in ClaimLevel.values:
        raise ValueError(f"Unknown claim level: {level!r}.")
    if level == ClaimLevel.ROADMAP and roadmap is None:
        raise ValueError("A roadmap claim needs a target date.")


@transaction.atomic
def claims_set(*, offering: Offering, claims: Iterable[ClaimInput]) -> list[Claim]:
    """Create or update the offering's claims on the given capabilities.

    A changed claim loses its verified mark: a broker verified what it said before.
    """
    claims = list(claims)
    capabilities = Capability.objects.in_bulk([c.capability_id for c in claims])
    existing = {
        claim.capability_id: claim
        for claim in Claim.objects.select_for_update().filter(
            offering=offering, capability_id__in=capabilities
        )
    }
    to_create, to_update = [], []
    for item in claims:
        capability = capabilities.get(item.capability_id)
        if capability is None:
            raise ValueError(f"No capability with id {item.capability_id}.")
        _check_claim(
            offering=offering,
            capability=capability,
            level=item.level,
            roadmap=item.roadmap_date,
        )
        roadmap_date = item.roadmap_date if item.level == ClaimLevel.ROADMAP else None
        claim = existing.get(item.capability_id)
        if claim is None:
            to_create.append(
                Claim(
                    offering=offering,
                    capability=capability,
                    level=item.level,
                    roadmap_date=roadmap_date,
                    evidence=item.evidence,
                    evidence_url=item.evidence_url,
                )
            )
            continue
        changed = (claim.level, claim.roadmap_date, claim.evidence, claim.evidence_url)
        if changed != (item.level, roadmap_date, item.evidence, item.evidence_url):
            claim.level = item.level
            claim.roadmap_date = roadmap_date
            claim.evidence = item.evidence
            claim.evidence_url = item.evidence_url
            claim.verified = False
            claim.verified_by = None
            claim.verified_at = None
            to_update.append(claim)
    for claim in to_create:
        claim.save()
    for claim in to_update:
        claim.save()
    if to_create or to_update:
        _claims_changed(offering_ids=[offering.id])
    return to_create + to_update


def claim_set(
    *,
    offering: Offering,
    capability: Capability,
    level: str,
    roadmap_date: datetime.date | None = None,
    evidence: str = "",
    evidence_url: str = "",
) -> Claim:
    """Create or update one claim (see :func:`claims_set`)."""
    claims_set(
        offering=offering,
        claims=[
            ClaimInput(
                capability_id=capability.id,
                level=level,
                roadmap_date=roadmap_date,
                evidence=evidence,
                evidence_url=evidence_url,
            )
        ],
    )
    return Claim.objects.get(offering=offering, capability=capability)


@transaction.atomic
def claim_delete(*, claim: Claim) -> None:
    """Withdraw a claim: the capability becomes unknown for the offering."""
    offering_id = claim.offering_id
    claim.delete()
    _claims_changed(offering_ids=[offering_id])


@transaction.atomic
def claim_verify(*, claim: Claim, user, verified: bool = True) -> Claim:
    """A broker marks a claim verified (or takes the mark back)."""
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    claim.verified = verified
    claim.verified_by = user if verified else None
    claim.verified_at = timezone.now() if verified else None
    claim.save(update_fields=["verified", "verified_by", "verified_at", "updated_at"])
    _claims_changed(offering_ids=[claim.offering_id])
    return claim


@transaction.atomic
def claims_changed(*, offering_ids: Iterable[int]) -> None:
    """Refresh what depends on claims after a write made elsewhere (the admin's
    inline formset saves claims itself, then calls this)."""
    _claims_changed(offering_ids=offering_ids)


def offering_search_refresh(*, offering_ids: Iterable[int]) -> int:
    """Rebuild the weighted full-text document of the given offerings.

    Weights: A name, B provider name and summary, C covered function names, D the
    description. Only PostgreSQL stores the document; elsewhere search falls back to
    plain matching and this does nothing.
    """
    offering_ids = sorted(set(offering_ids))
    if connection.vendor != "postgresql" or not offering_ids:
        return 0
    functions: dict[int, set[str]] = defaultdict(set)
    for offering_id, function_name in (
        Claim.objects.filter(offering_id__in=offering_ids, level__in=COVERED_LEVELS)
        .values_list("offering_id", "capability__function__name")
        .distinct()
    ):
        functions[offering_id].add(function_name)
    offerings = Offering.objects.filter(id__in=offering_ids).select_related("provider")
    for offering in offerings:
        parts = [
            (offering.name, "A"),
            (offering.provider.name, "B"),
            (offering.summary, "B"),
            (" ".join(sorted(functions[offering.id])), "C"),
            (offering.description, "D"),
        ]
        vector = None
        for text, weight in parts:
            piece = SearchVector(
                Value(text, output_field=TextField()),
                weight=weight,
                config=SEARCH_CONFIG,
            )
            vector = piece if vector is None else vector + piece
        Offering.objects.filter(pk=offering.pk).update(search_vector=vector)
    return len(offerings)


def _refresh_search_on_change(sender, *, offering_ids, **kwargs) -> None:
    offering_search_refresh(offering_ids=offering_ids)


offerings_changed.connect(
    _refresh_search_on_change, dispatch_uid="catalog.search_document"
)


@transaction.atomic
def offerings_published(*, offering_ids: Iterable[int]) -> None:
    """Announce offerings that became visible in the catalog (refreshes vectors)."""
    offering_ids = sorted(set(offering_ids))
    refresh_claim_vectors(offering_ids=offering_ids)
    _announce(offering_ids=offering_ids, reason="published")


# Shortlists ---------------------------------------------------------------------


@transaction.atomic
def shortlist_create(*, user, name: str) -> Shortlist:
    """A new named shortlist; an agency user's is shared with their agency."""
    name = name.strip()
    if not name:
        raise ValueError("A shortlist needs a name.")
    return Shortlist.objects.create(
        name=name[:120], owner=user, agency_id=getattr(user, "agency_id", None)
    )


@transaction.atomic
def shortlist_rename(*, shortlist: Shortlist, name: str) -> Shortlist:
    name = name.strip()
    if not name:
        raise ValueError("A shortlist needs a name.")
    shortlist.name = name[:120]
    shortlist.save(update_fields=["name", "updated_at"])
    return shortlist


@transaction.atomic
def shortlist_add(*, shortlist: Shortlist, offering: Offering, user) -> bool:
    """Add an offering; returns False when it was already on the shortlist."""
    _, created = ShortlistEntry.objects.get_or_create(
        shortlist=shortlist, offering=offering, defaults={"added_by": user}
    )
    if created:
        shortlist.save(update_fields=["updated_at"])
    return created


@transaction.atomic
def shortlist_remove(*, shortlist: Shortlist, offering: Offering) -> bool:
    deleted, _ = ShortlistEntry.objects.filter(
        shortlist=shortlist, offering=offering
    ).delete()
    if deleted:
        shortlist.save(update_fields=["updated_at"])
    return bool(deleted)


@transaction.atomic
def shortlist_delete(*, shortlist: Shortlist) -> None:
    shortlist.delete()
