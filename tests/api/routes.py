"""Route table of the API and the token page for the URL walk.

The walk signs in with a session; the API answers anonymous clients 401 (not a
redirect to the sign-in page), because API clients cannot follow one.
"""

from marketplace.roles import Role
from standards.models import ReleaseStatus
from tests.access import OK, UNAUTHORIZED, Route, everyone, only
from tests.standards.factories import (
    ActivityFactory,
    CapabilityFactory,
    FunctionFactory,
    ReleaseFactory,
)


def build_world(world):
    release = ReleaseFactory(name="FY2090", status=ReleaseStatus.RETIRED)
    function = FunctionFactory(release=release, code="FFM.010")
    activity = ActivityFactory(function=function, release=release, code="FFM.010.010")
    world.api_capability = CapabilityFactory(
        activity=activity, function=function, release=release, code="FFM.010.010.011"
    )


def _release(world) -> dict:
    return {"release": world.api_capability.release.name}


def _capability(world) -> dict:
    return {**_release(world), "code": world.api_capability.code}


def signed_in_api(outcome=OK) -> dict:
    return {**everyone(outcome), Role.VISITOR: UNAUTHORIZED}


ROUTES = [
    Route("api:schema", everyone(OK)),
    Route("api:docs", everyone(OK)),
    Route(
        "api:tokens",
        only(Role.AGENCY, Role.PROVIDER, Role.BROKER, Role.ADMIN),
    ),
    Route("api:release-list", everyone(OK)),
    Route("api:release-detail", everyone(OK), kwargs=_release),
    Route("api:function-list", everyone(OK), kwargs=_release),
    Route("api:activity-list", everyone(OK), kwargs=_release),
    Route("api:capability-list", everyone(OK), kwargs=_release),
    Route("api:capability-detail", everyone(OK), kwargs=_capability),
    Route("api:service-measure-list", everyone(OK), kwargs=_release),
]
