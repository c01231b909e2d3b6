"""Writes to the catalog: claims, the search document, shortlists.

Every function is keyword-only and atomic. Claim writes refresh the compact claim
vectors (which scoring reads) in the same transaction and send
:data:`catalog.signals.offerings_changed`, whose receivers enqueue their work after
commit. The search document of an offering is rebuilt by a receiver of the same
signal, so any service that announces a change keeps search current too.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from catalog.models import (
    Claim,
    ClaimLevel,
    Offering,
    OfferingFunction,
    Provider,
    Shortlist,
    ShortlistEntry,
)
from catalog.models.search import COVERED_LEVELS, SEARCH_CONFIG
from catalog.signals import offerings_changed
from catalog.vectors import refresh_claim_vectors
from standards.models import Capability

# Levels that count as "covered": out of the box or by configuration, the levels that
# earn at least the 0.9 credit below which a must-have is a gap (DESIGN section 5).
# Offerings per set-based statement of offering_search_refresh.
REFRESH_BATCH = 2000


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
    # A changed claim changes the listing: the catalog's "last updated" says so.
    Offering.objects.filter(pk__in=offering_ids).update(updated_at=timezone.now())
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
    """Rebuild what the catalog's lists and search read about the given offerings,
    all derived from their claims; returns how many offerings were asked for.

    * :class:`~catalog.models.OfferingFunction` rows: per function code, the
      offering's covered claims (the function facet and filter read them);
    * ``covered_count`` and ``capability_count`` of the offering: its covered
      capabilities of its release and that release's capabilities (the coverage
      the lists show and sort by);
    * on PostgreSQL, the weighted full-text document ``search_vector``: A name,
      B provider name and summary, C the names of the covered functions (sorted,
      each once), D the description. Elsewhere search falls back to plain matching.

    Set-based, a batch of :data:`REFRESH_BATCH` offerings at a time: on PostgreSQL
    one ``DELETE`` and one statement that reads the batch's claims once and writes
    everything; elsewhere a ``DELETE``, an ``INSERT ... SELECT`` and an ``UPDATE``.
    One offering and a whole seeded catalog take the same path.
    """
    offering_ids = sorted(set(offering_ids))
    with transaction.atomic():
        for start in range(0, len(offering_ids), REFRESH_BATCH):
            batch = offering_ids[start : start + REFRESH_BATCH]
            OfferingFunction.objects.filter(offering_id__in=batch).delete()
            if connection.vendor == "postgresql":
                _refresh_postgresql(batch)
            else:
                _refresh_portable(batch)
    return len(offering_ids)


def _covered_claims(offering_ids: list[int]) -> QuerySet:
    """The offerings' covered claims grouped by offering, function (code and name)
    and the capability's release, counted: a handful of rows per offering."""
    return (
        Claim.objects.filter(offering_id__in=offering_ids, level__in=COVERED_LEVELS)
        .order_by()
        .values_list(
            "offering_id",
            "capability__function__code",
            "capability__function__name",
            "capability__release_id",
        )
        .annotate(n=Count("pk"))
    )


# The upsert keeps two transactions that refresh the same offering at once from
# failing on the unique constraint; the last one to write wins.
_UPSERT_FUNCTIONS = (
    "ON CONFLICT (offering_id, function_code) "
    "DO UPDATE SET covered_count = excluded.covered_count"
)


