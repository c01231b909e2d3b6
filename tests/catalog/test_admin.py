"""The catalog admin: lists run a fixed number of queries; claim edits made there
refresh the claim vectors."""

import warnings

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.deprecation import RemovedInDjango60Warning

from catalog.models import ClaimLevel, ClaimVector, OfferingStatus
from tests.catalog.catalog_world import (
    admin_offering_form,
    make_offering,
    make_release,
)
from tests.catalog.factories import ProviderFactory, ShortlistFactory

pytestmark = pytest.mark.django_db

# Queries per changelist page (session, user, count, rows, filters' choices).
CHANGELISTS = {
    "admin:catalog_provider_changelist": 7,
    "admin:catalog_offering_changelist": 8,
    "admin:catalog_claim_changelist": 7,
    "admin:catalog_shortlist_changelist": 8,
}


def _populate(release, caps, start, stop, owner):
    for n in range(start, stop):
        provider = ProviderFactory(name=f"Admin Provider {n}", slug=f"ap-{n}")
        offering = make_offering(
            release, covers=[caps["FFM.010"]], provider=provider, slug=f"ao-{n}"
        )
        ShortlistFactory(owner=owner, offerings=[offering])


@pytest.mark.parametrize("name", CHANGELISTS)
def test_changelists_run_the_same_queries_for_10_and_100_rows(
    client_for, broker, agency_user, name, django_assert_num_queries
):
    release, caps = make_release()
    client = client_for(broker)
    url = reverse(name)
    _populate(release, caps, 0, 10, agency_user)
    client.get(url)  # warm the session and the content-type cache
    with django_assert_num_queries(CHANGELISTS[name]):
        assert client.get(url).status_code == 200
    _populate(release, caps, 10, 100, agency_user)
    # Warm again: the session's last-seen time is rewritten once a minute.
    client.get(url)
    with django_assert_num_queries(CHANGELISTS[name]):
        assert client.get(url).status_code == 200


def test_saving_claims_inline_refreshes_the_claim_vector(client_for, admin_user):
    release, caps = make_release()
    # A draft: a published offering's claims change only through a revision.
    offering = make_offering(
        release, slug="inline", status=OfferingStatus.DRAFT, published_at=None
    )
    capability = caps["FFM.010"][0]
    client = client_for(admin_user)
    url = reverse("admin:catalog_offering_change", args=[offering.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = {
        **admin_offering_form(offering, release),
        "claims-TOTAL_FORMS": "1",
        "claims-INITIAL_FORMS": "0",
        "claims-MIN_NUM_FORMS": "0",
        "claims-MAX_NUM_FORMS": "1000",
        "claims-0-capability": capability.pk,
        "claims-0-level": ClaimLevel.MEETS,
        "claims-0-offering": offering.pk,
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ClaimVector.objects.get(offering=offering).claims_count == 1


def test_brokers_retire_published_offerings_from_the_changelist(client_for, broker):
    from catalog.models import Offering, OfferingStatus, ReviewAction

    release, caps = make_release()
    published = make_offering(release, covers=[caps["FFM.010"]], slug="on-shelf")
    draft = make_offering(
        release, slug="not-yet", status=OfferingStatus.DRAFT, published_at=None
    )
    client = client_for(broker)
    response = client.post(
        reverse("admin:catalog_offering_changelist"),
        {"action": "retire", "_selected_action": [published.pk, draft.pk]},
        follow=True,
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "1 offering(s) retired." in text
    assert "Cannot retire" in text
    published.refresh_from_db()
    draft.refresh_from_db()
    assert published.status == OfferingStatus.RETIRED
    assert draft.status == OfferingStatus.DRAFT
    comment = published.review_comments.get()
    assert comment.action == ReviewAction.RETIRED
    assert comment.author == broker
    assert Offering.history.filter(id=published.pk, status="retired").exists()


def test_admin_addresses_without_a_scheme_are_https_and_raise_no_warning(
    client_for, admin_user
):
    from catalog.models import Claim, Provider

    release, caps = make_release()
    offering = make_offering(
        release, slug="scheme", status=OfferingStatus.DRAFT, published_at=None
    )
    client = client_for(admin_user)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RemovedInDjango60Warning)
        provider = offering.provider
        response = client.post(
            reverse("admin:catalog_provider_change", args=[provider.pk]),
            {
                "name": provider.name,
                "slug": provider.slug,
                "kind": provider.kind,
                "website": "www.example.gov",
                "uei": "",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        url = reverse("admin:catalog_offering_change", args=[offering.pk])
        assert client.get(url).status_code == 200
        form = {
            **admin_offering_form(offering, release),
            "claims-TOTAL_FORMS": "1",
            "claims-INITIAL_FORMS": "0",
            "claims-MIN_NUM_FORMS": "0",
            "claims-MAX_NUM_FORMS": "1000",
            "claims-0-capability": caps["FFM.010"][0].pk,
            "claims-0-level": ClaimLevel.MEETS,
            "claims-0-evidence_url": "docs.example.gov/proof",
            "claims-0-offering": offering.pk,
        }
        response = client.post(url, form)
        assert response.status_code == 302, response.content.decode()[:2000]
        claim = Claim.objects.get(offering=offering)
        claim_url = reverse("admin:catalog_claim_change", args=[claim.pk])
        assert client.get(claim_url).status_code == 200
    assert Provider.objects.get(pk=provider.pk).website == "https://www.example.gov"
    assert claim.evidence_url == "https://docs.example.gov/proof"


def test_the_offering_page_runs_the_same_queries_for_9_and_90_claims_inline(
    client_for, broker
):
    client = client_for(broker)
    counts = []
    for per_function, slug in ((3, "few-claims"), (30, "many-claims")):
        release, caps = make_release(per_function=per_function)
        offering = make_offering(release, covers=list(caps.values()), slug=slug)
        url = reverse("admin:catalog_offering_change", args=[offering.pk])
        client.get(url)  # warm the session and the content-type cache
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(captured))
        body = response.content.decode()
        capability = caps["FFM.090"][-1]
        # The raw-id widget still names each claim's capability and links it.
        assert str(capability) in body
        assert (
            reverse("admin:standards_capability_change", args=[capability.pk]) in body
        )
    assert counts[0] == counts[1], counts
