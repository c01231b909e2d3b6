"""Offerings side by side."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from catalog.models import (
    Claim,
    Offering,
    claim_level_label,
)
from catalog.selectors.common import (
    SLUG,
    SearchParamsError,
    offering_list_related,
    published_offerings,
    with_coverage,
)
from marketplace.formats import display_date
from standards.models import (
    Capability,
)


@dataclass
class CompareRow:
    kind: str  # "attribute" or "capability"
    key: str  # attribute name or capability code: stable IDs for exports
    label: str
    values: list[str]
    group: str = ""
    claims: list[Claim | None] = field(default_factory=list)

    @property
    def differs(self) -> bool:
        return len(set(self.values)) > 1


@dataclass
class Comparison:
    offerings: list[Offering]
    attributes: list[CompareRow]
    capabilities: list[CompareRow]

    @property
    def rows(self) -> list[CompareRow]:
        return self.attributes + self.capabilities


MIN_COMPARE = 2
MAX_COMPARE = 6

# More slugs than this in one address are not looked up (at most 6 can be compared).
COMPARE_LOOKUP_LIMIT = 50


def requested_slugs(params: Mapping) -> list[str]:
    values = (
        params.getlist("offering")
        if hasattr(params, "getlist")
        else params.get("offering") or []
    )
    if isinstance(values, str):
        values = [values]
    slugs = [value for value in dict.fromkeys(values) if SLUG.fullmatch(value)]
    return slugs[:COMPARE_LOOKUP_LIMIT]


# Offerings offered per page of the compare picker.
COMPARE_PICKER_PAGE_SIZE = 20


def _attribute_rows(offerings: list[Offering]) -> list[CompareRow]:
    def vehicles(o: Offering) -> str:
        return "; ".join(v.name for v in o.contract_vehicles.all()) or "None listed"

    def date_or_none(o: Offering) -> str:
        if o.accessibility_report_date is None:
            return "None"
        return o.accessibility_report_date.isoformat()

    attributes = [
        ("provider", "Provider", lambda o: o.provider.name),
        ("provider_kind", "Provider kind", lambda o: o.provider.get_kind_display()),
        ("category", "Marketplace category", lambda o: o.get_category_display()),
        ("deployment", "Deployment model", lambda o: o.get_deployment_model_display()),
        ("fedramp_status", "FedRAMP status", lambda o: o.get_fedramp_status_display()),
        (
            "fedramp_impact",
            "FedRAMP impact level",
            lambda o: o.get_fedramp_impact_display() or "Not stated",
        ),
        (
            "fedramp_package_id",
            "FedRAMP package ID",
            lambda o: o.fedramp_package_id or "None",
        ),
        (
            "fedramp_authorized_on",
            "FedRAMP authorization date",
            lambda o: display_date(o.fedramp_authorized_on) or "None",
        ),
        (
            "fedramp_ato_agencies",
            "Agencies holding an ATO",
            lambda o: "; ".join(o.fedramp_ato_agencies) or "None listed",
        ),
        (
            "fedramp_marketplace_url",
            "FedRAMP Marketplace listing",
            lambda o: o.fedramp_marketplace_url or "None",
        ),
        ("contract_vehicles", "Contract vehicles", vehicles),
        (
            "customer_agencies",
            "Customer agencies",
            lambda o: "; ".join(o.customer_agencies) or "None listed",
        ),
        ("accessibility_report", "Accessibility report (VPAT) date", date_or_none),
        ("pricing", "Pricing model", lambda o: o.get_pricing_model_display()),
        ("release", "Standards release", lambda o: o.release.name),
        (
            "coverage",
            "Capabilities met or configurable",
            lambda o: (
                f"{o.covered_count} of {o.capability_count} ({round(o.coverage)}%)"
            ),
        ),
    ]
    return [
        CompareRow(
            kind="attribute",
            key=key,
            label=label,
            values=[value(o) for o in offerings],
        )
        for key, label, value in attributes
    ]


# What a comparison shows of a claim; evidence text stays behind (the page links it).
COMPARE_CLAIM_FIELDS = (
    "offering_id",
    "capability__code",
    "level",
    "roadmap_date",
    "verified",
    "evidence_url",
)


def compare_offerings(
    slugs: list[str], *, only_differences: bool = False
) -> Comparison:
    """Offerings (published, in the order given) side by side: attribute rows, then
    one row per capability (by code, across the offerings' releases). Four queries."""
    if len(slugs) < MIN_COMPARE:
        raise SearchParamsError(
            {"offering": [f"Choose at least {MIN_COMPARE} offerings to compare."]}
        )
    found = {
        o.slug: o
        for o in with_coverage(offering_list_related(published_offerings())).filter(
            slug__in=slugs
        )
    }
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise SearchParamsError(
            {"offering": [f"No published offering has the ID “{s}”." for s in missing]}
        )
    offerings = [found[slug] for slug in slugs]
    release_ids = {o.release_id for o in offerings}
    capabilities: dict[str, Capability] = {}
    for capability in (
        Capability.objects.filter(release_id__in=release_ids)
        .select_related("function")
        .order_by("code", "-release__name")
    ):
        capabilities.setdefault(capability.code, capability)
    claims: dict[tuple[int, str], Claim] = {
        (claim.offering_id, claim.capability.code): claim
        for claim in Claim.objects.filter(offering__in=offerings)
        .select_related("capability")
        .only(*COMPARE_CLAIM_FIELDS)
    }
    rows = []
    for code, capability in capabilities.items():
        row_claims = [claims.get((o.id, code)) for o in offerings]
        rows.append(
            CompareRow(
                kind="capability",
                key=code,
                label=capability.statement,
                group=f"{capability.function.code} {capability.function.name}",
                claims=row_claims,
                values=[
                    claim_level_label(claim.level if claim else None)
                    for claim in row_claims
                ],
            )
        )
    attributes = _attribute_rows(offerings)
    if only_differences:
        attributes = [row for row in attributes if row.differs]
        rows = [row for row in rows if row.differs]
    return Comparison(offerings=offerings, attributes=attributes, capabilities=rows)
