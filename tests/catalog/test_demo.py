"""The demo catalog: real federal providers, invented commercial ones, about 30
published offerings with claims on the current release; running it twice is safe."""

import pytest

from catalog import demo
from catalog.forms import offering_search
from catalog.models import Claim, ClaimVector, Offering, OfferingStatus, Provider
from marketplace.demo import seed_users
from standards import demo as standards_demo

pytestmark = pytest.mark.django_db


def test_seed_adds_the_demo_catalog_once():
    release = standards_demo.seed()
    created = demo.seed()
    assert 25 <= len(created) <= 35
    assert demo.seed() == []
    offerings = Offering.objects.filter(status=OfferingStatus.PUBLISHED)
    assert offerings.count() == len(created)
    assert set(offerings.values_list("release", flat=True)) == {release.pk}
    federal = set(
        Provider.objects.filter(kind="federal").values_list("name", flat=True)
    )
    for name in (
        "Administrative Resource Center (ARC)",
        "Enterprise Services Center (ESC)",
        "Interior Business Center (IBC)",
        "National Finance Center",
    ):
        assert any(name in full for full in federal), name
    assert Claim.objects.filter(offering__in=offerings).count() > 10 * len(created)
    assert ClaimVector.objects.filter(offering__in=offerings).count() == len(created)
    facets = {f.name: f for f in offering_search({}).facets}
    assert all(v.count for v in facets["kind"].values)
    assert sum(v.count for v in facets["accessibility"].values) == len(created)


def test_the_provider_demo_user_and_the_catalog_share_ledgerline():
    standards_demo.seed()
    seed_users()
    demo.seed()
    ledgerline = Provider.objects.get(slug="ledgerline-cloud-financials")
    assert ledgerline.name == "Ledgerline Cloud Financials"
    assert ledgerline.offerings.filter(status=OfferingStatus.PUBLISHED).count() >= 3
    assert ledgerline.users.filter(username="provider").exists()
