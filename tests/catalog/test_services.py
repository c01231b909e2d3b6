"""Catalog services: the claims writer refreshes the claim vectors and announces the
change in the same transaction; shortlists."""

import datetime

import pytest
from django.conf import settings

from catalog import services
from catalog.models import (
    Claim,
    ClaimLevel,
    ClaimVector,
    Offering,
    OfferingStatus,
    Shortlist,
)
from catalog.signals import offerings_changed
from catalog.vectors import LEVEL_CODES, decode_levels
from tests.catalog.catalog_world import make_offering, make_release
from tests.catalog.factories import OfferingFactory, write_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def announced():
    received = []

    def receiver(sender, **kwargs):
        received.append(
            (kwargs["offering_ids"], kwargs["reason"], Claim.objects.count())
        )

    offerings_changed.connect(receiver, dispatch_uid="test-announced")
    yield received
    offerings_changed.disconnect(dispatch_uid="test-announced")


@pytest.fixture
def setup():
    release, caps = make_release()
    return (
        release,
        caps,
        OfferingFactory(release=release, slug="subject", status=OfferingStatus.DRAFT),
    )


def claim_save(offering, capability, level, **fields) -> Claim | None:
    services.claims_save(
        offering=offering,
        by=None,
        claims=[
            services.ClaimInput(capability_id=capability.pk, level=level, **fields)
        ],
    )
    return Claim.objects.filter(offering=offering, capability=capability).first()


def test_claims_save_writes_claims_refreshes_the_vector_and_announces(setup, announced):
    release, caps, offering = setup
    first, second = caps["FFM.010"][:2]
    services.claims_save(
        offering=offering,
        by=None,
        claims=[
            services.ClaimInput(capability_id=first.id, level=ClaimLevel.MEETS),
            services.ClaimInput(
                capability_id=second.id,
                level=ClaimLevel.ROADMAP,
                roadmap_date=datetime.date(2027, 1, 1),
            ),
        ],
    )
    vector = ClaimVector.objects.get(offering=offering)
    levels = decode_levels(vector.levels)
    assert levels[0] == LEVEL_CODES[ClaimLevel.MEETS]
    assert levels[1] == LEVEL_CODES[ClaimLevel.ROADMAP]
    assert vector.claims_count == 2
    # The receiver ran inside the write: the claims were already there.
    assert announced == [([offering.id], "claims", 2)]


def test_unchanged_claims_announce_nothing(setup, announced):
    _, caps, offering = setup
    claim = services.ClaimInput(capability_id=caps["FFM.010"][0].id, level="meets")
    services.claims_save(offering=offering, by=None, claims=[claim])
    services.claims_save(offering=offering, by=None, claims=[claim])
    assert len(announced) == 1


def test_a_changed_claim_loses_its_verified_mark(setup, broker):
    _, caps, offering = setup
    claim = claim_save(offering, caps["FFM.010"][0], ClaimLevel.MEETS)
    assert services.claims_verify(claims=[claim], by=broker) == 1
    claim.refresh_from_db()
    assert claim.verified and claim.verified_by == broker
    claim = claim_save(offering, caps["FFM.010"][0], ClaimLevel.CONFIGURABLE)
    assert not claim.verified and claim.verified_by is None


def test_claim_delete_makes_the_capability_unknown(setup, announced):
    _, caps, offering = setup
    claim_save(offering, caps["FFM.010"][0], ClaimLevel.MEETS)
    assert claim_save(offering, caps["FFM.010"][0], "") is None
    assert ClaimVector.objects.get(offering=offering).claims_count == 0
    assert [reason for _, reason, _ in announced] == ["claims", "claims"]


@pytest.mark.parametrize(
    ("level", "roadmap", "message"),
    [
        ("roadmap", None, "target date"),
        ("sometimes", None, "Unknown claim level"),
    ],
)
def test_a_bad_claim_is_refused(setup, level, roadmap, message):
    _, caps, offering = setup
    with pytest.raises(ValueError, match=message):
        claim_save(offering, caps["FFM.010"][0], level, roadmap_date=roadmap)
    assert not Claim.objects.exists()


def test_a_claim_on_another_release_is_refused(setup):
    _, _, offering = setup
    from tests.standards.factories import CapabilityFactory, ReleaseFactory

    other = CapabilityFactory(release=ReleaseFactory(name="FY2098", status="draft"))
    with pytest.raises(ValueError, match="another standards release"):
        claim_save(offering, other, "meets")


def test_offerings_published_announces_published(setup, announced):
    _, _, offering = setup
    services.offerings_published(offering_ids=[offering.id])
    assert announced == [([offering.id], "published", 0)]
    assert ClaimVector.objects.filter(offering=offering).exists()


def test_the_search_document_follows_claims_on_postgresql(setup):
    if not settings.DATABASE_IS_POSTGRES:
        pytest.skip("the stored search document exists on PostgreSQL only")
    from django.contrib.postgres.search import SearchQuery

    release, caps, offering = setup
    query = SearchQuery("payable", config="english")
    assert not Offering.objects.filter(pk=offering.pk, search_vector=query).exists()
    make_offering(release, covers=[caps["FFM.030"]], slug="payer")
    write_claim(offering, caps["FFM.030"][0], "meets")
    assert Offering.objects.filter(pk=offering.pk, search_vector=query).exists()


def test_an_agency_users_shortlist_carries_the_agency(agency_user, provider_user):
    shared = services.shortlist_create(user=agency_user, name="  Core  FS ")
    own = services.shortlist_create(user=provider_user, name="Mine")
    assert (shared.name, shared.agency_id) == ("Core  FS", agency_user.agency_id)
    assert own.agency_id is None
    with pytest.raises(ValueError):
        services.shortlist_create(user=agency_user, name="   ")


def test_shortlist_add_and_remove_are_idempotent(agency_user, setup):
    _, _, offering = setup
    shortlist = services.shortlist_create(user=agency_user, name="List")
    assert services.shortlist_add(
        shortlist=shortlist, offering=offering, user=agency_user
    )
    assert not services.shortlist_add(
        shortlist=shortlist, offering=offering, user=agency_user
    )
    assert list(shortlist.offerings.all()) == [offering]
    assert services.shortlist_remove(shortlist=shortlist, offering=offering)
    assert not services.shortlist_remove(shortlist=shortlist, offering=offering)
    services.shortlist_delete(shortlist=shortlist)
    assert not Shortlist.objects.exists()
