"""The words and proportions seed_scale draws from: the real FY2025 FFM functions and
activities, invented brand, product and agency names, generic contract vehicles, and the
mix of categories and levels."""

import datetime

from catalog.models import (
    ClaimLevel,
    DeploymentModel,
    MarketplaceCategory,
    OfferingStatus,
)
from standards.identifiers import SCALE_PREFIX, function_code


def _words(text: str, sep: str | None = None) -> list[str]:
    return text.split(sep)


# The FY2025 FFM functions and activities (names as Treasury publishes them, numbers
# under the synthetic SCALE prefix: SCALE.010 stands for FFM.010) and how many FY2025
# capabilities each function holds, which sets the spread of K items.
FUNCTIONS: list[tuple[str, str, int, list[str]]] = [
    (
        function_code(SCALE_PREFIX, 10),
        "Budget Execution",
        8,
        [
            "Budget Setup and Maintenance",
            "Fund Allocation and Control",
            "Budgetary Reporting",
        ],
    ),
    (
        function_code(SCALE_PREFIX, 20),
        "Financial Asset Information Management",
        16,
        [
            "Financial Asset Information Processing - Property, Plant, and Equipment",
            "Financial Asset Information Processing - Loans",
            "Financial Asset Information Processing - Heritage Assets and "
            "Stewardship Land",
            "Financial Asset Information Processing - Federal Oil and Gas Resources",
            "Financial Asset Information Processing - Other Federal Assets",
            "Financial Asset Information Reporting",
        ],
    ),
    (
        function_code(SCALE_PREFIX, 30),
        "Payable Management",
        28,
        [
            "Payee Setup and Maintenance",
            "Obligation Management",
            "Payment Processing - Intragovernmental Payments",
            "Payment Processing - Payroll Payments",
            "Payment Processing - Travel Temporary Duty (TDY) and Local Payments",
            "Payment Processing - Travel PCS Payments",
            "Payment Processing - Commercial Payments",
            "Payment Processing - Grant Payments",
            "Payment Processing - Loan Payments",
            "Payment Processing - Other Payments",
            "Payment Disbursement",
            "Payment Confirmation and Issue Resolution",
            "Payment Reporting",
        ],
    ),
    (
        function_code(SCALE_PREFIX, 40),
        "Revenue Management",
        4,
        ["Revenue Processing", "Revenue Reporting"],
    ),
    (
        function_code(SCALE_PREFIX, 60),
        "Receivable and Collection Management",
        7,
        [
            "Payer Setup and Maintenance",
            "Public Receivable Setup and Billing Invoicing",
            "Public Receipt Processing",
            "Public Receivable Credit Memo and Adjustment Processing",
            "Public Receivable Monitoring and Maintenance",
            "Public Receivable and Collection Reporting",
            "Intragovernmental Receivable Set-Up and Maintenance",
            "Intragovernmental Receivable Settlement",
            "Intragovernmental Receivable Monitoring and Reporting",
        ],
    ),
    (
        function_code(SCALE_PREFIX, 70),
        "Delinquent Debt Management",
        4,
        [
            "Delinquent Debt Collection",
            "Delinquent Debt Write-off and Closeout",
            "Delinquent Debt Reporting",
        ],
    ),
    (
        function_code(SCALE_PREFIX, 80),
        "Cost Management",
        3,
        [
            "Cost Management Setup and Maintenance",
            "Cost Accumulation and Allocation",
            "Cost Reporting",
        ],
    ),
    (
        function_code(SCALE_PREFIX, 90),
        "General Ledger Management",
        11,
        [
            "General Ledger Setup and Maintenance",
            "General Ledger Posting",
            "Accrual and Liability/Asset Processing",
            "Period End Closing",
        ],
    ),
    (
        function_code(SCALE_PREFIX, 100),
        "Financial Reconciliation",
        6,
        [
            "Reconciliation of General Ledger and Subledgers",
            "Reconciliation of Intragovernmental Activity",
            "Reconciliation with Treasury Balance",
        ],
    ),
    (
        function_code(SCALE_PREFIX, 110),
        "Financial / Performance Reporting",
        2,
        [
            "Treasury Reporting",
            "Financial Statement Preparation",
            "Cash Forecasting and Reporting",
            "Financial Performance and Operational Reporting",
            "Internal Control/Compliance Reviews",
        ],
    ),
]

