"""Route table of the API and the token page for the URL walk.

The walk signs in with a session; the API answers anonymous clients 401 (not a
redirect to the sign-in page), because API clients cannot follow one.
"""

from catalog.models import OfferingStatus
from marketplace.roles import Role
from standards.models import ReleaseStatus
from tests.access import (
    FORBIDDEN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    UNAUTHORIZED,
    Route,
    everyone,
    only,
)
from tests.brokering.factories import MatchFactory, NeedFactory, NeedItemFactory
from tests.catalog.factories import ClaimFactory, OfferingFactory
from tests.standards.factories import (
    ActivityFactory,
    CapabilityFactory,
    FunctionFactory,
    ReleaseFactory,
    add_release_items,
)


def build_world(world):
    release = ReleaseFactory(name="FY2090", status=ReleaseStatus.RETIRED)
    function = FunctionFactory(release=release, code="FFM.010")
    activity = ActivityFactory(function=function, release=release, code="FFM.010.010")
    world.api_capability = CapabilityFactory(
        activity=activity, function=function, release=release, code="FFM.010.010.011"
    )
    add_release_items(release)
    provider = world.users[Role.PROVIDER].provider
    world.api_offering = OfferingFactory(
        provider=provider, release=release, slug="api-walk-published"
    )
    ClaimFactory(offering=world.api_offering, capability=world.api_capability)
    world.api_draft = OfferingFactory(
        provider=provider,
        release=release,
        slug="api-walk-draft",
        status=OfferingStatus.DRAFT,
    )
    world.api_need = NeedFactory(
        agency=world.users[Role.AGENCY].agency, release=release, title="API need"
    )
    NeedItemFactory(need=world.api_need, capability=world.api_capability)
    world.api_match = MatchFactory(need=world.api_need, offering=world.api_offering)


def _release(world) -> dict:
    return {"release": world.api_capability.release.name}


def _at(number: int, key: str = "position"):
    return lambda world: {**_release(world), key: number}


def _capability(world) -> dict:
    return {**_release(world), "code": world.api_capability.code}


def _offering(world) -> dict:
    return {"slug": world.api_offering.slug}


def _draft(world) -> dict:
    return {"slug": world.api_draft.slug}


def _provider(world) -> dict:
    return {"slug": world.api_offering.provider.slug}


def _claim(world) -> dict:
    return {**_offering(world), "code": world.api_capability.code}


def api_only(*roles: Role, outcome=OK) -> dict:
    """Listed roles get ``outcome``; other signed-in roles 403; anonymous 401."""
    table = {role: (outcome if role in roles else FORBIDDEN) for role in Role}
    table[Role.VISITOR] = UNAUTHORIZED
    return table


def _need(world) -> dict:
    return {"need_id": world.api_need.pk}


def _match(world) -> dict:
    return {**_need(world), "match_id": world.api_match.pk}


providers_only = api_only(Role.PROVIDER)
need_readers = api_only(Role.AGENCY, Role.BROKER, Role.ADMIN)


ROUTES = [
    Route("api:root", everyone(OK)),
    Route("api:v1-root", everyone(OK)),
    Route("api:schema", everyone(OK)),
    Route("api:docs", everyone(OK)),
    Route(
        "api:tokens",
        only(Role.AGENCY, Role.PROVIDER, Role.BROKER, Role.ADMIN),
    ),
    Route(
        "api:not-found",
        everyone(NOT_FOUND),
        kwargs=lambda world: {"rest": "v1/needs/-1/"},
    ),
    Route("api:release-list", everyone(OK)),
    Route("api:release-detail", everyone(OK), kwargs=_release),
    Route("api:function-list", everyone(OK), kwargs=_release),
    Route("api:activity-list", everyone(OK), kwargs=_release),
    Route("api:capability-list", everyone(OK), kwargs=_release),
    Route("api:capability-detail", everyone(OK), kwargs=_capability),
    Route("api:service-measure-list", everyone(OK), kwargs=_release),
    Route("api:data-element-list", everyone(OK), kwargs=_release),
    Route(
        "api:data-element-detail",
        everyone(OK),
        kwargs=lambda world: {**_release(world), "label": "AgencyIdentifier"},
    ),
    Route(
        "api:data-element-detail",
        everyone(NOT_FOUND),
        kwargs=lambda world: {**_release(world), "label": "Nothing"},
    ),
    Route("api:reference-list", everyone(OK), kwargs=_release),
    Route("api:reference-detail", everyone(OK), kwargs=_at(7, "number")),
    Route("api:reference-detail", everyone(NOT_FOUND), kwargs=_at(8, "number")),
    Route("api:exchange-list", everyone(OK), kwargs=_release),
    Route("api:exchange-detail", everyone(OK), kwargs=_at(1)),
    Route("api:exchange-detail", everyone(NOT_FOUND), kwargs=_at(2)),
    Route("api:specification-detail", everyone(OK), kwargs=_at(1)),
    Route("api:specification-detail", everyone(NOT_FOUND), kwargs=_at(2)),
    Route("api:report-list", everyone(OK), kwargs=_release),
    Route("api:report-detail", everyone(OK), kwargs=_at(1)),
    Route("api:report-detail", everyone(NOT_FOUND), kwargs=_at(2)),
    Route("api:provider-list", everyone(OK)),
    Route("api:provider-detail", everyone(OK), kwargs=_provider),
    Route("api:offering-list", everyone(OK)),
    Route("api:offering-detail", everyone(OK), kwargs=_offering),
    Route("api:offering-claim-list", everyone(OK), kwargs=_offering),
    # A published offering's evidence (tests/catalog/routes_provider.py builds it).
    Route(
        "api:document-download",
        {**everyone(OK), Role.VISITOR: UNAUTHORIZED},
        kwargs=lambda world: {"pk": world.provider_document.pk},
    ),
    Route("api:own-offering-list", providers_only),
    Route("api:own-offering-detail", providers_only, kwargs=_draft),
    Route(
        "api:own-offering-submit",
        api_only(Role.PROVIDER, outcome=NOT_ALLOWED),
        kwargs=_draft,
    ),
    Route(
        "api:own-offering-withdraw",
        api_only(Role.PROVIDER, outcome=NOT_ALLOWED),
        kwargs=_draft,
    ),
    Route("api:own-claim-list", providers_only, kwargs=_offering),
    Route("api:own-claim-detail", providers_only, kwargs=_claim),
    Route("api:change-list", everyone(OK)),
    Route("api:need-list", need_readers),
    Route("api:need-detail", need_readers, kwargs=_need),
    Route("api:need-item-list", need_readers, kwargs=_need),
    Route("api:need-workbook", need_readers, kwargs=_need),
    Route("api:need-run-list", need_readers, kwargs=_need),
    Route("api:match-list", need_readers, kwargs=_need),
    Route("api:match-detail", need_readers, kwargs=_match),
    # POST-only actions walked with GET: readers are let in, then told 405.
    Route(
        "api:need-archive",
        api_only(Role.AGENCY, Role.BROKER, Role.ADMIN, outcome=NOT_ALLOWED),
        kwargs=_need,
    ),
    Route(
        "api:need-score",
        api_only(Role.AGENCY, Role.BROKER, Role.ADMIN, outcome=NOT_ALLOWED),
        kwargs=_need,
    ),
]
