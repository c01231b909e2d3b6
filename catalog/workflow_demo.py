"""Demo content for the review workflow: the demo provider's first published offering
gets a revision (a new summary and one changed claim) waiting in the brokers' queue.
Running it again changes nothing."""

from django.contrib.auth import get_user_model

from catalog.models import ClaimLevel, Offering, OfferingStatus
from catalog.services.claims import ClaimInput, claims_save
from catalog.workflow import (
    offering_revision_start,
    offering_submit,
    offering_update,
)

DEMO_PROVIDER_SLUG = "ledgerline-cloud-financials"


def seed() -> Offering | None:
    published = (
        Offering.objects.filter(
            provider__slug=DEMO_PROVIDER_SLUG,
            status=OfferingStatus.PUBLISHED,
            revision_of__isnull=True,
        )
        .order_by("name")
        .first()
    )
    user = get_user_model().objects.filter(provider__slug=DEMO_PROVIDER_SLUG).first()
    if published is None or user is None or published.revisions.exists():
        return None
    revision = offering_revision_start(offering=published, by=user)
    offering_update(
        offering=revision,
        by=user,
        fields={"summary": f"{published.summary} Now with automated 1099 reporting."},
    )
    claim = revision.claims.exclude(level=ClaimLevel.MEETS).first()
    if claim is not None:
        claims_save(
            offering=revision,
            by=user,
            claims=[
                ClaimInput(
                    capability_id=claim.capability_id,
                    level=ClaimLevel.MEETS,
                    evidence="Delivered in the spring release.",
                )
            ],
        )
    return offering_submit(
        offering=revision, by=user, comment="Updated summary and one claim."
    )