VERBS = _words(
    "record validate maintain reconcile report calculate approve track post generate"
)
OBJECTS = _words(
    "obligations|payments|receivables|budget authority|"
    "general ledger accounts|fund balances|cost allocations|"
    "intragovernmental transactions|asset records|debt referrals|accruals|"
    "vendor records|billing invoices|Treasury account symbols",
    sep="|",
)
CONDITIONS = _words(
    "in accordance with the USSGL|at the transaction level|"
    "with a complete audit trail|for each fund and program|"
    "before the period is closed|using standard line of accounting data|"
    "with configurable approval workflows|"
    "as required by OMB Circular A-136",
    sep="|",
)

BRAND_HEADS = _words(
    "Ledger Fiscal Summit Keystone Meridian Harbor Granite Beacon Liberty "
    "Pioneer Capitol Sterling Frontier Patriot Cobalt Vantage Anchor Cedar "
    "Atlas Evergreen Northwind Redwood Bluestone Ironwood Clearwater"
)
BRAND_TAILS = _words(
    "line point works bridge stream gate field path core base ware logic "
    "span wise mark hub"
)
COMPANY_SUFFIXES = _words("Inc. LLC Corporation Systems Technologies Group")
PRODUCTS = _words(
    "Core Financials|Financial Management Suite|Payroll Services|"
    "Grants Manager|Travel and Expense|Receivables Hub|Payables Automation|"
    "Budget Formulation and Execution|Asset Accounting|Cost Accounting|"
    "Reconciliation Workbench|Treasury Reporting|Debt Collection Services|"
    "General Ledger|Procurement Accounting|Financial Statements|"
    "Intragovernmental Payments|Audit Readiness|Analytics and Reporting|"
    "Loan Servicing Accounting",
    sep="|",
)
EDITIONS = _words(
    "Cloud|Federal Edition|Enterprise|Government Cloud|Shared Service|"
    "Platform|Managed Service|Essentials|Plus|Online",
    sep="|",
)
# Words of the description drawn with falling (Zipf-like) weights, so that a few are in
# most offerings ("financial") and most are in a few: the shape search must cope with.
DESCRIPTION_WORDS = _words(
    "financial federal management agencies reporting accounting cloud "
    "budget payments compliance treasury ledger automation workflow audit "
    "analytics integration procurement payroll grants receivables "
    "reconciliation travel assets obligations invoices dashboards "
    "forecasting controls migration interfaces security disbursement "
    "collections loans property closing accruals allocations "
    "intragovernmental reimbursable revenue debt cash statements training "
    "support hosting configuration modernization"
)
# Synthetic data never names a real vehicle or agency as a party to invented facts:
# generic vehicles, and fictional agencies (CGAC codes 910-933 are not Treasury's).
CONTRACT_VEHICLES = _words(
    "Interagency Agreement (IAA)|Example Multiple Award Schedule|"
    "Example FM Blanket Purchase Agreement (BPA)|Example IT Acquisition Contract|"
    "Example Services GWAC|Example Enterprise Contract|Agency-specific IDIQ|"
    "Open market",
    sep="|",
)
AGENCY_WORDS = _words(
    "Harbor Prairie Tidewater Meadow Lantern Orchard Granite Willow Summit Cedar "
    "Juniper Aspen Beacon Canyon Delta Ember Fern Glacier Heron Iris Kestrel Lark "
    "Marble Nettle"
)
AGENCIES: list[tuple[str, str, str]] = [
    (f"Synthetic Agency for {word} Programs", f"SA{word[:3].upper()}", str(910 + n))
    for n, word in enumerate(AGENCY_WORDS)
]

