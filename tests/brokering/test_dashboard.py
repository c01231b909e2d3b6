"""The brokers' dashboard at /admin/dashboard/ (#19): brokers only, counts equal to
direct counts, a fixed number of queries, each chart's table as CSV."""

import csv
import datetime
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from brokering.dashboard.selectors import (
    claims_to_reverify,
    needs_by_agency,
    submissions_waiting,
)
from brokering.models import NeedStatus
from catalog.models import Claim, OfferingStatus
from tests.brokering.factories import AgencyFactory, NeedFactory
from tests.catalog.factories import ClaimFactory, OfferingFactory, ProviderFactory
from tests.standards.factories import CapabilityFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def build(n: int) -> None:
    """``n`` agencies with a need in each status, ``n`` submissions of growing age,
    ``n`` providers with a stale published claim."""
    now = timezone.now()
    for i in range(n):
        agency = AgencyFactory()
        for status in NeedStatus.values:
            NeedFactory(agency=agency, status=status)
        OfferingFactory(
            status=OfferingStatus.SUBMITTED, submitted_at=now - (1 + 12 * i) * DAY
        )
        claim = ClaimFactory(
            offering=OfferingFactory(provider=ProviderFactory()),
            capability=CapabilityFactory(),
        )
        Claim.objects.filter(pk=claim.pk).update(updated_at=now - 800 * DAY)


def test_counts_equal_direct_counts():
    build(3)
    agencies = needs_by_agency()
    assert len(agencies) == 3
    assert all(a.values == [1, 1, 1] for a in agencies)
    waiting = submissions_waiting()
    assert waiting.counts == [1, 2, 0]  # waiting 1, 13 and 25 days
    assert [o.submitted_at for o in waiting.oldest] == sorted(
        o.submitted_at for o in waiting.oldest
    )
    assert [p.values for p in claims_to_reverify()] == [[1, 0]] * 3


def _queries(client) -> int:
    cache.clear()  # claims to re-verify are kept per catalog version: count them
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("dashboard:index")).status_code == 200
    return len(captured)


def test_the_dashboard_runs_the_same_queries_for_1_and_8_of_everything(
    client_for, broker
):
    client = client_for(broker)
    build(1)
    _queries(client)
    few = _queries(client)
    build(7)
    assert _queries(client) == few


def test_the_page_draws_each_chart_with_its_table_and_csv(client_for, broker):
    build(2)
    page = client_for(broker).get(reverse("dashboard:index")).content.decode()
    for table in ("needs", "submissions", "claims"):
        assert reverse("dashboard:csv", args=[table]) in page
    assert 'role="img" aria-label="Department of Testing' in page
    assert 'id="market-research-rounds"' in page
    answer = client_for(broker).get(reverse("dashboard:csv", args=["needs"]))
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0] == ["agency", "Agency", "Draft", "Active", "Archived"]
    assert [row[2:] for row in rows[1:]] == [["1", "1", "1"]] * 2


def test_an_unknown_table_is_404(client_for, broker):
    response = client_for(broker).get(reverse("dashboard:csv", args=["secrets"]))
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["dashboard:index", "dashboard:csv"])
def test_agencies_and_providers_never_see_it(
    client_for, agency_user, provider_user, name
):
    args = ["needs"] if name.endswith("csv") else []
    for user in (agency_user, provider_user):
        assert client_for(user).get(reverse(name, args=args)).status_code == 403
