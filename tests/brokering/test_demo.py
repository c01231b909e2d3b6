import pytest
from django.contrib.auth import get_user_model

from brokering import demo
from brokering.models import Agency, Match, NeedStatus
from catalog.models import ClaimLevel
from marketplace.demo import seed_users

pytestmark = pytest.mark.django_db


def test_seed_agencies_creates_the_24_cfo_act_agencies_once():
    assert demo.seed_agencies() == 24
    assert demo.seed_agencies() == 0
    treasury = Agency.objects.get(cgac_code="020")
    assert (treasury.name, treasury.abbreviation) == (
        "Department of the Treasury",
        "TREAS",
    )
    assert Agency.objects.count() == 24


def test_seed_needs_gives_the_demo_agency_user_an_active_scored_need(
    release, capabilities, make_offering
):
    make_offering([(c, ClaimLevel.MEETS) for c in capabilities])
    demo.seed_agencies()
    seed_users()
    need = demo.seed_needs()
    again = demo.seed_needs()
    assert need.pk == again.pk
    user = get_user_model().objects.get(username="agency")
    assert need.agency_id == user.agency_id
    assert need.status == NeedStatus.ACTIVE
    assert need.items.filter(priority="must").exists()
    assert Match.objects.filter(need=need).count() == 1


def test_seed_needs_without_standards_does_nothing():
    demo.seed_agencies()
    seed_users()
    assert demo.seed_needs() is None
