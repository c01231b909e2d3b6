"""Synthetic data at scale for benchmarks: a standards release, a catalog and needs.

``python manage.py seed_scale`` calls :func:`seed_scale`. Everything is generated with
numpy from one seed, so two runs with the same arguments give the same data. Claims go
in through the claims writer's bulk path
(:func:`catalog.services.claims.claims_bulk_load`: PostgreSQL ``COPY``, the claim
vectors packed by the one encoding, the catalog's own set-based search data refresh);
need items through ``COPY``, everything else through ``bulk_create`` in large
batches; nothing is saved one row at a time.

The shape follows the real marketplace, a hundred times over: the ten FY2025 FFM
functions with their names and activities, capabilities spread across them in the
FY2025 proportions, offerings whose category decides how much of the standards they
cover, and claim levels mostly *meets* or *configurable*. The IDs are synthetic
(``SCALE.010``, ``SCALE.010.010.001``: :mod:`standards.identifiers`), so that no
generated item can be mistaken for one of Treasury's.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from brokering import services
from brokering.models import Agency, Match, Need, NeedItem, NeedStatus, Priority
from catalog.models import (
    DeploymentModel,
    ImpactLevel,
    Offering,
    ProviderKind,
)
from marketplace.copying import (
    BATCH,
    NULL,
    copy_escape,
    copy_rows,
    indexes_built_after,
)
from seeding.scale.catalog import seed_catalog
from seeding.scale.items import EVERY, agency_target, seed_other_items
from seeding.scale.vocabulary import (
    AGENCIES,
    CONDITIONS,
    FIRST_DAY,
    FUNCTIONS,
    LAST_DAY,
    OBJECTS,
    PRODUCTS,
    VERBS,
)
from standards.models import (
    Activity,
    Capability,
    CapabilityKind,
    Function,
    ReleaseStatus,
    StandardsRelease,
)


@dataclass
class ScaleResult:
    release: StandardsRelease
    capabilities: int
    offerings: int
    published: int
    claims: int
    needs: int
    need_items: int
    measures: int = 0
    exchanges: int = 0
    reports: int = 0


def seed_scale(
    *,
    offerings: int,
    needs: int,
    items: int,
    measures: int | None = None,
    seed: int = 20251,
    release_name: str = "SCALE",
    log=print,
) -> ScaleResult:
    """Fill an empty PostgreSQL database with ``offerings`` offerings claiming against
    ``items`` capabilities, ``measures`` service measures (a fifth of ``items`` by
    default) and, in the FY2025 proportions, exchanges and reports, and ``needs``
    active needs of a few hundred items of every kind each."""
    if measures is None:
        measures = items // 5
    if connection.vendor != "postgresql":
        raise ValueError("seed_scale writes with COPY and needs PostgreSQL.")
    if StandardsRelease.objects.filter(name=release_name).exists():
        raise ValueError(
            f"A release named {release_name} exists already: seed_scale fills an "
            "empty database (drop it, or pass another --release)."
        )
    rng = np.random.default_rng(seed)
    now = timezone.now()
    with transaction.atomic():
        release, capability_ids, function_of, functions, activities = _seed_standards(
            release_name=release_name, items=items, rng=rng, log=log
        )
        other = seed_other_items(
            release=release,
            functions=functions,
            activities=activities,
            measures=measures,
            rng=rng,
            log=log,
        )
        offering_ids, published_count, claims = seed_catalog(
            release=release,
            capability_ids=capability_ids,
            function_of=function_of,
            other=other,
            count=offerings,
            rng=rng,
            now=now,
            log=log,
        )
        need_count, item_count = _seed_needs(
            release=release,
            capability_ids=capability_ids,
            function_of=function_of,
            other=other,
            count=needs,
            rng=rng,
            log=log,
        )
    with connection.cursor() as cursor:
        # Fresh statistics for every table the load filled (the planner misjudges
        # facet and join queries on tables it has never sampled).
        cursor.execute("ANALYZE")
        if not connection.in_atomic_block:
            # The matches were written in one go: marking their pages all-visible
            # lets the reverse scoring read each need's cut-off from its index alone.
            cursor.execute(f'VACUUM "{Match._meta.db_table}"')  # noqa: S608 - model name
            # Every offering row was updated twice after its insert (its dates, then
            # its search data); a server without autovacuum would otherwise keep the
            # dead versions, and every catalog page scans the offerings.
            for model in (Offering, Offering.contract_vehicles.through):
                cursor.execute(f'VACUUM "{model._meta.db_table}"')  # noqa: S608
    return ScaleResult(
        release=release,
        capabilities=len(capability_ids),
        offerings=len(offering_ids),
        published=published_count,
        claims=claims,
        needs=need_count,
        need_items=item_count,
        measures=len(other.measure_ids),
        exchanges=len(other.exchange_ids),
        reports=len(other.report_ids),
    )


def _seed_standards(*, release_name: str, items: int, rng, log):
    """A release with the real functions and activities and ``items`` capabilities
    spread over them in the FY2025 proportions (at least one per activity)."""
    status = (
        ReleaseStatus.DRAFT
        if StandardsRelease.objects.filter(status=ReleaseStatus.CURRENT).exists()
        else ReleaseStatus.CURRENT
    )
    release = StandardsRelease.objects.create(
        name=release_name,
        status=status,
        published_on=datetime.date(2025, 10, 1),
        notes=f"Synthetic release of {items} capabilities made by seed_scale.",
    )
    functions = Function.objects.bulk_create(
        Function(release=release, code=code, name=name)
        for code, name, _weight, _activities in FUNCTIONS
    )
    activities: list[Activity] = []
    for function, (_code, _name, _weight, names) in zip(
        functions, FUNCTIONS, strict=True
    ):
        activities.extend(
            Activity(
                release=release,
                function=function,
                code=f"{function.code}.{10 * (n + 1):03d}",
                name=name,
            )
            for n, name in enumerate(names)
        )
    activities = Activity.objects.bulk_create(activities)
    weights = np.array([weight for _c, _n, weight, _a in FUNCTIONS], dtype=float)
    per_function = _spread(items, weights, minimum=[len(f[3]) for f in FUNCTIONS])
    capabilities: list[Capability] = []
    by_function: dict[int, list[Activity]] = {}
    for activity in activities:
        by_function.setdefault(activity.function_id, []).append(activity)
    for function, count in zip(functions, per_function, strict=True):
        its_activities = by_function[function.id]
        per_activity = _spread(
            count, np.ones(len(its_activities)), minimum=[1] * len(its_activities)
        )
        for activity, activity_count in zip(its_activities, per_activity, strict=True):
            for n in range(activity_count):
                verb = VERBS[rng.integers(len(VERBS))]
                thing = OBJECTS[rng.integers(len(OBJECTS))]
                condition = CONDITIONS[rng.integers(len(CONDITIONS))]
                capabilities.append(
                    Capability(
                        release=release,
                        activity=activity,
                        function=function,
                        code=f"{activity.code}.{n + 1:03d}",
                        kind=(CapabilityKind.INPUT, CapabilityKind.PROCESS)[n % 2]
                        if n % 3
                        else CapabilityKind.OUTPUT,
                        statement=f"The system must {verb} {thing} {condition} "
                        f"({activity.name.lower()}).",
                        goal_group_id=f"{function.code}.G{n % 4 + 1}",
                        goal_group_name=f"{function.name} goal {n % 4 + 1}",
                    )
                )
    Capability.objects.bulk_create(capabilities, batch_size=BATCH)
    ordered = list(
        Capability.objects.filter(release=release)
        .order_by("code")
        .values_list("id", "function_id")
    )
    function_index = {function.id: n for n, function in enumerate(functions)}
    capability_ids = np.array([pk for pk, _f in ordered], dtype=np.int64)
    function_of = np.array([function_index[f] for _pk, f in ordered], dtype=np.int64)
    log(
        f"standards: release {release.name} ({status}), {len(functions)} functions, "
        f"{len(activities)} activities, {len(capability_ids)} capabilities"
    )
    return release, capability_ids, function_of, functions, activities


def _spread(total: int, weights: np.ndarray, minimum: list[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights``, each part at least its minimum."""
    floor = np.array(minimum)
    rest = max(total - int(floor.sum()), 0)
    shares = weights / weights.sum() * rest
    parts = np.floor(shares).astype(int)
    remainder = rest - int(parts.sum())
    for index in np.argsort(-(shares - parts))[:remainder]:
        parts[index] += 1
    return (parts + floor).tolist()


