"""The brokers' dashboard at /admin/dashboard/ (#19): brokers only, counts equal to
direct counts, a fixed number of queries, each chart's table as CSV."""

import csv
import datetime
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from brokering.dashboard.selectors import (
    _claims_to_reverify,
    claims_to_reverify,
    needs_by_agency,
    submissions_waiting,
)
from brokering.models import NeedStatus
from catalog.freshness import Freshness, needs_reverifying, with_freshness
from catalog.models import Claim, ItemClaim, OfferingStatus
from catalog.services.claims import claims_verify
from tests.brokering.factories import AgencyFactory, NeedFactory
from tests.catalog.factories import (
    ClaimFactory,
    MeasureClaimFactory,
    OfferingDocumentFactory,
    OfferingFactory,
    ProviderFactory,
)
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


def direct_reverify_counts() -> list[list]:
    """Per provider, its published claims of every kind stale or expired, one claim
    at a time by the freshness policy's SQL (what the dashboard used to run over
    every claim)."""
    totals: dict[str, list[int]] = {}
    for model in (Claim, ItemClaim):
        rows = (
            with_freshness(
                model.objects.filter(offering__status=OfferingStatus.PUBLISHED)
            )
            .filter(needs_reverifying())
            .order_by()
            .values("offering__provider__name")
            .annotate(
                stale=Count("pk", filter=Q(freshness=Freshness.STALE)),
                expired=Count("pk", filter=Q(freshness=Freshness.EXPIRED)),
            )
        )
        for row in rows:
            entry = totals.setdefault(row["offering__provider__name"], [0, 0])
            entry[0] += row["stale"]
            entry[1] += row["expired"]
    return [[name, *totals[name]] for name in sorted(totals)]


def test_claims_to_reverify_equal_direct_counts_across_changes():
    """Counted from each offering's claim ages kept between changes: offerings all
    stale, all fresh, in between, with expired evidence; then one offering's claims
    change (verified again) and only its ages are read again."""
    now = timezone.now()
    ages = {
        "all stale": [800, 500],
        "all fresh": [10, 20],
        "in between": [800, 366, 364, 3],
        "expired": [10, 800],
    }
    claims = {}
    for name, days in ages.items():
        offering = OfferingFactory(provider=ProviderFactory(name=name))
        claims[name] = []
        for age in days:
            claim = ClaimFactory(offering=offering, capability=CapabilityFactory())
            Claim.objects.filter(pk=claim.pk).update(updated_at=now - age * DAY)
            claims[name].append(claim)
        if name == "expired":
            OfferingDocumentFactory(
                offering=offering,
                expires_on=timezone.localdate() - DAY,
            )
    OfferingFactory(status=OfferingStatus.DRAFT, provider=ProviderFactory(name="draft"))

    def counted():
        return [[p.name, p.stale, p.expired] for p in _claims_to_reverify()]

    assert (
        counted()
        == direct_reverify_counts()
        == [
            ["all stale", 2, 0],
            ["expired", 0, 2],
            ["in between", 2, 0],
        ]
    )
    # A broker verifies the in-between offering's stale claims: through the claims
    # writer, which moves its vector's stamp, so its ages are read again.
    claims_verify(claims=claims["in between"][:2], by=None)
    assert (
        counted()
        == direct_reverify_counts()
        == [
            ["all stale", 2, 0],
            ["expired", 0, 2],
        ]
    )


def test_claims_on_measures_exchanges_and_reports_are_counted_too():
    """The freshness policy is the same for claims of every kind: a stale measure
    claim counts beside the capability claims, an offering whose claims are all on
    measures is counted, and verifying a measure claim again takes it off."""
    now = timezone.now()
    plan = {
        # provider: [(kind, age in days)]
        "measures only": [("measure", 800), ("measure", 400)],
        "mixed": [("capability", 10), ("measure", 800), ("measure", 5)],
        "expired": [("measure", 10)],
    }
    measure_claims = {}
    for name, claims in plan.items():
        offering = OfferingFactory(provider=ProviderFactory(name=name))
        measure_claims[name] = []
        for kind, age in claims:
            if kind == "capability":
                claim = ClaimFactory(offering=offering)
            else:
                claim = MeasureClaimFactory(offering=offering)
                measure_claims[name].append(claim)
            type(claim).objects.filter(pk=claim.pk).update(updated_at=now - age * DAY)
        if name == "expired":
            OfferingDocumentFactory(
                offering=offering, expires_on=timezone.localdate() - DAY
            )

    def counted():
        return [[p.name, p.stale, p.expired] for p in _claims_to_reverify()]

    assert (
        counted()
        == direct_reverify_counts()
        == [["expired", 0, 1], ["measures only", 2, 0], ["mixed", 1, 0]]
    )
    claims_verify(claims=measure_claims["mixed"][:1], by=None, again=True)
    assert (
        counted()
        == direct_reverify_counts()
        == [["expired", 0, 1], ["measures only", 2, 0]]
    )
