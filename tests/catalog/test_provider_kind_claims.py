"""The provider's claims pages for service measures, information exchanges and
pre-built reports: grouped by function, written through the one claims writer,
errors summarised, the flow from capabilities through every kind to documents, and
another provider's offering out of reach."""

import pytest
from django.urls import reverse

from catalog.models import ClaimVector, ItemClaim, OfferingStatus
from tests.brokering.kinds import mixed_release
from tests.catalog.workflow_helpers import draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return mixed_release()


@pytest.fixture
def offering(data, provider):
    return draft(provider, data["release"])


def url(offering, kind: str) -> str:
    return reverse("provider:offering-kind-claims", args=[offering.pk, kind])


def fields(item, level: str, date: str = "", evidence: str = "") -> dict:
    return {
        f"{item.pk}-level": level,
        f"{item.pk}-roadmap_date": date,
        f"{item.pk}-evidence": evidence,
        f"{item.pk}-evidence_url": "",
    }


def test_the_exchanges_page_lists_them_by_function_and_saves_claims(
    client_for, provider_user, offering, data
):
    client = client_for(provider_user)
    page = client.get(url(offering, "exchanges"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "EX-1" in text and "Treasury Offset Program: Outgoing: debts 1" in text
    assert "FFM.010" in text
    first, second = data["exchanges"]
    posted = {
        **fields(first, "meets", evidence="Nightly file to TOP."),
        **fields(second, ""),
        "continue": "",
    }
    answer = client.post(url(offering, "exchanges"), posted)
    assert answer.status_code == 302
    assert answer.url == url(offering, "reports")
    claim = ItemClaim.objects.get(offering=offering)
    assert (claim.kind, claim.exchange_id, claim.level, claim.evidence) == (
        "exchange",
        first.pk,
        "meets",
        "Nightly file to TOP.",
    )
    # The writer refreshed the vector scoring reads.
    assert ClaimVector.objects.filter(offering=offering).exists()
    report = data["reports"][0]
    answer = client.post(
        url(offering, "reports"), {**fields(report, "configurable"), "continue": ""}
    )
    assert answer.url == reverse("provider:offering-documents", args=[offering.pk])
    assert offering.item_claims.count() == 2


def test_a_roadmap_measure_without_a_date_is_summarised_and_nothing_saved(
    client_for, provider_user, offering, data
):
    client = client_for(provider_user)
    measure = data["measures"][0]
    answer = client.post(
        url(offering, "measures"), {**fields(measure, "roadmap"), "save_draft": ""}
    )
    assert answer.status_code == 400
    text = answer.content.decode()
    assert 'id="error-summary"' in text
    assert "FFM.010.010.0011, roadmap target date: A roadmap claim needs" in text
    assert not ItemClaim.objects.exists()
    answer = client.post(
        url(offering, "measures"),
        {**fields(measure, "roadmap", date="2027-06-30"), "save_draft": ""},
    )
    assert answer.url == url(offering, "measures")
    assert ItemClaim.objects.get().roadmap_date.isoformat() == "2027-06-30"
    page = client.get(url(offering, "measures")).content.decode()
    assert "Treasury's target: " in page


def test_the_capabilities_page_links_every_kind_and_continues_to_measures(
    client_for, provider_user, offering, data
):
    client = client_for(provider_user)
    capabilities = reverse("provider:offering-claims", args=[offering.pk])
    page = client.get(capabilities).content.decode()
    for kind in ("measures", "exchanges", "reports"):
        assert url(offering, kind) in page
    assert "(0 of 3)" in page
    answer = client.post(
        f"{capabilities}?function=FFM.020",
        {"function": "FFM.020", "continue": ""},
    )
    assert answer.url == url(offering, "measures")


def test_the_pages_are_the_providers_own_and_of_known_kinds(
    client_for, other_provider_user, provider_user, offering, data
):
    other = client_for(other_provider_user)
    assert other.get(url(offering, "reports")).status_code == 404
    assert client_for(provider_user).get(url(offering, "nope")).status_code == 404
    offering.status = OfferingStatus.SUBMITTED
    offering.save()
    answer = client_for(provider_user).get(url(offering, "reports"))
    assert answer.status_code == 302


def test_a_kind_page_reads_in_pinned_queries(
    client_for, provider_user, offering, data, django_assert_num_queries
):
    client = client_for(provider_user)
    client.get(url(offering, "measures"))
    # session, user, the offering, the offering's claims, the release's items (one
    # union), the functions' names: whatever the number of items
    with django_assert_num_queries(6):
        assert client.get(url(offering, "measures")).status_code == 200
