"""The listing workflow's services: every transition, its refusal from the wrong
state, revisions of published offerings, claims writes, signals and e-mails."""

import datetime

import pytest
from django.core import mail

from catalog.models import (
    Claim,
    ClaimLevel,
    ClaimVector,
    ContractVehicle,
    Offering,
    OfferingStatus,
    ReviewAction,
)
from catalog.services.claims import ClaimInput, claims_save, claims_verify
from catalog.signals import offerings_changed
from catalog.workflow import (
    WorkflowError,
    offering_approve,
    offering_create,
    offering_discard,
    offering_retire,
    offering_return,
    offering_revision_start,
    offering_submit,
    offering_update,
    offering_withdraw,
)
from tests.catalog.workflow_helpers import draft, offering_in, standards_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return standards_tree()


@pytest.fixture
def sent():
    """Every ``offerings_changed`` sent while the test runs."""
    calls = []

    def receiver(sender, offering_ids, reason, **kwargs):
        calls.append((sorted(offering_ids), reason))

    offerings_changed.connect(receiver, weak=False)
    yield calls
    offerings_changed.disconnect(receiver)


def details(**overrides):
    return {
        "name": "Ledger Cloud",
        "summary": "A cloud general ledger.",
        "description": "",
        "category": "core-fs-saas",
        "deployment_model": "saas",
        "fedramp_status": "authorized",
        "fedramp_impact": "moderate",
        "pricing_model": "subscription",
        "customer_agencies": ["DOE"],
        "accessibility_report_date": None,
        **overrides,
    }


# --- drafts ---------------------------------------------------------------------


def test_create_makes_a_draft_against_the_current_release(
    provider, provider_user, tree
):
    release, _ = tree
    offering = offering_create(
        provider=provider, by=provider_user, fields=details(), contract_vehicles=[]
    )
    assert offering.status == OfferingStatus.DRAFT
    assert offering.release == release
    assert offering.slug == "ledger-cloud"
    assert offering.history.first().history_user == provider_user
    second = offering_create(provider=provider, by=provider_user, fields=details())
    assert second.slug == "ledger-cloud-2"


def test_update_is_refused_once_submitted(provider, provider_user, tree):
    release, capabilities = tree
    offering = offering_in(OfferingStatus.SUBMITTED, provider, release, capabilities)
    with pytest.raises(WorkflowError, match="Cannot edit"):
        offering_update(offering=offering, by=provider_user, fields={"name": "X"})
    offering.refresh_from_db()
    assert offering.name != "X"


def test_update_changes_fields_and_vehicles(provider, provider_user, tree):
    release, _ = tree
    offering = draft(provider, release)
    vehicle = ContractVehicle.objects.create(name="GSA MAS", slug="gsa-mas")
    offering_update(
        offering=offering,
        by=provider_user,
        fields={"name": "Renamed", "slug": "ignored"},
        contract_vehicles=[vehicle],
    )
    offering.refresh_from_db()
    assert offering.name == "Renamed"
    assert offering.slug != "ignored"
    assert list(offering.contract_vehicles.all()) == [vehicle]


# --- transitions and their refusals -------------------------------------------


def test_submit_needs_a_claim(provider, provider_user, tree):
    release, _ = tree
    offering = draft(provider, release)
    with pytest.raises(WorkflowError, match="at least one claim"):
        offering_submit(offering=offering, by=provider_user)
    offering.refresh_from_db()
    assert offering.status == OfferingStatus.DRAFT


def test_submit_tells_the_brokers(
    provider, provider_user, broker, tree, settings, django_capture_on_commit_callbacks
):
    settings.BROKER_NOTIFICATION_EMAILS = ["qsmo@example.gov"]
    release, capabilities = tree
    offering = draft(provider, release, capabilities[:1])
    with django_capture_on_commit_callbacks(execute=True):
        offering_submit(offering=offering, by=provider_user, comment="Please review")
    offering.refresh_from_db()
    assert offering.status == OfferingStatus.SUBMITTED
    assert offering.submitted_at is not None
    note = offering.review_comments.get()
    assert (note.action, note.body, note.author) == (
        ReviewAction.SUBMITTED,
        "Please review",
        provider_user,
    )
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == sorted(["qsmo@example.gov", broker.email])
    assert offering.name in mail.outbox[0].subject
    assert f"/admin/catalog/submission/{offering.pk}/" in mail.outbox[0].body