# Offering categories: share of the shelf, and what share of the functions they cover.
CATEGORY_MIX = [
    (MarketplaceCategory.CORE_SAAS, 0.35, (0.6, 1.0)),
    (MarketplaceCategory.CORE_PAAS, 0.10, (0.6, 1.0)),
    (MarketplaceCategory.CORE_COTS, 0.15, (0.5, 1.0)),
    (MarketplaceCategory.ADDITIONAL, 0.25, (0.1, 0.3)),
    (MarketplaceCategory.BUSINESS_SUPPORT, 0.15, (0.1, 0.2)),
]
DEPLOYMENT_BY_CATEGORY = {
    MarketplaceCategory.CORE_SAAS: DeploymentModel.SAAS,
    MarketplaceCategory.CORE_PAAS: DeploymentModel.PAAS,
    MarketplaceCategory.CORE_COTS: DeploymentModel.ON_PREMISES,
    MarketplaceCategory.ADDITIONAL: DeploymentModel.SAAS,
    MarketplaceCategory.BUSINESS_SUPPORT: DeploymentModel.SERVICES,
}
# Claim levels inside a covered function, from a strong offering to a weak one.
LEVELS_COVERED = [
    ClaimLevel.MEETS,
    ClaimLevel.CONFIGURABLE,
    ClaimLevel.EXTENSION,
    ClaimLevel.ROADMAP,
    ClaimLevel.DOES_NOT_MEET,
]
STATUS_MIX = [
    (OfferingStatus.PUBLISHED, 0.90),
    (OfferingStatus.DRAFT, 0.04),
    (OfferingStatus.SUBMITTED, 0.03),
    (OfferingStatus.RETURNED, 0.01),
    (OfferingStatus.RETIRED, 0.02),
]
FIRST_DAY = datetime.date(2026, 1, 1).toordinal()
LAST_DAY = datetime.date(2029, 12, 31).toordinal()

# The release's other kinds of items, in the FY2025 workbooks' proportions (counts of
# the FY2025 service measures, information exchanges and pre-built reports; the
# words are invented). Per 100 service measures: 36 exchanges and 15 reports.
EXCHANGES_PER_100_MEASURES = 36
REPORTS_PER_100_MEASURES = 15
# Service measures per function (0: measures of every activity, SCALE.000.000).
MEASURES_BY_FUNCTION = {
    0: 14,
    10: 5,
    20: 1,
    30: 30,
    40: 1,
    60: 19,
    70: 8,
    80: 1,
    90: 4,
    100: 11,
    110: 6,
}
# 54 of the 100 FY2025 measures leave the target to the service customer.
CUSTOMER_TARGET_SHARE = 0.54
CUSTOMER_TARGET = "TBD by service customer"
MEASURE_TYPES = [
    ("Volume", 37),
    ("Timeliness", 23),
    ("Efficiency", 20),
    ("Quality", 20),
]
MEASURE_CATEGORIES = [
    ("Customer Facing", 67),
    ("Provider Operations", 27),
    ("QSMO Monitoring", 3),
    ("Oversight Reporting", 3),
]
# Exchanges and reports per function (FY2025: payables hold most exchanges).
EXCHANGES_BY_FUNCTION = {30: 23, 100: 2, 60: 2, 70: 2, 110: 2, 20: 2, 10: 1}
REPORTS_BY_FUNCTION = {60: 4, 30: 3, 10: 2, 70: 2, 100: 2, 90: 1, 110: 1}
INCOMING_SHARE = 0.64  # 23 of the 36 FY2025 exchanges come in
EXCHANGES_PER_SYSTEM = 1.3  # 36 exchanges with 28 systems
SYSTEM_KINDS = _words(
    "Disbursing Service|Collections Gateway|Debt Referral Hub|Account Reporting "
    "Service|Payee Registry|Intragovernmental Exchange|Grants Payment Service|"
    "Receipts Network",
    sep="|",
)
REPORT_KINDS = _words("Status|Aging|Analysis|Reconciliation|Summary|Activity")
