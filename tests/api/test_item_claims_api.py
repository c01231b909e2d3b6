"""Claims on service measures, information exchanges and pre-built reports in the
API: a published offering's (public), a provider's own (read and state them through
the one claims writer), with bad items named and nothing written."""

import pytest
from rest_framework.test import APIClient

from catalog.models import ItemClaim, OfferingStatus
from tests.brokering.kinds import claim, mixed_release, save_claims
from tests.catalog.workflow_helpers import offering_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return mixed_release()


@pytest.fixture
def offerings(data, provider):
    published = offering_in(
        OfferingStatus.PUBLISHED, provider, data["release"], slug="ledger-kinds"
    )
    save_claims([claim(published, data["exchanges"][0], "meets")])
    draft = offering_in(
        OfferingStatus.DRAFT, provider, data["release"], slug="ledger-kinds-next"
    )
    return published, draft


def test_anyone_reads_a_published_offerings_claims_of_every_kind(
    offerings, django_assert_num_queries
):
    client = APIClient()
    client.get("/api/v1/offerings/ledger-kinds/item-claims/")
    # the offering (and its contract vehicles), its claims, the release's items:
    # whatever the number of items and claims
    with django_assert_num_queries(4):
        body = client.get("/api/v1/offerings/ledger-kinds/item-claims/").json()
    rows = {row["item"]: row for row in body["results"]}
    assert list(rows) == [
        "FFM.010.010.0011",
        "FFM.010.010.0012",
        "FFM.020.010.0011",
        "EX-1",
        "EX-2",
        "RPT-1",
        "RPT-2",
    ]
    assert rows["EX-1"]["level"] == "meets"
    assert rows["EX-1"]["kind"] == "exchange"
    assert rows["RPT-1"]["level"] is None
    assert rows["FFM.010.010.0012"]["target"] == "TBD by service customer"
    reports = client.get("/api/v1/offerings/ledger-kinds/item-claims/?kind=report")
    assert [row["item"] for row in reports.json()["results"]] == ["RPT-1", "RPT-2"]
    draft = client.get("/api/v1/offerings/ledger-kinds-next/item-claims/")
    assert draft.status_code == 404


def test_a_provider_states_claims_of_every_kind_at_once(
    offerings, as_provider, as_other_provider
):
    url = "/api/v1/provider/offerings/ledger-kinds-next/item-claims/"
    answer = as_provider.put(
        url,
        [
            {"item": "EX-2", "level": "meets", "evidence": "Daily file."},
            {"item": "RPT-1", "level": "roadmap", "roadmap_date": "2027-03-31"},
            {"item": "FFM.010.010.0011", "level": "configurable"},
        ],
        format="json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"changed": 3}
    levels = {
        row["item"]: row["level"] for row in as_provider.get(url).json()["results"]
    }
    assert (levels["EX-2"], levels["RPT-1"], levels["EX-1"]) == (
        "meets",
        "roadmap",
        None,
    )
    draft = offerings[1]
    assert draft.item_claims.count() == 3
    removed = as_provider.put(url, [{"item": "EX-2", "level": ""}], format="json")
    assert removed.status_code == 200
    assert draft.item_claims.count() == 2
    assert as_other_provider.put(url, [], format="json").status_code == 404
    assert as_provider.get(url).status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ([{"item": "EX-9", "level": "meets"}], "1.item"),
        ([{"item": "RPT-1", "level": "roadmap"}], "0.roadmap_date"),
        ([{"item": "RPT-1", "level": "always"}], "0.level"),
        ({"item": "RPT-1"}, "claims"),
    ],
)
def test_a_bad_claim_is_named_and_nothing_is_written(
    offerings, as_provider, body, field
):
    if field == "1.item":
        body = [{"item": "RPT-2", "level": "meets"}, *body]
    url = "/api/v1/provider/offerings/ledger-kinds-next/item-claims/"
    answer = as_provider.put(url, body, format="json")
    assert answer.status_code == 400
    assert field in answer.json()["error"]["fields"]
    assert not ItemClaim.objects.filter(offering=offerings[1]).exists()


def test_a_published_offerings_claims_change_only_in_a_revision(offerings, as_provider):
    url = "/api/v1/provider/offerings/ledger-kinds/item-claims/"
    answer = as_provider.put(url, [{"item": "EX-1", "level": ""}], format="json")
    assert answer.status_code == 409
