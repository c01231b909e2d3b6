"""Demo content for the review workflow (``seeding/data/workflow.json``): the demo
provider's listings in every review state, with their comments and history.

- its first published offering has a revision (a new summary and one changed claim)
  waiting in the brokers' queue;
- its second published offering went through a revision the broker approved;
- a new listing was submitted and returned by the broker with comments;

each with an evidence document (a one-page PDF that says it is invented).

Running :func:`seed` again changes nothing.
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from catalog.models import (
    ClaimLevel,
    ContractVehicle,
    Offering,
    OfferingStatus,
    Provider,
)
from catalog.services.claims import ClaimInput, claims_save
from catalog.workflow import (
    offering_approve,
    offering_create,
    offering_return,
    offering_revision_start,
    offering_submit,
    offering_update,
)
from seeding.demo import documents
from seeding.loader import function_number, load
from standards.models import Capability

DEMO_PROVIDER_SLUG = "ledgerline-cloud-financials"
BROKER = "broker"


def _published(provider_slug: str) -> list[Offering]:
    return list(
        Offering.objects.filter(
            provider__slug=provider_slug,
            status=OfferingStatus.PUBLISHED,
            revision_of__isnull=True,
        ).order_by("name")
    )


def _revise(published: Offering, by, data: dict) -> Offering:
    """Start a revision of ``published`` with a new summary and one claim raised to
    meets, and submit it."""
    revision = offering_revision_start(offering=published, by=by)
    offering_update(
        offering=revision,
        by=by,
        fields={"summary": f"{published.summary}{data['summary_suffix']}"},
    )
    claim = revision.claims.exclude(level=ClaimLevel.MEETS).order_by("pk").first()
    if claim is not None:
        claims_save(
            offering=revision,
            by=by,
            claims=[
                ClaimInput(
                    capability_id=claim.capability_id,
                    level=ClaimLevel.MEETS,
                    evidence=data["claim_evidence"],
                )
            ],
        )
    documents.attach(revision, by, data["documents"])
    return offering_submit(offering=revision, by=by, comment=data["comment"])


@transaction.atomic
def seed() -> Offering | None:
    """Returns the revision waiting for review, or None when there was nothing to do
    (already done, or the demo provider, its user or its offerings are missing)."""
    published = _published(DEMO_PROVIDER_SLUG)
    users = get_user_model().objects
    user = users.filter(provider__slug=DEMO_PROVIDER_SLUG).order_by("pk").first()
    if not published or user is None or published[0].revisions.exists():
        return None
    data = load("workflow.json")
    revision = _revise(published[0], user, data["revision"])
    broker = users.filter(username=BROKER, is_staff=True).first()
    if broker is not None:
        if len(published) > 1:
            approved = _revise(published[1], user, data["approved"])
            offering_approve(
                offering=approved, by=broker, comment=data["approved"]["decision"]
            )
        _returned_listing(user, broker, published[0].release, data["returned"])
    return revision


def _returned_listing(user, broker, release, data: dict) -> Offering:
    offering = offering_create(
        provider=Provider.objects.get(slug=DEMO_PROVIDER_SLUG),
        by=user,
        release=release,
        fields=data,  # offering_create keeps the content fields alone
        contract_vehicles=ContractVehicle.objects.filter(slug__in=data["vehicles"]),
    )
    capabilities = [
        capability
        for capability in Capability.objects.filter(release=release)
        .select_related("function")
        .order_by("code")
        if function_number(capability.function.code) == data["function"]
    ][: data["claims"]]
    levels = [ClaimLevel.MEETS, ClaimLevel.CONFIGURABLE, ClaimLevel.EXTENSION]
    claims_save(
        offering=offering,
        by=user,
        claims=[
            ClaimInput(
                capability_id=capability.id,
                level=levels[n % len(levels)],
                evidence="Shown in the product walkthrough.",
            )
            for n, capability in enumerate(capabilities)
        ],
    )
    documents.attach(offering, user, data["documents"])
    offering_submit(offering=offering, by=user, comment=data["submit_comment"])
    return offering_return(offering=offering, by=broker, comment=data["return_comment"])
