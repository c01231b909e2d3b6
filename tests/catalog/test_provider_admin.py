"""Broker review in the Django admin: the queue, the page of changes, and the
actions, which call the same services as the portal."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalog.models import ClaimLevel, Offering, OfferingStatus, ReviewAction
from catalog.services.claims import ClaimInput, ItemClaimInput, claims_save
from catalog.workflow import (
    offering_revision_start,
    offering_submit,
    offering_update,
)
from tests.brokering.kinds import claim, mixed_release, save_claims
from tests.catalog.workflow_helpers import offering_in, standards_tree

pytestmark = pytest.mark.django_db
QUEUE = "admin:catalog_submission_changelist"


@pytest.fixture
def tree():
    return standards_tree()


@pytest.fixture
def admin_client_(client_for, broker):
    return client_for(broker)


def submitted(provider, release, capabilities, minutes_ago=0, **fields):
    offering = offering_in(
        OfferingStatus.SUBMITTED, provider, release, capabilities, **fields
    )
    offering.submitted_at = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    offering.save()
    return offering


def review_url(offering):
    return reverse("admin:catalog_submission_change", args=[offering.pk])


def test_queue_lists_submissions_oldest_first(
    admin_client_, provider, other_provider, tree
):
    release, capabilities = tree
    newer = submitted(provider, release, capabilities, 5, name="Newer listing")
    older = submitted(other_provider, release, capabilities, 50, name="Older listing")
    offering_in(OfferingStatus.DRAFT, provider, release, name="A draft listing")
    response = admin_client_.get(reverse(QUEUE))
    assert response.status_code == 200
    listed = list(response.context["cl"].result_list)
    assert listed == [older, newer]
    assert "A draft listing" not in response.content.decode()


def test_queue_runs_the_same_queries_for_few_and_many(admin_client_, provider, tree):
    release, capabilities = tree
    submitted(provider, release, capabilities)
    admin_client_.get(reverse(QUEUE))
    with CaptureQueriesContext(connection) as few:
        admin_client_.get(reverse(QUEUE))
    for minutes in range(8):
        submitted(provider, release, capabilities, minutes)
    with CaptureQueriesContext(connection) as many:
        admin_client_.get(reverse(QUEUE))
    assert len(many) == len(few)


def test_only_brokers_reach_the_queue(client_for, provider_user, agency_user, tree):
    for user in (None, provider_user, agency_user):
        response = client_for(user).get(reverse(QUEUE))
        assert response.status_code == 302
        assert "next=/admin/catalog/submission/" in response.url


def test_review_page_shows_changes_field_by_field_and_claim_by_claim(
    admin_client_, provider, provider_user, tree
):
    release, capabilities = tree
    published = offering_in(
        OfferingStatus.PUBLISHED,
        provider,
        release,
        capabilities[:2],
        summary="Old summary text",
    )
    revision = offering_revision_start(offering=published, by=provider_user)
    offering_update(
        offering=revision, by=provider_user, fields={"summary": "New summary text"}
    )
    claims_save(
        offering=revision,
        by=provider_user,
        claims=[
            ClaimInput(capability_id=capabilities[0].pk, level=ClaimLevel.EXTENSION),
            ClaimInput(capability_id=capabilities[1].pk, level=""),
            ClaimInput(capability_id=capabilities[2].pk, level=ClaimLevel.MEETS),
        ],
    )
    offering_submit(offering=revision, by=provider_user)
    response = admin_client_.get(review_url(revision))
    assert response.status_code == 200
    fields = {row["label"]: row for row in response.context["fields"]}
    assert fields["summary"]["before"] == "Old summary text"
    assert fields["summary"]["after"] == "New summary text"
    assert fields["summary"]["changed"]
    assert not fields["name"]["changed"]
    states = {row["code"]: row["state"] for row in response.context["claims"]}
    assert states == {
        capabilities[0].code: "changed",
        capabilities[1].code: "removed",
        capabilities[2].code: "added",
    }
    page = response.content.decode()
    assert "Old summary text" in page
    assert "Extension (custom development)" in page


def test_approve_from_the_review_page(
    admin_client_, provider, provider_user, tree, django_capture_on_commit_callbacks
):
    release, capabilities = tree
    offering = submitted(provider, release, capabilities)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_.post(review_url(offering), {"action": "approve"})
    assert response.url == reverse(QUEUE)
    offering.refresh_from_db()
    assert offering.status == OfferingStatus.PUBLISHED
    assert [m.to for m in mail.outbox] == [[provider_user.email]]
    assert admin_client_.get(review_url(offering)).status_code == 404


def test_return_needs_a_comment(admin_client_, provider, broker, tree):
    release, capabilities = tree
    offering = submitted(provider, release, capabilities)
    response = admin_client_.post(
        review_url(offering), {"action": "return", "comment": ""}
    )
    assert response.status_code == 200
    assert "Say what the provider needs to change." in response.content.decode()
    offering.refresh_from_db()
    assert offering.status == OfferingStatus.SUBMITTED
    admin_client_.post(
        review_url(offering), {"action": "return", "comment": "Evidence missing."}
    )
    offering.refresh_from_db()
    assert offering.status == OfferingStatus.RETURNED
    note = offering.review_comments.first()
    assert (note.action, note.body, note.author) == (
        ReviewAction.RETURNED,
        "Evidence missing.",
        broker,
    )


def test_marking_claims_verified(admin_client_, provider, broker, tree):
    release, capabilities = tree
    offering = submitted(provider, release, capabilities[:3])
    claims = list(offering.claims.order_by("capability__code"))
    admin_client_.post(
        review_url(offering),
        {"action": "verify", "verified": [claims[0].pk, claims[2].pk]},
    )
    verified = set(offering.claims.filter(verified=True).values_list("pk", flat=True))
    assert verified == {claims[0].pk, claims[2].pk}
    assert offering.claims.get(pk=claims[0].pk).verified_by == broker
    admin_client_.post(review_url(offering), {"action": "verify", "verified": []})
    assert not offering.claims.filter(verified=True).exists()


def test_approve_selected_action(admin_client_, provider, tree):
    release, capabilities = tree
    first = submitted(provider, release, capabilities)
    second = submitted(provider, release, capabilities)
    admin_client_.post(
        reverse(QUEUE),
        {"action": "approve_selected", "_selected_action": [first.pk, second.pk]},
    )
    statuses = set(
        Offering.objects.filter(pk__in=[first.pk, second.pk]).values_list(
            "status", flat=True
        )
    )
    assert statuses == {OfferingStatus.PUBLISHED}


def test_admin_history_shows_who_changed_what(
    admin_client_, provider, provider_user, tree
):
    from catalog.workflow import offering_update

    release, capabilities = tree
    offering = offering_in(OfferingStatus.DRAFT, provider, release, capabilities[:1])
    offering_update(
        offering=offering, by=provider_user, fields={"summary": "Audited summary"}
    )
    page = admin_client_.get(
        reverse("admin:catalog_offering_history", args=[offering.pk])
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert str(provider_user) in text or provider_user.get_username() in text
    assert "Audited summary" in text
    claim = offering.claims.get()
    claim_page = admin_client_.get(
        reverse("admin:catalog_claim_history", args=[claim.pk])
    )
    assert claim_page.status_code == 200


def test_review_shows_and_verifies_claims_on_measures_exchanges_and_reports(
    admin_client_, provider, provider_user, django_assert_num_queries
):
    data = mixed_release()
    published = offering_in(OfferingStatus.PUBLISHED, provider, data["release"])
    exchange, report = data["exchanges"][0], data["reports"][0]
    save_claims(
        [
            claim(published, exchange, ClaimLevel.ROADMAP, datetime.date(2027, 1, 1)),
            claim(published, report, ClaimLevel.MEETS),
            claim(published, data["reports"][1], ClaimLevel.MEETS),
        ]
    )
    revision = offering_revision_start(offering=published, by=provider_user)
    claims_save(
        offering=revision,
        by=provider_user,
        claims=[
            ItemClaimInput("exchange", exchange.pk, ClaimLevel.MEETS),
            ItemClaimInput("report", report.pk, ""),
            ItemClaimInput("measure", data["measures"][0].pk, ClaimLevel.CONFIGURABLE),
        ],
    )
    offering_submit(offering=revision, by=provider_user)
    admin_client_.get(review_url(revision))
    # The same number of queries whatever the number of claims of each kind: the
    # claims of each version and kind in one query each, the release's items in one.
    with django_assert_num_queries(14):
        response = admin_client_.get(review_url(revision))
    rows = [
        (row["kind"], row["code"], row["state"]) for row in response.context["claims"]
    ]
    assert rows == [
        ("Service measure", "FFM.010.010.0011", "added"),
        ("Information exchange", "EX-1", "changed"),
        ("Pre-built report", "RPT-1", "removed"),
        ("Pre-built report", "RPT-2", "same"),
    ]
    page = response.content.decode()
    assert 'href="#claim-EX-1">EX-1</a>: changed (' in page
    assert "Information exchange: Treasury Offset Program: Outgoing: debts 1" in page
    ticked = revision.item_claims.get(kind="exchange")
    admin_client_.post(
        review_url(revision),
        {"action": "verify", "verified": [f"exchange-{ticked.pk}"]},
    )
    ticked.refresh_from_db()
    assert ticked.verified
    assert not revision.item_claims.get(kind="measure").verified
