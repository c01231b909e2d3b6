"""Two brokers deciding the same submission at once: the row lock lets one decide and
refuses the other (PostgreSQL; SQLite has no row locks)."""

import threading

import pytest
from django.db import connection

from catalog.models import Offering, OfferingStatus, ReviewAction, ReviewComment
from catalog.workflow import WorkflowError, offering_approve, offering_return
from tests.catalog.workflow_helpers import offering_in, standards_tree
from tests.conftest import uses_services
from tests.marketplace.factories import UserFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_concurrent_approve_and_return_let_exactly_one_win(provider):
    if not uses_services():
        pytest.skip("needs PostgreSQL row locks (the services pass)")
    release, capabilities = standards_tree(functions=1, per_activity=2)
    offering = offering_in(OfferingStatus.SUBMITTED, provider, release, capabilities)
    brokers = [UserFactory(username=f"broker-{n}", is_staff=True) for n in range(2)]
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def decide(name, service, by, **kwargs):
        try:
            barrier.wait(timeout=60)
            service(offering=Offering.objects.get(pk=offering.pk), by=by, **kwargs)
            outcomes[name] = "done"
        except WorkflowError:
            outcomes[name] = "refused"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=("approve", offering_approve, brokers[0])),
        threading.Thread(
            target=decide,
            args=("return", offering_return, brokers[1]),
            kwargs={"comment": "Needs evidence."},
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(outcomes.values()) == ["done", "refused"]
    offering.refresh_from_db()
    winner = "approve" if outcomes["approve"] == "done" else "return"
    expected = {
        "approve": (OfferingStatus.PUBLISHED, ReviewAction.APPROVED),
        "return": (OfferingStatus.RETURNED, ReviewAction.RETURNED),
    }[winner]
    assert offering.status == expected[0]
    decisions = ReviewComment.objects.filter(
        offering=offering,
        action__in=[ReviewAction.APPROVED, ReviewAction.RETURNED],
    )
    assert [d.action for d in decisions] == [expected[1]]
