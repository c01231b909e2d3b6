"""The change feed: what the public could see change, by stable IDs, from history."""

import datetime

import pytest
from django.utils import timezone

from catalog import services, workflow
from catalog.models import OfferingStatus
from standards.models import ReleaseStatus
from tests.catalog.factories import ClaimFactory
from tests.standards.factories import CapabilityFactory, ReleaseFactory

pytestmark = pytest.mark.django_db


def _feed(client, **params) -> list[tuple]:
    body = client.get("/api/v1/changes/", params).json()
    return [(c["kind"], c["action"], c["id"], c["state"]) for c in body["results"]]


def test_a_listing_lifecycle_appears_with_stable_ids(
    anonymous, provider_user, broker, provider
):
    capability = CapabilityFactory()
    claim = ClaimFactory(
        offering__provider=provider,
        offering__status=OfferingStatus.DRAFT,
        offering__slug="ledger",
        offering__release=capability.release,
        capability=capability,
    )
    offering = claim.offering
    workflow.offering_submit(offering=offering, by=provider_user)
    start = timezone.now()
    workflow.offering_approve(offering=offering, by=broker)
    revision = workflow.offering_revision_start(offering=offering, by=provider_user)
    services.claims_save(
        offering=revision,
        by=provider_user,
        claims=[services.ClaimInput(capability_id=capability.pk, level="extension")],
    )
    workflow.offering_submit(offering=revision, by=provider_user)
    workflow.offering_approve(offering=revision, by=broker)
    workflow.offering_retire(offering=offering, by=broker)

    claim_id = f"ledger/{capability.code}"
    assert _feed(anonymous, since=start.isoformat()) == [
        ("offering", "published", "ledger", "published"),
        ("claim", "changed", claim_id, "extension"),
        ("offering", "changed", "ledger", "published"),
        ("offering", "retired", "ledger", "retired"),
    ]
    assert _feed(anonymous, since=start.isoformat(), kind="claim") == [
        ("claim", "changed", claim_id, "extension")
    ]


def test_drafts_revisions_and_submissions_never_show(anonymous, provider_user):
    claim = ClaimFactory(offering__status=OfferingStatus.DRAFT, offering__slug="secret")
    start = timezone.now()
    workflow.offering_submit(offering=claim.offering, by=provider_user)
    assert _feed(anonymous, since=start.isoformat()) == []


def test_releases_made_current_and_retired(anonymous):
    start = timezone.now() - datetime.timedelta(seconds=1)
    old = ReleaseFactory(name="FY2030", status=ReleaseStatus.CURRENT)
    draft = ReleaseFactory(name="FY2031", status=ReleaseStatus.DRAFT)
    old.status = ReleaseStatus.RETIRED
    old.save()
    draft.status = ReleaseStatus.CURRENT
    draft.save()
    assert _feed(anonymous, since=start.isoformat(), kind="release") == [
        ("release", "published", "FY2030", "current"),
        ("release", "retired", "FY2030", "retired"),
        ("release", "published", "FY2031", "current"),
    ]


def test_since_reads_an_unencoded_offset_and_rejects_nonsense(anonymous):
    ReleaseFactory(name="FY2032", status=ReleaseStatus.CURRENT)
    plus_as_space = anonymous.get("/api/v1/changes/?since=2000-01-01T00:00:00 01:00")
    assert plus_as_space.status_code == 200
    assert plus_as_space.json()["count"] == 1
    future = anonymous.get("/api/v1/changes/", {"since": "2999-01-01T00:00:00Z"})
    assert future.json()["count"] == 0
    bad = anonymous.get("/api/v1/changes/", {"since": "last tuesday"})
    assert bad.status_code == 400
    assert list(bad.json()["error"]["fields"]) == ["since"]
    assert anonymous.get("/api/v1/changes/", {"kind": "need"}).status_code == 400
