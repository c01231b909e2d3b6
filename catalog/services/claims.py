"""The one writer of compliance claims.

Every path that changes claims comes here: the provider pages, the API, the claims
import, the admin, the revision copy of the workflow, the demo and the test
builders. Whatever the path, a write

* is refused unless the offering is a draft or returned: a published offering's
  claims change only through a revision (:func:`claims_copy`, used by the workflow
  when a revision starts and when it is approved);
* is refused for a capability of another standards release than the offering's,
  an unknown level, or a roadmap claim without a date (:func:`claims_check`);
* writes only the claims that differ; a changed claim loses its verified mark;
* then, in the same transaction (:func:`claims_changed`), moves the offering's
  "last updated", refreshes its claim vector (what scoring reads) and announces
  the change, which rebuilds its search data and queues its rescoring.

Verifying (:func:`claims_verify`) goes through the same refresh.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from django.db import transaction
from django.utils import timezone

from catalog.models import Claim, ClaimLevel, Offering
from catalog.services.guards import (
    EDITABLE_STATUSES,
    WorkflowError,
    locked,
    refuse_unless,
    set_history_user,
)
from catalog.services.search import announce
from catalog.vectors import refresh_claim_vectors
from standards.models import Capability

CLAIM_FIELDS = ("level", "roadmap_date", "evidence", "evidence_url")
VERIFICATION_FIELDS = ("verified", "verified_by_id", "verified_at")


class ClaimRefused(WorkflowError, ValueError):
    """A claim the rules do not allow (the message says which rule)."""


@dataclass(frozen=True)
class ClaimInput:
    """One capability's claim as stated; ``level`` "" means no claim (removes it)."""

    capability_id: int
    level: str
    roadmap_date: datetime.date | None = None
    evidence: str = ""
    evidence_url: str = ""


def claims_check(*, offering: Offering, claims: Sequence[ClaimInput]) -> list[str]:
    """Why the claims cannot be written onto the offering (empty: they can). One
    query: the capabilities named. Forms (the admin's) show these messages."""
    errors = []
    capabilities = dict(
        Capability.objects.filter(pk__in={c.capability_id for c in claims})
        .order_by()
        .values_list("pk", "release_id")
    )
    for data in claims:
        if data.level and data.level not in ClaimLevel.values:
            errors.append(f"Unknown claim level “{data.level}”.")
        if data.level == ClaimLevel.ROADMAP and data.roadmap_date is None:
            errors.append("A roadmap claim needs a target date.")
        release_id = capabilities.get(data.capability_id)
        if release_id is None:
            errors.append(f"No capability with id {data.capability_id}.")
        elif data.level and release_id != offering.release_id:
            errors.append(
                "A claim can only be made on a capability of the offering's "
                "standards release; this capability belongs to another standards "
                "release."
            )
    return list(dict.fromkeys(errors))


def _normalised(data: ClaimInput) -> ClaimInput:
    if data.level == ClaimLevel.ROADMAP:
        return data
    return replace(data, roadmap_date=None)


def _write(offering: Offering, by, wanted: dict[int, Claim | ClaimInput | None]) -> int:
    """Make the offering's claims on the capabilities in ``wanted`` what it says:
    a :class:`ClaimInput` (verification dropped when anything differs), a source
    :class:`Claim` (copied with its verification), or ``None`` (no claim). Returns
    how many claims were created, changed or removed."""
    existing = {
        claim.capability_id: claim
        for claim in Claim.objects.select_for_update().filter(
            offering=offering, capability_id__in=list(wanted)
        )
    }
    changed = 0
    for capability_id, source in wanted.items():
        claim = existing.get(capability_id)
        if source is None:
            if claim is not None:
                set_history_user(claim, by)
                claim.delete()
                changed += 1
            continue
        fields: tuple[str, ...]
        if isinstance(source, Claim):
            fields = (*CLAIM_FIELDS, *VERIFICATION_FIELDS)
            values = {name: getattr(source, name) for name in fields}
        else:
            fields = CLAIM_FIELDS
            values = {name: getattr(source, name) for name in fields}
        if claim is None:
            claim = Claim(offering=offering, capability_id=capability_id)
        elif all(getattr(claim, name) == values[name] for name in fields):
            continue
        for name, value in values.items():
            setattr(claim, name, value)
        if not isinstance(source, Claim):
            claim.verified, claim.verified_by, claim.verified_at = False, None, None
        set_history_user(claim, by)
        claim.save()
        changed += 1
    return changed


