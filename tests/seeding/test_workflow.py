"""The workflow demo step leaves the demo provider's listings in every review state:
a revision waiting for review, an approved revision, a returned listing; once."""

import pytest

from catalog.models import Offering, OfferingStatus, ReviewComment
from seeding.demo import catalog, standards, users, workflow
from tests.catalog.factories import ProviderFactory
from tests.catalog.workflow_helpers import offering_in, standards_tree
from tests.marketplace.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_demo_revision_waits_for_review_and_is_made_once():
    release, capabilities = standards_tree(functions=1, per_activity=2)
    provider = ProviderFactory(slug=workflow.DEMO_PROVIDER_SLUG)
    UserFactory(username="provider", provider=provider)
    published = offering_in(OfferingStatus.PUBLISHED, provider, release, capabilities)
    revision = workflow.seed()
    assert revision.revision_of == published
    assert revision.status == OfferingStatus.SUBMITTED
    assert revision.summary.endswith("automated 1099 reporting.")
    published.refresh_from_db()
    assert not published.summary.endswith("automated 1099 reporting.")
    assert workflow.seed() is None
    assert published.revisions.count() == 1


def test_the_demo_shows_every_review_state_with_comments():
    standards.seed()
    catalog.seed()
    users.seed_users()
    revision = workflow.seed()
    own = Offering.objects.filter(provider__slug=workflow.DEMO_PROVIDER_SLUG)
    assert revision.status == OfferingStatus.SUBMITTED
    returned = own.get(status=OfferingStatus.RETURNED)
    assert returned.claims.count() == 6
    actions = list(
        ReviewComment.objects.filter(offering=returned)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["submitted", "returned"]
    approved = ReviewComment.objects.get(action="approved")
    assert approved.offering.status == OfferingStatus.PUBLISHED
    assert approved.offering.summary.endswith("per invoice line.")
    assert approved.offering.history.count() >= 2
    for offering in (returned, revision, approved.offering):
        document = offering.documents.get()
        assert document.kind == "pdf"
        assert document.file.read().startswith(b"%PDF-1.4")
    assert workflow.seed() is None
