import datetime
import io

import pytest
from django.core.management import call_command

from catalog.models import Claim, ClaimLevel, ClaimVector
from catalog.vectors import (
    CODE_LEVELS,
    LEVEL_CODES,
    LEVEL_MASK,
    VERIFIED_BIT,
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
    # A row changed outside the writer on purpose: the refresh itself is under test.
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


def test_vectors_carry_the_verified_mark_and_the_command_rebuilds_them(
    three_capabilities,
):
    """#19: a verified claim's level code carries VERIFIED_BIT; a vector written
    before (without it) is rebuilt by ``refresh_claim_vectors``."""
    first, second = three_capabilities[1], three_capabilities[2]  # 011 and 012
    offering = OfferingFactory(release=first.release)
    for capability in (first, second):
        ClaimFactory(offering=offering, capability=capability, level="meets")
    Claim.objects.filter(capability=first).update(verified=True)
    ClaimVector.objects.filter(offering=offering).delete()
    call_command("refresh_claim_vectors", stdout=io.StringIO())
    levels = bytes(ClaimVector.objects.get(offering=offering).levels)
    assert levels[0] == LEVEL_CODES["meets"] | VERIFIED_BIT
    assert levels[1] == LEVEL_CODES["meets"]
    assert levels[0] & LEVEL_MASK == levels[1]
