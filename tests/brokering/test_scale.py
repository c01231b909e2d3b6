"""``seed_scale``'s needs arrive as activation would leave them: item vectors equal to
what the services encode, matches equal to a full scoring (PostgreSQL only: the
seed writes with COPY)."""

import pytest
from django.core.management import call_command

from brokering import services
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
