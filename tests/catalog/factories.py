import factory

from catalog.models import (
    Claim,
    ClaimLevel,
    DeploymentModel,
    FedrampStatus,
    ImpactLevel,
    MarketplaceCategory,
    Offering,
    OfferingStatus,
    PricingModel,
    Provider,
    ProviderKind,
)
from tests.standards.factories import CapabilityFactory, ReleaseFactory


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


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    offering = factory.SubFactory(OfferingFactory)
    capability = factory.SubFactory(CapabilityFactory)
    level = ClaimLevel.MEETS
