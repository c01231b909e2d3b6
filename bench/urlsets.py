"""The requests each HTTP benchmark sends, built from the seeded data.

The search mix is two-word queries over words of middling frequency (the way people
search: "payroll grants", "treasury reconciliation"), half of them with one or two
facets ticked; the worst case is the most common word of the catalog, alone.
"""

import random
from urllib.parse import urlencode

from django.db.models import Count

from brokering.models import Need, NeedStatus
from catalog.models import (
    Claim,
    DeploymentModel,
    FedrampStatus,
    ImpactLevel,
    MarketplaceCategory,
    Offering,
    OfferingStatus,
    ProviderKind,
)
from seeding.scale.vocabulary import DESCRIPTION_WORDS, FUNCTIONS

SEARCH_QUERIES = 200
OFFERING_PAGES = 200
# The description words are drawn with falling weights (seeding.scale): the first
# few are in most offerings, these are in a few percent each.
MIDDLING_WORDS = DESCRIPTION_WORDS[8:40]
COMMON_WORD = DESCRIPTION_WORDS[0]


def scale() -> dict:
    return {
        "offerings": Offering.objects.count(),
        "published": Offering.objects.filter(status=OfferingStatus.PUBLISHED).count(),
        "claims": Claim.objects.count(),
        "active_needs": Need.objects.filter(status=NeedStatus.ACTIVE).count(),
        "need_items_median": _median_need_size(),
    }


def _median_need_size() -> int:
    sizes = sorted(
        Need.objects.filter(status=NeedStatus.ACTIVE)
        .annotate(size=Count("items"))
        .values_list("size", flat=True)
    )
    return sizes[len(sizes) // 2] if sizes else 0


def _facets(rng: random.Random) -> list[tuple[str, str]]:
    choices = {
        "category": MarketplaceCategory.values,
        "kind": ProviderKind.values,
        "deployment": DeploymentModel.values,
        "fedramp": FedrampStatus.values,
        "impact": ImpactLevel.values,
        "function": [code for code, _name, _weight, _activities in FUNCTIONS],
    }
    picked = rng.sample(sorted(choices), k=rng.choice([0, 0, 1, 2]))
    return [(name, rng.choice(choices[name])) for name in picked]


def search_mix(seed: int = 8) -> list[str]:
    rng = random.Random(seed)
    paths = []
    for _ in range(SEARCH_QUERIES):
        first, second = rng.sample(MIDDLING_WORDS, 2)
        params = [("q", f"{first} {second}"), *_facets(rng)]
        paths.append(f"/catalog/?{urlencode(params)}")
    return paths


def build() -> dict[str, list[str]]:
    slugs = list(
        Offering.objects.filter(status=OfferingStatus.PUBLISHED)
        .order_by("?")
        .values_list("slug", flat=True)[:OFFERING_PAGES]
    )
    return {
        "floor": ["/healthz/live"],
        "catalog": ["/catalog/"],
        "search": search_mix(),
        "search-worst": [f"/catalog/?{urlencode({'q': COMMON_WORD})}"],
        "offering": [f"/catalog/offerings/{slug}/" for slug in slugs],
        # The market picture (public) and the brokers' dashboard (a broker's
        # session: headers()).
        "coverage": ["/catalog/coverage/"],
        "dashboard": ["/admin/dashboard/"],
    }


def broker_client():
    """A test client signed in as a broker (staff) of the bench database, made for
    it when it has none."""
    from django.test import Client

    from marketplace.models import User

    user, _created = User.objects.get_or_create(
        username="bench-broker",
        defaults={"email": "bench-broker@example.gov", "is_staff": True},
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def headers() -> dict[str, dict[str, str]]:
    """Request headers per benchmark: the dashboard is sent with a broker's session
    cookie (a session in the run's own session store, which gunicorn reads)."""
    from django.conf import settings

    name = settings.SESSION_COOKIE_NAME
    session = broker_client().cookies[name].value
    return {"dashboard": {"Cookie": f"{name}={session}"}}
