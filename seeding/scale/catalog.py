"""The scale generator's catalog: providers, offerings and their claims, from one
random generator. The claims go in through the claims writer's bulk path
(:func:`catalog.services.claims.claims_bulk_load`: ``COPY``, the one claim-vector
encoding, the catalog's search data refresh)."""

import datetime
from collections.abc import Iterable, Iterator

import numpy as np
from django.db import connection
from django.utils.text import slugify

from catalog.models import (
    Claim,
    ClaimLevel,
    ContractVehicle,
    DeploymentModel,
    FedrampStatus,
    ImpactLevel,
    ItemClaim,
    MarketplaceCategory,
    Offering,
    OfferingStatus,
    PricingModel,
    Provider,
    ProviderKind,
)
from catalog.services.claims import claims_bulk_load
from catalog.vectors import LEVEL_CODES
from marketplace.copying import BATCH, indexes_built_after
from seeding.scale.vocabulary import (
    AGENCIES,
    BRAND_HEADS,
    BRAND_TAILS,
    CATEGORY_MIX,
    COMPANY_SUFFIXES,
    CONTRACT_VEHICLES,
    DEPLOYMENT_BY_CATEGORY,
    DESCRIPTION_WORDS,
    EDITIONS,
    FIRST_DAY,
    FUNCTIONS,
    LAST_DAY,
    LEVELS_COVERED,
    PRODUCTS,
    STATUS_MIX,
)


def seed_catalog(
    *, release, capability_ids, function_of, other, count: int, rng, now, log
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
    final_statuses: list[str] = []
    published_ats: list[str | None] = []
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
                # Drafts while their claims are loaded (the claims writer's rule),
                # then given their status below.
                status=OfferingStatus.DRAFT,
            )
        )
        final_statuses.append(status)
        published_ats.append(
            (created + datetime.timedelta(days=7)).isoformat() if published else None
        )
    created_offerings = Offering.objects.bulk_create(offerings, batch_size=BATCH)
    offering_ids = [offering.id for offering in created_offerings]
    through = Offering.contract_vehicles.through

    def chosen(n: int) -> Iterable[int]:
        if federal[provider_of[n]]:
            return [0]
        return rng.choice(
            np.arange(1, len(vehicles)), size=int(rng.integers(1, 4)), replace=False
        )

    links = [
        through(offering_id=offering_id, contractvehicle_id=vehicles[i].id)
        for n, offering_id in enumerate(offering_ids)
        for i in chosen(n)
    ]
    through.objects.bulk_create(links, batch_size=BATCH * 5)
    log(f"catalog: {len(providers)} providers, {count} offerings")

    covered = _covered_functions(
        categories=categories, function_count=function_count, rng=rng
    )
    strength = rng.uniform(0.5, 1.0, size=count)
    # Capabilities, then the other kinds (measures, exchanges, reports): the item
    # space's order.
    levels = np.hstack(
        [
            _claim_levels(covered=covered, strength=strength, function_of=of, rng=rng)
            for of in (function_of, other.function_of)
        ]
    )
    keys = [int(pk) for pk in capability_ids] + other.keys
    roadmap_days = rng.integers(FIRST_DAY, LAST_DAY, size=levels.shape, dtype=np.int32)
    # Through the claims writer's bulk path: the same rules, the one vector encoding,
    # the catalog's own search data refresh.
    with indexes_built_after(Claim), indexes_built_after(ItemClaim):
        claims = claims_bulk_load(
            offering_ids=offering_ids,
            claims=_claims(
                keys=keys, levels=levels, roadmap_days=roadmap_days, rng=rng
            ),
        )
    log(
        f"catalog: {claims} claims of every kind, {count} claim vectors and search data"
    )
    # Each offering gets its status; auto_now_add/auto_now stamped every row with the
    # same instant: spread them out so that "last updated" sorts mean something.
    ages = rng.integers(0, 900 * 24 * 3600, size=count)
    with connection.cursor() as cursor:
        # Every value is a bound parameter (the offerings' table is catalog_offering).
        cursor.execute(
            'UPDATE "catalog_offering" AS o SET status = a.status, '
            "published_at = a.published_at, updated_at = o.updated_at "
            "- make_interval(secs => a.age), created_at = o.created_at "
            "- make_interval(secs => a.age + 86400 * 30) "
            "FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::timestamptz[]) "
            "AS a(id, age, status, published_at) WHERE o.id = a.id",
            [offering_ids, ages.tolist(), final_statuses, published_ats],
        )
    published_count = int((statuses == 0).sum())
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


def _covered_functions(*, categories, function_count: int, rng) -> np.ndarray:
    """An ``(offerings, functions + 1)`` array: the functions each offering covers,
    a share that its category decides, at least one; the last column (index -1,
    :data:`seeding.scale.items.EVERY`) stands for "every function" and is always
    covered."""
    count = len(categories)
    low = np.array([CATEGORY_MIX[c][2][0] for c in categories])
    high = np.array([CATEGORY_MIX[c][2][1] for c in categories])
    share = low + (high - low) * rng.random(count)
    covered = rng.random((count, function_count + 1)) < share[:, None]
    # Every offering covers at least one function.
    covered[np.arange(count), rng.integers(function_count, size=count)] = True
    covered[:, -1] = True
    return covered


def _claim_levels(*, covered, strength, function_of, rng) -> np.ndarray:
    """An ``(offerings, items)`` array of level codes (0 = no claim).

    Inside a covered function an offering claims nine items in ten, mostly meets or
    configurable (how strong depends on the offering: ``strength``); outside, a few
    roadmap or does-not-meet claims.
    """
    in_scope = covered[:, function_of]
    draw = rng.random(in_scope.shape)
    claimed = np.where(in_scope, draw < 0.9, draw < 0.04)
    meets_share = 0.55 * strength[:, None]
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


EVIDENCE_TEXTS = [
    "",
    "",
    "Described in the product's federal configuration guide.",
    "Shown in a system demonstration to the agency.",
    "Customer agencies use this in production today.",
]


def _claims(*, keys, levels, roadmap_days, rng) -> Iterator[list]:
    """Each offering's claims as the claims writer's bulk path reads them: ``keys``
    are the items' (a capability's primary key, or ``(kind, primary key)``), in
    the columns' order of ``levels``."""
    level_names = {code: level for level, code in LEVEL_CODES.items()}
    roadmap_code = LEVEL_CODES[ClaimLevel.ROADMAP]
    for row in range(levels.shape[0]):
        indexes = np.flatnonzero(levels[row])
        evidence_pick = rng.integers(len(EVIDENCE_TEXTS), size=len(indexes))
        yield [
            (
                keys[index],
                level_names[int(levels[row, index])],
                datetime.date.fromordinal(int(roadmap_days[row, index]))
                if levels[row, index] == roadmap_code
                else None,
                EVIDENCE_TEXTS[evidence],
            )
            for index, evidence in zip(
                indexes.tolist(), evidence_pick.tolist(), strict=True
            )
        ]
