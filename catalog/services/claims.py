"""The one writer of compliance claims.

Every path that changes claims comes here: the provider pages, the API, the claims
import, the admin, the revision copy of the workflow, the demo and the test
builders. Whatever the path, a write

* is refused unless the offering is a draft or returned: a published offering's
  claims change only through a revision (:func:`claims_copy`, used by the workflow
  when a revision starts and when it is approved);
* is refused for an item of another standards release than the offering's,
  an unknown level, or a roadmap claim without a date (:func:`claims_check`);
* covers every kind of item: capabilities (:class:`ClaimInput`, written to
  ``Claim``) and service measures, information exchanges and pre-built reports
  (:class:`ItemClaimInput`, written to ``ItemClaim``), with the same levels;
* writes only the claims that differ; a changed claim loses its verified mark;
* then, in the same transaction (:func:`claims_changed`), moves the offering's
  "last updated", refreshes its claim vector (what scoring reads) and announces
  the change, which rebuilds its search data and queues its rescoring.

Verifying (:func:`claims_verify`) goes through the same refresh.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from django.db import models, transaction
from django.utils import timezone

from catalog.models import ITEM_FIELD, Claim, ClaimLevel, ItemClaim, Offering
from catalog.services.guards import (
    EDITABLE_STATUSES,
    WorkflowError,
    locked,
    refuse_unless,
    set_history_user,
)
from catalog.services.search import announce
from catalog.vectors import refresh_claim_vectors
from standards.models import Capability, Exchange, Report, ServiceMeasure

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


@dataclass(frozen=True)
class ItemClaimInput:
    """One measure's, exchange's or report's claim as stated (``kind``: measure,
    exchange or report; ``item_id``: its primary key); ``level`` "" removes it."""

    kind: str
    item_id: int
    level: str
    roadmap_date: datetime.date | None = None
    evidence: str = ""
    evidence_url: str = ""


AnyClaimInput = ClaimInput | ItemClaimInput
ITEM_MODELS: dict[str, type[models.Model]] = {
    "measure": ServiceMeasure,
    "exchange": Exchange,
    "report": Report,
}
ITEM_NAMES = {"measure": "service measure", "exchange": "exchange", "report": "report"}


def _key(data: AnyClaimInput) -> tuple[str, int]:
    if isinstance(data, ClaimInput):
        return ("capability", data.capability_id)
    return (data.kind, data.item_id)


def _releases(claims: Sequence[AnyClaimInput]) -> dict[tuple[str, int], int]:
    """The release of every item named: one query per kind named."""
    wanted: dict[str, set[int]] = {}
    for data in claims:
        kind, pk = _key(data)
        wanted.setdefault(kind, set()).add(pk)
    found = {}
    for kind, pks in wanted.items():
        model = Capability if kind == "capability" else ITEM_MODELS.get(kind)
        if model is None:
            continue
        for pk, release_id in (
            model._default_manager.filter(pk__in=pks)
            .order_by()
            .values_list("pk", "release_id")
        ):
            found[(kind, pk)] = release_id
    return found


def claims_check(*, offering: Offering, claims: Sequence[AnyClaimInput]) -> list[str]:
    """Why the claims cannot be written onto the offering (empty: they can). One
    query per kind of item named. Forms (the admin's) show these messages."""
    errors = []
    releases = _releases(claims)
    for data in claims:
        kind, pk = _key(data)
        name = ITEM_NAMES.get(kind, kind)
        if data.level and data.level not in ClaimLevel.values:
            errors.append(f"Unknown claim level “{data.level}”.")
        if data.level == ClaimLevel.ROADMAP and data.roadmap_date is None:
            errors.append("A roadmap claim needs a target date.")
        release_id = releases.get((kind, pk))
        if release_id is None:
            errors.append(f"No {name} with id {pk}.")
        elif data.level and release_id != offering.release_id:
            errors.append(
                f"A claim can only be made on a {name} of the offering's "
                f"standards release; this {name} belongs to another standards "
                "release."
            )
    return list(dict.fromkeys(errors))


def _normalised(data: AnyClaimInput) -> AnyClaimInput:
    if data.level == ClaimLevel.ROADMAP:
        return data
    return replace(data, roadmap_date=None)


def _write(
    offering: Offering,
    by,
    wanted: dict[int, Claim | ItemClaim | AnyClaimInput | None],
    kind: str = "capability",
) -> int:
    """Make the offering's claims on the items of one kind in ``wanted`` (by
    primary key) what it says: an input (verification dropped when anything
    differs), a source claim (copied with its verification), or ``None`` (no
    claim). Returns how many claims were created, changed or removed."""
    model = Claim if kind == "capability" else ItemClaim
    field = "capability_id" if kind == "capability" else f"{ITEM_FIELD[kind]}_id"
    existing = {
        getattr(claim, field): claim
        for claim in model.objects.select_for_update().filter(
            offering=offering, **{f"{field}__in": list(wanted)}
        )
    }
    changed = 0
    for item_id, source in wanted.items():
        claim = existing.get(item_id)
        if source is None:
            if claim is not None:
                set_history_user(claim, by)
                claim.delete()
                changed += 1
            continue
        copied = isinstance(source, Claim | ItemClaim)
        fields: tuple[str, ...]
        fields = (*CLAIM_FIELDS, *VERIFICATION_FIELDS) if copied else CLAIM_FIELDS
        values = {name: getattr(source, name) for name in fields}
        if claim is None:
            extra = {} if kind == "capability" else {"kind": kind}
            claim = model(offering=offering, **{field: item_id}, **extra)
        elif all(getattr(claim, name) == values[name] for name in fields):
            continue
        for name, value in values.items():
            setattr(claim, name, value)
        if not copied:
            claim.verified, claim.verified_by, claim.verified_at = False, None, None
        set_history_user(claim, by)
        claim.save()
        changed += 1
    return changed


@transaction.atomic
def claims_save(*, offering: Offering, by, claims: Iterable[AnyClaimInput]) -> int:
    """Write the given items' claims (of any kind) onto a draft or returned
    offering; level "" removes a claim. Items not given are left alone; saving what
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
    by_kind: dict[str, dict] = {}
    for data in claims:
        kind, pk = _key(data)
        by_kind.setdefault(kind, {})[pk] = data if data.level else None
    changed = sum(
        _write(offering, by, wanted, kind) for kind, wanted in sorted(by_kind.items())
    )
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
    wanted: dict[int, Claim | ItemClaim | AnyClaimInput | None] = dict.fromkeys(
        target.claims.values_list("capability_id", flat=True)
    )
    wanted.update({claim.capability_id: claim for claim in source.claims.all()})
    changed = _write(target, by, wanted)
    for kind, field in ITEM_FIELD.items():
        wanted = dict.fromkeys(
            target.item_claims.filter(kind=kind).values_list(f"{field}_id", flat=True)
        )
        wanted.update(
            {
                getattr(claim, f"{field}_id"): claim
                for claim in source.item_claims.filter(kind=kind)
            }
        )
        changed += _write(target, by, wanted, kind)
    if reason is not None:
        claims_changed(offering_ids=[target.pk], reason=reason)
    return changed


@transaction.atomic
def claims_verify(
    *, claims: Iterable[Claim | ItemClaim], by, verified: bool = True
) -> int:
    """A broker marks claims (of any kind) verified (or takes the mark back). The
    offerings' "last updated" moves, as for any change of their claims. Returns how
    many changed."""
    claims = list(claims)
    ids = [claim.pk for claim in claims if isinstance(claim, Claim)]
    item_ids = [claim.pk for claim in claims if isinstance(claim, ItemClaim)]
    changed = 0
    offering_ids: set[int] = set()
    rows: list[Claim | ItemClaim] = [
        *Claim.objects.select_for_update().filter(pk__in=ids).order_by("pk"),
        *ItemClaim.objects.select_for_update().filter(pk__in=item_ids).order_by("pk"),
    ]
    for claim in rows:
        if claim.verified == verified:
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
