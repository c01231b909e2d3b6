import factory

from catalog.models import (
    Claim,
    ClaimLevel,
    ContractVehicle,
    DeploymentModel,
    FedrampStatus,
    ImpactLevel,
    ItemClaim,
    MarketplaceCategory,
    Offering,
    OfferingDocument,
    OfferingStatus,
    PricingModel,
    Provider,
    ProviderKind,
    Shortlist,
    ShortlistEntry,
)
from catalog.services import offering_search_refresh
from catalog.services.claims import ClaimInput, ItemClaimInput, claims_save
from catalog.services.guards import EDITABLE_STATUSES
from tests.standards.factories import (
    CapabilityFactory,
    ReleaseFactory,
    ServiceMeasureFactory,
)


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Provider {n}")
    slug = factory.Sequence(lambda n: f"provider-{n}")
    kind = ProviderKind.COMMERCIAL
    website = "https://provider.example.com"
    uei = factory.Sequence(lambda n: f"TESTUEI{n:05d}")


class OfferingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offering
        skip_postgeneration_save = True

    provider = factory.SubFactory(ProviderFactory)
    release = factory.SubFactory(ReleaseFactory)
    name = factory.Sequence(lambda n: f"Offering {n}")
    slug = factory.Sequence(lambda n: f"offering-{n}")
    summary = "A financial-management offering used in tests."
    description = "Core financial system for budget execution and general ledger."
    category = MarketplaceCategory.CORE_SAAS
    deployment_model = DeploymentModel.SAAS
    fedramp_status = FedrampStatus.AUTHORIZED
    fedramp_impact = ImpactLevel.MODERATE
    pricing_model = PricingModel.SUBSCRIPTION
    status = OfferingStatus.PUBLISHED

    @factory.post_generation
    def search_document(self, create, extracted, **kwargs):
        # Services keep the search document current; a factory row needs it too.
        if create:
            offering_search_refresh(offering_ids=[self.pk])


class ClaimFactory(factory.django.DjangoModelFactory):
    """A claim written through the one claims writer (:func:`write_claims`), which
    also refreshes the offering's claim vector and search data and queues its
    rescoring."""

    class Meta:
        model = Claim

    offering = factory.SubFactory(OfferingFactory)
    capability = factory.SubFactory(CapabilityFactory)
    level = ClaimLevel.MEETS

    @classmethod
    def _create(cls, model_class, *args, offering, capability, **fields):
        write_claims(offering, [ClaimInput(capability_id=capability.pk, **fields)])
        return model_class.objects.get(offering=offering, capability=capability)


class MeasureClaimFactory(factory.django.DjangoModelFactory):
    """A claim on a service measure (an :class:`ItemClaim`), written like
    :class:`ClaimFactory` through the one claims writer."""

    class Meta:
        model = ItemClaim

    offering = factory.SubFactory(OfferingFactory)
    service_measure = factory.SubFactory(ServiceMeasureFactory)
    level = ClaimLevel.MEETS

    @classmethod
    def _create(cls, model_class, *args, offering, service_measure, **fields):
        write_claims(
            offering,
            [ItemClaimInput(kind="measure", item_id=service_measure.pk, **fields)],
        )
        return model_class.objects.get(
            offering=offering, service_measure=service_measure
        )


class OfferingDocumentFactory(factory.django.DjangoModelFactory):
    """An evidence document of an offering (a one-byte PDF's record; no file is
    written): give ``expires_on`` or ``as_of`` to test freshness."""

    class Meta:
        model = OfferingDocument

    offering = factory.SubFactory(OfferingFactory)
    title = "SOC 1"
    file = "evidence/soc1.pdf"
    original_name = "soc1.pdf"
    kind = "pdf"
    size = 1


class ContractVehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractVehicle
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Vehicle {n}")
    slug = factory.Sequence(lambda n: f"vehicle-{n}")


class ShortlistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shortlist
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Shortlist {n}")
    owner = factory.SubFactory("tests.marketplace.factories.UserFactory")
    agency = factory.LazyAttribute(lambda s: s.owner.agency)

    @factory.post_generation
    def offerings(self, create, extracted, **kwargs):
        for offering in extracted or ():
            ShortlistEntry.objects.create(
                shortlist=self, offering=offering, added_by=self.owner
            )


def write_claims(offering, claims, *, by=None) -> int:
    """Test builder: claims written through the one claims writer.

    The factories make offerings in any state; the writer refuses a published
    offering's claims (they change through a revision). So a published builder
    offering is put back to draft for the write, as if its claims had been stated
    before it was published, and published again."""
    status = offering.status
    editable = status in EDITABLE_STATUSES
    if not editable:
        Offering.objects.filter(pk=offering.pk).update(status=OfferingStatus.DRAFT)
    try:
        return claims_save(offering=offering, by=by, claims=claims)
    finally:
        if not editable:
            Offering.objects.filter(pk=offering.pk).update(status=status)


def write_claim(offering, capability, level, **fields) -> Claim | None:
    """One claim through :func:`write_claims`; level "" removes it."""
    write_claims(
        offering,
        [ClaimInput(capability_id=capability.pk, level=level, **fields)],
    )
    return Claim.objects.filter(offering=offering, capability=capability).first()


def rewrite_claims(offering, **changes) -> int:
    """The offering's capability claims written again through :func:`write_claims`
    with ``changes`` (``level=...``, ``evidence=...``) applied to each."""
    return write_claims(
        offering,
        [
            ClaimInput(
                capability_id=claim.capability_id,
                **{
                    "level": claim.level,
                    "roadmap_date": claim.roadmap_date,
                    "evidence": claim.evidence,
                    "evidence_url": claim.evidence_url,
                    **changes,
                },
            )
            for claim in offering.claims.all()
        ],
    )
