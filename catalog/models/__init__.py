"""Catalog models, one module per concern; import them from ``catalog.models``."""

from catalog.models.listings import (
    IMPACT_LEVEL_RANK,
    Claim,
    ClaimLevel,
    ContractVehicle,
    DeploymentModel,
    FedrampStatus,
    ImpactLevel,
    MarketplaceCategory,
    Offering,
    OfferingStatus,
    PricingModel,
    Provider,
    ProviderKind,
    uei_validator,
)
from catalog.models.vectors import ClaimVector

__all__ = [
    "IMPACT_LEVEL_RANK",
    "Claim",
    "ClaimLevel",
    "ClaimVector",
    "ContractVehicle",
    "DeploymentModel",
    "FedrampStatus",
    "ImpactLevel",
    "MarketplaceCategory",
    "Offering",
    "OfferingStatus",
    "PricingModel",
    "Provider",
    "ProviderKind",
    "uei_validator",
]
