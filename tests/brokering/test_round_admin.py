"""Rounds in the back office: the list (response rate, overdue providers) with a
pinned query count, and the extend and cancel actions."""

import pytest
from django.urls import reverse

from brokering.models import RoundStatus
from catalog.models import ClaimLevel
from tests.brokering.rounds import (
    active_need,
    offering_with_claims,
    open_round,
    pass_due_date,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(agency_user, provider, other_provider):
    need = active_need(agency_user.agency)
    offerings = [
        offering_with_claims(need, provider, [ClaimLevel.MEETS]),
        offering_with_claims(need, other_provider, [ClaimLevel.MEETS]),
    ]
    round = open_round(need, agency_user, offerings)
    pass_due_date(round)
    return need, round, offerings


@pytest.mark.parametrize("extra", [1, 6])
def test_the_list_shows_rates_and_overdue_providers_in_fixed_queries(
    overdue, agency_user, broker, client_for, extra, django_assert_num_queries
):
    need, round, offerings = overdue
    for _ in range(extra):
        open_round(need, agency_user, offerings)
    client = client_for(broker)
    url = reverse("admin:brokering_round_changelist")
    page = client.get(url).content.decode()
    assert "0 of 2 (0%)" in page
    assert "Example Financial Cloud, Other Ledger Corp" in page
    with django_assert_num_queries(8):
        client.get(url)


def test_agencies_and_providers_have_no_back_office(
    overdue, client_for, agency_user, provider_user
):
    url = reverse("admin:brokering_round_changelist")
    for user in (agency_user, provider_user):
        assert client_for(user).get(url).status_code in (302, 403)


def test_extend_and_cancel_actions_call_the_services(overdue, broker, client_for):
    need, round, offerings = overdue
    client = client_for(broker)
    url = reverse("admin:brokering_round_changelist")
    client.post(url, {"action": "extend", "_selected_action": [round.pk]})
    round.refresh_from_db()
    assert round.status == RoundStatus.OPEN
    client.post(url, {"action": "cancel", "_selected_action": [round.pk]})
    round.refresh_from_db()
    assert round.status == RoundStatus.CANCELLED
    page = client.get(reverse("admin:brokering_round_change", args=[round.pk]))
    assert page.status_code == 200
