"""The rounds section of the brokers' dashboard: rounds by agency and status,
response rates, overdue providers; each a chart with its table and CSV; counts
equal direct counts; a fixed number of queries."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from brokering.dashboard.selectors import (
    overdue_by_provider,
    overdue_oldest,
    rounds_by_agency,
)
from brokering.models import Invitation, ResponseStatus, RoundStatus
from brokering.rounds import services
from catalog.models import ClaimLevel
from tests.brokering.factories import AgencyFactory
from tests.brokering.rounds import (
    active_need,
    offering_with_claims,
    open_round,
    pass_due_date,
    submit_response,
)
from tests.brokering.test_dashboard import _queries
from tests.catalog.factories import ProviderFactory
from tests.marketplace.factories import UserFactory

pytestmark = pytest.mark.django_db


def build(n: int) -> None:
    """``n`` agencies, each with one round of two invited providers of which one
    submitted, and one round past its due date that nobody answered."""
    for _ in range(n):
        agency = AgencyFactory()
        user = UserFactory(agency=agency)
        need = active_need(agency)
        answering, silent = ProviderFactory(), ProviderFactory()
        offerings = [
            offering_with_claims(need, answering, [ClaimLevel.MEETS]),
            offering_with_claims(need, silent, [ClaimLevel.MEETS]),
        ]
        live = open_round(need, user, offerings)
        invitation = live.invitations.get(offering=offerings[0])
        submit_response(invitation, UserFactory(provider=answering))
        late = open_round(need, user, offerings[1:])
        pass_due_date(late)


def test_counts_equal_direct_counts():
    build(2)
    agencies = rounds_by_agency()
    assert len(agencies) == 2
    assert all(a.round_values == [2, 0, 0, 0] for a in agencies)
    assert all(a.response_values == [1, 0, 2] for a in agencies)
    assert all((a.submitted, a.invited) == (1, 3) for a in agencies)
    overdue = Invitation.objects.filter(round__due_at__lt=timezone.now())
    assert sum(p.count for p in overdue_by_provider()) == overdue.count() == 2
    assert {i.pk for i in overdue_oldest()} == set(overdue.values_list("pk", flat=True))


def test_submitted_and_cancelled_are_not_overdue(agency_user, provider, provider_user):
    need = active_need(agency_user.agency)
    offering = offering_with_claims(need, provider, [ClaimLevel.MEETS])
    answered = open_round(need, agency_user, [offering])
    submit_response(answered.invitations.get(), provider_user)
    cancelled = open_round(need, agency_user, [offering])
    services.round_cancel(round_id=cancelled.pk)
    for round in (answered, cancelled):
        pass_due_date(round)
    assert overdue_by_provider() == []
    closed = open_round(need, agency_user, [offering])
    pass_due_date(closed)
    services.round_close(round_id=closed.pk)
    assert [(p.name, p.count) for p in overdue_by_provider()] == [(provider.name, 1)]
    agency = rounds_by_agency()[0]
    assert agency.rounds == {
        RoundStatus.OPEN: 1,
        RoundStatus.CANCELLED: 1,
        RoundStatus.CLOSED: 1,
    }
    assert agency.responses == {ResponseStatus.SUBMITTED: 1, ResponseStatus.INVITED: 2}


def test_the_rounds_section_runs_the_same_queries_for_1_and_4_agencies(
    client_for, broker
):
    client = client_for(broker)
    build(1)
    _queries(client)
    few = _queries(client)
    build(3)
    assert _queries(client) == few


def test_the_page_draws_the_rounds_charts_with_tables_and_csv(client_for, broker):
    build(2)
    client = client_for(broker)
    page = client.get(reverse("dashboard:index")).content.decode()
    for table in ("rounds", "responses", "overdue"):
        assert reverse("dashboard:csv", args=[table]) in page
    assert "33% responded" in page
    assert "Overdue the longest" in page
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("dashboard:csv", args=["responses"])).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert rows[0] == [
        "agency",
        "Agency (response rate)",
        "Submitted",
        "Draft",
        "Not started",
    ]
    assert [row[2:] for row in rows[1:]] == [["1", "0", "2"]] * 2
    rounds = client.get(reverse("dashboard:csv", args=["rounds"])).content.decode()
    assert rounds.splitlines()[0].endswith("Open,Closed,Cancelled,Decided")
    overdue = client.get(reverse("dashboard:csv", args=["overdue"])).content.decode()
    assert len(overdue.splitlines()) == 3


@pytest.mark.parametrize("table", ["rounds", "responses", "overdue"])
def test_agencies_and_providers_never_see_the_rounds_csv(
    client_for, agency_user, provider_user, table
):
    url = reverse("dashboard:csv", args=[table])
    for user in (agency_user, provider_user):
        assert client_for(user).get(url).status_code == 403