@transaction.atomic
def claims_save(*, offering: Offering, by, claims: Iterable[ClaimInput]) -> int:
    """Write the given capabilities' claims onto a draft or returned offering;
    level "" removes a claim. Capabilities not given are left alone; saving what
    was read writes nothing. Raises :class:`ClaimRefused` (a
    :class:`~catalog.services.guards.WorkflowError`) and writes nothing when the
    offering's state or any claim is refused. Returns how many claims were
    created, changed or removed."""
    offering = locked(offering)
    refuse_unless(offering, EDITABLE_STATUSES, "change the claims of")
    claims = [_normalised(data) for data in claims]
    errors = claims_check(offering=offering, claims=claims)
    if errors:
        raise ClaimRefused(" ".join(errors))
    wanted: dict[int, Claim | ClaimInput | None] = {
        data.capability_id: data if data.level else None for data in claims
    }
    changed = _write(offering, by, wanted)
    if changed:
        claims_changed(offering_ids=[offering.pk])
    return changed


@transaction.atomic
def claims_copy(
    *, source: Offering, target: Offering, by, reason: str | None = "claims"
) -> int:
    """Make ``target``'s claims exactly ``source``'s, verification included: how a
    revision starts (published -> revision) and how its approval reaches the
    published offering (revision -> published). The workflow locks both and
    checks their states; this is the only write onto a published offering's
    claims. ``reason`` is what the change is announced as; ``None`` when the caller
    saves more of the target first and then calls :func:`claims_changed` itself."""
    wanted: dict[int, Claim | ClaimInput | None] = dict.fromkeys(
        target.claims.values_list("capability_id", flat=True)
    )
    wanted.update({claim.capability_id: claim for claim in source.claims.all()})
    changed = _write(target, by, wanted)
    if reason is not None:
        claims_changed(offering_ids=[target.pk], reason=reason)
    return changed


@transaction.atomic
def claims_verify(
    *, claims: Iterable[Claim], by, verified: bool = True, again: bool = False
) -> int:
    """A broker marks claims verified (or takes the mark back). With ``again``, a
    claim verified already is verified again (``verified_at`` moves to now: what
    keeps it fresh, ``catalog.freshness``); without, it is left alone. The
    offerings' "last updated" moves, as for any change of their claims. Returns how
    many changed."""
    ids = [claim.pk for claim in claims]
    changed = 0
    offering_ids: set[int] = set()
    for claim in Claim.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
        if claim.verified == verified and not (verified and again):
            continue
        claim.verified = verified
        claim.verified_by = by if verified else None
        claim.verified_at = timezone.now() if verified else None
        set_history_user(claim, by)
        claim.save()
        offering_ids.add(claim.offering_id)
        changed += 1
    if offering_ids:
        claims_changed(offering_ids=offering_ids)
    return changed


@transaction.atomic
def claims_changed(*, offering_ids: Iterable[int], reason: str = "claims") -> None:
    """What follows any change of claims: the offerings' "last updated" moves, their
    claim vectors are rebuilt, and the change is announced (search data, scoring)."""
    offering_ids = sorted(set(offering_ids))
    # A changed claim changes the listing: the catalog's "last updated" says so.
    Offering.objects.filter(pk__in=offering_ids).update(updated_at=timezone.now())
    refresh_claim_vectors(offering_ids=offering_ids)
    announce(offering_ids=offering_ids, reason=reason)
