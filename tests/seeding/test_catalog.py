"""The demo catalog: fictional providers, about 30 published offerings with claims on
the current release; running it twice is safe."""

import pytest

from catalog.forms import offering_search
from catalog.models import Claim, ClaimVector, Offering, OfferingStatus, Provider
from seeding.demo import catalog, standards, users

pytestmark = pytest.mark.django_db


def test_seed_adds_the_demo_catalog_once():
    release = standards.seed()
    created = catalog.seed()
    assert 25 <= len(created) <= 35
    assert catalog.seed() == []
    offerings = Offering.objects.filter(status=OfferingStatus.PUBLISHED)
    assert offerings.count() == len(created)
    assert set(offerings.values_list("release", flat=True)) == {release.pk}
    kinds = set(Provider.objects.values_list("kind", flat=True))
    assert kinds == {"federal", "commercial"}
    assert Claim.objects.filter(offering__in=offerings).count() > 10 * len(created)
    assert ClaimVector.objects.filter(offering__in=offerings).count() == len(created)
    facets = {f.name: f for f in offering_search({}).facets}
    assert all(v.count for v in facets["kind"].values)
    assert sum(v.count for v in facets["accessibility"].values) == len(created)


def test_the_provider_demo_user_and_the_catalog_share_ledgerline():
    standards.seed()
    users.seed_users()
    catalog.seed()
    ledgerline = Provider.objects.get(slug="ledgerline-cloud-financials")
    assert ledgerline.name == "Ledgerline Cloud Financials"
    assert ledgerline.offerings.filter(status=OfferingStatus.PUBLISHED).count() >= 3
    assert ledgerline.users.filter(username="provider").exists()


def test_claims_follow_function_numbers_so_any_current_release_works():
    """Strengths name functions by number: the same offering claims the same way
    whether the current release says DEMO.010 or FFM.010."""
    standards.seed()
    catalog.seed()
    strong = Offering.objects.get(slug="marrowgate-budget-execution")
    budget = Claim.objects.filter(
        offering=strong, capability__function__code="DEMO.010"
    )
    other = Claim.objects.filter(offering=strong).exclude(
        capability__function__code="DEMO.010"
    )
    assert budget.filter(level="meets").count() > other.filter(level="meets").count()
