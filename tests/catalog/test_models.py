"""Catalog models: the provider's UEI is 12 capital letters and digits; a roadmap
claim carries its target date; one claim per offering and capability."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from catalog.models import Claim, ClaimLevel
from tests.catalog.catalog_world import make_offering, make_release
from tests.catalog.factories import ProviderFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("uei", ["ABCD12345678", "ZQGGHJH74DW7", ""])
def test_a_valid_uei_passes(uei):
    provider = ProviderFactory.build(name="Valid", slug="valid", uei=uei)
    provider.full_clean()


@pytest.mark.parametrize(
    "uei",
    ["ABCD1234567", "ABCD123456789", "abcd12345678", "ABCD-2345678", "ABCD 2345678"],
)
def test_an_invalid_uei_is_refused_at_its_field(uei):
    provider = ProviderFactory.build(name="Invalid", slug="invalid", uei=uei)
    with pytest.raises(ValidationError) as error:
        provider.full_clean()
    assert "12 capital letters and digits" in str(error.value.message_dict["uei"])


def test_a_roadmap_claim_needs_a_target_date_and_a_capability_one_claim():
    release, caps = make_release()
    offering = make_offering(release, slug="constraints")
    capability = caps["FFM.010"][0]
    # The database's own constraints, below the claims writer (which refuses these
    # before writing): rows written straight to the table on purpose.
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(
            offering=offering, capability=capability, level=ClaimLevel.ROADMAP
        )
    Claim.objects.create(offering=offering, capability=capability, level="meets")
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(
            offering=offering, capability=capability, level=ClaimLevel.CONFIGURABLE
        )