# The other kinds' items of a need, and the share of the measures with a target set
# by Treasury whose target the need changes (which leaves them, like the measures
# whose target Treasury leaves to the customer, awaiting the provider's answer).
NEED_MEASURES, NEED_EXCHANGES, NEED_REPORTS = 60, 20, 10
TARGET_CHANGED_SHARE = 0.2
IN_SCOPE_WEIGHT = 4.0  # how much likelier an item of the need's functions is drawn


def _draw(function_of, in_scope, size: int, rng) -> np.ndarray:
    """``size`` distinct indexes of items, those of the functions in scope
    (``in_scope`` by function index, :data:`EVERY` last) drawn first."""
    size = min(size, len(function_of))
    weights = np.where(in_scope[function_of], IN_SCOPE_WEIGHT, 1.0)
    return np.sort(
        rng.choice(
            len(function_of), size=size, replace=False, p=weights / weights.sum()
        )
    )


def _seed_needs(
    *, release, capability_ids, function_of, other, count: int, rng, log
) -> tuple[int, int]:
    """``count`` active needs, each with 200 to 400 capabilities drawn from the
    functions in its scope and, mostly from the same functions, 60 service measures
    (the agency's own target where Treasury leaves it to the customer, and on a
    fifth of the others), 20 exchanges and 10 reports: a fifth must, three fifths
    should, a fifth could."""
    agencies = [
        Agency.objects.get_or_create(
            cgac_code=cgac, defaults={"name": name, "abbreviation": abbreviation}
        )[0]
        for name, abbreviation, cgac in AGENCIES
    ]
    impact_choices = ["", ImpactLevel.LOW, ImpactLevel.MODERATE, ImpactLevel.HIGH]
    needs = []
    for n in range(count):
        agency = agencies[n % len(agencies)]
        kinds = (
            []
            if rng.random() < 0.7
            else [ProviderKind.FEDERAL]
            if rng.random() < 0.3
            else [ProviderKind.COMMERCIAL]
        )
        deployments = (
            []
            if rng.random() < 0.75
            else [DeploymentModel.SAAS, DeploymentModel.SHARED_SERVICE]
        )
        needs.append(
            Need(
                agency=agency,
                release=release,
                title=f"{agency.abbreviation} "
                f"{PRODUCTS[int(rng.integers(len(PRODUCTS)))]} replacement {n + 1}",
                go_live_date=datetime.date.fromordinal(
                    int(rng.integers(FIRST_DAY + 180, LAST_DAY))
                ),
                accepted_provider_kinds=kinds,
                minimum_impact_level=impact_choices[
                    int(rng.choice(4, p=[0.4, 0.1, 0.4, 0.1]))
                ],
                accepted_deployment_models=deployments,
                status=NeedStatus.ACTIVE,
                activated_at=timezone.now(),
            )
        )
    need_ids = [need.id for need in Need.objects.bulk_create(needs, batch_size=BATCH)]
    priorities = np.array([Priority.MUST, Priority.SHOULD, Priority.COULD])
    total = 0
    awaiting = 0

    def priority(size: int) -> list[str]:
        return priorities[rng.choice(3, size=size, p=[0.2, 0.6, 0.2])].tolist()

    def line(need_id, kind, item_id, priority, target="") -> str:
        ids = "\t".join(
            str(item_id) if kind == each else NULL
            for each in ("capability", "measure", "exchange", "report")
        )
        return f"{need_id}\t{kind}\t{ids}\t{priority}\t{copy_escape(target)}\n"

    def chunks() -> Iterator[str]:
        nonlocal total, awaiting
        for need_id in need_ids:
            size = int(rng.integers(200, 401))
            size = min(size, len(capability_ids))
            # Draw functions until the scope holds enough capabilities, then sample.
            order = rng.permutation(len(FUNCTIONS))
            scope = np.zeros(len(capability_ids), dtype=bool)
            in_scope = np.zeros(len(FUNCTIONS) + 1, dtype=bool)
            in_scope[EVERY] = True
            for function in order:
                scope |= function_of == function
                in_scope[function] = True
                if scope.sum() >= size:
                    break
            chosen = np.sort(
                rng.choice(np.flatnonzero(scope), size=size, replace=False)
            )
            lines = [
                line(need_id, "capability", capability_ids[i], p)
                for i, p in zip(chosen.tolist(), priority(size), strict=True)
            ]
            measures = _draw(other.measure_function, in_scope, NEED_MEASURES, rng)
            for i, p in zip(measures.tolist(), priority(len(measures)), strict=True):
                own = other.measure_customer[i] or rng.random() < TARGET_CHANGED_SHARE
                awaiting += bool(own)
                target = agency_target(other.measure_types[i], rng) if own else ""
                lines.append(line(need_id, "measure", other.measure_ids[i], p, target))
            for kind, ids, functions, wanted in (
                (
                    "exchange",
                    other.exchange_ids,
                    other.exchange_function,
                    NEED_EXCHANGES,
                ),
                ("report", other.report_ids, other.report_function, NEED_REPORTS),
            ):
                drawn = _draw(functions, in_scope, wanted, rng)
                lines.extend(
                    line(need_id, kind, ids[i], p)
                    for i, p in zip(drawn.tolist(), priority(len(drawn)), strict=True)
                )
            total += len(lines)
            yield "".join(lines)

    with indexes_built_after(NeedItem):
        copy_rows(
            NeedItem,
            [
                "need_id",
                "kind",
                "capability_id",
                "service_measure_id",
                "exchange_id",
                "report_id",
                "priority",
                "target",
            ],
            chunks(),
        )
    log(
        f"brokering: {count} active needs with {total} items of every kind "
        f"({awaiting} measures with the agency's own target)"
    )
    # As activation would have: each need's item vector, then its scoring against
    # the catalog (the shelf read once), keeping its best matches.
    services.need_vectors_refresh(need_ids=need_ids)
    written = services.matches_refresh_for_needs(need_ids=need_ids)
    log(f"brokering: {count} need vectors, {written} matches kept")
    return count, total