@pytest.mark.parametrize(
    "status",
    [OfferingStatus.SUBMITTED, OfferingStatus.PUBLISHED, OfferingStatus.RETIRED],
)
def test_submit_is_refused_from_the_wrong_state(provider, provider_user, tree, status):
    release, capabilities = tree
    offering = offering_in(status, provider, release, capabilities[:1])
    with pytest.raises(WorkflowError, match="Cannot submit"):
        offering_submit(offering=offering, by=provider_user)
    offering.refresh_from_db()
    assert offering.status == status
    assert not mail.outbox


def test_withdraw_takes_a_submission_back_to_draft(provider, provider_user, tree):
    release, capabilities = tree
    offering = offering_in(OfferingStatus.SUBMITTED, provider, release, capabilities)
    offering_withdraw(offering=offering, by=provider_user)
    offering.refresh_from_db()
    assert offering.status == OfferingStatus.DRAFT
    assert offering.review_comments.get().action == ReviewAction.WITHDRAWN
    with pytest.raises(WorkflowError, match="Cannot withdraw"):
        offering_withdraw(offering=offering, by=provider_user)


def test_return_needs_a_comment_and_tells_the_provider(
    provider, provider_user, broker, tree, django_capture_on_commit_callbacks
):
    release, capabilities = tree
    offering = offering_in(OfferingStatus.SUBMITTED, provider, release, capabilities)
    with pytest.raises(WorkflowError, match="needs to change"):
        offering_return(offering=offering, by=broker, comment="  ")
    with django_capture_on_commit_callbacks(execute=True):
        offering_return(offering=offering, by=broker, comment="Add evidence for GL.")
    offering.refresh_from_db()
    assert offering.status == OfferingStatus.RETURNED
    assert [m.to for m in mail.outbox] == [[provider_user.email]]
    assert "Add evidence for GL." in mail.outbox[0].body
    assert mail.outbox[0].subject.startswith("Returned with comments")
    with pytest.raises(WorkflowError, match="Cannot return"):
        offering_return(offering=offering, by=broker, comment="again")


def test_a_returned_offering_is_resubmitted(provider, provider_user, broker, tree):
    release, capabilities = tree
    offering = offering_in(OfferingStatus.RETURNED, provider, release, capabilities)
    offering_submit(offering=offering, by=provider_user)
    offering.refresh_from_db()
    assert offering.status == OfferingStatus.SUBMITTED


def test_approve_publishes_refreshes_vectors_and_tells_everyone(
    provider,
    provider_user,
    broker,
    tree,
    sent,
    django_capture_on_commit_callbacks,
):
    release, capabilities = tree
    offering = offering_in(OfferingStatus.SUBMITTED, provider, release, capabilities)
    with django_capture_on_commit_callbacks(execute=True):
        result = offering_approve(offering=offering, by=broker, comment="Welcome")
    assert result.pk == offering.pk
    offering.refresh_from_db()
    assert offering.status == OfferingStatus.PUBLISHED
    assert offering.published_at is not None
    assert ClaimVector.objects.get(offering=offering).claims_count == len(capabilities)
    assert ([offering.pk], "published") in sent
    assert [m.to for m in mail.outbox] == [[provider_user.email]]
    assert "Welcome" in mail.outbox[0].body
    with pytest.raises(WorkflowError, match="Cannot approve"):
        offering_approve(offering=offering, by=broker)


@pytest.mark.parametrize(
    "status", [OfferingStatus.DRAFT, OfferingStatus.RETURNED, OfferingStatus.RETIRED]
)
def test_approve_is_refused_unless_submitted(provider, broker, tree, status):
    release, capabilities = tree
    offering = offering_in(status, provider, release, capabilities)
    with pytest.raises(WorkflowError, match="Cannot approve"):
        offering_approve(offering=offering, by=broker)
    offering.refresh_from_db()
    assert offering.status == status


def test_retire_takes_a_published_offering_off_the_shelf(
    provider, provider_user, tree, sent
):
    release, capabilities = tree
    offering = offering_in(OfferingStatus.PUBLISHED, provider, release, capabilities)
    revision = offering_revision_start(offering=offering, by=provider_user)
    offering_retire(offering=offering, by=provider_user)
    offering.refresh_from_db()
    assert offering.status == OfferingStatus.RETIRED
    assert not Offering.objects.filter(pk=revision.pk).exists()
    assert ([offering.pk], "retired") in sent
    with pytest.raises(WorkflowError, match="Cannot retire"):
        offering_retire(offering=offering, by=provider_user)


