"""What the catalog's lists and search read about an offering, rebuilt from its
claims: the covered functions, the coverage counts and the search document."""

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from catalog.models import Claim, Offering, OfferingFunction, Provider
from catalog.models.search import COVERED_LEVELS, SEARCH_CONFIG
from catalog.pagecache import pages_stale
from catalog.signals import offerings_changed
from catalog.vectors import refresh_claim_vectors
from standards.models import Capability

# Offerings per set-based statement of offering_search_refresh.
REFRESH_BATCH = 2000


def announce(*, offering_ids: Iterable[int], reason: str) -> None:
    """What follows every change of offerings, in the transaction that makes it:
    their search data is rebuilt and the catalog's cached pages go stale (called
    here, within the app), then the other apps are told (``offerings_changed``,
    whose receivers live in those apps)."""
    offering_ids = sorted(set(offering_ids))
    offering_search_refresh(offering_ids=offering_ids)
    pages_stale()
    offerings_changed.send(sender=Offering, offering_ids=offering_ids, reason=reason)


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
            f"INSERT INTO {table} (offering_id, function_code, covered_count) "  # noqa: S608
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


@transaction.atomic
def offerings_published(*, offering_ids: Iterable[int]) -> None:
    """Announce offerings that became visible in the catalog (refreshes vectors)."""
    offering_ids = sorted(set(offering_ids))
    refresh_claim_vectors(offering_ids=offering_ids)
    announce(offering_ids=offering_ids, reason="published")
