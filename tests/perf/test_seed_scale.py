"""``seed_scale``: the synthetic data that ``make bench`` measures (PostgreSQL only:
it writes with COPY)."""

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from brokering.models import Need, NeedItem, NeedStatus
from catalog.models import (
    Claim,
    ClaimVector,
    ItemClaim,
    Offering,
    OfferingFunction,
    OfferingStatus,
)
from catalog.vectors import refresh_claim_vectors
from standards.identifiers import CAPABILITY_CODE, MEASURE_CODE
from standards.items import measure_target_is_customers, release_items
from standards.models import (
    Activity,
    Capability,
    Exchange,
    Function,
    Report,
    ServiceMeasure,
    StandardsRelease,
)
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
        .annotate(n=Count("items", filter=Q(items__kind="capability")))
        .values_list("n", flat=True)
    )
    assert len(sizes) == 8
    # A few hundred items each, capped by the 150 capabilities of this small release.
    assert all(n == 150 for n in sizes)
    assert (
        not NeedItem.objects.filter(kind="capability")
        .exclude(capability__release=seeded)
        .exists()
    )


def test_the_release_has_measures_exchanges_and_reports_with_synthetic_ids(seeded):
    # A fifth of the capabilities as service measures; exchanges and reports in
    # the FY2025 workbooks' proportions (36 and 15 per 100 measures).
    measures = ServiceMeasure.objects.filter(release=seeded)
    assert measures.count() == 30
    assert Exchange.objects.filter(release=seeded).count() == 11
    assert Report.objects.filter(release=seeded).count() == 4
    for code, activity_code in measures.values_list("code", "activity_code"):
        assert MEASURE_CODE.match(code) and code.startswith(activity_code + ".")
        assert code.startswith("SCALE.")
    # Some targets Treasury sets, some it leaves to the customer (the agency).
    customers = [
        measure_target_is_customers(t)
        for t in measures.values_list("target", flat=True)
    ]
    assert 0 < sum(customers) < len(customers)
    assert measures.filter(
        activity__isnull=True, code__startswith="SCALE.000.000."
    ).exists()
    refs = release_items(seeded.pk)
    assert [r.code for r in refs if r.kind == "exchange"][:2] == ["EX-1", "EX-2"]
    assert all(r.function.startswith("SCALE.") for r in refs if r.kind != "measure")


def test_offerings_claim_every_kind_and_needs_ask_for_every_kind(seeded):
    assert set(ItemClaim.objects.values_list("kind", flat=True).distinct()) == {
        "measure",
        "exchange",
        "report",
    }
    assert not ItemClaim.objects.exclude(offering__release=seeded).exists()
    for need in Need.objects.filter(release=seeded):
        kinds = dict(need.items.values_list("kind").annotate(n=Count("id")).order_by())
        # Every measure, exchange and report of this small release (fewer than
        # the 60, 20 and 10 a need asks for at full size).
        assert kinds == {"capability": 150, "measure": 30, "exchange": 11, "report": 4}
    asked = NeedItem.objects.filter(kind="measure")
    # The agency's own target wherever Treasury leaves it to the customer, and on
    # some of the others; the rest ask for Treasury's target (empty).
    assert not asked.filter(
        target="", service_measure__target__icontains="TBD"
    ).exists()
    assert asked.filter(target="").exists()
    assert (
        asked.exclude(target="")
        .exclude(service_measure__target__icontains="TBD")
        .exists()
    )


def test_claim_vectors_equal_what_the_claims_give(seeded):
    seeded_vectors = {
        v.offering_id: (bytes(v.levels), bytes(v.roadmap), v.claims_count)
        for v in ClaimVector.objects.all()
    }
    assert len(seeded_vectors) == 60
    # Every kind's claims are in the vectors, packed by the load from the same rows.
    assert sum(count for _l, _r, count in seeded_vectors.values()) == (
        Claim.objects.count() + ItemClaim.objects.count()
    )
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