def test_retire_is_refused_for_a_draft(provider, provider_user, tree):
    release, _ = tree
    offering = draft(provider, release)
    with pytest.raises(WorkflowError, match="Cannot retire"):
        offering_retire(offering=offering, by=provider_user)


def test_discard_deletes_a_draft_but_not_a_published_offering(
    provider, provider_user, tree
):
    release, capabilities = tree
    offering = draft(provider, release)
    offering_discard(offering=offering, by=provider_user)
    assert not Offering.objects.filter(pk=offering.pk).exists()
    published = offering_in(OfferingStatus.PUBLISHED, provider, release, capabilities)
    with pytest.raises(WorkflowError, match="Cannot discard"):
        offering_discard(offering=published, by=provider_user)


# --- revisions ------------------------------------------------------------------


def test_published_offering_stays_unchanged_while_its_revision_is_reviewed(
    provider, provider_user, broker, tree, client
):
    release, capabilities = tree
    published = offering_in(
        OfferingStatus.PUBLISHED,
        provider,
        release,
        capabilities[:2],
        name="Ledger Cloud",
        summary="Old summary",
    )
    revision = offering_revision_start(offering=published, by=provider_user)
    assert offering_revision_start(offering=published, by=provider_user) == revision
    assert revision.revision_of == published
    assert revision.status == OfferingStatus.DRAFT
    assert revision.claims.count() == 2

    offering_update(
        offering=revision, by=provider_user, fields={"summary": "New summary"}
    )
    claims_save(
        offering=revision,
        by=provider_user,
        claims=[
            ClaimInput(capability_id=capabilities[0].pk, level=""),
            ClaimInput(
                capability_id=capabilities[2].pk,
                level=ClaimLevel.ROADMAP,
                roadmap_date=datetime.date(2030, 1, 1),
            ),
        ],
    )
    offering_submit(offering=revision, by=provider_user)

    published.refresh_from_db()
    assert published.status == OfferingStatus.PUBLISHED
    assert published.summary == "Old summary"
    assert set(published.claims.values_list("capability_id", flat=True)) == {
        capabilities[0].pk,
        capabilities[1].pk,
    }
    public_ids = set(
        Offering.objects.filter(status=OfferingStatus.PUBLISHED).values_list(
            "pk", flat=True
        )
    )
    assert public_ids == {published.pk}

    result = offering_approve(offering=revision, by=broker)
    assert result.pk == published.pk
    assert not Offering.objects.filter(pk=revision.pk).exists()
    published.refresh_from_db()
    assert published.summary == "New summary"
    assert published.status == OfferingStatus.PUBLISHED
    claims = {c.capability_id: c.level for c in published.claims.all()}
    assert claims == {
        capabilities[1].pk: ClaimLevel.MEETS,
        capabilities[2].pk: ClaimLevel.ROADMAP,
    }
    assert ClaimVector.objects.get(offering=published).claims_count == 2
    actions = list(published.review_comments.values_list("action", flat=True))
    assert actions == [ReviewAction.APPROVED, ReviewAction.SUBMITTED]
    assert published.history.first().history_user == broker


def test_revision_is_refused_for_an_unpublished_offering(provider, provider_user, tree):
    release, _ = tree
    with pytest.raises(WorkflowError, match="Cannot revise"):
        offering_revision_start(offering=draft(provider, release), by=provider_user)


# --- claims ---------------------------------------------------------------------


def test_claims_save_writes_only_what_differs_and_unverifies_changes(
    provider, provider_user, broker, tree, sent
):
    release, capabilities = tree
    offering = draft(provider, release, capabilities[:2])
    claims_verify(claims=offering.claims.all(), by=broker)
    sent.clear()
    same = [
        ClaimInput(capability_id=c.capability_id, level=c.level)
        for c in offering.claims.all()
    ]
    assert claims_save(offering=offering, by=provider_user, claims=same) == 0
    assert sent == []
    changed = claims_save(
        offering=offering,
        by=provider_user,
        claims=[
            ClaimInput(
                capability_id=capabilities[0].pk,
                level=ClaimLevel.CONFIGURABLE,
                evidence="Set up in the admin console.",
            )
        ],
    )
    assert changed == 1
    claim = Claim.objects.get(offering=offering, capability=capabilities[0])
    assert (claim.level, claim.verified) == (ClaimLevel.CONFIGURABLE, False)
    assert Claim.objects.get(offering=offering, capability=capabilities[1]).verified
    assert sent == [([offering.pk], "claims")]
    vector = ClaimVector.objects.get(offering=offering)
    assert vector.claims_count == 2
    assert claim.history.first().history_user == provider_user


