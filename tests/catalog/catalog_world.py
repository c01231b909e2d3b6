"""Small catalogs for the catalog tests: a release with functions and capabilities,
and offerings whose claims go through the catalog services."""

from catalog import services
from catalog.models import ClaimLevel
from tests.catalog.factories import OfferingFactory, write_claims
from tests.standards.factories import (
    ActivityFactory,
    CapabilityFactory,
    FunctionFactory,
    ReleaseFactory,
)


def make_release(functions=("FFM.010", "FFM.030", "FFM.090"), per_function=3):
    """A current release; function FFM.x10 is named after its code for readable
    asserts ("Budget Execution", "Payable Management", "General Ledger ...")."""
    names = {
        "FFM.010": "Budget Execution",
        "FFM.030": "Payable Management",
        "FFM.060": "Receivable and Collection Management",
        "FFM.090": "General Ledger Management",
    }
    release = ReleaseFactory(name="FY2099")
    capabilities = {}
    for code in functions:
        function = FunctionFactory(
            release=release, code=code, name=names.get(code, f"Function {code}")
        )
        activity = ActivityFactory(
            release=release, function=function, code=f"{code}.010"
        )
        capabilities[code] = [
            CapabilityFactory(
                release=release,
                activity=activity,
                function=function,
                code=f"{code}.010.{n:03d}",
                statement=f"{function.name} requirement {n}.",
            )
            for n in range(11, 11 + per_function)
        ]
    return release, capabilities


def make_offering(release, covers=(), levels=None, **attrs):
    """An offering (published unless told) that meets every capability of the
    functions in ``covers``; ``levels`` maps extra capability objects to levels."""
    offering = OfferingFactory(release=release, **attrs)
    claims = [
        services.ClaimInput(capability_id=capability.id, level=ClaimLevel.MEETS)
        for capabilities in covers
        for capability in capabilities
    ]
    for capability, level in (levels or {}).items():
        claims.append(services.ClaimInput(capability_id=capability.id, level=level))
    if claims:
        write_claims(offering, claims)
    return offering


def admin_offering_form(offering, release) -> dict:
    """The offering fields of the admin's offering change form, as they stand."""
    return {
        "provider": offering.provider_id,
        "release": release.pk,
        "name": offering.name,
        "slug": offering.slug,
        "summary": offering.summary,
        "description": offering.description,
        "category": offering.category,
        "deployment_model": offering.deployment_model,
        "fedramp_status": offering.fedramp_status,
        "fedramp_impact": offering.fedramp_impact,
        "customer_agencies": "[]",
        "pricing_model": offering.pricing_model,
    }
