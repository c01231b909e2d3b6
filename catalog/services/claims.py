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

Verifying (:func:`claims_verify`) goes through the same refresh. Many new
offerings' first claims load in bulk through :func:`claims_bulk_load`, under the same
rules.
"""

import datetime
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from django.db import connection, models, transaction
from django.utils import timezone

from catalog.models import ITEM_FIELD, Claim, ClaimLevel, ItemClaim, Offering
from catalog.pagecache import pages_stale
from catalog.services.guards import (
    EDITABLE_STATUSES,
    WorkflowError,
    locked,
    refuse_unless,
    set_history_user,
)
from catalog.services.search import announce, offering_search_refresh
from catalog.vectors import (
    LEVEL_CODES,
    claim_vector,
    claim_vectors_save,
    refresh_claim_vectors,
    release_index,
)
from marketplace.copying import NULL, copy_escape, copy_rows
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
    *,
    claims: Iterable[Claim | ItemClaim],
    by,
    verified: bool = True,
    again: bool = False,
) -> int:
    """A broker marks claims (of any kind) verified (or takes the mark back). With
    ``again``, a claim verified already is verified again (``verified_at`` moves to
    now: what keeps it fresh, ``catalog.freshness``); without, it is left alone. The
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


# A loaded claim: (item, level, roadmap date, evidence); the item is a capability's
# id, or ``(kind, id)`` of a measure, exchange or report (``ITEM_FIELD``'s kinds).
LoadedClaim = tuple[int | tuple[str, int], str, datetime.date | None, str]
ITEM_CLAIM_COLUMNS = [
    "offering_id",
    "kind",
    *(f"{field}_id" for field in ITEM_FIELD.values()),
    "level",
    "roadmap_date",
    "evidence",
]
LOAD_BATCH = 2000  # offerings per statement of vectors (and rows per bulk insert)


