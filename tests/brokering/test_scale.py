"""``seed_scale``'s needs arrive as activation would leave them: item vectors equal to
what the services encode, matches equal to a full scoring (PostgreSQL only: the
seed writes with COPY)."""

import pytest
from django.core.management import call_command

from brokering import scoring, selectors, services
from brokering.models import Match, Need, NeedStatus, NeedVector
from brokering.scoring import inputs as engine
from catalog.models import Offering, OfferingStatus
from tests.conftest import uses_services

pytestmark = [pytest.mark.services, pytest.mark.django_db]


@pytest.fixture
def seeded(settings):
    if not uses_services():
        pytest.skip("needs PostgreSQL (CI's services pass): seed_scale uses COPY")
    settings.BROKERING_MATCHES_KEPT = 7
    call_command("seed_scale", offerings=40, needs=6, items=120, verbosity=0)
    return list(Need.objects.filter(status=NeedStatus.ACTIVE).order_by("pk"))


def vectors() -> dict:
    return {
        v.need_id: (
            bytes(v.positions),
            bytes(v.weights),
            bytes(v.function_index),
            v.functions,
            bytes(v.digest),
            v.need_updated_at,
        )
        for v in NeedVector.objects.all()
    }


def matches() -> dict:
    return {
        (m.need_id, m.offering_id): (m.score, m.gaps, m.breakdown, m.fingerprint, m.top)
        for m in Match.objects.all()
    }


def test_seeded_needs_have_current_item_vectors(seeded):
    seeded_vectors = vectors()
    assert set(seeded_vectors) == {need.pk for need in seeded}
    services.need_vectors_refresh(need_ids=[need.pk for need in seeded])
    assert vectors() == seeded_vectors


def test_seeded_needs_keep_their_best_matches_as_a_full_scoring_would(seeded):
    published = Offering.objects.filter(status=OfferingStatus.PUBLISHED).count()
    assert published > 7
    seeded_matches = matches()
    for need in seeded:
        need.refresh_from_db()
        assert need.offerings_scored == published
        assert Match.objects.filter(need=need, top=True).count() == 7
        best = [s.result.offering for s in engine.score_need_against_published(need.pk)]
        assert set(
            Match.objects.filter(need=need).values_list("offering_id", flat=True)
        ) == set(best[:7])
        assert services.matches_refresh_for_need(need_id=need.pk) == 0
    assert matches() == seeded_matches


def reference(need) -> list:
    """The pure formula over the claims tables (every kind), every published
    offering of the need's release, ranked."""
    offerings = list(
        Offering.objects.filter(status=OfferingStatus.PUBLISHED, release=need.release)
        .select_related("provider")
        .order_by("pk")
    )
    claims = selectors.offering_claims(offering_ids=[o.pk for o in offerings])
    return scoring.score_all(
        selectors.need_spec(need=need),
        [
            selectors.offering_spec(
                offering=o, claims=[c for c in claims if c.offering_id == o.pk]
            )
            for o in offerings
        ],
    )


def test_the_engine_equals_the_formula_on_a_seeded_need_of_every_kind(seeded):
    need = seeded[0]
    kinds = set(need.items.values_list("kind", flat=True))
    assert kinds == {"capability", "measure", "exchange", "report"}
    spec = selectors.need_spec(need=need)
    # Measures whose target the agency sets are left out, awaiting the provider.
    assert spec.awaiting and {item.kind for item in spec.awaiting} == {"measure"}
    assert {item.kind for item in spec.items} == kinds
    expected = reference(need)
    fast = [s.result for s in engine.score_need_against_published(need.pk)]
    assert fast == expected


def test_the_bench_naive_join_equals_the_engine_on_every_kind(seeded):
    # The bench's baseline (bench.scoring.naive_scores) joins every kind's claims;
    # its scores and gaps must be the engine's for its "identical" check to mean it.
    from bench.scoring import naive_scores

    for need in seeded[:3]:
        fast = {
            s.result.offering: (s.result.score, s.result.gaps_count)
            for s in engine.score_need_against_published(need.pk)
        }
        assert naive_scores(need.pk) == fast
