"""The workflow demo step leaves one revision in the brokers' queue, once."""

import pytest

from catalog import workflow_demo
from catalog.models import OfferingStatus
from tests.catalog.factories import ProviderFactory
from tests.catalog.workflow_helpers import offering_in, standards_tree
from tests.marketplace.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_demo_revision_waits_for_review_and_is_made_once():
    release, capabilities = standards_tree(functions=1, per_activity=2)
    provider = ProviderFactory(slug=workflow_demo.DEMO_PROVIDER_SLUG)
    UserFactory(username="provider", provider=provider)
    published = offering_in(OfferingStatus.PUBLISHED, provider, release, capabilities)
    revision = workflow_demo.seed()
    assert revision.revision_of == published
    assert revision.status == OfferingStatus.SUBMITTED
    assert revision.summary.endswith("automated 1099 reporting.")
    published.refresh_from_db()
    assert not published.summary.endswith("automated 1099 reporting.")
    assert workflow_demo.seed() is None
    assert published.revisions.count() == 1
