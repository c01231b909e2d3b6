"""``seed_scale``: the synthetic data that ``make bench`` measures (PostgreSQL only:
it writes with COPY)."""

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from brokering.models import Need, NeedItem, NeedStatus
from catalog.models import (
    Claim,
    ClaimVector,
    Offering,
    OfferingFunction,
    OfferingStatus,
)
from catalog.vectors import refresh_claim_vectors
from standards.identifiers import CAPABILITY_CODE
from standards.models import Activity, Capability, Function, StandardsRelease
from tests.catalog.search_reference import assert_search_data_current
from tests.conftest import uses_services

pytestmark = [pytest.mark.services, pytest.mark.django_db]


@pytest.fixture
def seeded():
    if not uses_services():
        pytest.skip("needs PostgreSQL (CI's services pass): seed_scale uses COPY")
    call_command("seed_scale", offerings=60, needs=8, items=150, verbosity=0)
    return StandardsRelease.objects.get(name="SCALE")


def test_seeds_the_requested_counts_on_the_real_functions_with_synthetic_ids(seeded):
    assert Function.objects.filter(release=seeded).count() == 10
    assert Activity.objects.filter(release=seeded).count() == 51
    assert Capability.objects.filter(release=seeded).count() == 150
    assert Offering.objects.filter(release=seeded).count() == 60
    assert set(
        Function.objects.filter(release=seeded).values_list("code", flat=True)
    ) == {f"SCALE.{n:03d}" for n in (10, 20, 30, 40, 60, 70, 80, 90, 100, 110)}
    # Every capability sits under its activity and function, as the real IDs do; the
    # IDs are the one ID home's synthetic SCALE ones, never Treasury's FFM ones.
    for code, activity, function in Capability.objects.filter(
        release=seeded
    ).values_list("code", "activity__code", "function__code"):
        assert code.startswith(activity + ".") and activity.startswith(function + ".")
        assert CAPABILITY_CODE.match(code) and code.startswith("SCALE.")


def test_claims_mix_levels_and_most_offerings_are_published(seeded):
    levels = dict(Claim.objects.values_list("level").annotate(n=Count("id")).order_by())
    assert set(levels) == {
        "meets",
        "configurable",
        "extension",
        "roadmap",
        "does-not-meet",
    }
    assert levels["meets"] > levels["extension"] > 0
    assert not Claim.objects.filter(level="roadmap", roadmap_date__isnull=True).exists()
    published = Offering.objects.filter(status=OfferingStatus.PUBLISHED).count()
    assert 40 <= published < 60


def test_needs_are_active_with_items_in_their_release(seeded):
    sizes = list(
        Need.objects.filter(status=NeedStatus.ACTIVE, release=seeded)
        .annotate(n=Count("items"))
        .values_list("n", flat=True)
    )
    assert len(sizes) == 8
    # A few hundred items each, capped by the 150 capabilities of this small release.
    assert all(n == 150 for n in sizes)
    assert not NeedItem.objects.exclude(capability__release=seeded).exists()


def test_claim_vectors_equal_what_the_claims_give(seeded):
    seeded_vectors = {
        v.offering_id: (bytes(v.levels), bytes(v.roadmap), v.claims_count)
        for v in ClaimVector.objects.all()
    }
    assert len(seeded_vectors) == 60
    refresh_claim_vectors(offering_ids=list(seeded_vectors))
    rebuilt = {
        v.offering_id: (bytes(v.levels), bytes(v.roadmap), v.claims_count)
        for v in ClaimVector.objects.all()
    }
    assert rebuilt == seeded_vectors


def test_offerings_are_searchable(seeded):
    assert not Offering.objects.filter(search_vector__isnull=True).exists()


def test_search_data_equals_what_the_claims_give(seeded):
    # Covered functions, coverage counts and search documents, written set-based
    # for the whole catalog, equal the per-offering computation from the claims.
    ids = list(Offering.objects.values_list("id", flat=True))
    assert OfferingFunction.objects.filter(offering_id__in=ids).count() > len(ids)
    assert_search_data_current(ids)


def test_refuses_to_seed_the_same_release_twice(seeded):
    with pytest.raises(CommandError, match="exists already"):
        call_command("seed_scale", offerings=1, needs=0, items=60, verbosity=0)