def _refresh_postgresql(offering_ids: list[int]) -> None:
    """One statement: the covered claims are grouped once (``covered``), inserted
    per function code, summed and named per offering (``derived``) for the
    ``UPDATE`` that writes the counts and the search document."""
    covered_sql, covered_params = _covered_claims(offering_ids).query.sql_with_params()
    table = {
        model: connection.ops.quote_name(model._meta.db_table)
        for model in (Offering, OfferingFunction, Provider, Capability)
    }

    def weighted(text: str, weight: str) -> str:
        # What django.contrib.postgres.search.SearchVector writes for one part.
        return (
            f"setweight(to_tsvector(%s::regconfig, COALESCE({text}, '')), '{weight}')"
        )

    document = " || ".join(
        weighted(text, weight)
        for text, weight in (
            ("o.name", "A"),
            ("p.name", "B"),
            ("o.summary", "B"),
            ("d.function_names", "C"),
            ("o.description", "D"),
        )
    )
    function_name = 'c.function_name::text COLLATE "C"'
    # Table names come from the models; every value is a bound parameter.
    sql = f"""
        WITH covered (offering_id, function_code, function_name, release_id, n)
            AS ({covered_sql}),
        functions AS (
            INSERT INTO {table[OfferingFunction]}
                (offering_id, function_code, covered_count)
            SELECT offering_id, function_code, SUM(n) FROM covered
            GROUP BY offering_id, function_code
            {_UPSERT_FUNCTIONS}
        ),
        release_sizes AS (
            SELECT release_id, COUNT(*) AS n FROM {table[Capability]}
            WHERE release_id IN (
                SELECT release_id FROM {table[Offering]} WHERE id = ANY(%s)
            )
            GROUP BY release_id
        ),
        derived AS (
            SELECT o.id,
                COALESCE(SUM(c.n) FILTER (WHERE c.release_id = o.release_id), 0)
                    AS covered_count,
                COALESCE(MAX(r.n), 0) AS capability_count,
                -- Byte order ("C") is Python's sorted(): the documents are the
                -- ones built one offering at a time before.
                STRING_AGG(DISTINCT {function_name}, ' ' ORDER BY {function_name})
                    AS function_names
            FROM {table[Offering]} o
            LEFT JOIN covered c ON c.offering_id = o.id
            LEFT JOIN release_sizes r ON r.release_id = o.release_id
            WHERE o.id = ANY(%s)
            GROUP BY o.id
        )
        UPDATE {table[Offering]} AS o
        SET covered_count = d.covered_count,
            capability_count = d.capability_count,
            search_vector = {document}
        FROM derived d, {table[Provider]} p
        WHERE o.id = d.id AND p.id = o.provider_id
    """  # noqa: S608  # nosec B608
    params = [
        *covered_params,
        offering_ids,
        offering_ids,
        *[SEARCH_CONFIG] * 5,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _refresh_portable(offering_ids: list[int]) -> None:
    """The same rows and counts in plain SQL (no search document)."""
    covered = (
        Claim.objects.filter(offering_id__in=offering_ids, level__in=COVERED_LEVELS)
        .order_by()
        .values_list("offering_id", "capability__function__code")
        .annotate(n=Count("pk"))
    )
    select_sql, params = covered.query.sql_with_params()
    table = connection.ops.quote_name(OfferingFunction._meta.db_table)
    with connection.cursor() as cursor:
        # The table name comes from the model, values are the SELECT's parameters.
        cursor.execute(
            f"INSERT INTO {table} (offering_id, function_code, covered_count) "  # noqa: S608  # nosec B608
            f"{select_sql} {_UPSERT_FUNCTIONS}",
            params,
        )
    covered_in_release = Claim.objects.filter(
        offering=OuterRef("pk"),
        level__in=COVERED_LEVELS,
        capability__release=OuterRef("release"),
    )
    capabilities = Capability.objects.filter(release=OuterRef("release"))
    Offering.objects.filter(id__in=offering_ids).update(
        covered_count=_count_subquery(covered_in_release, "offering"),
        capability_count=_count_subquery(capabilities, "release"),
    )


def _count_subquery(queryset: QuerySet, outer_field: str) -> Coalesce:
    """How many rows ``queryset`` (correlated on ``outer_field``) has, as an
    expression: 0 when none."""
    subquery = (
        queryset.order_by().values(outer_field).annotate(n=Count("pk")).values("n")[:1]
    )
    return Coalesce(Subquery(subquery, output_field=IntegerField()), 0)


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
