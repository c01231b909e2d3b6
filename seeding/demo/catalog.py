"""Demo catalog (``seeding/data/catalog.json``): fictional federal and commercial
providers, about 30 published offerings with claims against the current release.
Running :func:`seed` again changes nothing."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from catalog import services
from catalog.models import (
    ClaimLevel,
    ContractVehicle,
    Offering,
    OfferingStatus,
    Provider,
)
from catalog.services.claims import ClaimInput, ItemClaimInput, claims_save
from seeding.loader import function_number, load
from standards.items import release_items
from standards.models import Capability
from standards.selectors import current_release

LEVEL_BANDS = [
    # (upper bound of a draw scaled by strength, level)
    (0.55, ClaimLevel.MEETS),
    (0.75, ClaimLevel.CONFIGURABLE),
    (0.85, ClaimLevel.EXTENSION),
    (0.92, ClaimLevel.ROADMAP),
]


def data() -> dict:
    return load("catalog.json")


def item_claims_for(item: dict, refs: dict) -> list[ItemClaimInput]:
    """The offering's claims on service measures, exchanges and reports, as
    ``catalog.json`` states them by item ID (``refs``: the release's items by ID)."""
    return [
        ItemClaimInput(
            kind=refs[code].kind,
            item_id=refs[code].pk,
            level=level,
            roadmap_date=(
                datetime.date(2027, 6, 1) if level == ClaimLevel.ROADMAP else None
            ),
        )
        for code, level in item.get("item_claims", {}).items()
        if code in refs
    ]


def claims_for(item: dict, capabilities: list[Capability]) -> list:
    """Deterministic claims: a strong function mostly meets; a weak one mostly has
    no claim or does not meet."""
    # Seeded pseudo-random numbers for demo data only, never for security.
    rng = random.Random(item["slug"])  # noqa: S311  # nosec B311
    strengths = item["strengths"]
    claims = []
    for capability in capabilities:
        strength = strengths.get(
            function_number(capability.function.code), item["default"]
        )
        if rng.random() > strength:
            if rng.random() < 0.4:
                claims.append(
                    ClaimInput(
                        capability_id=capability.id,
                        level=ClaimLevel.DOES_NOT_MEET,
                        evidence="Not offered today.",
                    )
                )
            continue
        draw = rng.random() * (1.3 - strength)
        level = next(
            (lvl for bound, lvl in LEVEL_BANDS if draw < bound),
            ClaimLevel.DOES_NOT_MEET,
        )
        roadmap_date = None
        if level == ClaimLevel.ROADMAP:
            roadmap_date = datetime.date(2027, rng.randint(1, 12), 1)
        claims.append(
            ClaimInput(
                capability_id=capability.id,
                level=level,
                roadmap_date=roadmap_date,
                evidence=f"{item['name']}: {ClaimLevel(level).label.lower()} "
                f"({capability.code}); see the product documentation.",
                evidence_url=f"https://docs.example.com/{item['slug']}/{capability.code}",
            )
        )
    return claims


def seed_providers() -> dict[str, Provider]:
    """The demo providers and contract vehicles (get or create, by slug)."""
    for slug, name in data()["vehicles"].items():
        ContractVehicle.objects.get_or_create(slug=slug, defaults={"name": name})
    providers = {}
    for row in data()["providers"]:
        providers[row["slug"]], _ = Provider.objects.get_or_create(
            slug=row["slug"],
            defaults={key: row[key] for key in ("name", "kind", "website", "uei")}
            | {"description": row["description"]},
        )
    return providers


@transaction.atomic
def seed() -> list[Offering]:
    """Add the demo providers, contract vehicles and published offerings with claims
    against the current release. Existing rows are left as they are."""
    release = current_release()
    if release is None:
        raise RuntimeError(
            "No current standards release: run the standards step first."
        )
    providers = seed_providers()
    vehicles = {v.slug: v for v in ContractVehicle.objects.all()}
    capabilities = list(
        Capability.objects.filter(release=release)
        .select_related("function")
        .order_by("code")
    )
    refs = {ref.code: ref for ref in release_items(release.pk, labels=False)}
    created = []
    now = timezone.now()
    for item in data()["offerings"]:
        vpat = item["vpat"]
        offering, was_created = Offering.objects.get_or_create(
            slug=item["slug"],
            defaults={
                "provider": providers[item["provider"]],
                "release": release,
                "name": item["name"],
                "summary": item["summary"],
                "description": item["description"],
                "category": item["category"],
                "deployment_model": item["deployment"],
                "fedramp_status": item["fedramp_status"],
                "fedramp_impact": item["fedramp_impact"],
                "customer_agencies": list(item["agencies"]),
                "accessibility_report_date": (
                    datetime.date.fromisoformat(vpat) if vpat else None
                ),
                "pricing_model": item["pricing"],
                "status": OfferingStatus.DRAFT,
            },
        )
        if not was_created:
            continue
        offering.contract_vehicles.set([vehicles[v] for v in item["vehicles"]])
        # Claims go through the one claims writer while the offering is a draft;
        # then the demo publishes it (a broker's approval, without the e-mails).
        claims_save(
            offering=offering,
            by=None,
            claims=[*claims_for(item, capabilities), *item_claims_for(item, refs)],
        )
        offering.status = OfferingStatus.PUBLISHED
        offering.published_at = now
        offering.save(update_fields=["status", "published_at", "updated_at"])
        created.append(offering)
    if created:
        services.offerings_published(offering_ids=[o.id for o in created])
    return created
