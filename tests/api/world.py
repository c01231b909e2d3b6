"""A small world for the API tests: one current release, the provider persona's
published and draft offerings, the agency persona's need with a match, and the same
for another provider and another agency (whose objects must answer 404)."""

from types import SimpleNamespace

from catalog.models import ContractVehicle, OfferingStatus
from marketplace.roles import Role
from standards.models import ReleaseStatus
from tests.brokering.factories import (
    AgencyFactory,
    MatchFactory,
    NeedFactory,
    NeedItemFactory,
)
from tests.catalog.factories import ClaimFactory, OfferingFactory, ProviderFactory
from tests.standards.factories import (
    ActivityFactory,
    CapabilityFactory,
    FunctionFactory,
    ReleaseFactory,
    ServiceMeasureFactory,
)


def build_api_world(personas) -> SimpleNamespace:
    release = ReleaseFactory(name="FY2099", status=ReleaseStatus.CURRENT)
    function = FunctionFactory(release=release, code="FFM.010", name="Budget")
    activity = ActivityFactory(function=function, release=release, code="FFM.010.010")
    capability = CapabilityFactory(
        activity=activity, function=function, release=release, code="FFM.010.010.011"
    )
    second = CapabilityFactory(
        activity=activity, function=function, release=release, code="FFM.010.010.012"
    )
    ServiceMeasureFactory(release=release, activity=activity)
    ContractVehicle.objects.get_or_create(slug="gsa-mas", name="GSA MAS")

    provider = personas[Role.PROVIDER].provider
    published = OfferingFactory(
        provider=provider, release=release, slug="ledger-cloud", name="Ledger Cloud"
    )
    claim = ClaimFactory(offering=published, capability=capability)
    draft = OfferingFactory(
        provider=provider,
        release=release,
        slug="ledger-cloud-next",
        name="Ledger Cloud Next",
        status=OfferingStatus.DRAFT,
    )
    ClaimFactory(offering=draft, capability=capability)

    other_provider = ProviderFactory(name="Other Ledger Corp", slug="other-ledger-corp")
    other_draft = OfferingFactory(
        provider=other_provider,
        release=release,
        slug="other-draft",
        status=OfferingStatus.DRAFT,
    )
    ClaimFactory(offering=other_draft, capability=capability)

    agency = personas[Role.AGENCY].agency
    need = NeedFactory(agency=agency, release=release, title="Core FS replacement")
    NeedItemFactory(need=need, capability=capability)
    NeedItemFactory(need=need, capability=second)
    match = MatchFactory(need=need, offering=published)

    other_agency = AgencyFactory(
        name="Department of Elsewhere", abbreviation="DOE-Y", cgac_code="902"
    )
    other_need = NeedFactory(agency=other_agency, release=release, title="Theirs")
    NeedItemFactory(need=other_need, capability=capability)
    other_match = MatchFactory(need=other_need, offering=published)

    return SimpleNamespace(
        release=release,
        function=function,
        capability=capability,
        second_capability=second,
        published=published,
        claim=claim,
        draft=draft,
        other_draft=other_draft,
        need=need,
        match=match,
        other_need=other_need,
        other_match=other_match,
    )
