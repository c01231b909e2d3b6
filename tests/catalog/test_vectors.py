import datetime

import pytest

from catalog.models import ClaimLevel, ClaimVector
from catalog.vectors import (
    CODE_LEVELS,
    LEVEL_CODES,
    decode_levels,
    decode_roadmap,
    refresh_claim_vectors,
)
from tests.catalog.factories import ClaimFactory, OfferingFactory
from tests.standards.factories import ActivityFactory, CapabilityFactory


@pytest.fixture
def three_capabilities(db):
    activity = ActivityFactory(code="FFM.010.010")
    return [
        CapabilityFactory(activity=activity, code=f"FFM.010.010.0{n}")
        for n in (13, 11, 12)
    ]


def test_level_codes_rank_levels_by_credit():
    assert [CODE_LEVELS[code] for code in sorted(CODE_LEVELS)] == [
        None,
        ClaimLevel.DOES_NOT_MEET,
        ClaimLevel.ROADMAP,
        ClaimLevel.EXTENSION,
        ClaimLevel.CONFIGURABLE,
        ClaimLevel.MEETS,
    ]
    assert len(LEVEL_CODES) == len(ClaimLevel.choices)


@pytest.mark.django_db
def test_vector_follows_capability_code_order_and_keeps_roadmap_dates(
    three_capabilities,
):
    by_code = {c.code: c for c in three_capabilities}
    offering = OfferingFactory(release=three_capabilities[0].release)
    ClaimFactory(offering=offering, capability=by_code["FFM.010.010.011"])
    ClaimFactory(
        offering=offering,
        capability=by_code["FFM.010.010.013"],
        level=ClaimLevel.ROADMAP,
        roadmap_date=datetime.date(2027, 3, 31),
    )
    assert refresh_claim_vectors(offering_ids=[offering.id]) == 1
    vector = ClaimVector.objects.get(offering=offering)
    assert list(decode_levels(vector.levels)) == [5, 0, 2]
    assert decode_roadmap(vector.roadmap).tolist() == [
        [2, datetime.date(2027, 3, 31).toordinal()]
    ]
    assert (vector.capability_count, vector.claims_count) == (3, 2)


@pytest.mark.django_db
def test_refresh_updates_in_place(three_capabilities):
    offering = OfferingFactory(release=three_capabilities[0].release)
    claim = ClaimFactory(offering=offering, capability=three_capabilities[1])
    refresh_claim_vectors(offering_ids=[offering.id])
    claim.level = ClaimLevel.EXTENSION
    claim.save()
    refresh_claim_vectors(offering_ids=[offering.id, offering.id])
    assert ClaimVector.objects.count() == 1
    assert list(decode_levels(ClaimVector.objects.get().levels)) == [3, 0, 0]


@pytest.mark.django_db
def test_refresh_runs_a_fixed_number_of_queries(
    three_capabilities, django_assert_num_queries
):
    offerings = [
        OfferingFactory(release=three_capabilities[0].release) for _ in range(5)
    ]
    for offering in offerings:
        ClaimFactory(offering=offering, capability=three_capabilities[0])
    # Offerings, the release's item space, capability claims, other claims, upsert.
    with django_assert_num_queries(5):
        refresh_claim_vectors(offering_ids=[o.id for o in offerings])
    assert ClaimVector.objects.count() == 5
