"""The one claims writer: the drifts between the old writing paths, pinned.

Before, four paths wrote claims and disagreed: the review page's verify did not move
the offering's "last updated", the demo/test writer wrote onto a published offering,
and the pages' writer accepted a capability of another release. Every path now goes
through :mod:`catalog.services.claims` and keeps the stricter rule.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog import services
from catalog.models import Claim, ClaimLevel, ClaimVector, Offering, OfferingStatus
from catalog.workflow import (
    offering_approve,
    offering_revision_start,
    offering_submit,
)
from tests.catalog.catalog_world import admin_offering_form
from tests.catalog.workflow_helpers import draft, offering_in, standards_tree
from tests.standards.factories import CapabilityFactory, ReleaseFactory

pytestmark = pytest.mark.django_db


def _updated_at(offering) -> datetime.datetime:
    return Offering.objects.values_list("updated_at", flat=True).get(pk=offering.pk)


def test_verifying_claims_moves_the_offerings_last_updated(provider, broker):
    release, capabilities = standards_tree()
    offering = offering_in(
        OfferingStatus.PUBLISHED, provider, release, capabilities[:2]
    )
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Offering.objects.filter(pk=offering.pk).update(updated_at=long_ago)
    assert services.claims_verify(claims=offering.claims.all(), by=broker) == 2
    assert _updated_at(offering) > long_ago
    # Taking the mark back is a change too.
    Offering.objects.filter(pk=offering.pk).update(updated_at=long_ago)
    assert (
        services.claims_verify(claims=offering.claims.all(), by=broker, verified=False)
        == 2
    )
    assert _updated_at(offering) > long_ago


def test_the_review_pages_verify_moves_last_updated(client_for, provider, broker):
    """The broker's review page verifies through the same service."""
    release, capabilities = standards_tree()
    offering = offering_in(
        OfferingStatus.SUBMITTED, provider, release, capabilities[:2]
    )
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Offering.objects.filter(pk=offering.pk).update(updated_at=long_ago)
    claim = offering.claims.order_by("pk").first()
    response = client_for(broker).post(
        reverse("admin:catalog_submission_change", args=[offering.pk]),
        {"action": "verify", "verified": [claim.pk]},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.verified
    assert _updated_at(offering) > long_ago


def test_a_published_offerings_claims_are_refused_outside_a_revision(
    provider, provider_user
):
    release, capabilities = standards_tree()
    published = offering_in(
        OfferingStatus.PUBLISHED, provider, release, capabilities[:1]
    )
    before = list(published.claims.values_list("capability_id", "level"))
    with pytest.raises(services.WorkflowError, match="change the claims"):
        services.claims_save(
            offering=published,
            by=provider_user,
            claims=[
                services.ClaimInput(
                    capability_id=capabilities[1].pk, level=ClaimLevel.MEETS
                ),
                services.ClaimInput(capability_id=capabilities[0].pk, level=""),
            ],
        )
    assert list(published.claims.values_list("capability_id", "level")) == before


def test_a_revision_is_how_a_published_offerings_claims_change(
    provider, provider_user, broker
):
    release, capabilities = standards_tree()
    published = offering_in(
        OfferingStatus.PUBLISHED, provider, release, capabilities[:1]
    )
    revision = offering_revision_start(offering=published, by=provider_user)
    services.claims_save(
        offering=revision,
        by=provider_user,
        claims=[
            services.ClaimInput(
                capability_id=capabilities[1].pk, level=ClaimLevel.CONFIGURABLE
            )
        ],
    )
    offering_submit(offering=revision, by=provider_user)
    offering_approve(offering=revision, by=broker)
    assert set(published.claims.values_list("capability_id", "level")) == {
        (capabilities[0].pk, ClaimLevel.MEETS),
        (capabilities[1].pk, ClaimLevel.CONFIGURABLE),
    }
    assert ClaimVector.objects.get(offering=published).claims_count == 2


def test_the_admin_refuses_claims_on_a_published_offering(
    client_for, admin_user, provider
):
    release, capabilities = standards_tree()
    published = offering_in(OfferingStatus.PUBLISHED, provider, release)
    form = {
        **admin_offering_form(published, release),
        "claims-TOTAL_FORMS": "1",
        "claims-INITIAL_FORMS": "0",
        "claims-MIN_NUM_FORMS": "0",
        "claims-MAX_NUM_FORMS": "1000",
        "claims-0-capability": capabilities[0].pk,
        "claims-0-level": ClaimLevel.MEETS,
        "claims-0-offering": published.pk,
    }
    client = client_for(admin_user)
    response = client.post(
        reverse("admin:catalog_offering_change", args=[published.pk]), form
    )
    assert response.status_code == 200
    assert "change through a revision" in response.content.decode()
    assert not Claim.objects.filter(offering=published).exists()
    add = client.post(
        reverse("admin:catalog_claim_add"),
        {
            "offering": published.pk,
            "capability": capabilities[0].pk,
            "level": ClaimLevel.MEETS,
        },
    )
    assert add.status_code == 200
    assert "change through a revision" in add.content.decode()
    assert not Claim.objects.filter(offering=published).exists()


def test_a_capability_of_another_release_is_refused(provider, provider_user):
    release, capabilities = standards_tree()
    offering = draft(provider, release)
    other = CapabilityFactory(release=ReleaseFactory(name="FY2098", status="draft"))
    with pytest.raises(services.ClaimRefused, match="another standards release"):
        services.claims_save(
            offering=offering,
            by=provider_user,
            claims=[
                services.ClaimInput(capability_id=capabilities[0].pk, level="meets"),
                services.ClaimInput(capability_id=other.pk, level="meets"),
            ],
        )
    assert not offering.claims.exists()


def test_the_api_refuses_a_capability_of_another_release(provider, provider_user):
    """The pages, the API and the import share the writer, so the release rule
    holds for each; the admin's claim form says it before saving."""
    release, _capabilities = standards_tree()
    offering = draft(provider, release)
    other = CapabilityFactory(release=ReleaseFactory(name="FY2098", status="draft"))
    errors = services.claims_check(
        offering=offering,
        claims=[services.ClaimInput(capability_id=other.pk, level="meets")],
    )
    assert errors and "another standards release" in errors[0]


def test_the_claim_admin_writes_a_drafts_claims_through_the_writer(
    client_for, admin_user, provider
):
    release, capabilities = standards_tree()
    offering = draft(provider, release)
    client = client_for(admin_user)
    added = client.post(
        reverse("admin:catalog_claim_add"),
        {
            "offering": offering.pk,
            "capability": capabilities[0].pk,
            "level": ClaimLevel.MEETS,
        },
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    claim = Claim.objects.get(offering=offering)
    assert ClaimVector.objects.get(offering=offering).claims_count == 1
    moved = client.post(
        reverse("admin:catalog_claim_change", args=[claim.pk]),
        {
            "offering": offering.pk,
            "capability": capabilities[1].pk,
            "level": ClaimLevel.CONFIGURABLE,
        },
    )
    assert moved.status_code == 302, moved.content.decode()[:2000]
    assert list(offering.claims.values_list("capability_id", "level")) == [
        (capabilities[1].pk, ClaimLevel.CONFIGURABLE)
    ]
    claim = offering.claims.get()
    deleted = client.post(
        reverse("admin:catalog_claim_delete", args=[claim.pk]), {"post": "yes"}
    )
    assert deleted.status_code == 302
    assert not offering.claims.exists()
    assert ClaimVector.objects.get(offering=offering).claims_count == 0


def test_a_published_offerings_claim_cannot_be_deleted_in_the_admin(
    client_for, admin_user, provider
):
    release, capabilities = standards_tree()
    published = offering_in(
        OfferingStatus.PUBLISHED, provider, release, capabilities[:1]
    )
    claim = published.claims.get()
    response = client_for(admin_user).post(
        reverse("admin:catalog_claim_delete", args=[claim.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert published.claims.exists()