@transaction.atomic
def claims_bulk_load(
    *, offering_ids: Sequence[int], claims: Iterable[Iterable[LoadedClaim]]
) -> int:
    """The bulk path of this writer, for many new offerings at once (the scale
    generator's 20,000): ``claims`` holds, for each of ``offering_ids`` in turn, its
    claims of every kind (:data:`LoadedClaim`). Returns how many claims were
    written.

    The writer's rules govern it: the offerings must be drafts or returned, with no
    claim yet (a load states first claims; changes go through :func:`claims_save`);
    every claim must be on an item of the offering's release, with a known level
    and a date when on the roadmap (roadmap dates of other levels are dropped);
    claims are written unverified. The claim vectors are packed by the one encoding
    (:func:`catalog.vectors.claim_vector`) from the same rows, without reading them
    back; the offerings' "last updated" moves and their search data is rebuilt, as
    :func:`claims_changed` does. Refused (``ClaimRefused``) means nothing written.

    One difference, on purpose: the change is not announced to the other apps, which
    would queue a scoring run per offering. Whoever loads a catalog scores the needs
    against it afterwards in bulk (``seed_scale`` does, need by need).

    On PostgreSQL the rows go in through ``COPY`` (the caller may drop the table's
    indexes around it, :func:`marketplace.copying.indexes_built_after`); elsewhere
    through batched inserts. ``tests/catalog/test_claims_bulk_load.py`` shows the
    result equals :func:`claims_save`'s for the same claims."""
    offering_ids = list(offering_ids)
    offerings, releases = {}, {}
    for pk, status, release_id in (
        Offering.objects.select_for_update()
        .filter(pk__in=offering_ids)
        .values_list("pk", "status", "release_id")
    ):
        offerings[pk], releases[pk] = status, release_id
    missing = [pk for pk in offering_ids if pk not in offerings]
    if missing or len(set(offering_ids)) != len(offering_ids):
        raise ClaimRefused(f"No offering, or named twice: {missing or offering_ids}.")
    if any(status not in EDITABLE_STATUSES for status in offerings.values()):
        raise ClaimRefused(
            "Claims are loaded onto draft or returned offerings only; a published "
            "offering's claims change through a revision."
        )
    if (
        Claim.objects.filter(offering_id__in=offering_ids).exists()
        or ItemClaim.objects.filter(offering_id__in=offering_ids).exists()
    ):
        raise ClaimRefused("A load states first claims: an offering has claims.")
    indexes = {pk: release_index(pk) for pk in set(releases.values())}
    vectors = []
    total = 0
    refused: list[ClaimRefused] = []

    def refuse(message: str) -> ClaimRefused:
        # Kept: COPY reports an error of the rows' reader as its own.
        refused.append(ClaimRefused(message))
        return refused[-1]

    # The other kinds' rows wait here (as COPY lines, or instances elsewhere) while
    # the capability claims stream in; they are written once those are.
    other_lines = tempfile.SpooledTemporaryFile(max_size=1 << 24, mode="w+")  # noqa: SIM115 - closed below
    other_claims: list[ItemClaim] = []

    def rows() -> Iterator[tuple[int, int, str, datetime.date | None, str]]:
        nonlocal total
        for offering_id, its_claims in zip(offering_ids, claims, strict=True):
            release_id = releases[offering_id]
            stated = []
            for item, level, roadmap_date, evidence in its_claims:
                key = item if isinstance(item, tuple) else ("capability", item)
                if level not in LEVEL_CODES:
                    raise refuse(f"Unknown claim level “{level}”.")
                if level != ClaimLevel.ROADMAP:
                    roadmap_date = None
                elif roadmap_date is None:
                    raise refuse("A roadmap claim needs a target date.")
                if key not in indexes[release_id]:
                    name = ITEM_NAMES.get(key[0], key[0])
                    raise refuse(
                        f"A claim can only be made on a {name} of the offering's "
                        f"standards release; {name} {key[1]} is not."
                    )
                stated.append((key, level, roadmap_date))
                if key[0] == "capability":
                    yield offering_id, key[1], level, roadmap_date, evidence
                else:
                    _item_claim_out(offering_id, key, level, roadmap_date, evidence)
            total += len(stated)
            vectors.append(
                claim_vector(
                    offering_id=offering_id,
                    release_id=release_id,
                    item_index=indexes[release_id],
                    claims=stated,
                )
            )

    def _item_claim_out(offering_id, key, level, roadmap_date, evidence) -> None:
        kind, item_id = key
        if connection.vendor != "postgresql":
            other_claims.append(
                ItemClaim(
                    offering_id=offering_id,
                    kind=kind,
                    **{f"{ITEM_FIELD[kind]}_id": item_id},
                    level=level,
                    roadmap_date=roadmap_date,
                    evidence=evidence,
                )
            )
            return
        ids = "\t".join(
            str(item_id) if field == ITEM_FIELD[kind] else NULL
            for field in ITEM_FIELD.values()
        )
        other_lines.write(
            f"{offering_id}\t{kind}\t{ids}\t{level}\t"
            f"{roadmap_date.isoformat() if roadmap_date else NULL}\t"
            f"{copy_escape(evidence)}\n"
        )

    if connection.vendor == "postgresql":
        try:
            copy_rows(
                Claim,
                ["offering_id", "capability_id", "level", "roadmap_date", "evidence"],
                (
                    f"{offering_id}\t{capability_id}\t{level}\t"
                    f"{roadmap_date.isoformat() if roadmap_date else NULL}\t"
                    f"{copy_escape(evidence)}\n"
                    for offering_id, capability_id, level, roadmap_date, evidence in (
                        rows()
                    )
                ),
            )
        except Exception:
            # COPY runs on the driver's cursor and reports the rows' reader's error
            # as the driver's own: the refusal is ours.
            if refused:
                raise refused[0] from None
            raise
        other_lines.seek(0)
        copy_rows(
            ItemClaim,
            ITEM_CLAIM_COLUMNS,
            iter(lambda: other_lines.read(1 << 20), ""),
        )
        other_lines.close()
    else:
        batch: list[Claim] = []
        for offering_id, capability_id, level, roadmap_date, evidence in rows():
            batch.append(
                Claim(
                    offering_id=offering_id,
                    capability_id=capability_id,
                    level=level,
                    roadmap_date=roadmap_date,
                    evidence=evidence,
                )
            )
            if len(batch) == LOAD_BATCH:
                Claim.objects.bulk_create(batch)
                batch = []
        Claim.objects.bulk_create(batch)
        ItemClaim.objects.bulk_create(other_claims, batch_size=LOAD_BATCH)
    # Saved once the rows are in: under COPY the rows' reader runs inside the
    # statement, and the connection can run no other query until it ends.
    for start in range(0, len(vectors), LOAD_BATCH):
        claim_vectors_save(vectors[start : start + LOAD_BATCH])
    Offering.objects.filter(pk__in=offering_ids).update(updated_at=timezone.now())
    offering_search_refresh(offering_ids=offering_ids)
    pages_stale()
    return total
