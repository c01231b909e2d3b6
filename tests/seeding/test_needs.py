"""The demo needs: two fictional agencies, each with an active scored need; the broker
shortlisted and recommended matches, so that the fit-gap report has rows."""

import pytest
from django.contrib.auth import get_user_model

from brokering.models import Agency, Match, MatchStatus, NeedStatus
from catalog.models import Shortlist
from seeding.demo import catalog, needs, standards, users

pytestmark = pytest.mark.django_db


def test_seed_agencies_creates_the_cfo_act_and_the_demo_agencies_once():
    assert users.seed_agencies() == 24 + 6
    assert users.seed_agencies() == 0
    treasury = Agency.objects.get(cgac_code="020")
    assert (treasury.name, treasury.abbreviation) == (
        "Department of the Treasury",
        "TREAS",
    )


def test_the_demo_users_belong_to_fictional_agencies():
    users.seed_users()
    agency_users = get_user_model().objects.filter(agency__isnull=False)
    assert {u.agency.cgac_code for u in agency_users} == {"951", "952"}


def test_seed_needs_gives_two_agencies_scored_needs_with_decisions():
    standards.seed()
    catalog.seed()
    users.seed_users()
    first = needs.seed_needs()
    again = needs.seed_needs()
    assert [n.pk for n in first] == [n.pk for n in again]
    assert len({need.agency_id for need in first}) == 2
    for need in first:
        assert need.status == NeedStatus.ACTIVE
        assert need.items.filter(priority="must").exists()
        assert need.matches.exists()
        assert need.matches.filter(status=MatchStatus.SHORTLISTED).exists()
    core = first[0]
    recommended = core.matches.get(status=MatchStatus.RECOMMENDED)
    assert recommended.decided_by.username == "broker"
    assert "Recommended" in recommended.notes
    shortlist = Shortlist.objects.get(owner__username="agency")
    assert shortlist.entries.count() == 3
    assert Match.objects.exclude(status=MatchStatus.PROPOSED).count() == 5


def test_seed_needs_without_standards_does_nothing():
    users.seed_users()
    assert needs.seed_needs() == []


def test_the_first_demo_need_asks_for_every_kind_and_offerings_claim_them():
    from brokering.selectors import awaiting_items
    from catalog.models import ItemClaim

    standards.seed()
    catalog.seed()
    users.seed_users()
    need = needs.seed_needs()[0]
    kinds = set(need.items.values_list("kind", flat=True))
    assert kinds == {"capability", "measure", "exchange", "report", "agency"}
    agency = need.items.get(kind="agency")
    assert agency.authority and agency.function is not None
    awaiting = {row["code"] for row in awaiting_items(need=need)}
    # the agency's own target (Treasury's was TBD or another), and its own rule
    assert awaiting == {"DEMO.000.000.0011", "DEMO.030.070.0013", "AHI-001"}
    claimed = set(ItemClaim.objects.values_list("kind", flat=True))
    assert claimed == {"measure", "exchange", "report"}
