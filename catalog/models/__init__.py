"""Catalog models, one module per concern; import them from ``catalog.models``."""

from catalog.models.item_claims import ITEM_FIELD, ItemClaim, ItemClaimKind
from catalog.models.listings import (
    IMPACT_LEVEL_RANK,
    NO_CLAIM_LABEL,
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
    claim_level_label,
    uei_validator,
)
from catalog.models.search import OfferingFunction
from catalog.models.shortlists import Shortlist, ShortlistEntry
from catalog.models.vectors import ClaimVector, ShelfSnapshot
from catalog.models.workflow import (
    AccountRequestStatus,
    DocumentKind,
    OfferingDocument,
    ProviderAccountRequest,
    ProviderInvitation,
    ReviewAction,
    ReviewComment,
    Submission,
)

__all__ = [
    "AccountRequestStatus",
    "DocumentKind",
    "OfferingDocument",
    "ProviderAccountRequest",
    "ProviderInvitation",
    "ReviewAction",
    "ReviewComment",
    "Submission",
    "IMPACT_LEVEL_RANK",
    "NO_CLAIM_LABEL",
    "ITEM_FIELD",
    "ItemClaim",
    "ItemClaimKind",
    "Claim",
    "ClaimLevel",
    "ClaimVector",
    "ShelfSnapshot",
    "ContractVehicle",
    "DeploymentModel",
    "FedrampStatus",
    "ImpactLevel",
    "MarketplaceCategory",
    "Offering",
    "OfferingFunction",
    "OfferingStatus",
    "PricingModel",
    "Provider",
    "ProviderKind",
    "Shortlist",
    "ShortlistEntry",
    "claim_level_label",
    "uei_validator",
]
