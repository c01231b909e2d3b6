"""Demo catalog: the four federal shared-service providers by their real names,
commercial providers with invented names, about 30 published offerings with claims
against the current standards release. Running :func:`seed` again changes nothing.

The federal providers' offerings are illustrative: their attributes and claims are
made up for the demo, not statements by those providers.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from catalog import services
from catalog.models import (
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
)
from standards.models import Capability
from standards.selectors import current_release

FEDERAL = ProviderKind.FEDERAL
COMMERCIAL = ProviderKind.COMMERCIAL

VEHICLES = {
    "iaa": "Interagency Agreement (IAA)",
    "fm-qsmo-bpa": "FM QSMO Core Financial Management BPA",
    "gsa-mas": "GSA Multiple Award Schedule (MAS)",
    "nasa-sewp": "NASA SEWP",
    "agency-idiq": "Agency-specific IDIQ",
}

PROVIDERS = [
    # slug, name, kind, website, UEI, description
    (
        "treasury-arc",
        "Administrative Resource Center (ARC), Bureau of the Fiscal Service, "
        "Department of the Treasury",
        FEDERAL,
        "https://www.fiscal.treasury.gov/arc/",
        "",
        "Treasury's federal shared-service provider for financial management, "
        "procurement, human resources and travel services.",
    ),
    (
        "dot-esc",
        "Enterprise Services Center (ESC), Department of Transportation",
        FEDERAL,
        "https://www.esc.gov/",
        "",
        "DOT's shared-service provider, run by the FAA in Oklahoma City: financial "
        "management, IT and training services for federal agencies.",
    ),
    (
        "doi-ibc",
        "Interior Business Center (IBC), Department of the Interior",
        FEDERAL,
        "https://www.doi.gov/ibc",
        "",
        "Interior's shared-service provider for financial management, acquisition "
        "and human resources services.",
    ),
    (
        "usda-nfc-fms",
        "National Finance Center / Financial Management Services (FMS), "
        "U.S. Department of Agriculture",
        FEDERAL,
        "https://www.nfc.usda.gov/",
        "",
        "USDA's shared-service organisations: Financial Management Services runs "
        "core financial systems; the National Finance Center is best known for "
        "payroll and personnel services.",
    ),
    (
        "ledgerline-cloud-financials",
        "Ledgerline Cloud Financials",
        COMMERCIAL,
        "https://ledgerline.example.com",
        "LDGRLN2025CF",
        "A commercial SaaS core financial system built for federal appropriations "
        "law and the USSGL.",
    ),
    (
        "northbeam-federal-cloud",
        "Northbeam Federal Cloud",
        COMMERCIAL,
        "https://northbeam.example.com",
        "NRTHBM7Q2L5K",
        "A platform company hosting financial systems on a FedRAMP High cloud.",
    ),
    (
        "granite-accrual-software",
        "Granite Accrual Software",
        COMMERCIAL,
        "https://granite-accrual.example.com",
        "GRNTAC4X9P1M",
        "Commercial off-the-shelf accounting software that agencies host themselves.",
    ),
    (
        "keel-payment-services",
        "Keel Payment Services",
        COMMERCIAL,
        "https://keelpay.example.com",
        "KEELPY8R3T6W",
        "Payment, receivable and collection services for federal programs.",
    ),
    (
        "meridian-fm-advisors",
        "Meridian FM Advisors",
        COMMERCIAL,
        "https://meridian-fm.example.com",
        "MRDNFM2H7J4D",
        "Financial-management business support: audit readiness, reconciliation "
        "and reporting teams.",
    ),
    (
        "fathom-ledger-systems",
        "Fathom Ledger Systems",
        COMMERCIAL,
        "https://fathomledger.example.com",
        "FTHMLG6B1C8N",
        "Cost, budget and performance management software for federal CFOs.",
    ),
]


@dataclass(frozen=True)
class DemoOffering:
    provider: str
    slug: str
    name: str
    summary: str
    description: str
    category: str
    deployment: str
    fedramp_status: str
    fedramp_impact: str
    vehicles: tuple[str, ...]
    agencies: tuple[str, ...]
    pricing: str
    vpat: datetime.date | None
    # Strength per function code (0..1); functions not listed get ``default``.
    strengths: dict[str, float] = field(default_factory=dict)
    default: float = 0.5


CORE = MarketplaceCategory.CORE_SAAS
D = datetime.date


def _federal(provider, slug, name, summary, description, agencies, strengths, **kw):
    return DemoOffering(
        provider=provider,
        slug=slug,
        name=name,
        summary=summary,
        description=description,
        category=kw.get("category", MarketplaceCategory.CORE_PAAS),
        deployment=kw.get("deployment", DeploymentModel.SHARED_SERVICE),
        fedramp_status=kw.get("fedramp_status", FedrampStatus.NOT_APPLICABLE),
        fedramp_impact=kw.get("fedramp_impact", ImpactLevel.MODERATE),
        vehicles=("iaa",),
        agencies=agencies,
        pricing=PricingModel.FEE_FOR_SERVICE,
        vpat=kw.get("vpat"),
        strengths=strengths,
        default=kw.get("default", 0.75),
    )


OFFERINGS = [
    _federal(
        "treasury-arc",
        "arc-core-financial-management",
        "ARC Core Financial Management Shared Service",
        "Hosted core financial system with accounting operations run by ARC staff.",
        "Budget execution, payables, receivables, general ledger and financial "
        "reporting on a hosted federal financial system, with ARC accountants "
        "performing transaction processing, reconciliations and GTAS submissions.",
        ("TREAS", "HUD", "DHS components", "small agencies"),
        {"FFM.090": 0.95, "FFM.110": 0.9, "FFM.100": 0.9},
        vpat=D(2025, 3, 14),
    ),
    _federal(
        "treasury-arc",
        "arc-accounting-operations",
        "ARC Accounting Operations Services",
        "Accounting technicians for transaction processing and reconciliation.",
        "Staff-augmented accounting operations: obligations, invoice processing, "
        "intragovernmental reconciliation with G-Invoicing, and month-end close.",
        ("TREAS", "small agencies"),
        {"FFM.100": 0.95, "FFM.030": 0.85, "FFM.020": 0.3, "FFM.080": 0.3},
        category=MarketplaceCategory.BUSINESS_SUPPORT,
        deployment=DeploymentModel.SERVICES,
        default=0.55,
    ),
    _federal(
        "treasury-arc",
        "arc-financial-reporting",
        "ARC Financial Statement and GTAS Reporting",
        "Preparation of financial statements, notes and GTAS bulk files.",
        "Monthly GTAS submissions, quarterly and annual financial statements, "
        "DATA Act files and audit support for customer agencies.",
        ("TREAS", "HUD"),
        {"FFM.110": 0.95, "FFM.090": 0.8, "FFM.100": 0.8},
        category=MarketplaceCategory.BUSINESS_SUPPORT,
        deployment=DeploymentModel.SERVICES,
        default=0.2,
    ),
    _federal(
        "dot-esc",
        "esc-delphi-financial-management",
        "ESC Delphi Financial Management Shared Service",
        "DOT's Delphi core financial system offered as a shared service.",
        "Delphi, an Oracle-based federal financial system run by the Enterprise "
        "Services Center, with accounting services, help desk and system "
        "administration for customer agencies.",
        ("DOT", "FAA", "NEA", "small agencies"),
        {"FFM.010": 0.9, "FFM.030": 0.9, "FFM.090": 0.9},
        vpat=D(2024, 11, 1),
    ),
    _federal(
        "dot-esc",
        "esc-financial-services",
        "ESC Accounting and Financial Services",
        "Accounting operations, payments and travel accounting by ESC staff.",
        "Transaction processing, vendor payments, travel and relocation "
        "accounting, debt management and reconciliations.",
        ("DOT", "FAA"),
        {"FFM.030": 0.9, "FFM.070": 0.8, "FFM.100": 0.85},
        category=MarketplaceCategory.BUSINESS_SUPPORT,
        deployment=DeploymentModel.SERVICES,
        default=0.45,
    ),
    _federal(
        "doi-ibc",
        "ibc-oracle-financials-shared-service",
        "IBC Oracle Federal Financials Shared Service",
        "Hosted Oracle Federal Financials with IBC accounting operations.",
        "Core financial management on Oracle Federal Financials hosted by the "
        "Interior Business Center, including budget execution, purchasing "
        "integration, payables, receivables and financial reporting.",
        ("DOI components", "small agencies", "commissions and boards"),
        {"FFM.010": 0.85, "FFM.040": 0.7, "FFM.110": 0.85},
        vpat=D(2024, 6, 30),
    ),
    _federal(
        "doi-ibc",
        "ibc-accounting-operations",
        "IBC Accounting Operations Services",
        "Accounting services and audit support for small and micro agencies.",
        "Full-service accounting operations for agencies that do not keep their "
        "own finance office: payments, collections, close and audit liaison.",
        ("small agencies", "commissions and boards"),
        {"FFM.030": 0.85, "FFM.060": 0.8, "FFM.100": 0.8},
        category=MarketplaceCategory.BUSINESS_SUPPORT,
        deployment=DeploymentModel.SERVICES,
        default=0.5,
    ),
    _federal(
        "usda-nfc-fms",
        "usda-fms-core-financial-shared-service",
        "USDA FMS Core Financial Shared Service",
        "USDA's core financial system and accounting services as a shared service.",
        "Core financial management for USDA agencies and external customers, with "
        "strong funds control, cost accounting and financial reporting.",
        ("USDA", "small agencies"),
        {"FFM.010": 0.9, "FFM.080": 0.85, "FFM.090": 0.9},
        vpat=D(2023, 9, 15),
    ),
    _federal(
        "usda-nfc-fms",
        "nfc-payroll-accounting-interfaces",
        "NFC Payroll Accounting Interface Services",
        "Payroll cost postings and reconciliations from NFC payroll to the GL.",
        "Interfaces and reconciliation services that carry payroll costs from the "
        "National Finance Center's payroll system into customer general ledgers.",
        ("USDA", "DHS", "many payroll customers"),
        {"FFM.090": 0.8, "FFM.100": 0.85, "FFM.080": 0.6},
        category=MarketplaceCategory.ADDITIONAL,
        deployment=DeploymentModel.SHARED_SERVICE,
        default=0.15,
    ),
]


def _commercial(provider, slug, name, summary, description, **kw):
    return DemoOffering(
        provider=provider,
        slug=slug,
        name=name,
        summary=summary,
        description=description,
        category=kw.get("category", CORE),
        deployment=kw.get("deployment", DeploymentModel.SAAS),
        fedramp_status=kw.get("fedramp_status", FedrampStatus.AUTHORIZED),
        fedramp_impact=kw.get("fedramp_impact", ImpactLevel.MODERATE),
        vehicles=kw.get("vehicles", ("fm-qsmo-bpa", "gsa-mas")),
        agencies=kw.get("agencies", ()),
        pricing=kw.get("pricing", PricingModel.SUBSCRIPTION),
        vpat=kw.get("vpat"),
        strengths=kw.get("strengths", {}),
        default=kw.get("default", 0.6),
    )


OFFERINGS += [
    _commercial(
        "ledgerline-cloud-financials",
        "ledgerline-federal-financials",
        "Ledgerline Federal Financials",
        "SaaS core financial system with USSGL posting logic out of the box.",
        "A multi-tenant SaaS general ledger, funds control and payables suite with "
        "Treasury integrations (Payment Automation Manager, G-Invoicing, GTAS) "
        "and configurable approval workflows.",
        agencies=("USPTO", "SBA"),
        vpat=D(2025, 1, 20),
        strengths={"FFM.090": 0.95, "FFM.010": 0.9, "FFM.030": 0.9},
        default=0.7,
    ),
    _commercial(
        "ledgerline-cloud-financials",
        "ledgerline-receivables-cloud",
        "Ledgerline Receivables Cloud",
        "Billing, receivables and collections module for Ledgerline customers.",
        "Customer billing, receivable aging, Cross-Servicing referrals and "
        "collections posting to the general ledger.",
        category=MarketplaceCategory.ADDITIONAL,
        vpat=D(2025, 1, 20),
        strengths={"FFM.060": 0.95, "FFM.070": 0.85, "FFM.040": 0.8},
        default=0.1,
    ),
    _commercial(
        "ledgerline-cloud-financials",
        "ledgerline-analytics",
        "Ledgerline Budget Analytics",
        "Budget execution dashboards and spend plans on top of the ledger.",
        "Spend plans, status-of-funds dashboards and apportionment tracking for "
        "budget offices.",
        category=MarketplaceCategory.ADDITIONAL,
        fedramp_status=FedrampStatus.IN_PROCESS,
        fedramp_impact=ImpactLevel.LOW,
        strengths={"FFM.010": 0.9, "FFM.110": 0.6},
        default=0.05,
    ),
    _commercial(
        "northbeam-federal-cloud",
        "northbeam-financials-platform",
        "Northbeam Financials Platform",
        "Platform-as-a-service for agency-configured financial applications.",
        "A FedRAMP High platform with a financial data model, workflow engine and "
        "USSGL reference tables, on which agencies or integrators build their own "
        "financial processes.",
        category=MarketplaceCategory.CORE_PAAS,
        deployment=DeploymentModel.PAAS,
        fedramp_impact=ImpactLevel.HIGH,
        vehicles=("gsa-mas", "nasa-sewp"),
        agencies=("DOE", "NASA"),
        vpat=D(2024, 8, 9),
        strengths={"FFM.090": 0.7},
        default=0.45,
    ),
    _commercial(
        "northbeam-federal-cloud",
        "northbeam-hosted-ledger",
        "Northbeam Hosted Ledger",
        "Managed general ledger and reconciliation service on the Northbeam cloud.",
        "General ledger, reconciliation and financial reporting delivered as a "
        "managed service with a FedRAMP High authorization.",
        fedramp_impact=ImpactLevel.HIGH,
        vehicles=("gsa-mas", "nasa-sewp", "fm-qsmo-bpa"),
        agencies=("NASA",),
        strengths={"FFM.090": 0.9, "FFM.100": 0.9, "FFM.110": 0.85},
        default=0.35,
    ),
    _commercial(
        "granite-accrual-software",
        "granite-accrual-enterprise",
        "Granite Accrual Enterprise",
        "Commercial off-the-shelf federal accounting software, agency hosted.",
        "Installed accounting software with budget execution, payables, "
        "receivables and general ledger; agencies host and operate it in their "
        "own data centres or cloud accounts.",
        category=MarketplaceCategory.CORE_COTS,
        deployment=DeploymentModel.ON_PREMISES,
        fedramp_status=FedrampStatus.NOT_APPLICABLE,
        fedramp_impact="",
        vehicles=("gsa-mas", "agency-idiq"),
        pricing=PricingModel.LICENSE,
        agencies=("DOD components",),
        strengths={"FFM.010": 0.8, "FFM.090": 0.8},
        default=0.6,
    ),
    _commercial(
        "granite-accrual-software",
        "granite-cost-ledger",
        "Granite Cost Ledger",
        "Cost accounting and allocation add-on for Granite Accrual Enterprise.",
        "Activity-based cost pools, allocations and full-cost reporting under SFFAS 4.",
        category=MarketplaceCategory.CORE_COTS,
        deployment=DeploymentModel.ON_PREMISES,
        fedramp_status=FedrampStatus.NOT_APPLICABLE,
        fedramp_impact="",
        vehicles=("gsa-mas",),
        pricing=PricingModel.LICENSE,
        strengths={"FFM.080": 0.95},
        default=0.05,
    ),
    _commercial(
        "granite-accrual-software",
        "granite-accrual-cloud",
        "Granite Accrual Cloud",
        "The Granite accounting suite as SaaS, FedRAMP authorization in process.",
        "The same accounting suite, hosted and operated by Granite as software as "
        "a service while its FedRAMP Moderate authorization is in process.",
        fedramp_status=FedrampStatus.IN_PROCESS,
        vehicles=("gsa-mas",),
        strengths={"FFM.010": 0.8, "FFM.090": 0.8},
        default=0.5,
    ),
    _commercial(
        "keel-payment-services",
        "keel-disbursement-hub",
        "Keel Disbursement Hub",
        "Payment file preparation and certification workflow for payables.",
        "Builds and certifies payment files for Treasury disbursing, screens "
        "payees against Do Not Pay and reconciles payment confirmations.",
        category=MarketplaceCategory.ADDITIONAL,
        pricing=PricingModel.TRANSACTION,
        agencies=("SSA", "VA"),
        vpat=D(2025, 5, 2),
        strengths={"FFM.030": 0.95, "FFM.100": 0.7},
        default=0.05,
    ),
    _commercial(
        "keel-payment-services",
        "keel-receivables-and-collections",
        "Keel Receivables and Collections",
        "Lockbox, card and ACH collections with receivable posting.",
        "Collection channels (lockbox, card, ACH debit) with daily deposit "
        "reporting, receivable matching and delinquent debt referral files.",
        category=MarketplaceCategory.ADDITIONAL,
        pricing=PricingModel.TRANSACTION,
        vehicles=("fm-qsmo-bpa",),
        agencies=("ED",),
        strengths={"FFM.060": 0.95, "FFM.070": 0.9, "FFM.040": 0.7},
        default=0.05,
    ),
    _commercial(
        "keel-payment-services",
        "keel-debt-management",
        "Keel Delinquent Debt Management",
        "Due-process letters, referrals and offsets for delinquent debts.",
        "Tracks delinquent debts through demand letters, Treasury Offset Program "
        "and Cross-Servicing referral, with write-off and close-out.",
        category=MarketplaceCategory.ADDITIONAL,
        fedramp_status=FedrampStatus.READY,
        pricing=PricingModel.TRANSACTION,
        vehicles=("gsa-mas",),
        strengths={"FFM.070": 0.95, "FFM.060": 0.6},
        default=0.0,
    ),
    _commercial(
        "meridian-fm-advisors",
        "meridian-audit-readiness",
        "Meridian Audit Readiness Services",
        "Audit remediation and internal-control support teams.",
        "Accountants and auditors who help agencies remediate findings, document "
        "internal controls under OMB Circular A-123 and prepare for audit.",
        category=MarketplaceCategory.BUSINESS_SUPPORT,
        deployment=DeploymentModel.SERVICES,
        fedramp_status=FedrampStatus.NOT_APPLICABLE,
        fedramp_impact="",
        vehicles=("gsa-mas", "fm-qsmo-bpa"),
        pricing=PricingModel.TIME_AND_MATERIALS,
        agencies=("HHS", "DOL"),
        strengths={"FFM.100": 0.8, "FFM.110": 0.8},
        default=0.2,
    ),
    _commercial(
        "meridian-fm-advisors",
        "meridian-reconciliation-services",
        "Meridian Reconciliation Services",
        "Fund Balance with Treasury and intragovernmental reconciliations.",
        "Monthly Fund Balance with Treasury, suspense clearing and "
        "intragovernmental reconciliations performed by Meridian analysts.",
        category=MarketplaceCategory.BUSINESS_SUPPORT,
        deployment=DeploymentModel.SERVICES,
        fedramp_status=FedrampStatus.NOT_APPLICABLE,
        fedramp_impact="",
        vehicles=("gsa-mas",),
        pricing=PricingModel.TIME_AND_MATERIALS,
        strengths={"FFM.100": 0.95},
        default=0.05,
    ),
    _commercial(
        "meridian-fm-advisors",
        "meridian-migration-services",
        "Meridian Financial System Migration Services",
        "Data conversion and cut-over support when moving to a new system.",
        "Legacy data cleansing, conversion and cut-over planning for agencies "
        "migrating to a shared service or a SaaS financial system.",
        category=MarketplaceCategory.BUSINESS_SUPPORT,
        deployment=DeploymentModel.SERVICES,
        fedramp_status=FedrampStatus.NOT_APPLICABLE,
        fedramp_impact="",
        vehicles=("gsa-mas", "agency-idiq"),
        pricing=PricingModel.TIME_AND_MATERIALS,
        strengths={"FFM.090": 0.5},
        default=0.1,
    ),
    _commercial(
        "fathom-ledger-systems",
        "fathom-budget-execution",
        "Fathom Budget Execution",
        "Funds distribution and funds control for budget offices.",
        "Apportionment, allotment and sub-allotment distribution, commitment and "
        "obligation funds checks, and status-of-funds reporting.",
        category=MarketplaceCategory.ADDITIONAL,
        fedramp_impact=ImpactLevel.LOW,
        agencies=("NSF",),
        vpat=D(2024, 2, 28),
        strengths={"FFM.010": 0.95},
        default=0.1,
    ),
    _commercial(
        "fathom-ledger-systems",
        "fathom-cost-and-performance",
        "Fathom Cost and Performance",
        "Cost management linked to performance goals.",
        "Cost allocation, unit cost and performance measures for budget and "
        "performance integration.",
        category=MarketplaceCategory.ADDITIONAL,
        fedramp_status=FedrampStatus.READY,
        fedramp_impact=ImpactLevel.LOW,
        vehicles=("gsa-mas",),
        strengths={"FFM.080": 0.95, "FFM.110": 0.6},
        default=0.05,
    ),
    _commercial(
        "fathom-ledger-systems",
        "fathom-core-financials",
        "Fathom Core Financials",
        "Full SaaS core financial system for mid-size agencies.",
        "Budget execution, payables, receivables, assets, cost and general "
        "ledger in one SaaS suite with a FedRAMP Moderate authorization.",
        agencies=("NSF", "FCC"),
        vpat=D(2025, 6, 10),
        strengths={"FFM.010": 0.9, "FFM.080": 0.9, "FFM.090": 0.85},
        default=0.65,
    ),
    _commercial(
        "fathom-ledger-systems",
        "fathom-asset-ledger",
        "Fathom Asset Ledger",
        "Property, plant and equipment accounting with depreciation.",
        "Capitalisation, depreciation, impairment and disposal of general "
        "property, plant and equipment, posting to the general ledger.",
        category=MarketplaceCategory.ADDITIONAL,
        fedramp_status=FedrampStatus.IN_PROCESS,
        vehicles=("gsa-mas",),
        strengths={"FFM.020": 0.95},
        default=0.05,
    ),
    _commercial(
        "northbeam-federal-cloud",
        "northbeam-reporting-cloud",
        "Northbeam Reporting Cloud",
        "GTAS, DATA Act and financial statement reporting as a service.",
        "Builds GTAS bulk files, DATA Act files A to C and financial statements "
        "from any general ledger export.",
        category=MarketplaceCategory.ADDITIONAL,
        fedramp_impact=ImpactLevel.HIGH,
        vehicles=("gsa-mas", "nasa-sewp"),
        vpat=D(2025, 2, 3),
        strengths={"FFM.110": 0.95},
        default=0.05,
    ),
    _commercial(
        "ledgerline-cloud-financials",
        "ledgerline-payables-automation",
        "Ledgerline Payables Automation",
        "Invoice capture, three-way match and prompt-payment tracking.",
        "Electronic invoicing, receipt and acceptance, three-way matching and "
        "Prompt Payment Act interest calculation for any core financial system.",
        category=MarketplaceCategory.ADDITIONAL,
        vpat=D(2025, 1, 20),
        strengths={"FFM.030": 0.95},
        default=0.05,
    ),
]

LEVEL_BANDS = [
    # (upper bound of a draw scaled by strength, level)
    (0.55, ClaimLevel.MEETS),
    (0.75, ClaimLevel.CONFIGURABLE),
    (0.85, ClaimLevel.EXTENSION),
    (0.92, ClaimLevel.ROADMAP),
]


def _claims_for(item: DemoOffering, capabilities: list[Capability]):
    """Deterministic claims: a strong function mostly meets; a weak one mostly has
    no claim or does not meet."""
    # Seeded pseudo-random numbers for demo data only, never for security.
    rng = random.Random(item.slug)  # noqa: S311  # nosec B311
    claims = []
    for capability in capabilities:
        strength = item.strengths.get(capability.function.code, item.default)
        if rng.random() > strength:
            if rng.random() < 0.4:
                claims.append(
                    services.ClaimInput(
                        capability_id=capability.id,
                        level=ClaimLevel.DOES_NOT_MEET,
                        evidence="Not offered today.",
                    )
                )
            continue
        draw = rng.random() * (1.3 - strength)
        level = next(
            (lvl for bound, lvl in LEVEL_BANDS if draw < bound),
            ClaimLevel.DOES_NOT_MEET,
        )
        roadmap_date = None
        if level == ClaimLevel.ROADMAP:
            roadmap_date = datetime.date(2027, rng.randint(1, 12), 1)
        claims.append(
            services.ClaimInput(
                capability_id=capability.id,
                level=level,
                roadmap_date=roadmap_date,
                evidence=f"{item.name}: {ClaimLevel(level).label.lower()} "
                f"({capability.code}); see the product documentation.",
                evidence_url=f"https://docs.example.com/{item.slug}/{capability.code}",
            )
        )
    return claims


@transaction.atomic
def seed() -> list[Offering]:
    """Add the demo providers, contract vehicles and published offerings with claims
    against the current release. Existing rows are left as they are."""
    release = current_release()
    if release is None:
        raise RuntimeError(
            "No current standards release: run standards.demo.seed first."
        )
    vehicles = {
        slug: ContractVehicle.objects.get_or_create(slug=slug, defaults={"name": name})[
            0
        ]
        for slug, name in VEHICLES.items()
    }
    providers = {}
    for slug, name, kind, website, uei, description in PROVIDERS:
        providers[slug], _ = Provider.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "website": website,
                "uei": uei,
                "description": description,
            },
        )
    capabilities = list(
        Capability.objects.filter(release=release)
        .select_related("function")
        .order_by("code")
    )
    created = []
    now = timezone.now()
    for item in OFFERINGS:
        offering, was_created = Offering.objects.get_or_create(
            slug=item.slug,
            defaults={
                "provider": providers[item.provider],
                "release": release,
                "name": item.name,
                "summary": item.summary,
                "description": item.description,
                "category": item.category,
                "deployment_model": item.deployment,
                "fedramp_status": item.fedramp_status,
                "fedramp_impact": item.fedramp_impact,
                "customer_agencies": list(item.agencies),
                "accessibility_report_date": item.vpat,
                "pricing_model": item.pricing,
                "status": OfferingStatus.DRAFT,
            },
        )
        if not was_created:
            continue
        offering.contract_vehicles.set([vehicles[v] for v in item.vehicles])
        services.claims_save(
            offering=offering, by=None, claims=_claims_for(item, capabilities)
        )
        offering.status = OfferingStatus.PUBLISHED
        offering.published_at = now
        offering.save(update_fields=["status", "published_at", "updated_at"])
        created.append(offering)
    if created:
        services.offerings_published(offering_ids=[o.id for o in created])
    return created
