"""A small release with items of every kind, and a need asking for all five kinds:
what the tests of need items, mixed-kind scoring and the workbook share."""

import datetime

from brokering.models import ItemKind, NeedItem, NeedStatus
from catalog.models import Claim, ItemClaim
from catalog.vectors import refresh_claim_vectors
from standards.models import Exchange, ExchangeSystem, Report
from tests.brokering.factories import NeedFactory
from tests.standards.factories import (
    ActivityFactory,
    CapabilityFactory,
    FunctionFactory,
    ReleaseFactory,
    ServiceMeasureFactory,
)

GO_LIVE = datetime.date(2027, 10, 1)


def mixed_release(name: str = "FY2099", **release_fields) -> dict:
    """Two functions; per function two capabilities; three measures (one whose
    target Treasury leaves to the customer); two exchanges; two reports."""
    release = ReleaseFactory(name=name, **release_fields)
    functions, activities, capabilities = [], [], []
    for code in ("FFM.010", "FFM.020"):
        function = FunctionFactory(release=release, code=code)
        activity = ActivityFactory(function=function, code=f"{code}.010")
        functions.append(function)
        activities.append(activity)
        capabilities += [
            CapabilityFactory(activity=activity, code=f"{code}.010.0{n}")
            for n in (11, 12)
        ]
    measures = [
        ServiceMeasureFactory(
            activity=activities[0], code="FFM.010.010.0011", name="Timely payments"
        ),
        ServiceMeasureFactory(
            activity=activities[0],
            code="FFM.010.010.0012",
            name="Customer satisfaction",
            target="TBD by service customer",
        ),
        ServiceMeasureFactory(
            activity=activities[1], code="FFM.020.010.0011", name="Accurate reports"
        ),
    ]
    system = ExchangeSystem.objects.create(
        release=release, position=1, name="Treasury Offset Program"
    )
    exchanges = [
        Exchange.objects.create(
            release=release,
            system=system,
            position=n,
            information=f"Outgoing: debts {n}",
            functions="FFM.010 Budget Execution",
        )
        for n in (1, 2)
    ]
    reports = [
        Report.objects.create(
            release=release,
            position=n,
            name=f"Report {n}",
            function="FFM.020 Payment Management",
        )
        for n in (1, 2)
    ]
    return {
        "release": release,
        "functions": functions,
        "capabilities": capabilities,
        "measures": measures,
        "exchanges": exchanges,
        "reports": reports,
    }


def mixed_need(data: dict, **fields):
    """A need with items of all five kinds: two capabilities, a measure at
    Treasury's target, the customer-target measure with the agency's target, one
    exchange, one report and an agency-specific requirement."""
    fields.setdefault("status", NeedStatus.ACTIVE)
    need = NeedFactory(release=data["release"], go_live_date=GO_LIVE, **fields)
    NeedItem.objects.bulk_create(
        [
            NeedItem(need=need, capability=data["capabilities"][0], priority="must"),
            NeedItem(need=need, capability=data["capabilities"][2], priority="could"),
            NeedItem(
                need=need,
                kind=ItemKind.MEASURE,
                service_measure=data["measures"][0],
                priority="should",
                rationale="Vendors are paid on time.",
            ),
            NeedItem(
                need=need,
                kind=ItemKind.MEASURE,
                service_measure=data["measures"][1],
                priority="must",
                target=">= 4.5 of 5",
            ),
            NeedItem(
                need=need,
                kind=ItemKind.EXCHANGE,
                exchange=data["exchanges"][0],
                priority="must",
            ),
            NeedItem(
                need=need,
                kind=ItemKind.REPORT,
                report=data["reports"][0],
                priority="could",
            ),
            NeedItem(
                need=need,
                kind=ItemKind.AGENCY,
                code="AGY-001",
                statement="=The system keeps records for 7 years.",
                authority="Agency Records Directive 12",
                function=data["functions"][0],
                priority="must",
                rationale="Our own retention rule.",
            ),
        ]
    )
    return need


def claim(offering, item, level: str, roadmap_date=None):
    """A claim row on an item of any kind (built directly, as test builders do
    for bulk rows); call :func:`refresh_claim_vectors` after."""
    kind = type(item).__name__
    if kind == "Capability":
        return Claim(
            offering=offering, capability=item, level=level, roadmap_date=roadmap_date
        )
    field, item_kind = {
        "ServiceMeasure": ("service_measure", "measure"),
        "Exchange": ("exchange", "exchange"),
        "Report": ("report", "report"),
    }[kind]
    return ItemClaim(
        offering=offering,
        kind=item_kind,
        level=level,
        roadmap_date=roadmap_date,
        **{field: item},
    )


def save_claims(claims) -> None:
    Claim.objects.bulk_create([c for c in claims if isinstance(c, Claim)])
    ItemClaim.objects.bulk_create([c for c in claims if isinstance(c, ItemClaim)])
    refresh_claim_vectors(offering_ids={c.offering_id for c in claims})
