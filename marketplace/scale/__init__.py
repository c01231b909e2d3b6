"""Synthetic data at scale for benchmarks: a standards release, a catalog and needs.

``python manage.py seed_scale`` calls :func:`seed_scale`. Everything is generated with
numpy from one seed, so two runs with the same arguments give the same data. Rows go in
through PostgreSQL ``COPY`` (claims, need items) or ``bulk_create`` in large batches
(everything else); nothing is saved one row at a time. The compact claim vectors are
built from the same generated arrays, in the encoding of :mod:`catalog.vectors`; what
catalog search derives from the claims (covered functions, coverage counts, search
documents) by the catalog's own set-based refresh.

The shape follows the real marketplace, a hundred times over: the ten FY2025 FFM
functions with their real IDs and activities, capabilities spread across them in the
FY2025 proportions, offerings whose category decides how much of the standards they
cover, and claim levels mostly *meets* or *configurable*.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from brokering import services
from brokering.models import Agency, Match, Need, NeedItem, NeedStatus, Priority
from catalog.models import (
    Claim,
    ClaimLevel,
    ClaimVector,
    ContractVehicle,
    DeploymentModel,
    FedrampStatus,
    ImpactLevel,
    MarketplaceCategory,
    Offering,
    OfferingStatus,
    PricingModel,
    Provider,
    ProviderKind,
)
from catalog.services import offering_search_refresh
from catalog.vectors import LEVEL_CODES
from marketplace.scale.copying import copy_rows, indexes_built_after
from marketplace.scale.vocabulary import (
    AGENCIES,
    BRAND_HEADS,
    BRAND_TAILS,
    CATEGORY_MIX,
    COMPANY_SUFFIXES,
    CONDITIONS,
    CONTRACT_VEHICLES,
    DEPLOYMENT_BY_CATEGORY,
    DESCRIPTION_WORDS,
    EDITIONS,
    FIRST_DAY,
    FUNCTIONS,
    LAST_DAY,
    LEVELS_COVERED,
    OBJECTS,
    PRODUCTS,
    STATUS_MIX,
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

BATCH = 2000


@dataclass
class ScaleResult:
    release: StandardsRelease
    capabilities: int
    offerings: int
    published: int
    claims: int
    needs: int
    need_items: int


def seed_scale(
    *,
    offerings: int,
    needs: int,
    items: int,
    seed: int = 20251,
    release_name: str = "SCALE",
    log=print,
) -> ScaleResult:
    """Fill an empty PostgreSQL database with ``offerings`` offerings claiming against
    ``items`` capabilities and ``needs`` active needs of a few hundred items each."""
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
        release, capability_ids, function_of = _seed_standards(
            release_name=release_name, items=items, rng=rng, log=log
        )
        offering_ids, published_count, claims = _seed_catalog(
            release=release,
            capability_ids=capability_ids,
            function_of=function_of,
            count=offerings,
            rng=rng,
            now=now,
            log=log,
        )
        need_count, item_count = _seed_needs(
            release=release,
            capability_ids=capability_ids,
            function_of=function_of,
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
                        goal_group_id=f"FFMSR.{function.code[4:]}.{n % 4 + 1}",
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
    return release, capability_ids, function_of


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


def _seed_catalog(
    *, release, capability_ids, function_of, count: int, rng, now, log
) -> tuple[list[int], int, int]:
    vehicles = [
        ContractVehicle.objects.get_or_create(
            name=name, defaults={"slug": slugify(name)}
        )[0]
        for name in CONTRACT_VEHICLES
    ]
    providers = _seed_providers(count=max(5, count // 10), rng=rng)
    federal = np.array([p.kind == ProviderKind.FEDERAL for p in providers])
    provider_of = rng.integers(len(providers), size=count)
    categories = rng.choice(
        len(CATEGORY_MIX), size=count, p=[share for _c, share, _r in CATEGORY_MIX]
    )
    statuses = rng.choice(
        len(STATUS_MIX), size=count, p=[share for _s, share in STATUS_MIX]
    )
    names = _offering_names(count, rng)
    word_weights = 1.0 / np.arange(1, len(DESCRIPTION_WORDS) + 1) ** 0.9
    word_weights /= word_weights.sum()
    function_count = len(FUNCTIONS)
    offerings: list[Offering] = []
    for n in range(count):
        category, _share, (low, high) = CATEGORY_MIX[categories[n]]
        is_federal = bool(federal[provider_of[n]])
        deployment = (
            DeploymentModel.SHARED_SERVICE
            if is_federal and category != MarketplaceCategory.BUSINESS_SUPPORT
            else DEPLOYMENT_BY_CATEGORY[category]
        )
        status = STATUS_MIX[statuses[n]][0]
        fedramp_status, impact = _fedramp(deployment, rng)
        words = rng.choice(len(DESCRIPTION_WORDS), size=18, p=word_weights)
        product = names[n]
        published = status in (OfferingStatus.PUBLISHED, OfferingStatus.RETIRED)
        created = now - datetime.timedelta(days=int(rng.integers(30, 900)))
        offerings.append(
            Offering(
                provider=providers[provider_of[n]],
                release=release,
                name=product,
                slug=f"{slugify(product)}-{n + 1}",
                summary=f"{product}: {_phrase(words[:6])} for federal agencies.",
                description=" ".join(
                    [
                        f"{product} serves {AGENCIES[n % len(AGENCIES)][0]} and "
                        "other agencies.",
                        f"It covers {_phrase(words[6:12])}.",
                        f"Agencies use it for {_phrase(words[12:18])}.",
                    ]
                ),
                category=category,
                deployment_model=deployment,
                fedramp_status=fedramp_status,
                fedramp_impact=impact,
                customer_agencies=[
                    AGENCIES[i][1]
                    for i in sorted(
                        rng.choice(
                            len(AGENCIES), size=int(rng.integers(0, 6)), replace=False
                        )
                    )
                ],
                accessibility_report_date=(
                    datetime.date.fromordinal(
                        int(rng.integers(FIRST_DAY - 700, FIRST_DAY))
                    )
                    if rng.random() < 0.7
                    else None
                ),
                pricing_model=(
                    PricingModel.FEE_FOR_SERVICE
                    if is_federal
                    else (
                        PricingModel.SUBSCRIPTION,
                        PricingModel.TRANSACTION,
                        PricingModel.LICENSE,
                        PricingModel.TIME_AND_MATERIALS,
                    )[int(rng.integers(4))]
                ),
                status=status,
                published_at=created + datetime.timedelta(days=7)
                if published
                else None,
            )
        )
    created_offerings = Offering.objects.bulk_create(offerings, batch_size=BATCH)
    offering_ids = [offering.id for offering in created_offerings]
    # auto_now_add/auto_now stamped every row with the same instant; spread them out
    # so that "last updated" sorts mean something.
    ages = rng.integers(0, 900 * 24 * 3600, size=count)
    with connection.cursor() as cursor:
        # The table name comes from the model, every value is a bound parameter.
        cursor.execute(
            f'UPDATE "{Offering._meta.db_table}" AS o SET updated_at = o.updated_at '  # noqa: S608  # nosec B608
            "- make_interval(secs => a.age), created_at = o.created_at "
            "- make_interval(secs => a.age + 86400 * 30) "
            "FROM unnest(%s::bigint[], %s::bigint[]) AS a(id, age) WHERE o.id = a.id",
            [offering_ids, ages.tolist()],
        )
    through = Offering.contract_vehicles.through
    links = []
    for n, offering_id in enumerate(offering_ids):
        chosen = (
            [0]
            if federal[provider_of[n]]
            else rng.choice(
                np.arange(1, len(vehicles)), size=int(rng.integers(1, 4)), replace=False
            )
        )
        links.extend(
            through(offering_id=offering_id, contractvehicle_id=vehicles[i].id)
            for i in chosen
        )
    through.objects.bulk_create(links, batch_size=BATCH * 5)
    log(f"catalog: {len(providers)} providers, {count} offerings")

    levels = _claim_levels(
        categories=categories,
        function_of=function_of,
        function_count=function_count,
        rng=rng,
    )
    roadmap_days = rng.integers(FIRST_DAY, LAST_DAY, size=levels.shape, dtype=np.int32)
    claims = _copy_claims(
        offering_ids=offering_ids,
        capability_ids=capability_ids,
        levels=levels,
        roadmap_days=roadmap_days,
        verified=np.isin(statuses, [0, 4]),
        rng=rng,
        now=now,
    )
    _create_vectors(
        offering_ids=offering_ids,
        release=release,
        levels=levels,
        roadmap_days=roadmap_days,
    )
    log(f"catalog: {claims} claims and {count} claim vectors")
    # What search reads (covered functions, coverage counts, the search document) is
    # the catalog's own: its service builds it set-based, a few statements a batch.
    offering_search_refresh(offering_ids=offering_ids)
    published_count = int((statuses == 0).sum())
    log(f"catalog: search data (functions, coverage, documents) of {count} offerings")
    return offering_ids, published_count, claims


def _seed_providers(*, count: int, rng) -> list[Provider]:
    pairs = [(h, t) for h in BRAND_HEADS for t in BRAND_TAILS]
    chosen = rng.permutation(len(pairs))
    providers = []
    for n in range(count):
        head, tail = pairs[chosen[n % len(pairs)]]
        suffix = COMPANY_SUFFIXES[n % len(COMPANY_SUFFIXES)]
        round_ = n // len(pairs)
        name = f"{head}{tail} {suffix}" + (f" {round_ + 1}" if round_ else "")
        is_federal = n % 25 == 0
        if is_federal:
            name = f"{head}{tail} Federal Shared Service Center" + (
                f" {round_ + 1}" if round_ else ""
            )
        providers.append(
            Provider(
                name=name,
                slug=slugify(name),
                kind=ProviderKind.FEDERAL if is_federal else ProviderKind.COMMERCIAL,
                website=f"https://{slugify(head + tail)}.example.com",
                contact_name="Sales Desk",
                contact_email=f"sales@{slugify(head + tail)}.example.com",
                uei="".join(
                    rng.choice(list("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"), size=12)
                ),
            )
        )
    return Provider.objects.bulk_create(providers, batch_size=BATCH)


def _offering_names(count: int, rng) -> list[str]:
    """Distinct names: brand x product x edition gives 80,000 combinations."""
    brands = [f"{h}{t}" for h in BRAND_HEADS for t in BRAND_TAILS]
    space = len(brands) * len(PRODUCTS) * len(EDITIONS)
    picks = rng.choice(space, size=count, replace=count > space)
    names = []
    for pick in picks:
        brand, rest = divmod(int(pick), len(PRODUCTS) * len(EDITIONS))
        product, edition = divmod(rest, len(EDITIONS))
        names.append(f"{brands[brand]} {PRODUCTS[product]} {EDITIONS[edition]}")
    return names


def _fedramp(deployment: str, rng) -> tuple[str, str]:
    if deployment in (DeploymentModel.ON_PREMISES, DeploymentModel.SERVICES):
        return FedrampStatus.NOT_APPLICABLE, ""
    status = (
        FedrampStatus.AUTHORIZED,
        FedrampStatus.IN_PROCESS,
        FedrampStatus.READY,
    )[int(rng.choice(3, p=[0.7, 0.2, 0.1]))]
    impact = (ImpactLevel.LOW, ImpactLevel.MODERATE, ImpactLevel.HIGH)[
        int(rng.choice(3, p=[0.15, 0.65, 0.2]))
    ]
    return status, impact


def _phrase(word_indexes) -> str:
    words = list(dict.fromkeys(DESCRIPTION_WORDS[i] for i in word_indexes))
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]


def _claim_levels(*, categories, function_of, function_count: int, rng) -> np.ndarray:
    """An ``(offerings, capabilities)`` array of level codes (0 = no claim).

    Each offering covers a share of the functions that its category decides; inside a
    covered function it claims nine capabilities in ten, mostly meets or configurable
    (how strong depends on the offering); outside, a few roadmap or does-not-meet
    claims.
    """
    count = len(categories)
    low = np.array([CATEGORY_MIX[c][2][0] for c in categories])
    high = np.array([CATEGORY_MIX[c][2][1] for c in categories])
    share = low + (high - low) * rng.random(count)
    covered = rng.random((count, function_count)) < share[:, None]
    # Every offering covers at least one function.
    covered[np.arange(count), rng.integers(function_count, size=count)] = True
    in_scope = covered[:, function_of]
    draw = rng.random(in_scope.shape)
    claimed = np.where(in_scope, draw < 0.9, draw < 0.04)
    strength = rng.uniform(0.5, 1.0, size=count)[:, None]
    meets_share = 0.55 * strength
    thresholds = np.cumsum(
        np.stack(
            [
                meets_share,
                np.full_like(meets_share, 0.25),
                np.full_like(meets_share, 0.08),
                np.full_like(meets_share, 0.05),
            ]
        ),
        axis=0,
    )
    pick = rng.random(in_scope.shape)
    level_index = (pick[None, :, :] >= thresholds[:, :, :]).sum(axis=0)
    codes_covered = np.array(
        [LEVEL_CODES[level] for level in LEVELS_COVERED], dtype=np.uint8
    )
    codes = codes_covered[level_index]
    outside = np.where(
        pick < 0.3,
        LEVEL_CODES[ClaimLevel.ROADMAP],
        LEVEL_CODES[ClaimLevel.DOES_NOT_MEET],
    ).astype(np.uint8)
    codes = np.where(in_scope, codes, outside)
    return np.where(claimed, codes, 0).astype(np.uint8)


def _copy_claims(
    *, offering_ids, capability_ids, levels, roadmap_days, verified, rng, now
) -> int:
    level_names = {code: level for level, code in LEVEL_CODES.items()}
    roadmap_code = LEVEL_CODES[ClaimLevel.ROADMAP]
    stamp = now.isoformat()
    evidence_texts = [
        "",
        "",
        "Described in the product's federal configuration guide.",
        "Shown in the system demonstration to the FM QSMO.",
        "Customer agencies use this in production today.",
    ]
    total = 0

    def chunks() -> Iterator[str]:
        nonlocal total
        for row, offering_id in enumerate(offering_ids):
            indexes = np.flatnonzero(levels[row])
            evidence_pick = rng.integers(len(evidence_texts), size=len(indexes))
            is_verified = "t" if verified[row] else "f"
            lines = []
            for index, evidence in zip(
                indexes.tolist(), evidence_pick.tolist(), strict=True
            ):
                code = int(levels[row, index])
                roadmap_date = (
                    datetime.date.fromordinal(int(roadmap_days[row, index])).isoformat()
                    if code == roadmap_code
                    else r"\N"
                )
                lines.append(
                    f"{offering_id}\t{capability_ids[index]}\t{level_names[code]}\t"
                    f"{roadmap_date}\t{evidence_texts[evidence]}\t"
                    f"{is_verified if evidence else 'f'}\t{stamp}\n"
                )
            total += len(lines)
            yield "".join(lines)

    with indexes_built_after(Claim):
        copy_rows(
            Claim,
            [
                "offering_id",
                "capability_id",
                "level",
                "roadmap_date",
                "evidence",
                "verified",
                "updated_at",
            ],
            chunks(),
        )
    return total


def _create_vectors(*, offering_ids, release, levels, roadmap_days) -> None:
    """The claim vectors, straight from the generated arrays (same encoding as
    :func:`catalog.vectors.encode`: level bytes in code order, sorted roadmap pairs)."""
    roadmap_code = LEVEL_CODES[ClaimLevel.ROADMAP]
    capability_count = levels.shape[1]
    vectors = []
    for row, offering_id in enumerate(offering_ids):
        indexes = np.flatnonzero(levels[row] == roadmap_code)
        pairs = np.stack([indexes, roadmap_days[row, indexes]], axis=1).astype("<i4")
        vectors.append(
            ClaimVector(
                offering_id=offering_id,
                release=release,
                levels=levels[row].tobytes(),
                roadmap=pairs.reshape(-1).tobytes(),
                capability_count=capability_count,
                claims_count=int(np.count_nonzero(levels[row])),
            )
        )
        if len(vectors) == BATCH:
            ClaimVector.objects.bulk_create(vectors)
            vectors = []
    ClaimVector.objects.bulk_create(vectors)


def _seed_needs(
    *, release, capability_ids, function_of, count: int, rng, log
) -> tuple[int, int]:
    """``count`` active needs, each with 200 to 400 items drawn from the functions in
    its scope: a fifth must, three fifths should, a fifth could."""
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

    def chunks() -> Iterator[str]:
        nonlocal total
        for need_id in need_ids:
            size = int(rng.integers(200, 401))
            size = min(size, len(capability_ids))
            # Draw functions until the scope holds enough capabilities, then sample.
            order = rng.permutation(len(FUNCTIONS))
            scope = np.zeros(len(capability_ids), dtype=bool)
            for function in order:
                scope |= function_of == function
                if scope.sum() >= size:
                    break
            chosen = np.sort(
                rng.choice(np.flatnonzero(scope), size=size, replace=False)
            )
            weights = rng.choice(3, size=size, p=[0.2, 0.6, 0.2])
            total += size
            yield "".join(
                f"{need_id}\t{capability_ids[i]}\t{priorities[w]}\n"
                for i, w in zip(chosen.tolist(), weights.tolist(), strict=True)
            )

    with indexes_built_after(NeedItem):
        copy_rows(NeedItem, ["need_id", "capability_id", "priority"], chunks())
    log(f"brokering: {count} active needs with {total} items")
    # As activation would have: each need's item vector, then its scoring against
    # the catalog (the shelf read once), keeping its best matches.
    services.need_vectors_refresh(need_ids=need_ids)
    written = services.matches_refresh_for_needs(need_ids=need_ids)
    log(f"brokering: {count} need vectors, {written} matches kept")
    return count, total