def test_claims_save_refuses_a_roadmap_without_date_and_writes_nothing(
    provider, provider_user, tree
):
    release, capabilities = tree
    offering = draft(provider, release)
    with pytest.raises(WorkflowError, match="target date"):
        claims_save(
            offering=offering,
            by=provider_user,
            claims=[
                ClaimInput(capability_id=capabilities[0].pk, level=ClaimLevel.MEETS),
                ClaimInput(capability_id=capabilities[1].pk, level=ClaimLevel.ROADMAP),
            ],
        )
    assert not offering.claims.exists()


def test_claims_save_is_refused_while_submitted(provider, provider_user, tree):
    release, capabilities = tree
    offering = offering_in(OfferingStatus.SUBMITTED, provider, release, capabilities)
    with pytest.raises(WorkflowError, match="change the claims"):
        claims_save(
            offering=offering,
            by=provider_user,
            claims=[ClaimInput(capability_id=capabilities[0].pk, level="")],
        )
    assert offering.claims.count() == len(capabilities)


def test_claims_verify_records_who_and_sends_the_signal(provider, broker, tree, sent):
    release, capabilities = tree
    offering = offering_in(OfferingStatus.SUBMITTED, provider, release, capabilities)
    sent.clear()  # what building the offering announced
    assert claims_verify(claims=offering.claims.all()[:2], by=broker) == 2
    verified = offering.claims.filter(verified=True)
    assert verified.count() == 2
    assert {c.verified_by for c in verified} == {broker}
    assert sent == [([offering.pk], "claims")]
    assert claims_verify(claims=verified, by=broker) == 0
    before = {c.pk: c.verified_at for c in verified}
    assert claims_verify(claims=verified, by=broker, again=True) == 2
    assert all(c.verified_at > before[c.pk] for c in verified.all())


ALL_STATUSES = [
    OfferingStatus.DRAFT,
    OfferingStatus.SUBMITTED,
    OfferingStatus.RETURNED,
    OfferingStatus.PUBLISHED,
    OfferingStatus.RETIRED,
]
TRANSITIONS = {
    "submit": (
        lambda o, p, b: offering_submit(offering=o, by=p),
        {OfferingStatus.DRAFT, OfferingStatus.RETURNED},
    ),
    "withdraw": (
        lambda o, p, b: offering_withdraw(offering=o, by=p),
        {OfferingStatus.SUBMITTED},
    ),
    "return": (
        lambda o, p, b: offering_return(offering=o, by=b, comment="Fix it"),
        {OfferingStatus.SUBMITTED},
    ),
    "approve": (
        lambda o, p, b: offering_approve(offering=o, by=b),
        {OfferingStatus.SUBMITTED},
    ),
    "retire": (
        lambda o, p, b: offering_retire(offering=o, by=p),
        {OfferingStatus.PUBLISHED},
    ),
    "revise": (
        lambda o, p, b: offering_revision_start(offering=o, by=p),
        {OfferingStatus.PUBLISHED},
    ),
    "discard": (
        lambda o, p, b: offering_discard(offering=o, by=p),
        {OfferingStatus.DRAFT, OfferingStatus.RETURNED},
    ),
}


@pytest.mark.parametrize(
    ("transition", "status"),
    [
        (name, status)
        for name, (_, allowed) in TRANSITIONS.items()
        for status in ALL_STATUSES
        if status not in allowed
    ],
)
def test_every_transition_is_refused_from_every_wrong_state(
    provider, provider_user, broker, tree, transition, status
):
    release, capabilities = tree
    offering = offering_in(status, provider, release, capabilities[:1])
    service, _ = TRANSITIONS[transition]
    with pytest.raises(WorkflowError, match=f"Cannot {transition}"):
        service(offering, provider_user, broker)
    offering.refresh_from_db()
    assert offering.status == status
    assert not offering.review_comments.exists()
    assert not offering.revisions.exists()
    assert not mail.outbox
