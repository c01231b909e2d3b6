"""API lists run the same number of queries for 1 row and for 50 (the lists whose
owners do not pin their counts already: tests/api pins offerings, own offerings and
matches)."""

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from brokering.models import NeedStatus, ScoringRun
from catalog.models import OfferingStatus
from standards.models import ReleaseStatus
from tests.brokering.factories import NeedFactory, NeedItemFactory
from tests.catalog.factories import ClaimFactory, OfferingFactory
from tests.standards.factories import (
    ActivityFactory,
    CapabilityFactory,
    FunctionFactory,
    ReleaseFactory,
    ServiceMeasureFactory,
)

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class ApiList:
    name: str
    who: str  # "visitor", "agency" or "provider"
    kwargs: Callable[[SimpleNamespace], dict]
    add_row: Callable[[SimpleNamespace, int], object]


def _release_kwargs(world):
    return {"release": world.release.name}


LISTS = [
    ApiList(
        "release-list",
        "visitor",
        lambda w: {},
        lambda w, i: ReleaseFactory(name=f"FY{2200 + i}", status=ReleaseStatus.RETIRED),
    ),
    ApiList(
        "function-list",
        "visitor",
        _release_kwargs,
        lambda w, i: FunctionFactory(release=w.release),
    ),
    ApiList(
        "activity-list",
        "visitor",
        _release_kwargs,
        lambda w, i: ActivityFactory(function__release=w.release),
    ),
    ApiList(
        "capability-list",
        "visitor",
        _release_kwargs,
        lambda w, i: CapabilityFactory(activity__function__release=w.release),
    ),
    ApiList(
        "service-measure-list",
        "visitor",
        _release_kwargs,
        lambda w, i: ServiceMeasureFactory(activity__function__release=w.release),
    ),
    ApiList(
        "provider-list",
        "visitor",
        lambda w: {},
        lambda w, i: OfferingFactory(release=w.release),
    ),
    ApiList(
        "offering-claim-list",
        "visitor",
        lambda w: {"slug": w.offering.slug},
        lambda w, i: ClaimFactory(
            offering=w.offering,
            capability=CapabilityFactory(activity__function__release=w.release),
        ),
    ),
    ApiList(
        "change-list",
        "visitor",
        lambda w: {},
        lambda w, i: OfferingFactory(release=w.release),
    ),
    ApiList(
        "need-list",
        "agency",
        lambda w: {},
        lambda w, i: NeedFactory(agency=w.agency, release=w.release),
    ),
    ApiList(
        "need-item-list",
        "agency",
        lambda w: {"need_id": w.need.id},
        lambda w, i: NeedItemFactory(need=w.need),
    ),
    ApiList(
        "need-run-list",
        "agency",
        lambda w: {"need_id": w.need.id},
        lambda w, i: ScoringRun.objects.create(need=w.need),
    ),
    ApiList(
        "own-claim-list",
        "provider",
        lambda w: {"slug": w.own_offering.slug},
        lambda w, i: ClaimFactory(
            offering=w.own_offering,
            capability=CapabilityFactory(activity__function__release=w.release),
        ),
    ),
]


@pytest.fixture
def world(agency, provider):
    release = ReleaseFactory()
    return SimpleNamespace(
        release=release,
        agency=agency,
        offering=OfferingFactory(release=release, status=OfferingStatus.PUBLISHED),
        own_offering=OfferingFactory(
            release=release, provider=provider, status=OfferingStatus.DRAFT
        ),
        need=NeedFactory(agency=agency, release=release, status=NeedStatus.DRAFT),
    )


@pytest.mark.parametrize("api_list", LISTS, ids=lambda case: case.name)
def test_api_list_runs_the_same_queries_for_1_and_50_rows(
    api_list, world, client_for, agency_user, provider_user
):
    user = {"visitor": None, "agency": agency_user, "provider": provider_user}[
        api_list.who
    ]
    client = client_for(user)
    url = reverse(f"api:{api_list.name}", kwargs=api_list.kwargs(world))
    # page_size=50 puts all 50 rows on one page, so that the page really grows.
    url += "?page_size=50"

    api_list.add_row(world, 0)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    for i in range(1, 50):
        api_list.add_row(world, i)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(url)
    assert response.status_code == 200
    assert len(fifty) == len(one), (
        f"{api_list.name}: {len(one)} queries for 1 row, {len(fifty)} for 50:\n"
        + "\n".join(q["sql"][:200] for q in fifty.captured_queries)
    )
