"""Route table of the standards pages for the URL walk: every page is public."""

from standards.models import ReleaseStatus
from tests.access import BAD_REQUEST, NOT_FOUND, OK, Route, everyone
from tests.standards.factories import (
    ActivityFactory,
    CapabilityFactory,
    FunctionFactory,
    ReleaseFactory,
    ServiceMeasureFactory,
    add_release_items,
)


def build_world(world):
    release = ReleaseFactory(name="FY2097", status=ReleaseStatus.DRAFT)
    function = FunctionFactory(release=release, code="FFM.020")
    activity = ActivityFactory(function=function, release=release, code="FFM.020.010")
    world.standards_capability = CapabilityFactory(
        activity=activity, function=function, release=release, code="FFM.020.010.011"
    )
    ServiceMeasureFactory(release=release, activity=activity)
    add_release_items(release)
    world.standards_capability.reference_links.add(release.references.get(code="(7)"))
    world.standards_old_release = ReleaseFactory(
        name="FY2096", status=ReleaseStatus.RETIRED
    )


def _release(world) -> dict:
    return {"name": world.standards_capability.release.name}


def _activity(world) -> dict:
    return {**_release(world), "code": world.standards_capability.activity.code}


def _capability(world) -> dict:
    return {**_release(world), "code": world.standards_capability.code}


def _numbered(number: int, key: str = "position"):
    return lambda world: {**_release(world), key: number}


def _export(fmt):
    return lambda world: {**_release(world), "fmt": fmt}


ROUTES = [
    Route("standards:release-list", everyone(OK)),
    Route("standards:release-detail", everyone(OK), kwargs=_release),
    Route(
        "standards:release-detail",
        everyone(NOT_FOUND),
        kwargs=lambda world: {"name": "FY1900"},
    ),
    Route("standards:activity-detail", everyone(OK), kwargs=_activity),
    Route("standards:capability-list", everyone(OK), kwargs=_release),
    Route(
        "standards:capability-list",
        everyone(OK),
        kwargs=_release,
        query="q=records&kind=P&page=9",
    ),
    Route(
        "standards:capability-list",
        everyone(BAD_REQUEST),
        kwargs=_release,
        query="kind=Z&function=nope",
    ),
    Route("standards:capability-detail", everyone(OK), kwargs=_capability),
    Route(
        "standards:capability-detail",
        everyone(NOT_FOUND),
        kwargs=lambda world: {**_release(world), "code": "FFM.999.999.999"},
    ),
    Route("standards:service-measure-list", everyone(OK), kwargs=_release),
    Route("standards:data-element-list", everyone(OK), kwargs=_release),
    Route(
        "standards:data-element-detail",
        everyone(OK),
        kwargs=lambda world: {**_release(world), "label": "AgencyIdentifier"},
    ),
    Route(
        "standards:data-element-detail",
        everyone(NOT_FOUND),
        kwargs=lambda world: {**_release(world), "label": "Nothing"},
    ),
    Route("standards:reference-list", everyone(OK), kwargs=_release, query="q=law"),
    Route(
        "standards:reference-list",
        everyone(BAD_REQUEST),
        kwargs=_release,
        query="type=x",
    ),
    Route("standards:reference-detail", everyone(OK), kwargs=_numbered(7, "number")),
    Route(
        "standards:reference-detail", everyone(NOT_FOUND), kwargs=_numbered(8, "number")
    ),
    Route("standards:exchange-list", everyone(OK), kwargs=_release, query="q=gtas"),
    Route("standards:exchange-detail", everyone(OK), kwargs=_numbered(1)),
    Route("standards:exchange-detail", everyone(NOT_FOUND), kwargs=_numbered(2)),
    Route("standards:specification-detail", everyone(OK), kwargs=_numbered(1)),
    Route("standards:specification-detail", everyone(NOT_FOUND), kwargs=_numbered(2)),
    Route("standards:report-list", everyone(OK), kwargs=_release, query="q=trial"),
    Route("standards:report-detail", everyone(OK), kwargs=_numbered(1)),
    Route("standards:report-detail", everyone(NOT_FOUND), kwargs=_numbered(2)),
    Route("standards:change-log", everyone(OK), kwargs=_release),
    Route("standards:release-diff", everyone(OK)),
    Route(
        "standards:release-diff",
        everyone(OK),
        query="old=FY2096&new=FY2097",
    ),
    Route("standards:release-diff", everyone(BAD_REQUEST), query="old=x&new=x"),
    Route("standards:release-export", everyone(OK), kwargs=_export("json")),
    Route("standards:release-export", everyone(OK), kwargs=_export("csv")),
    Route("standards:release-export", everyone(OK), kwargs=_export("oscal")),
    Route("standards:release-export", everyone(NOT_FOUND), kwargs=_export("pdf")),
]
